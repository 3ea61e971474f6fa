//! `POST /images/upload`: importing images made elsewhere.
//!
//! The body is `multipart/form-data`; every part with a file name is one
//! file (other form fields are ignored). It is streamed: each file is read
//! chunk by chunk up to the per-file limit (`--upload-max-file-mb`) and
//! imported ([`easel_engine::images::Images::import_file`]) before the next
//! is read, so memory holds one file at a time. A file over the limit is
//! not read further and fails with 413; the others go on. The route's own
//! body limit ([`body_limit`]) replaces the server functions' small one.
//!
//! The answer lists every file's outcome ([`UploadResponse`]): 200 when
//! all imported, else the status of the first failure, so a partly failed
//! upload still tells the browser which images it now has.

use axum::Json;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use easel_app::AppError;
use easel_app::ssr::{AppState, CurrentUser, WebSettings, database_error};
use easel_domain::gallery::upload::{UploadResponse, UploadedFile, clean_file_name};
use easel_engine::images::{ImportError, ImportLimits};
use easel_engine::imaging::DecodeLimits;
use uuid::Uuid;

/// How many files of the largest size one upload may carry: the route's
/// body limit is this many times the per-file limit.
pub const MAX_FILES_PER_UPLOAD: usize = 20;

/// Room in the body limit for the multipart framing and form fields.
const MULTIPART_OVERHEAD_BYTES: usize = 1024 * 1024;

/// The name shown for a file part sent without a name.
const UNNAMED_FILE: &str = "unnamed file";

/// The upload route's body limit: [`MAX_FILES_PER_UPLOAD`] files at the
/// per-file limit, plus the framing.
pub fn body_limit(web: &WebSettings) -> usize {
    web.max_upload_file_bytes
        .saturating_mul(MAX_FILES_PER_UPLOAD)
        .saturating_add(MULTIPART_OVERHEAD_BYTES)
}

/// Imports the uploaded files of the signed-in user.
pub async fn upload_images(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Result<CurrentUser, AppError>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    // Same rule as the server functions: the session cookie is SameSite=Lax,
    // but a browser that says the request is cross-site is refused anyway.
    if headers
        .get("sec-fetch-site")
        .is_some_and(|site| site == "cross-site")
    {
        tracing::warn!("refused a cross-site upload");
        return AppError::Forbidden.into_response();
    }
    let user = match user {
        Ok(CurrentUser(user)) => user,
        Err(err) => return err.into_response(),
    };
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => return bad_request(rejection.body_text()).into_response(),
    };
    match import_all(&state, user.id, &mut multipart).await {
        Ok(response) => {
            let status = StatusCode::from_u16(response.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(response)).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// Reads and imports the parts one by one. Fails as a whole only when
/// nothing was read (no file parts, or a body broken before the first).
async fn import_all(
    state: &AppState,
    user_id: Uuid,
    multipart: &mut Multipart,
) -> Result<UploadResponse, AppError> {
    let limits = import_limits(&state.web);
    let mut response = UploadResponse::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return broken_stream(response, None, &err),
        };
        let Some(sent_name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        let bytes = match read_field(field, limits.max_file_bytes).await {
            Ok(bytes) => bytes,
            Err(err) => return broken_stream(response, Some(display_name(&sent_name)), &err),
        };
        // An `<input type=file>` left empty sends a nameless, empty part.
        if sent_name.is_empty() && bytes.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        let name = display_name(&sent_name);
        let outcome = match bytes {
            Some(bytes) => import_one(state, user_id, &name, bytes, limits).await,
            None => refused(
                &name,
                ImportError::TooLarge {
                    limit_bytes: limits.max_file_bytes,
                },
            ),
        };
        response.files.push(outcome);
    }
    if response.files.is_empty() {
        return Err(AppError::Invalid {
            field: "files".into(),
            message: "Choose at least one image to upload.".into(),
        });
    }
    Ok(response)
}

/// A field's bytes, or `None` as soon as they pass `limit` (the rest of
/// the field is then skipped, never buffered).
async fn read_field(mut field: Field<'_>, limit: usize) -> Result<Option<Vec<u8>>, MultipartError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        if bytes.len() + chunk.len() > limit {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// Imports one file and says how it went.
async fn import_one(
    state: &AppState,
    user_id: Uuid,
    name: &str,
    bytes: Vec<u8>,
    limits: ImportLimits,
) -> UploadedFile {
    match state
        .engine
        .images
        .import_file(user_id, name, bytes, limits)
        .await
    {
        Ok(image) => UploadedFile::imported(name, image),
        Err(err) => refused(name, err),
    }
}

/// A failed file, with the status its error stands for.
fn refused(name: &str, err: ImportError) -> UploadedFile {
    let message = err.message_for(name);
    let status = match err {
        ImportError::TooLarge { .. }
        | ImportError::UnsupportedFormat
        | ImportError::Unreadable(_)
        | ImportError::TooManyPixels { .. }
        | ImportError::TooManyImages { .. } => {
            tracing::info!(file = name, error = %err, "refused an uploaded file");
            if matches!(err, ImportError::TooLarge { .. }) {
                413
            } else {
                422
            }
        }
        ImportError::Store(store) => {
            tracing::error!(error = %store, file = name, "the image store failed during an import");
            500
        }
        // Logged once, by the mapping.
        ImportError::Database(db) => database_error(db).status(),
    };
    UploadedFile::failed(name, status, message)
}

/// The body broke off (malformed, or over the route's limit). With files
/// already handled, they are answered, with the failure added; else the
/// whole request fails: 413 over the limit, 400 malformed.
fn broken_stream(
    mut response: UploadResponse,
    current: Option<String>,
    err: &MultipartError,
) -> Result<UploadResponse, AppError> {
    tracing::info!(error = %err, "an upload's body could not be read to the end");
    let too_large = err.status() == StatusCode::PAYLOAD_TOO_LARGE;
    if response.files.is_empty() {
        return Err(if too_large {
            AppError::PayloadTooLarge
        } else {
            bad_request(err.body_text())
        });
    }
    let name = current.unwrap_or_default();
    let message = if too_large {
        "The upload is over this server's limit; the files after this point were not read."
    } else {
        "The upload broke off; the files after this point were not read."
    };
    let subject = if name.is_empty() {
        String::new()
    } else {
        format!("{name}: ")
    };
    let status = if too_large { 413 } else { 400 };
    response.files.push(UploadedFile::failed(
        name,
        status,
        format!("{subject}{message}"),
    ));
    Ok(response)
}

fn bad_request(message: String) -> AppError {
    AppError::BadRequest { message }
}

/// The name to show and store for a part's file name.
fn display_name(sent: &str) -> String {
    let name = clean_file_name(sent);
    if name.is_empty() {
        UNNAMED_FILE.to_owned()
    } else {
        name
    }
}

/// The engine's limits for one file: the per-file setting, decoded under
/// the default pixel limits.
fn import_limits(web: &WebSettings) -> ImportLimits {
    ImportLimits {
        max_file_bytes: web.max_upload_file_bytes,
        decode: DecodeLimits {
            max_bytes: web.max_upload_file_bytes,
            ..DecodeLimits::default()
        },
    }
}
