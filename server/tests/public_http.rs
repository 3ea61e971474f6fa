//! Public gallery pages and share links through the real router: the
//! server-rendered HTML (no JavaScript needed), its link-preview tags,
//! what hiding the prompt or parameters removes, the files served to
//! strangers, revocation and expiry.

mod support;

use axum::http::StatusCode;
use easel_server::config::Config;
use sqlx::PgPool;
use support::{builtin_request, call_json, get_bytes, get_page, register, router};

const PROMPT: &str = "a lighthouse on a cliff over a stormy sea";

fn config() -> (Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config();
    config.image_dir = dir.path().to_path_buf();
    config.public_url = Some("https://easel.example.com".into());
    (config, dir)
}

/// Generates one image on the built-in engine and returns its id.
async fn generate(app: &axum::Router, cookie: &str, prompt: &str) -> String {
    let submitted = call_json(
        app,
        "generation/submit",
        builtin_request(prompt, 11),
        Some(cookie),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let job_id = submitted.json()[0]["id"].as_str().unwrap().to_owned();
    for _ in 0..600 {
        let jobs = call_json(app, "generation/jobs", serde_json::json!({}), Some(cookie))
            .await
            .json();
        let job = jobs
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == job_id.as_str())
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
    panic!("the job did not finish");
}

fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    let at = html.find(&format!("=\"{key}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let content = tag.find("content=\"")? + "content=\"".len();
    Some(&tag[content..content + tag[content..].find('"')?])
}

#[sqlx::test(migrations = "../migrations")]
async fn a_public_gallery_reads_without_a_session_and_shows_only_what_its_owner_chose(db: PgPool) {
    let (config, _dir) = config();
    let state = easel_server::app_state(&config, db.clone());
    let tasks = easel_server::serve::start_generation(&config, &state.engine)
        .await
        .unwrap();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let shown = generate(&app, &alice, PROMPT).await;
    let private = generate(&app, &alice, "a private sketch of a red fox").await;

    let gallery = call_json(
        &app,
        "galleries/create",
        serde_json::json!({"form": {"name": "Storms"}}),
        Some(&alice),
    )
    .await;
    assert_eq!(gallery.status, StatusCode::OK, "{}", gallery.body);
    let gallery_id = gallery.json()["id"].as_str().unwrap().to_owned();
    let added = call_json(
        &app,
        "gallery/bulk",
        serde_json::json!({"selection": {"kind": "ids", "ids": [shown]}, "action": {"kind": "add_to_gallery", "gallery_id": gallery_id}}),
        Some(&alice),
    )
    .await;
    assert_eq!(added.json()["affected"], 1, "{}", added.body);
    let sharing = |public: bool, prompts: bool, parameters: bool| {
        serde_json::json!({"id": gallery_id, "is_public": public, "sharing": {
            "show_prompts": prompts, "show_parameters": parameters, "show_owner": false, "allow_indexing": false}})
    };
    let published = call_json(
        &app,
        "galleries/sharing",
        sharing(true, true, false),
        Some(&alice),
    )
    .await
    .json();
    let token = published["public_token"].as_str().unwrap().to_owned();

    // The page, for a stranger, rendered whole on the server.
    let page = get_page(&app, &format!("/g/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Storms"));
    assert!(page.body.contains(PROMPT), "prompts are shown");
    assert!(
        !page.body.contains("red fox"),
        "a private image never appears"
    );
    assert!(
        !page.body.contains(&private) && !page.body.contains(&gallery_id),
        "no internal ids"
    );
    let og_image = meta(&page.body, "og:image").expect("og:image");
    assert_eq!(
        og_image,
        format!("https://easel.example.com/g/{token}/images/{shown}/thumb/512")
    );
    assert_eq!(meta(&page.body, "og:image:type"), Some("image/jpeg"));
    // The image is 256 px, so its "512" thumbnail is 256 px too.
    assert_eq!(meta(&page.body, "og:image:width"), Some("256"));
    assert_eq!(
        meta(&page.body, "twitter:card"),
        Some("summary_large_image")
    );
    assert_eq!(meta(&page.body, "og:title"), Some("Storms"));
    assert_eq!(meta(&page.body, "robots"), Some("noindex"));

    // Its files: public caching; the original without its metadata while
    // the parameters are hidden; the private image not at all.
    let (status, headers, thumb) = get_bytes(
        &app,
        &format!("/g/{token}/images/{shown}/thumb/512"),
        None,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    assert_eq!(image::load_from_memory(&thumb).unwrap().width(), 256);
    let (status, _, original) =
        get_bytes(&app, &format!("/g/{token}/images/{shown}"), None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let bare = easel_engine::imaging::read_png_metadata(&original).unwrap();
    assert_eq!(
        bare,
        easel_engine::imaging::PngMetadata::default(),
        "metadata stripped"
    );
    assert!(image::load_from_memory(&original).is_ok());
    let (status, _, _) = get_bytes(&app, &format!("/g/{token}/images/{private}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get_bytes(&app, &format!("/images/{shown}"), None, &[]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the owner's route stays the owner's"
    );

    // Showing the parameters keeps them in the file; hiding the prompts
    // takes them out of the HTML.
    call_json(
        &app,
        "galleries/sharing",
        sharing(true, false, true),
        Some(&alice),
    )
    .await;
    let (_, _, original) = get_bytes(&app, &format!("/g/{token}/images/{shown}"), None, &[]).await;
    let kept = easel_engine::imaging::read_png_metadata(&original).unwrap();
    assert!(kept.parameters.unwrap().contains("Seed: 11"));
    let page = get_page(&app, &format!("/g/{token}"), None).await;
    assert!(
        !page.body.contains("lighthouse on a cliff"),
        "a hidden prompt is absent from the HTML"
    );
    assert!(page.body.contains("Seed"));

    // A new link revokes the old one at once.
    let renewed = call_json(
        &app,
        "galleries/new-link",
        serde_json::json!({"id": gallery_id}),
        Some(&alice),
    )
    .await
    .json();
    let fresh = renewed["public_token"].as_str().unwrap();
    assert_ne!(fresh, token);
    assert_eq!(
        get_page(&app, &format!("/g/{token}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_bytes(&app, &format!("/g/{token}/images/{shown}"), None, &[])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_page(&app, &format!("/g/{fresh}"), None).await.status,
        StatusCode::OK
    );
    // So does making it private.
    call_json(
        &app,
        "galleries/sharing",
        sharing(false, true, false),
        Some(&alice),
    )
    .await;
    assert_eq!(
        get_page(&app, &format!("/g/{fresh}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    tasks.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn share_links_expire_with_their_own_page_and_can_be_revoked(db: PgPool) {
    let (config, _dir) = config();
    let state = easel_server::app_state(&config, db.clone());
    let tasks = easel_server::serve::start_generation(&config, &state.engine)
        .await
        .unwrap();
    let app = router(db.clone(), &config);
    let alice = register(&app, "alice", "correct horse battery").await;
    let mallory = register(&app, "mallory", "correct horse battery").await;
    let image = generate(&app, &alice, PROMPT).await;
    let request = serde_json::json!({"request": {"image_id": image, "show_prompt": false, "show_parameters": false, "expires_in_hours": 24}});
    let link = call_json(&app, "shares/create", request.clone(), Some(&alice)).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);
    let link = link.json();
    let token = link["token"].as_str().unwrap();
    // Someone else's image cannot be shared: 404, not 403.
    assert_eq!(
        call_json(&app, "shares/create", request, Some(&mallory))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let page = get_page(&app, &format!("/s/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("lighthouse"), "the prompt is hidden");
    assert_eq!(
        meta(&page.body, "og:image"),
        Some(format!("https://easel.example.com/s/{token}/thumb/512").as_str())
    );
    let (status, headers, _) = get_bytes(&app, &format!("/s/{token}/image"), None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");

    sqlx::query("update image_shares set expires_at = now() - interval '1 second'")
        .execute(&db)
        .await
        .unwrap();
    let expired = get_page(&app, &format!("/s/{token}"), None).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("This link has expired"));
    assert_eq!(
        get_bytes(&app, &format!("/s/{token}/image"), None, &[])
            .await
            .0,
        StatusCode::GONE
    );

    let live = call_json(
        &app,
        "shares/create",
        serde_json::json!({"request": {"image_id": image, "show_prompt": true, "show_parameters": false, "expires_in_hours": null}}),
        Some(&alice),
    )
    .await
    .json();
    let live_token = live["token"].as_str().unwrap();
    assert!(
        get_page(&app, &format!("/s/{live_token}"), None)
            .await
            .body
            .contains(PROMPT)
    );
    let revoked = call_json(
        &app,
        "shares/revoke",
        serde_json::json!({"id": live["id"]}),
        Some(&alice),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let gone = get_page(&app, &format!("/s/{live_token}"), None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.body.contains("Nothing to see here"));
    assert_eq!(
        get_page(&app, "/s/not-a-token", None).await.status,
        StatusCode::NOT_FOUND
    );
    tasks.stop().await;
}
