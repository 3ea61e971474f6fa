//! `/images/{id}`, `/images/{id}/thumb/{size}`, `/images/{id}/download`:
//! a user's image files. Another user's image, or an unknown id, is a 404.
//! Files are content-addressed, so the ETag is the content hash and the
//! response may be cached forever (privately: it needs the session).

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use easel_app::ssr::{AppState, RequestContext, SessionLookup};
use easel_engine::gallery::{GalleryError, ImageFile};
use uuid::Uuid;

/// The original PNG, inline.
pub async fn original(
    state: State<AppState>,
    context: Extension<RequestContext>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(state, context, headers, &id, ImageFile::Original, false).await
}

/// The original PNG, as a download.
pub async fn download(
    state: State<AppState>,
    context: Extension<RequestContext>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(state, context, headers, &id, ImageFile::Original, true).await
}

/// A thumbnail: 256 or 512 px.
pub async fn thumbnail(
    state: State<AppState>,
    context: Extension<RequestContext>,
    headers: HeaderMap,
    Path((id, size)): Path<(String, u32)>,
) -> Response {
    let file = match size {
        256 => ImageFile::Thumbnail,
        512 => ImageFile::ThumbnailLarge,
        _ => return (StatusCode::NOT_FOUND, "Thumbnails come in 256 and 512.").into_response(),
    };
    serve(state, context, headers, &id, file, false).await
}

async fn serve(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    headers: HeaderMap,
    id: &str,
    file: ImageFile,
    attachment: bool,
) -> Response {
    let user_id = match context.session {
        SessionLookup::Authenticated(session) => session.user.id,
        SessionLookup::Unavailable => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        _ => return (StatusCode::UNAUTHORIZED, "Log in to see your images.").into_response(),
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return not_found();
    };
    let gallery = &state.engine.gallery;
    let key = match gallery.file_key(user_id, id, file).await {
        Ok((key, _)) => key,
        Err(GalleryError::NotFound) => return not_found(),
        Err(GalleryError::Database(err)) => {
            tracing::error!(error = %err, "image lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let etag = format!("\"{}\"", key.rsplit('/').next().unwrap_or(&key));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let bytes = match gallery.store().get(&key).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, %key, "an image's file is missing from the store");
            return not_found();
        }
    };
    let content_type = if key.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if attachment {
        let name = format!(
            "attachment; filename=\"easel-{}.png\"",
            &id.simple().to_string()[..12]
        );
        if let Ok(value) = HeaderValue::from_str(&name) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such image.").into_response()
}
