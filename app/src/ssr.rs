//! Server-only glue between HTTP and the server functions: the shared
//! state, the session cookie, and the middleware that resolves who is
//! asking before any page or server function runs.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, Utc};
use easel_domain::account::SessionUser;
use easel_engine::accounts::{AccountError, AuthenticatedSession, SessionToken};
use easel_engine::db::SqlxError;
use easel_engine::{ClientMeta, Engine};
use http::header::{HeaderValue, SET_COOKIE};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::AppError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "easel_session";

/// When to mark cookies `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecureCookies {
    /// When the request came over https (directly, or per
    /// `X-Forwarded-Proto` from a trusted proxy).
    #[default]
    Auto,
    /// Always (the public URL is https).
    Always,
}

/// HTTP-level settings the server functions need.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// When cookies get `Secure`.
    pub secure_cookies: SecureCookies,
    /// Whether `X-Forwarded-For` / `X-Forwarded-Proto` come from a reverse
    /// proxy we trust (otherwise they are ignored: anyone can send them).
    pub trust_proxy: bool,
    /// Largest request body accepted, in bytes.
    pub max_request_bytes: usize,
    /// Largest image file one upload (import) may carry, in bytes; the
    /// upload route has its own body limit, a multiple of this.
    pub max_upload_file_bytes: usize,
    /// Where people reach the studio (`--public-url`), for absolute links
    /// such as a public page's `og:image`; else the request's own host.
    pub public_url: Option<String>,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            secure_cookies: SecureCookies::Auto,
            trust_proxy: false,
            max_request_bytes: 2 * 1024 * 1024,
            max_upload_file_bytes: 50 * 1024 * 1024,
            public_url: None,
        }
    }
}

/// Everything handlers and server functions share. Built once at start-up.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos's options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The engine's services.
    pub engine: Engine,
    /// HTTP settings.
    pub web: WebSettings,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What the session middleware learned about a request; server functions
/// read it with [`request_context`].
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The client's address and browser.
    pub client: ClientMeta,
    /// Whether the request came over https.
    pub https: bool,
    /// The session, if the cookie named one.
    pub session: SessionLookup,
}

/// The outcome of looking up the session cookie.
#[derive(Debug, Clone)]
pub enum SessionLookup {
    /// No cookie.
    Anonymous,
    /// A live session.
    Authenticated(AuthenticatedSession),
    /// A cookie that is malformed, unknown or expired: it gets cleared.
    Invalid,
    /// The database did not answer, so we cannot tell.
    Unavailable,
}

/// Resolves the client and session of every page and server-function
/// request, and maintains the cookie on the way out: clears an invalid one,
/// re-issues a renewed one.
pub async fn session_middleware(
    State(state): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    let client = client_meta(&mut request, state.web.trust_proxy).await;
    let https = is_https(&request, &state.web);
    let session = match jar.get(SESSION_COOKIE) {
        None => SessionLookup::Anonymous,
        Some(cookie) => match SessionToken::parse(cookie.value()) {
            None => SessionLookup::Invalid,
            Some(token) => match state.engine.accounts.authenticate(&token).await {
                Ok(Some(session)) => SessionLookup::Authenticated(session),
                Ok(None) => SessionLookup::Invalid,
                Err(err) => {
                    tracing::error!(error = %err, "session lookup failed");
                    SessionLookup::Unavailable
                }
            },
        },
    };
    if let SessionLookup::Authenticated(session) = &session {
        tracing::Span::current().record("user_id", tracing::field::display(session.user.id));
    }
    let cookie_update = match &session {
        SessionLookup::Invalid => Some(clear_session_cookie(https)),
        SessionLookup::Authenticated(s) if s.renewed => {
            Some(session_cookie(&s.token, s.expires_at, https))
        }
        _ => None,
    };
    request.extensions_mut().insert(RequestContext {
        client,
        https,
        session,
    });
    let mut response = next.run(request).await;
    // A handler that set the cookie itself (log-in, log-out) knows better.
    let handler_set_cookie = response.headers().get_all(SET_COOKIE).iter().any(|value| {
        value
            .as_bytes()
            .starts_with(format!("{SESSION_COOKIE}=").as_bytes())
    });
    if let (Some(cookie), false) = (cookie_update, handler_set_cookie) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

async fn client_meta(request: &mut Request, trust_proxy: bool) -> ClientMeta {
    use axum::RequestExt;
    // Through the extractor, so that tests' `MockConnectInfo` works too.
    let peer = request
        .extract_parts::<ConnectInfo<SocketAddr>>()
        .await
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    // Behind a trusted proxy, the client is the last address it appended;
    // earlier entries are whatever the client claimed.
    let forwarded = trust_proxy
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()?
                .trim()
                .parse()
                .ok()
        })
        .flatten();
    let user_agent = request
        .headers()
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    ClientMeta::new(forwarded.unwrap_or(peer), user_agent)
}

fn is_https(request: &Request, web: &WebSettings) -> bool {
    web.secure_cookies == SecureCookies::Always
        || request.uri().scheme_str() == Some("https")
        || (web.trust_proxy
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"))
}

/// The `Set-Cookie` value for a session.
pub fn session_cookie(
    token: &SessionToken,
    expires_at: DateTime<Utc>,
    secure: bool,
) -> HeaderValue {
    let max_age = (expires_at - Utc::now()).num_seconds().max(0);
    cookie_header(token.as_str(), max_age, secure)
}

/// The `Set-Cookie` value that deletes the session cookie.
pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    cookie_header("", 0, secure)
}

fn cookie_header(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).expect("tokens are base64url, so the header is ASCII")
}

/// The shared state, inside a server function or a render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to the server function");
        AppError::Internal
    })
}

/// The session middleware's findings for the current request.
pub async fn request_context() -> Result<RequestContext, AppError> {
    leptos_axum::extract::<axum::Extension<RequestContext>>()
        .await
        .map(|ext| ext.0)
        .map_err(|err| {
            tracing::error!(error = %err, "the session middleware did not run for this request");
            AppError::Internal
        })
}

/// The logged-in user, or `Unauthorized`.
pub async fn require_user() -> Result<SessionUser, AppError> {
    match request_context().await?.session {
        SessionLookup::Authenticated(session) => Ok(session.user),
        SessionLookup::Unavailable => Err(AppError::Unavailable),
        SessionLookup::Anonymous | SessionLookup::Invalid => Err(AppError::Unauthorized),
    }
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(SET_COOKIE, value);
    }
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Invalid(invalid) => invalid.into(),
            AccountError::UsernameTaken => AppError::Conflict {
                field: "username".into(),
                message: "That user name is taken. Choose another.".into(),
            },
            AccountError::InvalidCredentials => AppError::InvalidCredentials,
            AccountError::RateLimited {
                retry_after_secs, ..
            } => AppError::TooManyRequests { retry_after_secs },
            AccountError::RegistrationClosed => AppError::RegistrationClosed,
            AccountError::UserNotFound => AppError::NotFound,
            AccountError::Hash(err) => {
                tracing::error!(error = %err, "password hashing failed");
                AppError::Internal
            }
            AccountError::Database(err) => database_error(err),
        }
    }
}

/// Maps a database error by kind, logging its detail once, here.
pub fn database_error(err: SqlxError) -> AppError {
    use SqlxError as E;
    match err {
        E::PoolTimedOut | E::PoolClosed | E::Io(_) => {
            tracing::error!(error = %err, "database unavailable");
            AppError::Unavailable
        }
        E::RowNotFound => AppError::NotFound,
        other => {
            tracing::error!(error = %other, "database error");
            AppError::Internal
        }
    }
}

impl From<easel_engine::generation::GenerationError> for AppError {
    fn from(err: easel_engine::generation::GenerationError) -> Self {
        use easel_engine::generation::GenerationError as E;
        match err {
            E::Invalid(errors) => errors
                .into_iter()
                .next()
                .map_or(AppError::Internal, AppError::from),
            E::TooManyActiveJobs { limit } => AppError::Conflict {
                field: "count".into(),
                message: format!(
                    "You already have {limit} jobs waiting or running. Let some finish, or cancel a few."
                ),
            },
            E::NotFound => AppError::NotFound,
            E::Database(err) => database_error(err),
        }
    }
}

impl From<easel_engine::library::LibraryError> for AppError {
    fn from(err: easel_engine::library::LibraryError) -> Self {
        use easel_engine::library::LibraryError as E;
        match err {
            E::Invalid(errors) => errors
                .into_iter()
                .next()
                .map_or(AppError::Internal, AppError::from),
            E::NameTaken => AppError::Conflict {
                field: "name".into(),
                message: "You already have one with that name.".into(),
            },
            E::NotFound => AppError::NotFound,
            E::Database(err) => database_error(err),
        }
    }
}

impl From<easel_engine::images::ImageError> for AppError {
    fn from(err: easel_engine::images::ImageError) -> Self {
        use easel_engine::images::ImageError as E;
        match err {
            E::NotFound => AppError::NotFound,
            E::Invalid(invalid) => invalid.into(),
            E::Database(err) => database_error(err),
        }
    }
}

impl From<easel_engine::galleries::GalleryError> for AppError {
    fn from(err: easel_engine::galleries::GalleryError) -> Self {
        use easel_engine::galleries::GalleryError as E;
        match err {
            E::NotFound => AppError::NotFound,
            E::Invalid(invalid) => invalid.into(),
            E::NameTaken => AppError::Invalid {
                field: "name".into(),
                message: "You already have a gallery with that name.".into(),
            },
            E::TooMany => AppError::Invalid {
                field: "name".into(),
                message: format!(
                    "You have {} galleries, the most one account may keep. Delete some first.",
                    easel_engine::galleries::MAX_GALLERIES_PER_USER
                ),
            },
            E::Database(err) => database_error(err),
        }
    }
}

/// The signed-in user of an axum route. Without a live session the route
/// answers `Unauthorized` (or `Unavailable` when the database is down), as
/// the same JSON a server function would send.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

/// The signed-in user, if any, of an axum route that anonymous visitors
/// may use too (public pages and their files).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<SessionUser>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, AppError> {
        match session_of(parts)? {
            SessionLookup::Authenticated(session) => Ok(CurrentUser(session.user.clone())),
            SessionLookup::Unavailable => Err(AppError::Unavailable),
            SessionLookup::Anonymous | SessionLookup::Invalid => Err(AppError::Unauthorized),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, AppError> {
        match session_of(parts)? {
            SessionLookup::Authenticated(session) => Ok(MaybeUser(Some(session.user.clone()))),
            // A public page still works while sessions cannot be read; the
            // visitor is simply treated as anonymous.
            _ => Ok(MaybeUser(None)),
        }
    }
}

/// The session the middleware found; its absence is a wiring bug.
fn session_of(parts: &http::request::Parts) -> Result<&SessionLookup, AppError> {
    parts
        .extensions
        .get::<RequestContext>()
        .map(|context| &context.session)
        .ok_or_else(|| {
            tracing::error!("the session middleware did not run for this route");
            AppError::Internal
        })
}

/// Axum routes answer errors exactly as server functions do: the status
/// of [`AppError::status`], the JSON body, and `Retry-After` when known.
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after_secs();
        let mut response = (status, axum::Json(self)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The absolute origin of this request's site, without a trailing slash:
/// `--public-url` when set, else the scheme and `Host` of the request.
pub async fn site_origin() -> Result<String, AppError> {
    let state = app_state()?;
    if let Some(url) = &state.web.public_url {
        return Ok(url.trim_end_matches('/').to_owned());
    }
    let context = request_context().await?;
    let headers: http::HeaderMap = leptos_axum::extract().await.map_err(|err| {
        tracing::error!(error = %err, "could not read the request headers");
        AppError::Internal
    })?;
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|host| {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if context.https { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}
