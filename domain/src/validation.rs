//! The error every validator in the domain returns.

use serde::{Deserialize, Serialize};

/// Input that breaks a rule, with the form field it belongs to, so the UI can
/// show the message next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The form field at fault, e.g. `"username"`.
    pub field: String,
    /// A sentence a person can act on, e.g. "Use at least 8 characters."
    pub message: String,
}

impl ValidationError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
