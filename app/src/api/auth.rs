//! Registration, log-in, log-out and "who am I".

use easel_domain::account::{LoginForm, RegisterForm, SessionUser};
use leptos::prelude::*;

use crate::AppError;

/// Creates an account, logs it in, and sends the browser to the studio.
#[server(endpoint = "auth/register")]
pub async fn register(form: RegisterForm) -> Result<SessionUser, AppError> {
    use crate::ssr;
    let state = ssr::app_state()?;
    let request = ssr::request_context().await?;
    let (user, session) = state
        .engine
        .accounts
        .register(&form, &request.client)
        .await?;
    ssr::set_cookie(ssr::session_cookie(
        &session.token,
        session.expires_at,
        request.https,
    ));
    leptos_axum::redirect("/");
    Ok(user)
}

/// Checks a name and password, opens a session, and sends the browser on
/// to `form.next` (a local path) or the studio.
#[server(endpoint = "auth/login")]
pub async fn login(form: LoginForm) -> Result<SessionUser, AppError> {
    use crate::ssr;
    let state = ssr::app_state()?;
    let request = ssr::request_context().await?;
    let (user, session) = state.engine.accounts.login(&form, &request.client).await?;
    ssr::set_cookie(ssr::session_cookie(
        &session.token,
        session.expires_at,
        request.https,
    ));
    leptos_axum::redirect(&easel_domain::account::local_redirect(form.next.as_deref()));
    Ok(user)
}

/// Ends the current session (if any) and sends the browser to the log-in
/// page.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{self, SessionLookup};
    let state = ssr::app_state()?;
    let request = ssr::request_context().await?;
    if let SessionLookup::Authenticated(session) = &request.session {
        state.engine.accounts.logout(&session.token).await?;
    }
    ssr::set_cookie(ssr::clear_session_cookie(request.https));
    leptos_axum::redirect("/login");
    Ok(())
}

/// The logged-in user, or `None`.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use crate::ssr::{self, SessionLookup};
    match ssr::request_context().await?.session {
        SessionLookup::Authenticated(session) => Ok(Some(session.user)),
        SessionLookup::Unavailable => Err(AppError::Unavailable),
        SessionLookup::Anonymous | SessionLookup::Invalid => Ok(None),
    }
}
