//! Submit codes, U/V/R through buttons and change, novicezk's gaps,
//! failures and cancels.

use super::*;

#[tokio::test]
async fn submit_failures_are_codes_in_http_200() {
    let proxy = Proxy::start(Options {
        max_concurrent: 1,
        queue_size: 1,
        ..options()
    })
    .await;
    let (status, body) = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "  "}))
        .await;
    assert_eq!((status, body["code"].clone()), (200, json!(4)));
    let (_, body) = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "a forbidden thing"}))
        .await;
    assert_eq!(body["code"], 24);
    assert_eq!(body["properties"]["bannedWord"], "forbidden");
    assert_eq!(body["properties"]["promptEn"], "a forbidden thing");
    proxy
        .standin
        .faults()
        .inject_on("/mj/submit/imagine", Fault::Moderation, 1);
    assert_eq!(
        proxy
            .submit("/mj/submit/imagine", json!({"prompt": "cat"}))
            .await
            .1["code"],
        24
    );
    proxy.standin.fail_next_submit(9, "系统异常");
    assert_eq!(
        proxy
            .submit("/mj/submit/imagine", json!({"prompt": "cat"}))
            .await
            .1["code"],
        9
    );

    let first = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "one"}))
        .await
        .1;
    assert_eq!(first["code"], 1);
    let second = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "two"}))
        .await
        .1;
    assert_eq!(second["code"], 22, "queued behind the busy slot");
    let third = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "three"}))
        .await
        .1;
    assert_eq!(third["code"], 23, "the wait queue is full");
    let waiting = proxy.fetch(second["result"].as_str().expect("id")).await;
    assert_eq!(waiting["status"], "NOT_START");
    assert_eq!(waiting["progress"], Value::Null);
    proxy
        .until_done(first["result"].as_str().expect("id"))
        .await;
    let done = proxy
        .until_done(second["result"].as_str().expect("id"))
        .await;
    assert_eq!(done.last().expect("end")["status"], "SUCCESS");
}

#[tokio::test]
async fn upscales_variations_and_rerolls_follow_the_grid() {
    let proxy = Proxy::start(options()).await;
    let id = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "a blue lake"}))
        .await
        .1["result"]
        .as_str()
        .expect("id")
        .to_owned();
    let grid_task = proxy.until_done(&id).await.pop().expect("end");
    let grid = proxy
        .download(grid_task["imageUrl"].as_str().expect("url"))
        .await;
    let hash = grid_task["properties"]["messageHash"]
        .as_str()
        .expect("hash");

    let (_, up) = proxy
        .submit(
            "/mj/submit/action",
            json!({"taskId": id, "customId": format!("MJ::JOB::upsample::3::{hash}")}),
        )
        .await;
    assert_eq!(up["code"], 1);
    let up = proxy
        .until_done(up["result"].as_str().expect("id"))
        .await
        .pop()
        .expect("end");
    assert_eq!(up["action"], "UPSCALE");
    assert_eq!(up["description"], format!("/up {id} U3"));
    let single = proxy.download(up["imageUrl"].as_str().expect("url")).await;
    let (w, h) = (grid.width() / 2, grid.height() / 2);
    assert_eq!(
        single,
        image::imageops::crop_imm(&grid, 0, h, w, h).to_image(),
        "quadrant 3 is bottom-left"
    );
    assert!(up["buttons"].as_array().expect("buttons").iter().any(|b| {
        b["customId"]
            .as_str()
            .is_some_and(|c| c.contains("upsample_v6_2x_subtle"))
    }));

    let (_, change) = proxy
        .submit(
            "/mj/submit/change",
            json!({"taskId": id, "action": "VARIATION", "index": 2}),
        )
        .await;
    let variation = proxy
        .until_done(change["result"].as_str().expect("id"))
        .await
        .pop()
        .expect("end");
    assert_eq!(variation["action"], "VARIATION");
    let (_, simple) = proxy
        .submit(
            "/mj/submit/simple-change",
            json!({"content": format!("{id} R")}),
        )
        .await;
    assert_eq!(
        proxy
            .until_done(simple["result"].as_str().expect("id"))
            .await
            .pop()
            .expect("end")["action"],
        "REROLL"
    );

    let (status, missing) = proxy
        .submit(
            "/mj/submit/action",
            json!({"taskId": "404", "customId": "MJ::JOB::upsample::1::x"}),
        )
        .await;
    assert_eq!(
        (status, missing["code"].clone()),
        (404, json!(3)),
        "trueai: HTTP 404"
    );
    let (status, missing) = proxy
        .submit(
            "/mj/submit/change",
            json!({"taskId": "404", "action": "UPSCALE", "index": 1}),
        )
        .await;
    assert_eq!((status, missing["code"].clone()), (200, json!(3)));
    let (_, bad) = proxy
        .submit(
            "/mj/submit/change",
            json!({"taskId": id, "action": "UPSCALE", "index": 7}),
        )
        .await;
    assert_eq!(bad["code"], 4);
}

#[tokio::test]
async fn novicezk_has_no_buttons_action_or_cancel() {
    let proxy = Proxy::start(Options {
        flavour: Flavour::Novicezk,
        ..options()
    })
    .await;
    let id = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "x"}))
        .await
        .1["result"]
        .as_str()
        .expect("id")
        .to_owned();
    let done = proxy.until_done(&id).await.pop().expect("end");
    assert!(done.get("buttons").is_none());
    let (status, body) = proxy
        .submit(
            "/mj/submit/action",
            json!({"taskId": id, "customId": "MJ::JOB::upsample::1::x"}),
        )
        .await;
    assert_eq!((status, body["error"].clone()), (404, json!("Not Found")));
    let (status, _) = proxy
        .submit(&format!("/mj/task/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, 404);
    let (_, up) = proxy
        .submit(
            "/mj/submit/change",
            json!({"taskId": id, "action": "UPSCALE", "index": 1}),
        )
        .await;
    assert_eq!(up["code"], 1);
}

#[tokio::test]
async fn failures_and_cancels_end_tasks() {
    let proxy = Proxy::start(options()).await;
    proxy
        .standin
        .faults()
        .inject_on("/mj/submit/imagine", Fault::RuntimeError, 1);
    let id = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "x"}))
        .await
        .1["result"]
        .as_str()
        .expect("id")
        .to_owned();
    let failed = proxy.until_done(&id).await.pop().expect("end");
    assert_eq!(failed["status"], "FAILURE");
    assert_eq!(failed["progress"], "");
    assert!(
        failed["failReason"]
            .as_str()
            .expect("reason")
            .contains("error")
    );

    let id = proxy
        .submit("/mj/submit/imagine", json!({"prompt": "y"}))
        .await
        .1["result"]
        .as_str()
        .expect("id")
        .to_owned();
    proxy.fetch(&id).await;
    let (status, body) = proxy
        .submit(&format!("/mj/task/{id}/cancel"), json!({}))
        .await;
    assert_eq!((status, body["code"].clone()), (200, json!(1)));
    assert_eq!(
        proxy.until_done(&id).await.pop().expect("end")["status"],
        "CANCEL"
    );
    assert_eq!(proxy.standin.cancels(), vec![id.clone()]);

    let listed = proxy
        .submit("/mj/task/list-by-condition", json!({"ids": [id, "nope"]}))
        .await
        .1;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}
