//! The access matrix: every route of the router's own table and every
//! registered server function, tried as the owner, another user and an
//! anonymous visitor, against a private image, an image in a public
//! gallery, a live share link and an expired one. A route or server
//! function with no entry here fails the test, so new ones must say who
//! may use them.

mod support;

use axum::http::StatusCode;
use sqlx::PgPool;
use support::{builtin_request, call_json, get_bytes, register, router};

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Owner,
    Other,
    Anonymous,
}

const VIEWERS: [Viewer; 3] = [Viewer::Owner, Viewer::Other, Viewer::Anonymous];

/// The owner's objects the matrix is tried against.
struct World {
    private: String,
    shown: String,
    gallery: String,
    token: String,
    live: String,
    expired: String,
}

async fn generate(app: &axum::Router, cookie: &str, prompt: &str) -> String {
    let submitted = call_json(
        app,
        "generation/submit",
        builtin_request(prompt, 3),
        Some(cookie),
    )
    .await;
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
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the job did not finish");
}

/// The expected status of a file route, per viewer.
fn file_route(path: &str, viewer: Viewer) -> Option<Vec<(String, StatusCode)>> {
    use StatusCode as S;
    let owner_only = |ok| match viewer {
        Viewer::Owner => ok,
        Viewer::Other => S::NOT_FOUND,
        Viewer::Anonymous => S::UNAUTHORIZED,
    };
    Some(match path {
        "/images/{id}" => vec![
            ("/images/{private}".into(), owner_only(S::OK)),
            ("/images/{shown}".into(), owner_only(S::OK)),
        ],
        "/images/{id}/download" => vec![("/images/{private}/download".into(), owner_only(S::OK))],
        "/images/{id}/thumb/{size}" => vec![
            ("/images/{private}/thumb/256".into(), owner_only(S::OK)),
            (
                "/images/{private}/thumb/999".into(),
                owner_only(S::NOT_FOUND),
            ),
        ],
        // Anyone with the token, for the gallery's images only.
        "/g/{token}/images/{id}" => vec![
            ("/g/{token}/images/{shown}".into(), S::OK),
            ("/g/{token}/images/{private}".into(), S::NOT_FOUND),
            (
                "/g/AAAAAAAAAAAAAAAAAAAAAA/images/{shown}".into(),
                S::NOT_FOUND,
            ),
        ],
        "/g/{token}/images/{id}/thumb/{size}" => vec![
            ("/g/{token}/images/{shown}/thumb/512".into(), S::OK),
            ("/g/{token}/images/{private}/thumb/512".into(), S::NOT_FOUND),
        ],
        // Anyone with a live link; an expired one is gone.
        "/s/{token}/image" => vec![
            ("/s/{live}/image".into(), S::OK),
            ("/s/{expired}/image".into(), S::GONE),
        ],
        "/s/{token}/thumb/{size}" => vec![
            ("/s/{live}/thumb/256".into(), S::OK),
            ("/s/{expired}/thumb/256".into(), S::GONE),
        ],
        // The zip holds the asker's own images only (checked below).
        "/images/archive" => vec![(
            "/images/archive".into(),
            if viewer == Viewer::Anonymous {
                S::UNAUTHORIZED
            } else {
                S::OK
            },
        )],
        "/styles/{file}" => vec![("/styles/watercolor.jpg".into(), S::OK)],
        "/styles/user/{file}" => vec![(
            "/styles/user/00000000-0000-0000-0000-000000000000.jpg".into(),
            if viewer == Viewer::Anonymous {
                S::UNAUTHORIZED
            } else {
                S::NOT_FOUND
            },
        )],
        // A plain GET is no websocket handshake, so it is refused before
        // the session matters; a real handshake without a session gets 401
        // (tests/progress_ws.rs, over a real socket).
        "/ws/progress" => vec![("/ws/progress".into(), S::BAD_REQUEST)],
        // POST routes: checked with their own requests below.
        "/images/upload" | "/api/{*fn_name}" => vec![],
        _ => return None,
    })
}

/// Who may call a server function: the public ones answer anyone; the
/// rest need a session, and another user's ids are 404.
enum Fn {
    /// Anyone (log-in, public pages, …).
    Public,
    /// Signed in; the body names the owner's object, so another user
    /// gets 404.
    OwnerObject(serde_json::Value),
    /// Signed in; lists or acts on the caller's own data, so another user
    /// never sees the owner's (the body must not hold the owner's ids).
    OwnData(serde_json::Value),
}

fn server_fn(endpoint: &str, w: &World) -> Option<Fn> {
    use serde_json::json;
    let image = json!({"id": w.private});
    let gallery = json!({"id": w.gallery});
    let nil = "00000000-0000-0000-0000-000000000000";
    Some(match endpoint {
        "auth/login" | "auth/register" | "auth/logout" | "auth/me" | "public/gallery"
        | "public/share" => Fn::Public,
        "gallery/image" | "gallery/delete" => Fn::OwnerObject(image),
        "galleries/get" => Fn::OwnerObject(json!({"id": w.gallery, "after": null})),
        "galleries/delete" | "galleries/new-link" => Fn::OwnerObject(gallery),
        "galleries/update" => Fn::OwnerObject(json!({"id": w.gallery, "form": {"name": "stolen"}})),
        "galleries/cover" => Fn::OwnerObject(json!({"id": w.gallery, "image_id": w.shown})),
        "galleries/reorder-images" => {
            Fn::OwnerObject(json!({"id": w.gallery, "image_ids": [w.shown]}))
        }
        "galleries/sharing" => Fn::OwnerObject(
            json!({"id": w.gallery, "is_public": false, "sharing": {"show_prompts": true, "show_parameters": true, "show_owner": true, "allow_indexing": true}}),
        ),
        "shares/create" => Fn::OwnerObject(
            json!({"request": {"image_id": w.private, "show_prompt": true, "show_parameters": true, "expires_in_hours": null}}),
        ),
        "shares/revoke" => Fn::OwnerObject(json!({"id": nil})),
        "generation/cancel" => Fn::OwnerObject(json!({"job_id": nil})),
        "history/get" | "history/delete" | "templates/get" | "templates/delete"
        | "styles/delete" => Fn::OwnerObject(json!({"id": nil})),
        "wildcards/delete" => Fn::OwnerObject(json!({"name": "no-such-list"})),
        "history/star" => Fn::OwnerObject(json!({"id": nil, "starred": true})),
        "templates/update" => {
            Fn::OwnerObject(json!({"id": nil, "input": {"name": "x", "prompt": "x"}}))
        }
        "gallery/bulk" => Fn::OwnData(
            json!({"selection": {"kind": "ids", "ids": [w.private, w.shown]}, "action": {"kind": "trash"}}),
        ),
        "gallery/list" | "gallery/trash" | "gallery/tags" | "galleries/list"
        | "generation/jobs" | "generation/models" | "account/overview" | "backends/status"
        | "backends/check" | "templates/list" | "styles/list" | "wildcards/list" => {
            Fn::OwnData(json!({}))
        }
        "gallery/count" | "history/search" => Fn::OwnData(json!({"query": {}})),
        "shares/list" => Fn::OwnData(json!({"image_id": w.private})),
        "galleries/reorder" => Fn::OwnData(json!({"ids": [w.gallery]})),
        "galleries/create" => Fn::OwnData(json!({"form": {"name": "Bob's own"}})),
        "generation/submit" => Fn::OwnData(builtin_request("a matrix test", 1)),
        "templates/create" => Fn::OwnData(json!({"input": {"name": "t", "prompt": "p"}})),
        "styles/create" => Fn::OwnData(json!({"input": {"name": "s", "positive": "{prompt}, s"}})),
        "wildcards/save" => Fn::OwnData(json!({"list": {"name": "w", "entries": ["a"]}})),
        _ => return None,
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn every_route_and_server_function_has_an_entry_and_keeps_to_it(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config();
    config.image_dir = dir.path().to_path_buf();
    let state = easel_server::app_state(&config, db.clone());
    let tasks = easel_server::serve::start_generation(&config, &state.engine)
        .await
        .unwrap();
    let app = router(db.clone(), &config);
    let owner = register(&app, "owner", "correct horse battery").await;
    let other = register(&app, "other", "correct horse battery").await;

    // The owner's world: a private image, one in a public gallery, and a
    // live and an expired share link.
    let private = generate(&app, &owner, "a private diary page").await;
    let shown = generate(&app, &owner, "a public sunset").await;
    let gallery = call_json(
        &app,
        "galleries/create",
        serde_json::json!({"form": {"name": "Public"}}),
        Some(&owner),
    )
    .await
    .json();
    let gallery_id = gallery["id"].as_str().unwrap().to_owned();
    call_json(&app, "gallery/bulk", serde_json::json!({"selection": {"kind": "ids", "ids": [shown]}, "action": {"kind": "add_to_gallery", "gallery_id": gallery_id}}), Some(&owner)).await;
    let published = call_json(&app, "galleries/sharing", serde_json::json!({"id": gallery_id, "is_public": true, "sharing": {"show_prompts": true, "show_parameters": false, "show_owner": false, "allow_indexing": false}}), Some(&owner)).await.json();
    let share = |hours: u32| serde_json::json!({"request": {"image_id": private, "show_prompt": true, "show_parameters": false, "expires_in_hours": hours}});
    let live = call_json(&app, "shares/create", share(24), Some(&owner))
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let expired = call_json(&app, "shares/create", share(1), Some(&owner))
        .await
        .json();
    sqlx::query(
        "update image_shares set expires_at = now() - interval '1 second' where id = $1::uuid",
    )
    .bind(expired["id"].as_str().unwrap())
    .execute(&db)
    .await
    .unwrap();
    let world = World {
        private: private.clone(),
        shown: shown.clone(),
        gallery: gallery_id.clone(),
        token: published["public_token"].as_str().unwrap().to_owned(),
        live,
        expired: expired["token"].as_str().unwrap().to_owned(),
    };
    let fill = |path: &str| {
        path.replace("{private}", &world.private)
            .replace("{shown}", &world.shown)
            .replace("{token}", &world.token)
            .replace("{live}", &world.live)
            .replace("{expired}", &world.expired)
    };
    let cookie = |viewer: Viewer| match viewer {
        Viewer::Owner => Some(owner.as_str()),
        Viewer::Other => Some(other.as_str()),
        Viewer::Anonymous => None,
    };

    // Routes: the router's own table.
    let paths = easel_server::router::route_paths(&state);
    let missing: Vec<_> = paths
        .iter()
        .filter(|p| file_route(p, Viewer::Owner).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no access-matrix entry: {missing:?}"
    );
    for path in &paths {
        for viewer in VIEWERS {
            for (request, expected) in file_route(path, viewer).unwrap() {
                let url = fill(&request);
                let (status, _, body) = get_bytes(&app, &url, cookie(viewer), &[]).await;
                assert_eq!(status, expected, "{viewer:?} GET {url}");
                if request == "/images/archive" && viewer == Viewer::Other {
                    // A zip of the other user's (no) images: never the owner's.
                    assert!(
                        body.len() < 200,
                        "another user's zip holds nothing of the owner's"
                    );
                }
            }
        }
    }
    // The upload route: anonymous is refused before anything is read.
    let upload = axum::http::Request::post(easel_domain::gallery::upload::UPLOAD_PATH)
        .header("content-type", "multipart/form-data; boundary=x")
        .body(axum::body::Body::from("--x--\r\n"))
        .unwrap();
    assert_eq!(
        support::send(&app, upload).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Server functions: every registered one.
    let endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    assert!(
        endpoints.len() > 40,
        "the server functions are registered: {endpoints:?}"
    );
    let missing: Vec<_> = endpoints
        .iter()
        .filter(|e| server_fn(e, &world).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "server functions with no access-matrix entry: {missing:?}"
    );
    for endpoint in &endpoints {
        match server_fn(endpoint, &world).unwrap() {
            Fn::Public => {}
            Fn::OwnerObject(body) => {
                let anonymous = call_json(&app, endpoint, body.clone(), None).await;
                assert_eq!(
                    anonymous.status,
                    StatusCode::UNAUTHORIZED,
                    "anonymous {endpoint}: {}",
                    anonymous.body
                );
                let theirs = call_json(&app, endpoint, body, Some(&other)).await;
                assert_eq!(
                    theirs.status,
                    StatusCode::NOT_FOUND,
                    "other user {endpoint}: {}",
                    theirs.body
                );
            }
            Fn::OwnData(body) => {
                let anonymous = call_json(&app, endpoint, body.clone(), None).await;
                assert_eq!(
                    anonymous.status,
                    StatusCode::UNAUTHORIZED,
                    "anonymous {endpoint}: {}",
                    anonymous.body
                );
                let theirs = call_json(&app, endpoint, body, Some(&other)).await;
                assert!(
                    theirs.status.as_u16() < 500,
                    "other user {endpoint}: {}",
                    theirs.body
                );
                for owned in [&world.private, &world.shown, &world.gallery] {
                    assert!(
                        !theirs.body.contains(owned.as_str()),
                        "{endpoint} showed the owner's {owned} to another user"
                    );
                }
            }
        }
    }
    // The owner's images survived the other user's attempts.
    for id in [&private, &shown] {
        let (status, _, _) = get_bytes(&app, &format!("/images/{id}"), Some(&owner), &[]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let listed = call_json(&app, "gallery/list", serde_json::json!({}), Some(&owner))
        .await
        .json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        2,
        "nothing was trashed by another user"
    );
    tasks.stop().await;
}
