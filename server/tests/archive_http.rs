//! The zip download through the real router, workers and image store: by
//! grid query and by hand-picked ids, only the user's own images, each
//! entry the original PNG with its metadata.

mod support;

use std::io::{Cursor, Read};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use easel_server::config::Config;
use sqlx::PgPool;
use support::{builtin_request, call_json, get_bytes, register, router};
use tower::ServiceExt;

fn config() -> (Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config();
    config.image_dir = dir.path().to_path_buf();
    (config, dir)
}

/// Generates one image on the built-in engine and returns its id once the
/// job has succeeded (polling only as a hang guard).
async fn generate(app: &axum::Router, cookie: &str, prompt: &str, seed: i64) -> String {
    let submitted = call_json(
        app,
        "generation/submit",
        builtin_request(prompt, seed),
        Some(cookie),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let job_id = submitted.json()[0]["id"].clone();
    for _ in 0..600 {
        let jobs = call_json(app, "generation/jobs", serde_json::json!({}), Some(cookie))
            .await
            .json();
        let job = jobs
            .as_array()
            .unwrap()
            .iter()
            .find(|job| job["id"] == job_id)
            .cloned()
            .unwrap();
        if job["status"] == "succeeded" {
            return job["image_ids"][0].as_str().unwrap().to_owned();
        }
        assert!(
            job["status"] == "queued" || job["status"] == "running",
            "{job}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {job_id} did not finish");
}

/// POSTs a form of ids to the archive route.
async fn post_ids(
    app: &axum::Router,
    cookie: Option<&str>,
    ids: &[&str],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let form: Vec<String> = ids.iter().map(|id| format!("id={id}")).collect();
    let mut request = Request::post("/images/archive")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(form.join("&"))).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

/// The archive's entries, in order: name and bytes.
fn entries(archive: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
    (0..zip.len())
        .map(|index| {
            let mut file = zip.by_index(index).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().to_owned(), bytes)
        })
        .collect()
}

/// Checks an entry is the original PNG, named after its image and prompt,
/// with its A1111 `parameters` chunk.
fn assert_original(entry: &(String, Vec<u8>), id: &str, slug: &str, prompt: &str) {
    let (name, bytes) = entry;
    assert!(name.starts_with("easel-"), "{name}");
    assert!(
        name.ends_with(&format!("-{}-{slug}.png", &id.replace('-', "")[..8])),
        "{name}"
    );
    let decoded = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    let metadata = easel_engine::imaging::read_png_metadata(bytes).unwrap();
    let parameters = metadata.parameters.expect("a parameters chunk");
    assert!(parameters.starts_with(prompt), "{parameters}");
}

#[sqlx::test(migrations = "../migrations")]
async fn downloads_the_users_own_images_as_a_zip(db: PgPool) {
    let (config, _dir) = config();
    let state = easel_server::app_state(&config, db.clone());
    let tasks = easel_server::serve::start_generation(&config, &state.engine)
        .await
        .unwrap();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let bob = register(&app, "bob", "correct horse battery").await;
    let fox = generate(&app, &alice, "A red fox in the snow", 1).await;
    let whale = generate(&app, &alice, "a blue whale, deep sea", 2).await;
    let bobs = generate(&app, &bob, "a red fox in the snow", 3).await;

    // Everything of Alice's, newest first, and nothing of Bob's.
    let (status, headers, archive) = get_bytes(&app, "/images/archive", Some(&alice), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"easel-images-")
            && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    let all = entries(archive);
    assert_eq!(all.len(), 2);
    assert_original(
        &all[0],
        &whale,
        "a-blue-whale-deep-sea",
        "a blue whale, deep sea",
    );
    assert_original(
        &all[1],
        &fox,
        "a-red-fox-in-the-snow",
        "A red fox in the snow",
    );

    // A grid query: the same query string as the grid's URL.
    let (status, _, archive) = get_bytes(&app, "/images/archive?q=fox", Some(&alice), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let matching = entries(archive);
    assert_eq!(matching.len(), 1);
    assert_original(
        &matching[0],
        &fox,
        "a-red-fox-in-the-snow",
        "A red fox in the snow",
    );

    // Hand-picked ids: Bob's id among them selects nothing.
    let (status, _, archive) = post_ids(&app, Some(&alice), &[&fox, &bobs]).await;
    assert_eq!(status, StatusCode::OK);
    let picked = entries(archive);
    assert_eq!(picked.len(), 1);
    assert_original(
        &picked[0],
        &fox,
        "a-red-fox-in-the-snow",
        "A red fox in the snow",
    );
    let (status, _, archive) = post_ids(&app, Some(&alice), &[&bobs]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(entries(archive).is_empty());

    // Nobody logged in, or a malformed id.
    let (status, _, _) = get_bytes(&app, "/images/archive", None, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = post_ids(&app, None, &[&fox]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = post_ids(&app, Some(&alice), &["not-an-id"]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    tasks.stop().await;
}
