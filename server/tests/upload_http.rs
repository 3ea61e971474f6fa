//! Importing images through `POST /images/upload`: files made by other
//! tools land in the gallery with the settings they carried, the original
//! bytes are kept, and every bad file fails on its own with a reason that
//! names it.

mod support;

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use easel_server::config::Config;
use image::{DynamicImage, ImageEncoder, RgbImage, RgbaImage};
use serde_json::{Value, json};
use sqlx::PgPool;
use support::{Reply, call_json, get_bytes, register, router, send};

const BOUNDARY: &str = "easel-test-boundary-5b1f0c9e7d";

const A1111_INFOTEXT: &str = "a lighthouse on a windswept cliff at dusk\n\
     Negative prompt: blurry, text\n\
     Steps: 24, Sampler: DPM++ 2M, CFG scale: 6.5, Seed: 1234567, Size: 64x48, Model: dreamshaper_8";

const COMFYUI_PNG: &[u8] = include_bytes!("fixtures/comfyui-api-txt2img.png");

fn config() -> (Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config();
    config.image_dir = dir.path().to_path_buf();
    (config, dir)
}

/// One file part: name, content type, bytes.
type Part<'a> = (&'a str, &'a str, Vec<u8>);

/// A `multipart/form-data` body with one `files` part per file.
fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content_type, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts `body` to the upload route.
async fn post_upload(
    app: &axum::Router,
    cookie: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = Request::post("/images/upload").header(header::CONTENT_TYPE, content_type);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

/// Uploads files as a browser would.
async fn upload(app: &axum::Router, cookie: &str, parts: &[Part<'_>]) -> Reply {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    post_upload(app, Some(cookie), &content_type, multipart(parts), &[]).await
}

/// Noisy pixels, so the encoded files are not trivially small.
fn noise(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let v = x.wrapping_mul(7919) ^ y.wrapping_mul(104_729);
        image::Rgb([v as u8, (v >> 3) as u8, (v >> 7) as u8])
    })
}

/// A PNG with AUTOMATIC1111's `parameters` text chunk.
fn a1111_png() -> Vec<u8> {
    let pixels = noise(64, 48);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 64, 48);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .add_text_chunk("parameters".into(), A1111_INFOTEXT.into())
        .unwrap();
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(pixels.as_raw()).unwrap();
    writer.finish().unwrap();
    out
}

fn jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(noise(40, 30))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

/// A lossless WebP with some transparency (its thumbnails flatten it).
fn webp() -> Vec<u8> {
    let pixels = RgbaImage::from_fn(30, 20, |x, y| {
        image::Rgba([x as u8 * 8, y as u8 * 8, 90, 128])
    });
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(pixels.as_raw(), 30, 20, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// One PNG chunk, with its CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// A tiny, well-formed PNG whose header claims 60000 × 60000 pixels.
fn decompression_bomb() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    // zlib: a stored empty block (never reached: the header is refused).
    let idat = [
        0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
    ];
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"IDAT", &idat));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// The files of the upload, by name.
fn outcome<'a>(reply: &'a Value, name: &str) -> &'a Value {
    reply["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["name"] == name)
        .unwrap_or_else(|| panic!("no outcome for {name}: {reply}"))
}

fn image_id(reply: &Value, name: &str) -> uuid::Uuid {
    let file = outcome(reply, name);
    assert_eq!(file["ok"], true, "{file}");
    file["image"]["id"].as_str().unwrap().parse().unwrap()
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    operation: String,
    job_id: Option<uuid::Uuid>,
    prompt: String,
    negative_prompt: String,
    model: String,
    seed: i64,
    width: i32,
    height: i32,
    media_type: String,
    byte_size: i64,
    metadata: Value,
}

async fn row(db: &PgPool, id: uuid::Uuid) -> Row {
    sqlx::query_as(
        "select operation, job_id, prompt, negative_prompt, model, seed, width, height,
                media_type, byte_size, metadata
         from generated_images where id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await
    .unwrap()
}

/// The original is served back byte for byte, as its own type.
async fn assert_served(app: &axum::Router, cookie: &str, id: uuid::Uuid, sent: &[u8], ty: &str) {
    let (status, headers, bytes) =
        get_bytes(app, &format!("/images/{id}"), Some(cookie), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], ty);
    assert!(bytes == sent, "the original of {id} changed");
    let (status, headers, _) =
        get_bytes(app, &format!("/images/{id}/thumb/256"), Some(cookie), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mixed_upload_imports_every_good_file_and_names_each_bad_one(db: PgPool) {
    let (config, _dir) = config();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let (a1111, jpeg, webp) = (a1111_png(), jpeg(), webp());
    let truncated = a1111[..a1111.len() / 2].to_vec();
    let reply = upload(
        &app,
        &alice,
        &[
            ("lighthouse.png", "image/png", a1111.clone()),
            ("fox.png", "image/png", COMFYUI_PNG.to_vec()),
            ("holiday snap.jpg", "image/jpeg", jpeg.clone()),
            ("art.webp", "image/webp", webp.clone()),
            ("a.txt", "text/plain", b"not an image at all".to_vec()),
            ("cut.png", "image/png", truncated),
            ("bomb.png", "image/png", decompression_bomb()),
        ],
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let body = reply.json();
    assert_eq!(body["files"].as_array().unwrap().len(), 7, "{body}");
    for (name, reason) in [
        ("a.txt", "a.txt is not a PNG, JPEG or WebP image."),
        ("cut.png", "cut.png is damaged or incomplete"),
        ("bomb.png", "bomb.png is 60000×60000 pixels"),
    ] {
        let file = outcome(&body, name);
        assert_eq!(file["ok"], false, "{file}");
        assert_eq!(file["status"], 422, "{file}");
        assert!(
            file["error"].as_str().unwrap().starts_with(reason),
            "{file}"
        );
    }

    // The good files are in the gallery, and search finds the prompt read.
    let list = call_json(&app, "gallery/list", json!({}), Some(&alice)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(
        list.json()["items"].as_array().unwrap().len(),
        4,
        "{}",
        list.body
    );
    let a1111_id = image_id(&body, "lighthouse.png");
    let found = call_json(
        &app,
        "gallery/list",
        json!({"query": {"text": "windswept"}}),
        Some(&alice),
    )
    .await
    .json();
    let found: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(found, [a1111_id.to_string()]);

    // AUTOMATIC1111's infotext.
    let a1111_row = row(&db, a1111_id).await;
    assert_eq!(a1111_row.operation, "import");
    assert_eq!(a1111_row.job_id, None);
    assert_eq!(
        a1111_row.prompt,
        "a lighthouse on a windswept cliff at dusk"
    );
    assert_eq!(a1111_row.negative_prompt, "blurry, text");
    assert_eq!(a1111_row.seed, 1_234_567);
    assert_eq!(a1111_row.model, "import:dreamshaper_8");
    assert_eq!((a1111_row.width, a1111_row.height), (64, 48));
    assert_eq!(a1111_row.byte_size, a1111.len() as i64);
    assert_eq!(a1111_row.metadata["import"]["source"], "AUTOMATIC1111");
    assert_eq!(a1111_row.metadata["import"]["file_name"], "lighthouse.png");
    assert_served(&app, &alice, a1111_id, &a1111, "image/png").await;
    // The detail carries a request to remix, and the infotext.
    let detail = call_json(&app, "gallery/image", json!({"id": a1111_id}), Some(&alice))
        .await
        .json();
    assert_eq!(detail["operation"], "import");
    assert_eq!(detail["request"]["steps"], 24);
    assert_eq!(
        detail["request"]["seed"],
        json!({"kind": "fixed", "value": 1_234_567})
    );
    let infotext = detail["infotext"].as_str().unwrap();
    assert!(infotext.contains("Seed: 1234567"), "{infotext}");

    // ComfyUI's API graph.
    let comfy_id = image_id(&body, "fox.png");
    let comfy = row(&db, comfy_id).await;
    assert_eq!(comfy.operation, "import");
    assert_eq!(comfy.prompt, "a red fox in the snow");
    assert_eq!(comfy.negative_prompt, "blurry");
    assert_eq!(comfy.seed, 42);
    assert!(
        comfy.model.starts_with("import:easel-random-sd15"),
        "{}",
        comfy.model
    );
    assert_eq!(comfy.metadata["import"]["source"], "ComfyUI");
    assert_served(&app, &alice, comfy_id, COMFYUI_PNG, "image/png").await;

    // No metadata: the file's name stands in as the prompt.
    let jpeg_id = image_id(&body, "holiday snap.jpg");
    let photo = row(&db, jpeg_id).await;
    assert_eq!(
        (photo.prompt.as_str(), photo.model.as_str(), photo.seed),
        ("holiday snap", "import:unknown", 0)
    );
    assert_eq!(photo.media_type, "image/jpeg");
    assert_served(&app, &alice, jpeg_id, &jpeg, "image/jpeg").await;

    let webp_id = image_id(&body, "art.webp");
    let art = row(&db, webp_id).await;
    assert_eq!(
        (art.media_type.as_str(), art.width, art.height),
        ("image/webp", 30, 20)
    );
    assert_served(&app, &alice, webp_id, &webp, "image/webp").await;
}

/// The A1111 PNG grown past `size` bytes by a private ancillary chunk,
/// which decoders skip.
fn padded_png(size: usize) -> Vec<u8> {
    let png = a1111_png();
    let (body, iend) = png.split_at(png.len() - 12);
    let mut out = body.to_vec();
    out.extend(chunk(b"prIv", &vec![7; size]));
    out.extend_from_slice(iend);
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn all_good_files_answer_200_past_the_server_functions_body_limit(db: PgPool) {
    let (config, _dir) = config();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    // Bigger than the 2 MiB that every other route accepts.
    let padded = padded_png(3 * 1024 * 1024);
    let reply = upload(
        &app,
        &alice,
        &[
            ("fox.png", "image/png", COMFYUI_PNG.to_vec()),
            ("padded.png", "image/png", padded.clone()),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["files"][0]["ok"], true);
    assert_eq!(body["files"][0]["image"]["prompt"], "a red fox in the snow");
    let padded_id = image_id(&body, "padded.png");
    assert_eq!(row(&db, padded_id).await.byte_size, padded.len() as i64);
    assert_served(&app, &alice, padded_id, &padded, "image/png").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_over_the_limit_fails_with_413_and_the_rest_still_import(db: PgPool) {
    let (mut config, _dir) = config();
    config.upload_max_file_mb = 1;
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(1024 * 1024 * 3 / 2, 0);
    let reply = upload(
        &app,
        &alice,
        &[
            ("big.png", "image/png", big),
            ("fox.png", "image/png", COMFYUI_PNG.to_vec()),
        ],
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.body
    );
    let body = reply.json();
    let big = outcome(&body, "big.png");
    assert_eq!(big["status"], 413);
    assert_eq!(big["error"], "big.png is over the 1 MiB limit.");
    let fox = image_id(&body, "fox.png");
    assert_eq!(row(&db, fox).await.operation, "import");
}

#[sqlx::test(migrations = "../migrations")]
async fn strangers_other_sites_and_empty_or_malformed_uploads_are_refused(db: PgPool) {
    let (config, _dir) = config();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let fox = || multipart(&[("fox.png", "image/png", COMFYUI_PNG.to_vec())]);

    let anonymous = post_upload(&app, None, &content_type, fox(), &[]).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );

    let cross_site = [("sec-fetch-site", "cross-site")];
    let forged = post_upload(&app, Some(&alice), &content_type, fox(), &cross_site).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);

    let no_files = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--{BOUNDARY}--\r\n"
    );
    let empty = post_upload(
        &app,
        Some(&alice),
        &content_type,
        no_files.into_bytes(),
        &[],
    )
    .await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert!(
        empty.body.contains("Choose at least one image"),
        "{}",
        empty.body
    );

    let garbled = post_upload(
        &app,
        Some(&alice),
        &content_type,
        b"no boundary here".to_vec(),
        &[],
    )
    .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST, "{}", garbled.body);
    let not_multipart =
        post_upload(&app, Some(&alice), "application/json", b"{}".to_vec(), &[]).await;
    assert_eq!(
        not_multipart.status,
        StatusCode::BAD_REQUEST,
        "{}",
        not_multipart.body
    );

    let count: i64 = sqlx::query_scalar("select count(*) from generated_images")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}
