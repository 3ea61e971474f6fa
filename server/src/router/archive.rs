//! `/images/archive`: the user's images as one zip, streamed.
//!
//! - `GET /images/archive?<grid query>`: every live image the query
//!   matches (the same query string as the grid's URL);
//! - `POST /images/archive` with a form of repeated `id=<uuid>`: the
//!   hand-picked images.
//!
//! Only the user's own images go in; another user's ids select nothing.
//! Each entry is the original file exactly as stored (its embedded
//! metadata included), STORED rather than compressed. The archive is
//! written as it is sent: one image's bytes in memory at a time, a small
//! channel between the writer task and the response body (so a slow client
//! slows the writer down), never the whole zip in memory or on disk.

mod writer;

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use easel_app::ssr::{AppState, RequestContext, SessionLookup};
use easel_domain::galleries::ImageSelection;
use easel_domain::gallery::ImageQuery;
use easel_engine::images::{ArchiveEntry, ImageError, Images};
use futures::{StreamExt, TryStreamExt};
use tokio::sync::mpsc;
use uuid::Uuid;

use writer::ZipWriter;

/// Chunks buffered between the writer and the client: a few images at
/// most.
const CHANNEL_CHUNKS: usize = 4;

/// Longest prompt part of an entry's name, in characters.
const PROMPT_CHARS: usize = 40;

/// A chunk of the response body.
type Chunk = Result<Bytes, std::io::Error>;

/// `GET /images/archive?...`: every live image the grid query matches.
pub async fn download_matching(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    RawQuery(query): RawQuery,
) -> Response {
    let user_id = match user_id(&context) {
        Ok(user_id) => user_id,
        Err(refusal) => return refusal.into_response(),
    };
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let query = ImageQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    archive(&state, user_id, ImageSelection::Matching { query })
}

/// `POST /images/archive` with `id=<uuid>&id=<uuid>...`: these images.
pub async fn download_selected(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    body: Bytes,
) -> Response {
    let user_id = match user_id(&context) {
        Ok(user_id) => user_id,
        Err(refusal) => return refusal.into_response(),
    };
    let ids: Result<Vec<Uuid>, _> = form_urlencoded::parse(&body)
        .filter(|(key, _)| key == "id")
        .map(|(_, value)| Uuid::parse_str(value.trim()))
        .collect();
    match ids {
        Ok(ids) => archive(&state, user_id, ImageSelection::Ids { ids }),
        Err(_) => (StatusCode::BAD_REQUEST, "Each id must be an image id.").into_response(),
    }
}

/// The logged-in user, or the refusal for everyone else.
fn user_id(context: &RequestContext) -> Result<Uuid, (StatusCode, &'static str)> {
    match &context.session {
        SessionLookup::Authenticated(session) => Ok(session.user.id),
        SessionLookup::Unavailable => Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "Your session cannot be checked right now.",
        )),
        _ => Err((StatusCode::UNAUTHORIZED, "Log in to download your images.")),
    }
}

/// Checks the selection, starts the writer and answers with its stream.
fn archive(state: &AppState, user_id: Uuid, selection: ImageSelection) -> Response {
    if let Err(invalid) = selection.validate() {
        return (StatusCode::UNPROCESSABLE_ENTITY, invalid.message).into_response();
    }
    let (sender, receiver) = mpsc::channel::<Chunk>(CHANNEL_CHUNKS);
    let images = state.engine.images.clone();
    tokio::spawn(write_archive(images, user_id, selection, sender));
    let chunks = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let mut response = Response::new(Body::from_stream(chunks));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    let filename = format!(
        "attachment; filename=\"easel-images-{}.zip\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Why writing stopped early.
#[derive(Debug, thiserror::Error)]
enum WriteError {
    /// The client went away: nothing to report.
    #[error("the client closed the download")]
    Gone,
    /// The database failed: the download is cut short.
    #[error(transparent)]
    Images(#[from] ImageError),
}

/// Writes the archive into `sender`; on a database failure, ends the body
/// with an error so the client sees a broken download rather than a short,
/// valid-looking zip.
async fn write_archive(
    images: Images,
    user_id: Uuid,
    selection: ImageSelection,
    sender: mpsc::Sender<Chunk>,
) {
    match write_entries(&images, user_id, selection, &sender).await {
        Ok(count) => tracing::info!(%user_id, count, "zip download written"),
        Err(WriteError::Gone) => tracing::debug!(%user_id, "zip download abandoned"),
        Err(WriteError::Images(error)) => {
            tracing::error!(%user_id, %error, "zip download failed");
            let _ = sender
                .send(Err(std::io::Error::other("the download failed")))
                .await;
        }
    }
}

/// Writes every entry, then the central directory; returns how many
/// entries went in.
async fn write_entries(
    images: &Images,
    user_id: Uuid,
    selection: ImageSelection,
    sender: &mpsc::Sender<Chunk>,
) -> Result<u64, WriteError> {
    let store: &Arc<dyn easel_engine::store::ImageStore> = images.store();
    let mut zip = ZipWriter::new();
    let mut names = HashSet::new();
    let mut entries = images.archive_entries(user_id, selection).boxed();
    let mut count = 0;
    while let Some(entry) = entries.try_next().await? {
        let bytes = match store.get(&entry.image_path).await {
            Ok(bytes) => bytes,
            Err(error) => {
                // One missing file should not spoil the rest of the download.
                tracing::warn!(image_id = %entry.id, %error, "left out of a zip: its file cannot be read");
                continue;
            }
        };
        let name = unique_name(&mut names, &entry_name(&entry));
        send(sender, zip.entry(&name, entry.created_at, &bytes)).await?;
        send(sender, bytes).await?;
        count += 1;
    }
    send(sender, zip.finish()).await?;
    Ok(count)
}

/// Sends one chunk; fails when the client has gone.
async fn send(sender: &mpsc::Sender<Chunk>, bytes: Vec<u8>) -> Result<(), WriteError> {
    sender
        .send(Ok(Bytes::from(bytes)))
        .await
        .map_err(|_| WriteError::Gone)
}

/// `easel-<YYYYMMDD-HHMMSS>-<first 8 hex of the id>-<prompt slug>.<ext>`,
/// the slug left out when the prompt has no letters or digits.
fn entry_name(entry: &ArchiveEntry) -> String {
    let stamp = entry.created_at.format("%Y%m%d-%H%M%S");
    let id = &entry.id.simple().to_string()[..8];
    let extension = match entry.media_type.as_str() {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => "png",
    };
    match slug(&entry.prompt) {
        slug if slug.is_empty() => format!("easel-{stamp}-{id}.{extension}"),
        slug => format!("easel-{stamp}-{id}-{slug}.{extension}"),
    }
}

/// Lowercase ASCII letters and digits of `prompt`, runs of anything else
/// as one dash, at most [`PROMPT_CHARS`] long, no dash at either end.
fn slug(prompt: &str) -> String {
    let mut slug = String::new();
    for c in prompt.chars().flat_map(char::to_lowercase) {
        if slug.len() == PROMPT_CHARS {
            break;
        }
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// `name`, or `name` with `-2`, `-3`... before its extension when an
/// earlier entry took it (a batch shares its second, and UUIDv7 ids made
/// close together share their first hex digits).
fn unique_name(taken: &mut HashSet<String>, name: &str) -> String {
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let mut candidate = name.to_owned();
    let mut counter = 1;
    while !taken.insert(candidate.clone()) {
        counter += 1;
        candidate = format!("{stem}-{counter}.{extension}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn entry(prompt: &str, media_type: &str) -> ArchiveEntry {
        ArchiveEntry {
            id: Uuid::parse_str("0193a4b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap(),
            created_at: chrono::Utc.with_ymd_and_hms(2026, 12, 6, 9, 5, 7).unwrap(),
            prompt: prompt.into(),
            media_type: media_type.into(),
            image_path: String::new(),
        }
    }

    #[test]
    fn names_carry_the_time_the_id_and_a_short_slug_of_the_prompt() {
        assert_eq!(
            entry_name(&entry("A red Sun, over the BLUE sea!", "image/png")),
            "easel-20261206-090507-0193a4b2-a-red-sun-over-the-blue-sea.png"
        );
        assert_eq!(
            entry_name(&entry("☃ ☃", "image/jpeg")),
            "easel-20261206-090507-0193a4b2.jpg"
        );
        let long = entry_name(&entry(&"word ".repeat(30), "image/webp"));
        let slug = long
            .trim_start_matches("easel-20261206-090507-0193a4b2-")
            .trim_end_matches(".webp");
        assert!(slug.len() <= PROMPT_CHARS && !slug.ends_with('-'), "{long}");
    }

    #[test]
    fn repeated_names_get_a_counter() {
        let mut taken = HashSet::new();
        assert_eq!(unique_name(&mut taken, "a.png"), "a.png");
        assert_eq!(unique_name(&mut taken, "a.png"), "a-2.png");
        assert_eq!(unique_name(&mut taken, "a.png"), "a-3.png");
        assert_eq!(unique_name(&mut taken, "a-2.png"), "a-2-2.png");
    }
}
