//! Accounts: the rules for user names and passwords, and the views of an
//! account that cross the wire.
//!
//! Both the browser (for instant feedback) and the server (as the authority)
//! run the same validators.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::ValidationError;

/// Shortest user name, in characters.
pub const USERNAME_MIN_CHARS: usize = 3;
/// Longest user name, in characters.
pub const USERNAME_MAX_CHARS: usize = 32;
/// Shortest password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest password, in characters. Argon2 would take more, but nobody types
/// more, and a bound keeps hashing cost predictable.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A user's role. The first account on a fresh install is an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Can manage the installation.
    Admin,
    /// A regular user.
    Member,
}

impl Role {
    /// The role's name as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    /// Parses the database name of a role.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

/// A valid user name.
///
/// Names are NFC-normalised for display. Two names that differ only in case
/// or in Unicode compatibility forms (`Ｂｏｂ` and `bob`) are the same
/// account: [`Username::key`] is what uniqueness and log-in use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    /// Validates and normalises a user name typed by a person.
    ///
    /// Surrounding whitespace is dropped. The rest must be 3 to 32 letters or
    /// digits in any script, or `_`, `-`, `.`, starting with a letter or digit.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let err = |message: &str| ValidationError::new("username", message);
        let name: String = input.trim().nfc().collect();
        let count = name.chars().count();
        if count == 0 {
            return Err(err("Enter a user name."));
        }
        if count < USERNAME_MIN_CHARS {
            return Err(err(&format!(
                "Use at least {USERNAME_MIN_CHARS} characters."
            )));
        }
        if count > USERNAME_MAX_CHARS {
            return Err(err(&format!(
                "Use at most {USERNAME_MAX_CHARS} characters."
            )));
        }
        if let Some(bad) = name.chars().find(|c| !is_name_char(*c)) {
            let shown = if bad.is_whitespace() || bad.is_control() {
                "spaces or invisible characters".to_string()
            } else {
                format!("“{bad}”")
            };
            return Err(err(&format!(
                "Use letters, digits, “_”, “-” or “.”; not {shown}."
            )));
        }
        if !name.chars().next().is_some_and(char::is_alphanumeric) {
            return Err(err("Start with a letter or a digit."));
        }
        Ok(Self(name))
    }

    /// Wraps a name read back from the database, which was validated when it
    /// was stored.
    pub fn from_trusted(name: String) -> Self {
        Self(name)
    }

    /// The name as the user typed it (NFC-normalised).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identity of the name: compatibility-normalised and lowercased.
    pub fn key(&self) -> String {
        username_key(&self.0)
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The identity of any typed name, valid or not: what log-in looks up and
/// what rate limits count against.
pub fn username_key(input: &str) -> String {
    input.trim().nfkc().collect::<String>().to_lowercase()
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Checks a new password and returns it NFKC-normalised, the form that is
/// hashed, so that the same typed password matches on every keyboard.
///
/// `username` is the account's name: a password equal to it is refused.
pub fn validate_new_password(password: &str, username: &str) -> Result<String, ValidationError> {
    let err = |message: String| ValidationError::new("password", message);
    let normalised = normalise_password(password);
    let count = normalised.chars().count();
    if count == 0 {
        return Err(err("Enter a password.".into()));
    }
    if count < PASSWORD_MIN_CHARS {
        return Err(err(format!(
            "Use at least {PASSWORD_MIN_CHARS} characters."
        )));
    }
    if count > PASSWORD_MAX_CHARS {
        return Err(err(format!("Use at most {PASSWORD_MAX_CHARS} characters.")));
    }
    if normalised.chars().any(char::is_control) {
        return Err(err("Remove invisible control characters.".into()));
    }
    if username_key(&normalised) == username_key(username) {
        return Err(err("Choose a password that is not your user name.".into()));
    }
    Ok(normalised)
}

/// The form of a password that is hashed and verified.
pub fn normalise_password(password: &str) -> String {
    password.nfkc().collect()
}

/// What the register form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterForm {
    /// The wanted user name.
    pub username: String,
    /// The new password.
    pub password: String,
    /// The password again, to catch typos.
    pub confirm: String,
}

impl RegisterForm {
    /// Checks every field, as the server will. Returns the normalised name
    /// and password.
    pub fn validate(&self) -> Result<(Username, String), ValidationError> {
        let username = Username::parse(&self.username)?;
        let password = validate_new_password(&self.password, username.as_str())?;
        if normalise_password(&self.confirm) != password {
            return Err(ValidationError::new(
                "confirm",
                "The passwords do not match.",
            ));
        }
        Ok((username, password))
    }
}

/// What the log-in form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginForm {
    /// The user name, in any case.
    pub username: String,
    /// The password.
    pub password: String,
    /// Where to go afterwards (a path on this site); see [`local_redirect`].
    #[serde(default)]
    pub next: Option<String>,
}

impl LoginForm {
    /// Checks that both fields are filled in and not absurdly long. Whether
    /// they are right is for the server to say.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.username.trim().is_empty() {
            return Err(ValidationError::new("username", "Enter your user name."));
        }
        if self.username.chars().count() > USERNAME_MAX_CHARS * 4 {
            return Err(ValidationError::new(
                "username",
                "That user name is too long.",
            ));
        }
        if self.password.is_empty() {
            return Err(ValidationError::new("password", "Enter your password."));
        }
        if self.password.chars().count() > PASSWORD_MAX_CHARS * 4 {
            return Err(ValidationError::new(
                "password",
                "That password is too long.",
            ));
        }
        Ok(())
    }
}

/// The path to go to after logging in: `next` when it is a path on this
/// site, else `/`. Anything that could leave the site (`//evil.example`,
/// `https://…`, `/\\evil`) is ignored, so a crafted link cannot bounce a
/// user to another site.
pub fn local_redirect(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The logged-in user, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// The account's id.
    pub id: Uuid,
    /// The account's name.
    pub username: String,
    /// The account's role.
    pub role: Role,
}

impl SessionUser {
    /// Whether the user may manage the installation.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// One or two letters for the avatar.
    pub fn initials(&self) -> String {
        self.username
            .chars()
            .take(1)
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// The account page's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    /// Who.
    pub user: SessionUser,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// Sessions that are signed in now, this one included.
    pub active_sessions: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_nfc_normalised() {
        // "é" typed as e + combining acute becomes the single code point.
        let name = Username::parse("  Rene\u{301}e  ").unwrap();
        assert_eq!(name.as_str(), "Ren\u{e9}e");
    }

    #[test]
    fn names_in_any_script_are_accepted() {
        for ok in [
            "Zoë",
            "山田太郎",
            "Ђорђе",
            "أحمد_1",
            "bob.smith",
            "x-y_z",
            "007",
        ] {
            assert!(Username::parse(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn empty_short_and_overlong_names_are_refused_with_reasons() {
        assert_eq!(
            Username::parse("   ").unwrap_err().message,
            "Enter a user name."
        );
        assert!(
            Username::parse("ab")
                .unwrap_err()
                .message
                .contains("at least 3")
        );
        let long = "a".repeat(USERNAME_MAX_CHARS + 1);
        assert!(
            Username::parse(&long)
                .unwrap_err()
                .message
                .contains("at most 32")
        );
        // 32 characters of a multi-byte script are fine: we count characters, not bytes.
        assert!(Username::parse(&"語".repeat(USERNAME_MAX_CHARS)).is_ok());
    }

    #[test]
    fn sql_looking_and_markup_names_are_refused_by_the_character_rule() {
        for bad in [
            "Robert'); DROP TABLE users;--",
            "<script>",
            "a b",
            "tab\there",
            "nul\0x",
        ] {
            let err = Username::parse(bad).unwrap_err();
            assert_eq!(err.field, "username");
            assert!(
                err.message.starts_with("Use letters"),
                "{bad}: {}",
                err.message
            );
        }
        assert_eq!(
            Username::parse("_bob").unwrap_err().message,
            "Start with a letter or a digit."
        );
    }

    #[test]
    fn keys_fold_case_and_compatibility_forms() {
        let a = Username::parse("Bob").unwrap();
        let b = Username::parse("ＢＯＢ").unwrap(); // full-width letters
        assert_eq!(a.key(), "bob");
        assert_eq!(a.key(), b.key());
        assert_eq!(username_key("  ÉMILE "), "émile");
    }

    #[test]
    fn passwords_have_bounds_and_are_nfkc_normalised() {
        assert!(
            validate_new_password("short", "bob")
                .unwrap_err()
                .message
                .contains("at least 8")
        );
        assert!(validate_new_password(&"x".repeat(129), "bob").is_err());
        assert_eq!(
            validate_new_password(&"x".repeat(128), "bob")
                .unwrap()
                .len(),
            128
        );
        assert_eq!(
            validate_new_password("", "bob").unwrap_err().message,
            "Enter a password."
        );
        // The "ﬁ" ligature and "fi" are one password.
        assert_eq!(
            validate_new_password("ﬁrefly-42!", "bob").unwrap(),
            "firefly-42!"
        );
        assert!(validate_new_password("pass\u{7}word1", "bob").is_err());
    }

    #[test]
    fn a_password_equal_to_the_name_is_refused() {
        let err = validate_new_password("Alexander", "alexander").unwrap_err();
        assert!(err.message.contains("not your user name"));
    }

    #[test]
    fn register_form_checks_the_confirmation() {
        let form = RegisterForm {
            username: "ada".into(),
            password: "correct horse".into(),
            confirm: "correct hose".into(),
        };
        assert_eq!(form.validate().unwrap_err().field, "confirm");
        let form = RegisterForm {
            confirm: "correct horse".into(),
            ..form
        };
        let (name, password) = form.validate().unwrap();
        assert_eq!((name.as_str(), password.as_str()), ("ada", "correct horse"));
    }

    #[test]
    fn login_form_needs_both_fields() {
        let empty = LoginForm::default();
        assert_eq!(empty.validate().unwrap_err().field, "username");
        let no_password = LoginForm {
            username: "ada".into(),
            ..LoginForm::default()
        };
        assert_eq!(no_password.validate().unwrap_err().field, "password");
        let huge = LoginForm {
            username: "ada".into(),
            password: "p".repeat(10_000),
            next: None,
        };
        assert!(huge.validate().is_err());
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_redirect(Some("/gallery?page=2")), "/gallery?page=2");
        for unsafe_target in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "gallery",
            "/a\nb",
            "",
        ] {
            assert_eq!(
                local_redirect(Some(unsafe_target)),
                "/",
                "{unsafe_target:?}"
            );
        }
        assert_eq!(local_redirect(None), "/");
    }

    #[test]
    fn roles_round_trip_through_their_database_names() {
        for role in [Role::Admin, Role::Member] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn initials_uppercase_the_first_letter() {
        let user = SessionUser {
            id: Uuid::nil(),
            username: "émile".into(),
            role: Role::Member,
        };
        assert_eq!(user.initials(), "É");
    }
}
