//! Password hashing with argon2id, off the async threads.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::rngs::OsRng;
use tokio::sync::{OnceCell, Semaphore};

/// Hashes and verifies passwords on the blocking pool.
///
/// Argon2id with the argon2 crate's defaults (19 MiB, 2 passes, 1 lane: the
/// OWASP recommendation) costs tens of milliseconds of CPU per call, so
/// calls run in `spawn_blocking`, at most one per core at a time: a burst of
/// log-ins queues instead of starving everything else.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy_hash: Arc<OnceCell<String>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            permits: Arc::new(Semaphore::new(cores)),
            dummy_hash: Arc::default(),
        }
    }
}

/// Hashing failed (out of memory, or a corrupt stored hash).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl PasswordHasher {
    /// Returns the PHC string for a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| HashError(e.to_string()))
        })
        .await
        .map_err(|e| HashError(e.to_string()))?
    }

    /// Checks `password` against a stored PHC string. With no stored hash
    /// (unknown user), it verifies against a dummy hash and returns false,
    /// so that an unknown name takes as long as a wrong password and does
    /// not reveal which names exist.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let known = stored.is_some();
        let stored = match stored {
            Some(hash) => hash,
            None => self.dummy_hash().await?,
        };
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        let matches = tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&stored).map_err(|e| HashError(e.to_string()))?;
            Ok::<_, HashError>(
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
            )
        })
        .await
        .map_err(|e| HashError(e.to_string()))??;
        Ok(known && matches)
    }

    async fn dummy_hash(&self) -> Result<String, HashError> {
        self.dummy_hash
            .get_or_try_init(|| self.hash("easel-dummy-password-for-timing".into()))
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_are_salted_argon2id() {
        let hasher = PasswordHasher::default();
        let first = hasher.hash("hunter2hunter2".into()).await.unwrap();
        let second = hasher.hash("hunter2hunter2".into()).await.unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
        assert!(
            hasher
                .verify("hunter2hunter2".into(), Some(first.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("hunter2hunter3".into(), Some(first))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies_even_with_the_dummy_password() {
        let hasher = PasswordHasher::default();
        assert!(
            !hasher
                .verify("easel-dummy-password-for-timing".into(), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_match() {
        let hasher = PasswordHasher::default();
        assert!(
            hasher
                .verify("anything".into(), Some("not a phc string".into()))
                .await
                .is_err()
        );
    }
}
