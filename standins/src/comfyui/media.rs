//! `GET /view` and the uploads (`POST /upload/image`, `/upload/mask`),
//! with `server.py`'s path checks, de-duplication and renaming.

use std::collections::HashMap;
use std::io::Cursor;

use axum::extract::{Multipart, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use image::{DynamicImage, ImageFormat, RgbaImage};

use super::files::{self, Folder};
use super::http::{App, FaultAction, apply_fault, empty, error_page, json};
use super::json::{J, jobj};
use super::state::Upload;
use crate::common::{self, Fault};

/// `GET /view?filename=&subfolder=&type=&preview=&channel=`.
pub async fn view(
    AxumState(app): AxumState<App>,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let special = match apply_fault(&app, uri.path()).await {
        FaultAction::Respond(response) => return response,
        FaultAction::Continue => None,
        FaultAction::Special(fault) => Some(fault),
    };
    let Some(filename) = query.get("filename") else {
        return empty(StatusCode::NOT_FOUND);
    };
    let (name, annotated) = files::annotated(filename);
    if name.is_empty() || name.starts_with('/') || name.contains("..") {
        return empty(StatusCode::BAD_REQUEST);
    }
    let kind = query.get("type").map_or("output", String::as_str);
    let Some(folder) = annotated.or_else(|| Folder::from_type(kind)) else {
        return empty(StatusCode::BAD_REQUEST);
    };
    let mut dir = folder.path();
    if let Some(subfolder) = query.get("subfolder") {
        let full = files::join(&dir, subfolder);
        if !files::inside(&dir, &full) {
            return empty(StatusCode::FORBIDDEN);
        }
        dir = full;
    }
    let base = files::basename(name).to_owned();
    let Some(file) = app.state.files().read(&files::join(&dir, &base)) else {
        return empty(StatusCode::NOT_FOUND);
    };
    let disposition = format!("filename=\"{base}\"");
    match special {
        Some(Fault::TruncatedImage) => {
            let half = file.bytes[..file.bytes.len() / 2].to_vec();
            return bytes_response("image/png", &disposition, half);
        }
        Some(Fault::OversizedImage) => {
            return bytes_response("image/png", &disposition, common::oversized_png());
        }
        _ => {}
    }
    if let Some(preview) = query.get("preview") {
        return converted_preview(&file.bytes, preview, query.get("channel"), &disposition);
    }
    match query.get("channel").map_or("rgba", String::as_str) {
        "rgb" => channel_png(&file.bytes, false, &disposition),
        "a" => channel_png(&file.bytes, true, &disposition),
        _ => {
            let content_type = files::guess_type(&base)
                .filter(|t| !matches!(*t, "text/html" | "text/javascript" | "text/css"))
                .unwrap_or("application/octet-stream");
            let modified = chrono::DateTime::<chrono::Utc>::from(file.modified);
            let mut response = bytes_response(content_type, &disposition, file.bytes.to_vec());
            let headers = response.headers_mut();
            let etag = format!(
                "\"{:x}-{:x}\"",
                files::content_hash(&file.bytes),
                file.bytes.len()
            );
            for (name, value) in [
                (header::ETAG, etag),
                (
                    header::LAST_MODIFIED,
                    modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                ),
                (header::ACCEPT_RANGES, "bytes".to_owned()),
            ] {
                if let Ok(value) = value.parse() {
                    headers.insert(name, value);
                }
            }
            response
        }
    }
}

fn bytes_response(content_type: &str, disposition: &str, body: Vec<u8>) -> Response {
    let mut headers = HeaderMap::new();
    if let (Ok(kind), Ok(disposition)) = (content_type.parse(), disposition.parse()) {
        headers.insert(header::CONTENT_TYPE, kind);
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    (StatusCode::OK, headers, body).into_response()
}

/// `preview=webp;90` or `jpeg;NN`: a converted copy (WebP is lossless here).
fn converted_preview(
    bytes: &[u8],
    preview: &str,
    channel: Option<&String>,
    disposition: &str,
) -> Response {
    let Ok(image) = image::load_from_memory(bytes) else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let mut parts = preview.split(';');
    let requested = parts.next().unwrap_or("webp");
    let wants_alpha = channel.is_some_and(|c| c.contains('a'));
    let jpeg = requested == "jpeg" && !wants_alpha;
    let quality = preview
        .rsplit(';')
        .next()
        .and_then(|q| q.parse::<u8>().ok())
        .unwrap_or(90);
    if jpeg || channel.is_some_and(|c| c == "rgb") {
        let rgb = image.to_rgb8();
        return if jpeg {
            bytes_response("image/jpeg", disposition, common::jpeg(&rgb, quality))
        } else {
            bytes_response("image/webp", disposition, common::webp(&rgb))
        };
    }
    let mut out = Cursor::new(Vec::new());
    if image.write_to(&mut out, ImageFormat::WebP).is_err() {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    }
    bytes_response("image/webp", disposition, out.into_inner())
}

/// `channel=rgb` (alpha dropped) or `channel=a` (alpha only, as RGBA).
fn channel_png(bytes: &[u8], alpha_only: bool, disposition: &str) -> Response {
    let Ok(image) = image::load_from_memory(bytes) else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let out = if alpha_only {
        let rgba = image.to_rgba8();
        let has_alpha = image.color().has_alpha();
        let alpha = RgbaImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let a = if has_alpha {
                rgba.get_pixel(x, y)[3]
            } else {
                255
            };
            image::Rgba([0, 0, 0, a])
        });
        rgba_png(&alpha, &[])
    } else {
        common::png(&image.to_rgb8(), &[])
    };
    bytes_response("image/png", disposition, out)
}

/// A PNG of an RGBA image with `tEXt` chunks.
fn rgba_png(image: &RgbaImage, text: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        for (key, value) in text {
            let _ = encoder.add_text_chunk(key.clone(), value.clone());
        }
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(image.as_raw());
        }
    }
    out
}

/// The multipart form of an upload.
#[derive(Debug, Default)]
struct Form {
    image: Option<(String, Vec<u8>)>,
    fields: HashMap<String, String>,
}

async fn read_form(mut multipart: Multipart) -> Option<Form> {
    let mut form = Form::default();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.ok()?;
        match (name.as_str(), file_name) {
            ("image", Some(file_name)) => form.image = Some((file_name, bytes.to_vec())),
            (_, _) => {
                form.fields
                    .insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Some(form)
}

fn too_large(app: &App, headers: &HeaderMap) -> Option<Response> {
    let max = app.state.config().max_upload_size;
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())?;
    (length > max).then(|| {
        let text = format!("Maximum request body size {max} exceeded, actual body size {length}");
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response()
    })
}

/// `POST /upload/image`.
pub async fn upload_image(
    AxumState(app): AxumState<App>,
    uri: Uri,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    if let FaultAction::Respond(response) = apply_fault(&app, uri.path()).await {
        return response;
    }
    if let Some(response) = too_large(&app, &headers) {
        return response;
    }
    let Some(form) = read_form(multipart).await else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    store_upload(&app, uri.path(), form, None)
}

/// `POST /upload/mask`: the upload's alpha is copied onto `original_ref`.
pub async fn upload_mask(
    AxumState(app): AxumState<App>,
    uri: Uri,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    if let FaultAction::Respond(response) = apply_fault(&app, uri.path()).await {
        return response;
    }
    if let Some(response) = too_large(&app, &headers) {
        return response;
    }
    let Some(form) = read_form(multipart).await else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let Some(reference) = form
        .fields
        .get("original_ref")
        .and_then(|r| J::parse(r.as_bytes()).ok())
    else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    store_upload(&app, uri.path(), form, Some(reference))
}

/// `image_upload`: picks the name (reusing an identical file, renaming a
/// different one unless `overwrite`), then saves.
fn store_upload(app: &App, endpoint: &str, form: Form, mask_of: Option<J>) -> Response {
    let Some((filename, bytes)) = form.image.filter(|(name, _)| !name.is_empty()) else {
        return empty(StatusCode::BAD_REQUEST);
    };
    let kind = form.fields.get("type").map_or("input", String::as_str);
    let Some(folder) = Folder::from_type(kind) else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let upload_dir = folder.path();
    let subfolder = form.fields.get("subfolder").cloned().unwrap_or_default();
    let full_folder = files::join(&upload_dir, &files::normpath(&subfolder));
    let mut path = files::normpath(&files::join(&full_folder, &filename));
    if files::commonpath(&upload_dir, &path) != upload_dir {
        return empty(StatusCode::BAD_REQUEST);
    }
    let overwrite = form
        .fields
        .get("overwrite")
        .is_some_and(|o| o == "true" || o == "1");
    let mut name = filename.clone();
    let mut duplicate = false;
    if !overwrite {
        let (stem, ext) = split_ext(&filename);
        let mut i = 1;
        while let Some(existing) = app.state.files().read(&path) {
            if existing.bytes.as_slice() == bytes.as_slice() {
                duplicate = true;
                break;
            }
            name = format!("{stem} ({i}){ext}");
            path = files::join(&full_folder, &name);
            i += 1;
        }
    }
    if !duplicate {
        match &mask_of {
            Some(reference) => save_mask(app, reference, &bytes, &path),
            None => app.state.files().write(&path, bytes.clone()),
        }
    }
    app.state.core().records.uploads.push(Upload {
        endpoint: endpoint.to_owned(),
        name: name.clone(),
        subfolder: subfolder.clone(),
        kind: kind.to_owned(),
        bytes,
    });
    json(
        StatusCode::OK,
        &jobj! {"name" => name, "subfolder" => subfolder, "type" => kind},
    )
}

/// `os.path.splitext`.
fn split_ext(filename: &str) -> (&str, &str) {
    match filename.rfind('.') {
        Some(dot) if dot > 0 => filename.split_at(dot),
        _ => (filename, ""),
    }
}

/// Copies the uploaded image's alpha onto the referenced original (whose
/// text chunks are kept) and saves the result at `path`. Nothing is saved
/// when the original is missing, and the request still succeeds, as in
/// ComfyUI.
fn save_mask(app: &App, reference: &J, mask: &[u8], path: &str) {
    let text = |key: &str| reference.get(key).map(super::validate::py_str);
    let Some(filename) = text("filename") else {
        return;
    };
    let (name, annotated) = files::annotated(&filename);
    if name.is_empty() || name.starts_with('/') || name.contains("..") {
        return;
    }
    let kind = text("type").unwrap_or_else(|| "output".to_owned());
    let Some(folder) = annotated.or_else(|| Folder::from_type(&kind)) else {
        return;
    };
    let mut dir = folder.path();
    if let Some(sub) = text("subfolder").filter(|s| !s.is_empty()) {
        let full = files::join(&dir, &sub);
        if !files::inside(&dir, &full) {
            return;
        }
        dir = full;
    }
    let Some(original) = app.state.files().read(&files::join(&dir, name)) else {
        return;
    };
    let (Ok(base), Ok(mask)) = (
        image::load_from_memory(&original.bytes),
        image::load_from_memory(mask),
    ) else {
        return;
    };
    let mut composed = base.to_rgba8();
    let alpha = mask.to_rgba8();
    for (x, y, pixel) in composed.enumerate_pixels_mut() {
        if x < alpha.width() && y < alpha.height() {
            pixel[3] = alpha.get_pixel(x, y)[3];
        }
    }
    let chunks = text_chunks(&original.bytes);
    app.state.files().write(
        path,
        rgba_png(&DynamicImage::ImageRgba8(composed).to_rgba8(), &chunks),
    );
}

/// The `tEXt` chunks of a PNG.
pub fn text_chunks(bytes: &[u8]) -> Vec<(String, String)> {
    let decoder = png::Decoder::new(Cursor::new(bytes));
    let Ok(reader) = decoder.read_info() else {
        return Vec::new();
    };
    reader
        .info()
        .uncompressed_latin1_text
        .iter()
        .map(|chunk| (chunk.keyword.clone(), chunk.text.clone()))
        .collect()
}
