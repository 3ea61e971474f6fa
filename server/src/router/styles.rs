//! `/styles/{id}/preview.jpg` (built-in styles, for anyone) and
//! `/styles/user/{id}/preview.jpg` (a user's own style, for its owner):
//! small previews drawn by the built-in engine from each style's sample
//! scene, cached on disk.

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use easel_app::ssr::{AppState, RequestContext, SessionLookup};
use easel_domain::prompt::strip_weights;
use easel_domain::prompt::styles::{StyleSpec, apply_styles, find_style};
use uuid::Uuid;

/// The scene user styles are previewed on.
const USER_STYLE_SCENE: &str = "a lighthouse on a cliff by the sea at sunset";

/// A built-in style's preview.
pub async fn builtin_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some(id) = file.strip_suffix(".jpg") else {
        return not_found();
    };
    let Some(style) = find_style(id) else {
        return not_found();
    };
    let (prompt, _) = apply_styles(style.preview_prompt, "", &[StyleSpec::from(style)]);
    render(
        &state,
        &headers,
        &strip_weights(&prompt),
        "public, max-age=86400",
    )
    .await
}

/// A user style's preview (its owner only; anyone else gets 404).
pub async fn user_preview(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let user_id = match context.session {
        SessionLookup::Authenticated(session) => session.user.id,
        SessionLookup::Unavailable => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        _ => return (StatusCode::UNAUTHORIZED, "Log in to see your styles.").into_response(),
    };
    let Some(id) = file
        .strip_suffix(".jpg")
        .and_then(|id| Uuid::parse_str(id).ok())
    else {
        return not_found();
    };
    let styles = match state.engine.library.styles_by_id(user_id, &[id]).await {
        Ok(styles) => styles,
        Err(err) => {
            tracing::error!(error = %err, "style lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Some(style) = styles.into_iter().next() else {
        return not_found();
    };
    let spec = StyleSpec {
        id: style.id.to_string(),
        name: style.name,
        category: style.category,
        positive: style.positive,
        negative: style.negative,
    };
    let (prompt, _) = apply_styles(USER_STYLE_SCENE, "", &[spec]);
    render(
        &state,
        &headers,
        &strip_weights(&prompt),
        "private, max-age=3600",
    )
    .await
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    prompt: &str,
    cache: &'static str,
) -> Response {
    let preview = match state.engine.previews.preview(prompt).await {
        Ok(preview) => preview,
        Err(err) => {
            tracing::error!(error = %err, "drawing a style preview failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == preview.etag));
    let etag = HeaderValue::from_str(&preview.etag).ok();
    if matches {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Some(etag) = etag {
            response.headers_mut().insert(header::ETAG, etag);
        }
        return response;
    }
    let mut response = Response::new(Body::from(preview.jpeg));
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(etag) = etag {
        out.insert(header::ETAG, etag);
    }
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such style.").into_response()
}
