//! The prompt library: templates (own and public), the user's style
//! presets, wildcard lists, and prompt history with full-text and
//! substring search. Every statement filters on the user; another user's
//! private row is "not found".

mod history;
mod styles;
mod templates;
mod wildcards;

use easel_domain::ValidationError;
use sqlx::PgPool;

pub use history::NewHistory;

/// Why a library call failed.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The input breaks a rule; every problem is listed.
    #[error("invalid input")]
    Invalid(Vec<ValidationError>),
    /// The name is taken by another of the user's rows.
    #[error("name taken")]
    NameTaken,
    /// No such row (or not the user's).
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for LibraryError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db)
                if db
                    .constraint()
                    .is_some_and(|c| c.ends_with("_user_name_unique")) =>
            {
                LibraryError::NameTaken
            }
            sqlx::Error::RowNotFound => LibraryError::NotFound,
            _ => LibraryError::Database(err),
        }
    }
}

/// The service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Library {
    db: PgPool,
}

impl Library {
    /// Builds the service.
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }
}
