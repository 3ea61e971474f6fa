//! Secrets stay out of the logs: passwords, session tokens, cookies.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use support::*;

/// Collects everything written by the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn passwords_and_session_tokens_never_reach_the_logs(db: PgPool) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let password = "s3cret-Pa55phrase";
    let router = router(db, &config());
    let cookie = register(&router, "ada", password).await;
    let token = cookie.trim_start_matches("easel_session=").to_string();
    call(&router, "auth/login", &login_body("ada", password), None).await;
    call(
        &router,
        "auth/login",
        &login_body("ada", "wrong-Pa55phrase"),
        None,
    )
    .await;
    call(&router, "account/overview", "", Some(&cookie)).await;
    call(&router, "auth/logout", "", Some(&cookie)).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture works: the events we expect are there...
    for expected in [
        "registered",
        "logged in",
        "failed log-in",
        "logged out",
        "request_id",
    ] {
        assert!(
            logs.contains(expected),
            "no {expected:?} in the logs:\n{logs}"
        );
    }
    // ...and the secrets are not.
    for secret in [password, "wrong-Pa55phrase", token.as_str()] {
        assert!(!logs.contains(secret), "{secret:?} leaked into the logs");
    }
}
