//! Creative upscales: the saved result id, polling, re-attaching, cancelling.

use super::*;

#[tokio::test]
async fn creative_upscales_save_the_result_id_before_polling() {
    let standin = standin_with(Options {
        async_steps: 6,
        step: Duration::from_millis(20),
        ..options()
    })
    .await;
    let mut req = request("upscale-creative", "crisp details", 64, 64);
    req.operation = Some(Operation::Upscale);
    req.strength = Some(0.4);
    let (cx, progress) = with_source(req, 64, 64);
    let images = provider(&standin).run(&cx).await.expect("upscaled");
    assert_eq!(decode(&images[0]).dimensions(), (128, 128));
    let handle = progress.last_handle().expect("a saved handle");
    let id = handle["result_id"].as_str().expect("result id");
    assert_eq!(images[0].metadata["result_id"], id);
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.field("creativity").as_deref(), Some("0.4"));
    let polls = standin.log().to_path(&format!("/v2beta/results/{id}"));
    assert!(polls.len() >= 2, "polled until ready");
    assert!(polls.iter().all(|p| p.header("accept") == Some("image/*")));
    let steps = progress.with(|r| r.steps.clone());
    assert!(
        steps
            .iter()
            .all(|(_, total, preview)| *total == 100 && !preview)
    );
    assert_eq!(steps.last(), Some(&(100, 100, false)));
    assert!(
        steps[..steps.len() - 1]
            .iter()
            .all(|(step, ..)| *step < 100)
    );
}

#[tokio::test]
async fn a_restarted_easel_re_attaches_to_the_saved_upscale_without_resubmitting() {
    let mut standin = standin_with(Options {
        async_steps: 20,
        step: Duration::from_millis(20),
        ..options()
    })
    .await;
    let provider = provider(&standin);
    let (cx, progress) = upscale("upscale-creative", 64, 64);
    // The first run is dropped once it has saved its handle, as when Easel
    // stops mid-job.
    tokio::select! {
        _ = provider.run(&cx) => panic!("the upscale should still be running"),
        () = wait_for("the handle", || progress.last_handle().is_some()) => {}
    }
    standin
        .restart()
        .await
        .expect("the stand-in restarts, keeping its results");
    let (mut again, _) = upscale("upscale-creative", 64, 64);
    again.remote_handle = progress.last_handle();
    let images = provider.run(&again).await.expect("re-attached");
    assert_eq!(decode(&images[0]).dimensions(), (128, 128));
    let posts = standin
        .log()
        .to_path("/v2beta/stable-image/upscale/creative");
    assert_eq!(posts.len(), 1, "exactly one submission");
}

#[tokio::test]
async fn an_expired_result_id_is_a_clear_fatal_error() {
    let standin = standin().await;
    let (mut cx, _) = upscale("upscale-creative", 64, 64);
    cx.remote_handle = Some(json!({"result_id": "f".repeat(64)}));
    expect_fatal(provider(&standin).run(&cx).await, "expired or unknown");
    assert!(
        standin
            .log()
            .to_path("/v2beta/stable-image/upscale/creative")
            .is_empty()
    );
}

#[tokio::test]
async fn cancelling_an_upscale_stops_polling_and_keeps_the_handle() {
    let standin = standin_with(Options {
        async_steps: 100,
        step: Duration::from_millis(20),
        ..options()
    })
    .await;
    let (cx, progress) = upscale("upscale-creative", 64, 64);
    let cancel = cx.cancel.clone();
    let watcher = async {
        wait_for("polling", || progress.with(|r| !r.steps.is_empty())).await;
        cancel.cancel();
    };
    let provider = provider(&standin);
    let (result, ()) = tokio::join!(provider.run(&cx), watcher);
    assert_eq!(result.err(), Some(ProviderError::Cancelled));
    assert!(progress.last_handle().is_some());
}
