//! Generation end to end through the real router, workers and image store:
//! submit, progress, the stored PNG and its metadata, thumbnails, access
//! control, and delete.

mod support;

use std::io::Cursor;

use axum::http::StatusCode;
use easel_server::config::Config;
use sqlx::PgPool;
use support::{builtin_request, call_json, get_bytes, register, router};

fn config() -> (Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config();
    config.image_dir = dir.path().to_path_buf();
    (config, dir)
}

/// Polls the job list until the job is no longer active (a hang guard).
async fn wait_for_job(router: &axum::Router, cookie: &str, job_id: &str) -> serde_json::Value {
    for _ in 0..600 {
        let jobs = call_json(
            router,
            "generation/jobs",
            serde_json::json!({}),
            Some(cookie),
        )
        .await
        .json();
        let job = jobs
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == job_id)
            .cloned()
            .unwrap();
        if job["status"] != "queued" && job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {job_id} did not finish");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_generation_lands_in_the_gallery_with_its_metadata_and_only_its_owner_sees_it(
    db: PgPool,
) {
    let (config, dir) = config();
    let state = easel_server::app_state(&config, db.clone());
    let tasks = easel_server::serve::start_generation(&config, &state.engine)
        .await
        .unwrap();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let mallory = register(&app, "mallory", "correct horse battery").await;

    let models = call_json(
        &app,
        "generation/models",
        serde_json::json!({}),
        Some(&alice),
    )
    .await
    .json();
    assert_eq!(models[0]["id"], "builtin:easel-sketch");
    assert_eq!(models[0]["provider_label"], "Built-in, offline");

    let submitted = call_json(
        &app,
        "generation/submit",
        builtin_request("a red sun over a blue sea", 7),
        Some(&alice),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let job = submitted.json()[0].clone();
    // An idle worker may have claimed it already.
    assert!(
        job["status"] == "queued" || job["status"] == "running",
        "{job}"
    );
    assert_eq!(job["seed"], 7);
    let job_id = job["id"].as_str().unwrap().to_owned();
    let done = wait_for_job(&app, &alice, &job_id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["step"], 6, "{done}");
    let image_id = done["image_ids"][0].as_str().unwrap().to_owned();

    let page = call_json(
        &app,
        "gallery/list",
        serde_json::json!({"cursor": null}),
        Some(&alice),
    )
    .await
    .json();
    assert_eq!(page["items"][0]["id"], image_id);
    assert_eq!(page["next_cursor"], serde_json::Value::Null);
    let detail = call_json(
        &app,
        "gallery/image",
        serde_json::json!({"id": image_id}),
        Some(&alice),
    )
    .await
    .json();
    assert_eq!(detail["seed"], 7);
    assert_eq!(detail["request"]["prompt"], "a red sun over a blue sea");
    assert!(
        detail["infotext"].as_str().unwrap().contains("Seed: 7"),
        "{detail}"
    );

    // The original is a PNG carrying A1111 infotext and our JSON.
    let (status, headers, png) =
        get_bytes(&app, &format!("/images/{image_id}"), Some(&alice), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let pixels = image::load(Cursor::new(&png), image::ImageFormat::Png).unwrap();
    assert_eq!((pixels.width(), pixels.height()), (256, 256));
    let metadata = easel_engine::imaging::read_png_metadata(&png).unwrap();
    let infotext = easel_domain::metadata::Infotext::parse(metadata.parameters.as_deref().unwrap());
    assert_eq!(infotext.prompt, "a red sun over a blue sea");
    assert_eq!(infotext.get("Seed"), Some("7"));
    assert_eq!(infotext.get("Size"), Some("256x256"));
    let ours: serde_json::Value = serde_json::from_str(metadata.easel.as_deref().unwrap()).unwrap();
    assert_eq!(ours["job_id"], job_id);

    let (status, _, _) = get_bytes(
        &app,
        &format!("/images/{image_id}"),
        Some(&alice),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, headers, jpeg) = get_bytes(
        &app,
        &format!("/images/{image_id}/thumb/512"),
        Some(&alice),
        &[],
    )
    .await;
    assert_eq!(
        (status, headers["content-type"].to_str().unwrap()),
        (StatusCode::OK, "image/jpeg")
    );
    assert_eq!(
        image::load_from_memory(&jpeg).unwrap().width(),
        256,
        "never upscaled"
    );
    let (status, headers, _) = get_bytes(
        &app,
        &format!("/images/{image_id}/download"),
        Some(&alice),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // Another user, no session, nonsense ids.
    for path in [
        format!("/images/{image_id}"),
        format!("/images/{image_id}/thumb/256"),
    ] {
        assert_eq!(
            get_bytes(&app, &path, Some(&mallory), &[]).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get_bytes(&app, &path, None, &[]).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        get_bytes(&app, "/images/not-a-uuid", Some(&alice), &[])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_bytes(
            &app,
            &format!("/images/{image_id}/thumb/999"),
            Some(&alice),
            &[]
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let theirs = call_json(
        &app,
        "gallery/image",
        serde_json::json!({"id": image_id}),
        Some(&mallory),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let cancel = call_json(
        &app,
        "generation/cancel",
        serde_json::json!({"job_id": job_id}),
        Some(&mallory),
    )
    .await;
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    let steal = call_json(
        &app,
        "gallery/delete",
        serde_json::json!({"id": image_id}),
        Some(&mallory),
    )
    .await;
    assert_eq!(steal.status, StatusCode::NOT_FOUND);
    // The original and its thumbnails. At 256 px both thumbnail sizes are
    // the same picture, so they share one content-addressed file.
    let files = walk(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");

    // Delete moves it to the trash: out of the grid, files kept (its owner
    // still sees it in the trash); deleting it for good removes the files.
    let deleted = call_json(
        &app,
        "gallery/delete",
        serde_json::json!({"id": image_id}),
        Some(&alice),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let grid = call_json(&app, "gallery/list", serde_json::json!({}), Some(&alice)).await;
    assert_eq!(grid.json()["items"].as_array().unwrap().len(), 0);
    assert_eq!(walk(dir.path()).len(), 2, "the trash keeps the files");
    let purged = call_json(
        &app,
        "gallery/bulk",
        serde_json::json!({"selection": {"kind": "trash"}, "action": {"kind": "delete_forever"}}),
        Some(&alice),
    )
    .await;
    assert_eq!(purged.status, StatusCode::OK, "{}", purged.body);
    assert_eq!(purged.json()["affected"], 1);
    assert_eq!(
        get_bytes(&app, &format!("/images/{image_id}"), Some(&alice), &[])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert!(walk(dir.path()).is_empty(), "files are gone");
    tasks.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_requests_get_clear_errors_and_queue_nothing(db: PgPool) {
    let (config, _dir) = config();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let cases = [
        (builtin_request("   ", 1), "prompt"),
        (
            {
                let mut body = builtin_request("a cat", 1);
                body["submission"]["request"]["width"] = 4096.into();
                body
            },
            "size",
        ),
        (
            {
                let mut body = builtin_request("a cat", 1);
                body["submission"]["request"]["model"] = "nope:nothing".into();
                body
            },
            "model",
        ),
        (
            {
                let mut body = builtin_request("a cat", 1);
                body["submission"]["request"]["count"] = 99.into();
                body
            },
            "count",
        ),
        (
            {
                let mut body = builtin_request("a cat", 1);
                body["submission"]["request"]["init_image"] = uuid::Uuid::nil().to_string().into();
                body
            },
            "init_image",
        ),
        (
            {
                let mut body = builtin_request("a cat", 1);
                body["submission"]["request"]["prompt"] =
                    "'; drop table generation_jobs; --".repeat(100).into();
                body
            },
            "prompt",
        ),
    ];
    for (body, field) in cases {
        let reply = call_json(&app, "generation/submit", body, Some(&alice)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert_eq!(reply.json()["field"], field, "{}", reply.body);
    }
    let malformed = call_json(
        &app,
        "generation/submit",
        serde_json::json!({"submission": {"request": {"prompt": 5}}}),
        Some(&alice),
    )
    .await;
    assert_eq!(
        malformed.status,
        StatusCode::BAD_REQUEST,
        "{}",
        malformed.body
    );
    let anonymous = call_json(&app, "generation/submit", builtin_request("a cat", 1), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let unknown = call_json(
        &app,
        "generation/cancel",
        serde_json::json!({"job_id": uuid::Uuid::nil()}),
        Some(&alice),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let jobs: i64 = sqlx::query_scalar("select count(*) from generation_jobs")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}
