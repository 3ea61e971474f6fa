//! The one error type that crosses the wire.
//!
//! Every server function returns `Result<T, AppError>`. Variants say what a
//! person can do about the problem; none carries database text or other
//! internals (those are logged on the server, once, where they are mapped).

use easel_domain::ValidationError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms the UI can show and the HTTP layer can map to a
/// status code (see [`AppError::status`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session: log in first.
    #[error("Please log in to continue.")]
    Unauthorized,
    /// Logged in, but not allowed.
    #[error("You do not have access to that.")]
    Forbidden,
    /// The thing asked for does not exist (or is not yours).
    #[error("That was not found.")]
    NotFound,
    /// A field's value breaks a rule.
    #[error("{message}")]
    Invalid {
        /// The form field, e.g. `"username"`.
        field: String,
        /// What to change.
        message: String,
    },
    /// A field's value clashes with existing data (e.g. a taken name).
    #[error("{message}")]
    Conflict {
        /// The form field.
        field: String,
        /// What clashed.
        message: String,
    },
    /// Wrong user name or password (deliberately not saying which).
    #[error("Wrong user name or password.")]
    InvalidCredentials,
    /// Too many attempts; try again later.
    #[error("Too many attempts. Try again in {}.", human_wait(*retry_after_secs))]
    TooManyRequests {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// This server does not accept new accounts.
    #[error("This server does not accept new accounts. Ask its admin to create one for you.")]
    RegistrationClosed,
    /// The request body is over the server's limit.
    #[error("That request is too large for this server.")]
    PayloadTooLarge,
    /// The request could not be understood (malformed or missing fields).
    #[error("The request was malformed: {message}")]
    BadRequest {
        /// What could not be read.
        message: String,
    },
    /// A dependency (the database, a provider) is down or overloaded.
    #[error("The service is temporarily unavailable. Try again in a moment.")]
    Unavailable,
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network {
        /// The browser's reason, for the console.
        message: String,
    },
    /// A bug or an unexpected failure on the server; details are in its log.
    #[error(
        "Something went wrong on the server. Try again; if it keeps happening, tell the admin."
    )]
    Internal,
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::RegistrationClosed => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::PayloadTooLarge => 413,
            AppError::Invalid { .. } => 422,
            AppError::TooManyRequests { .. } => 429,
            AppError::BadRequest { .. } => 400,
            AppError::Unavailable => 503,
            AppError::Network { .. } | AppError::Internal => 500,
        }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Seconds after which a retry may succeed (for `Retry-After`).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(err: ValidationError) -> Self {
        AppError::Invalid {
            field: err.field,
            message: err.message,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// An error body the browser cannot read (a proxy's HTML page, say) is
    /// the server's problem, not a malformed request of ours.
    fn de(data: leptos::server_fn::Bytes) -> Self {
        use leptos::server_fn::Decodes;
        <JsonEncoding as Decodes<AppError>>::decode(data).unwrap_or(AppError::Internal)
    }

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments could not be read: a malformed request.
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => AppError::BadRequest { message },
            // The browser's request never got an answer.
            ServerFnErrorErr::Request(message) => AppError::Network { message },
            _ => AppError::Internal,
        }
    }
}

/// "3 minutes", "1 hour", "40 seconds".
fn human_wait(secs: u64) -> String {
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match secs {
        0..=59 => plural(secs.max(1), "second"),
        60..=3599 => plural(secs.div_ceil(60), "minute"),
        _ => plural(secs.div_ceil(3600), "hour"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_their_wire_encoding() {
        for err in [
            AppError::Unauthorized,
            AppError::Invalid {
                field: "username".into(),
                message: "Use at least 3 characters.".into(),
            },
            AppError::TooManyRequests {
                retry_after_secs: 90,
            },
            AppError::BadRequest {
                message: "missing field `form`".into(),
            },
        ] {
            let bytes = err.ser();
            assert_eq!(AppError::de(bytes), err);
        }
    }

    #[test]
    fn undecodable_bodies_become_an_internal_error() {
        assert_eq!(
            AppError::de("<html>502 Bad Gateway</html>".into()),
            AppError::Internal
        );
    }

    #[test]
    fn statuses_are_client_errors_for_client_mistakes() {
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::InvalidCredentials.status(), 401);
        assert_eq!(AppError::PayloadTooLarge.status(), 413);
        assert_eq!(
            AppError::TooManyRequests {
                retry_after_secs: 1
            }
            .status(),
            429
        );
        assert_eq!(
            AppError::from(ValidationError::new("password", "x")).status(),
            422
        );
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn server_fn_failures_map_to_meaningful_variants() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(
            err,
            AppError::BadRequest {
                message: "bad".into()
            }
        );
        let err =
            AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db exploded".into()));
        assert_eq!(err, AppError::Internal);
        assert!(!err.to_string().contains("db exploded"));
    }

    #[test]
    fn waits_read_naturally() {
        let wait = |secs| {
            AppError::TooManyRequests {
                retry_after_secs: secs,
            }
            .to_string()
        };
        assert_eq!(wait(1), "Too many attempts. Try again in 1 second.");
        assert_eq!(wait(61), "Too many attempts. Try again in 2 minutes.");
        assert_eq!(wait(900), "Too many attempts. Try again in 15 minutes.");
        assert_eq!(wait(3601), "Too many attempts. Try again in 2 hours.");
    }
}
