//! Cancel (the cancel route, or nothing on novicezk), tasks ended
//! elsewhere, and re-attaching after a restart.

use super::*;

fn spawn_run(
    provider: &Arc<MidjourneyProvider>,
    cx: &JobContext,
) -> tokio::task::JoinHandle<Result<Vec<Generated>, ProviderError>> {
    let (provider, cx) = (Arc::clone(provider), cx.clone());
    tokio::spawn(async move { provider.run(&cx).await })
}

#[tokio::test]
async fn cancelling_calls_the_cancel_route() {
    let (standin, provider) = setup(options()).await;
    let provider = Arc::new(provider);
    let (cx, progress) = testing::context(request("x"));
    let job = spawn_run(&provider, &cx);
    until(|| progress.with(|r| !r.steps.is_empty())).await;
    cx.cancel.cancel();
    assert!(matches!(
        job.await.expect("joined"),
        Err(ProviderError::Cancelled)
    ));
    let handle = progress.last_handle().expect("a handle");
    provider.interrupt(&handle).await;
    let task_id = handle["task_id"].as_str().expect("id").to_owned();
    assert_eq!(standin.cancels(), std::slice::from_ref(&task_id));
    let client = reqwest::Client::new();
    let url = format!("{}/mj/task/{task_id}/fetch", standin.base_url());
    let mut status = Value::Null;
    for _ in 0..1000 {
        let task: Value = client
            .get(&url)
            .header("mj-api-secret", STANDIN_SECRET)
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        status = task["status"].clone();
        if status == "CANCEL" {
            break;
        }
    }
    assert_eq!(status, "CANCEL");
}

#[tokio::test]
async fn a_task_cancelled_elsewhere_or_forgotten_ends_the_job() {
    let (standin, provider) = setup(options()).await;
    let provider = Arc::new(provider);
    let (cx, progress) = testing::context(request("x"));
    let job = spawn_run(&provider, &cx);
    until(|| progress.with(|r| !r.steps.is_empty())).await;
    let task_id = progress.last_handle().expect("handle")["task_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let cancelled = reqwest::Client::new()
        .post(format!("{}/mj/task/{task_id}/cancel", standin.base_url()))
        .header("mj-api-secret", STANDIN_SECRET)
        .send()
        .await
        .expect("answer");
    assert_eq!(cancelled.status(), 200);
    assert!(matches!(
        job.await.expect("joined"),
        Err(ProviderError::Cancelled)
    ));

    let (cx, progress) = testing::context(request("y"));
    let job = spawn_run(&provider, &cx);
    until(|| progress.with(|r| !r.steps.is_empty())).await;
    standin.forget_tasks();
    match job.await.expect("joined") {
        Err(ProviderError::Fatal(message)) => assert!(
            message.contains("the Midjourney proxy no longer knows this task")
                || message.contains("The Midjourney proxy no longer knows this task"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn novicezk_cannot_cancel_and_that_is_fine() {
    let (standin, provider) = setup(Options {
        flavour: Flavour::Novicezk,
        ..options()
    })
    .await;
    provider
        .interrupt(&json!({"task_id": "1234", "action": "IMAGINE"}))
        .await;
    assert!(standin.cancels().is_empty());
    assert_eq!(
        standin.log().to_path("/mj/task/1234/cancel").len(),
        1,
        "tried once, got 404"
    );
}

#[tokio::test]
async fn after_a_restart_the_saved_task_is_polled_again() {
    let (standin, provider) = setup(options()).await;
    let provider = Arc::new(provider);
    let (cx, progress) = testing::context(request("a red fox"));
    let job = spawn_run(&provider, &cx);
    until(|| progress.with(|r| r.steps.iter().any(|s| s.0 >= 15))).await;
    cx.cancel.cancel_for(CancelReason::Released);
    job.abort();
    let _ = job.await;
    let handle = progress.last_handle().expect("a handle");

    let (mut again, progress) = testing::context(request("a red fox"));
    again.remote_handle = Some(handle.clone());
    again.attempt = 2;
    let images = provider.run(&again).await.expect("re-attached");
    assert_eq!(images.len(), 4);
    assert_eq!(images[0].metadata["task_id"], handle["task_id"]);
    assert_eq!(standin.bodies(IMAGINE).len(), 1, "a single imagine submit");
    assert!(
        progress.with(|r| r.handles.is_empty()),
        "nothing new to save"
    );
}

#[tokio::test]
async fn novicezk_forgetting_a_task_is_an_empty_200_and_fatal() {
    let (standin, provider) = setup(Options {
        flavour: Flavour::Novicezk,
        ..options()
    })
    .await;
    let provider = Arc::new(provider);
    let (cx, progress) = testing::context(request("y"));
    let job = spawn_run(&provider, &cx);
    until(|| progress.with(|r| !r.steps.is_empty())).await;
    standin.forget_tasks();
    match job.await.expect("joined") {
        Err(ProviderError::Fatal(message)) => {
            assert!(
                message.contains("Midjourney proxy no longer knows this task"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}
