//! Image files, each route asking [`easel_engine::access::decide`] first:
//!
//! | route | who |
//! | --- | --- |
//! | `/images/{id}`, `/images/{id}/download`, `/images/{id}/thumb/{size}` | the owner |
//! | `/g/{token}/images/{id}`, `/g/{token}/images/{id}/thumb/{size}` | anyone, while the gallery is public under that token and holds the image |
//! | `/s/{token}/image`, `/s/{token}/thumb/{size}` | anyone, while the share link lives |
//!
//! Anything else is a 404 (an expired link: 410), so a stranger cannot tell
//! a private image from a missing one; only the owner's routes ask an
//! anonymous visitor to log in (401). Files are content-addressed, so the
//! ETag is the content hash. The owner's files may be cached forever,
//! privately; public ones are `public` for a short while only, so that
//! revoking a link takes effect soon even behind a shared cache. When the
//! parameters are hidden, the original is served without its metadata.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use easel_app::AppError;
use easel_app::ssr::{AppState, MaybeUser};
use easel_engine::access::{self, Access, ImageFiles, Via, Visibility};
use uuid::Uuid;

/// Which file of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum File {
    Original { attachment: bool },
    Thumbnail(u32),
}

/// The original, inline (owner).
pub async fn original(
    state: State<AppState>,
    user: MaybeUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    owner_file(
        state,
        user,
        headers,
        &id,
        File::Original { attachment: false },
    )
    .await
}

/// The original, as a download (owner).
pub async fn download(
    state: State<AppState>,
    user: MaybeUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    owner_file(
        state,
        user,
        headers,
        &id,
        File::Original { attachment: true },
    )
    .await
}

/// A thumbnail: 256 or 512 px (owner).
pub async fn thumbnail(
    state: State<AppState>,
    user: MaybeUser,
    headers: HeaderMap,
    Path((id, size)): Path<(String, u32)>,
) -> Response {
    owner_file(state, user, headers, &id, File::Thumbnail(size)).await
}

/// A public gallery's image, original.
pub async fn gallery_original(
    state: State<AppState>,
    user: MaybeUser,
    headers: HeaderMap,
    Path((token, id)): Path<(String, String)>,
) -> Response {
    gallery_file(
        state,
        user,
        headers,
        &token,
        &id,
        File::Original { attachment: false },
    )
    .await
}

/// A public gallery's image, thumbnail.
pub async fn gallery_thumbnail(
    state: State<AppState>,
    user: MaybeUser,
    headers: HeaderMap,
    Path((token, id, size)): Path<(String, String, u32)>,
) -> Response {
    gallery_file(state, user, headers, &token, &id, File::Thumbnail(size)).await
}

/// A shared image, original.
pub async fn share_original(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let via = Via::Share { token: &token };
    serve(
        &state,
        user.map(|u| u.id),
        via,
        &headers,
        File::Original { attachment: false },
    )
    .await
}

/// A shared image, thumbnail.
pub async fn share_thumbnail(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Path((token, size)): Path<(String, u32)>,
) -> Response {
    let via = Via::Share { token: &token };
    serve(
        &state,
        user.map(|u| u.id),
        via,
        &headers,
        File::Thumbnail(size),
    )
    .await
}

async fn owner_file(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    id: &str,
    file: File,
) -> Response {
    let Some(user) = user else {
        return AppError::Unauthorized.into_response();
    };
    let Ok(image_id) = Uuid::parse_str(id) else {
        return not_found();
    };
    serve(
        &state,
        Some(user.id),
        Via::Owner { image_id },
        &headers,
        file,
    )
    .await
}

async fn gallery_file(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    token: &str,
    id: &str,
    file: File,
) -> Response {
    let Ok(image_id) = Uuid::parse_str(id) else {
        return not_found();
    };
    let via = Via::Gallery { token, image_id };
    serve(&state, user.map(|u| u.id), via, &headers, file).await
}

/// Decides, then answers with the file or the refusal.
async fn serve(
    state: &AppState,
    viewer: Option<Uuid>,
    via: Via<'_>,
    headers: &HeaderMap,
    file: File,
) -> Response {
    if let File::Thumbnail(size) = file
        && !easel_domain::gallery::THUMBNAIL_SIZES.contains(&size)
    {
        return not_found();
    }
    let (files, visibility) = match access::decide(&state.engine.db, viewer, via).await {
        Ok(Access::Granted { files, visibility }) => (files, visibility),
        Ok(Access::Expired) => return (StatusCode::GONE, "This link has expired.").into_response(),
        Ok(Access::Denied) => return not_found(),
        Err(err) => {
            tracing::error!(error = %err, "image access check failed");
            return AppError::Unavailable.into_response();
        }
    };
    let (key, content_type, strip) = match file {
        File::Original { .. } => (
            files.image_path.clone(),
            files.media_type.clone(),
            !visibility.parameters,
        ),
        File::Thumbnail(256) => (files.thumbnail_path.clone(), "image/jpeg".to_owned(), false),
        File::Thumbnail(_) => (
            files.thumbnail_large_path.clone(),
            "image/jpeg".to_owned(),
            false,
        ),
    };
    let hash = key.rsplit('/').next().unwrap_or(&key);
    let etag = if strip {
        format!("\"{hash}-bare\"")
    } else {
        format!("\"{hash}\"")
    };
    if matches_etag(headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let bytes = match state.engine.images.store().get(&key).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, %key, "an image's file is missing from the store");
            return not_found();
        }
    };
    let bytes = if strip {
        match easel_engine::imaging::strip_metadata(&bytes, &files.media_type) {
            Ok(bare) => bare,
            Err(err) => {
                // Never serve what the owner chose to hide.
                tracing::error!(error = %err, %key, "could not strip an image's metadata");
                return AppError::Internal.into_response();
            }
        }
    } else {
        bytes
    };
    respond(bytes, &content_type, &etag, visibility, file, &files)
}

fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
}

fn respond(
    bytes: Vec<u8>,
    content_type: &str,
    etag: &str,
    visibility: Visibility,
    file: File,
    files: &ImageFiles,
) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let cache = if visibility.public {
        "public, max-age=300"
    } else {
        "private, max-age=31536000, immutable"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if file == (File::Original { attachment: true }) {
        let extension = match files.media_type.as_str() {
            "image/jpeg" => "jpg",
            "image/webp" => "webp",
            _ => "png",
        };
        let name = format!(
            "attachment; filename=\"easel-{}.{extension}\"",
            &files.id.simple().to_string()[..12]
        );
        if let Ok(value) = HeaderValue::from_str(&name) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

fn not_found() -> Response {
    AppError::NotFound.into_response()
}
