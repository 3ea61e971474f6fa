//! Cancel (only Easel's own task is interrupted, now or once it leaves
//! the queue) and restarts (the result is lost; an orphan is stopped).

use super::*;

fn spawn_run(
    provider: &Arc<A1111Provider>,
    cx: &JobContext,
) -> tokio::task::JoinHandle<Result<Vec<Generated>, ProviderError>> {
    let (provider, cx) = (Arc::clone(provider), cx.clone());
    tokio::spawn(async move { provider.run(&cx).await })
}

#[tokio::test]
async fn cancelling_interrupts_our_running_task() {
    let (standin, provider) = setup(Options {
        preview_every: 1000,
        ..lockstep()
    })
    .await;
    let provider = Arc::new(provider);
    let mut req = request("v1-5-pruned-emaonly", "x");
    req.steps = Some(150);
    let (cx, progress) = testing::context(req);
    let job = spawn_run(&provider, &cx);
    until(|| progress.with(|r| !r.steps.is_empty())).await;
    cx.cancel.cancel();
    assert!(matches!(
        job.await.expect("joined"),
        Err(ProviderError::Cancelled)
    ));
    let handle = progress.last_handle().expect("a handle");
    provider.interrupt(&handle).await;
    assert_eq!(
        standin.interrupted_tasks(),
        [handle["task_id"].as_str().map(str::to_owned)]
    );
}

/// Starts another client's job on the stand-in, as a raw request.
fn someone_else(standin: &A1111StandIn, steps: u32) -> tokio::task::JoinHandle<Value> {
    let url = format!("{}{TXT2IMG}", standin.base_url());
    tokio::spawn(async move {
        let body = json!({"prompt": "theirs", "steps": steps, "width": 16, "height": 16, "force_task_id": "task(someone-else)"});
        reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json")
    })
}

#[tokio::test]
async fn another_clients_task_is_never_interrupted() {
    let (standin, provider) = setup(Options {
        step: Duration::from_millis(10),
        ..Options::default()
    })
    .await;
    let theirs = someone_else(&standin, 1000);
    until(|| standin.current_task().as_deref() == Some("task(someone-else)")).await;
    provider
        .interrupt(&json!({"task_id": "task(easel-gone)"}))
        .await;
    assert_eq!(standin.interrupts(), 0);
    assert_eq!(
        standin.current_task().as_deref(),
        Some("task(someone-else)")
    );
    provider
        .interrupt(&json!({"task_id": "task(someone-else)", "finished": true}))
        .await;
    assert_eq!(standin.interrupts(), 0, "a finished handle is left alone");
    theirs.abort();
}

#[tokio::test]
async fn a_cancelled_request_queued_behind_another_job_is_interrupted_when_it_starts() {
    let (standin, provider) = setup(Options {
        step: Duration::from_millis(5),
        ..Options::default()
    })
    .await;
    let provider = Arc::new(provider);
    let theirs = someone_else(&standin, 20);
    until(|| standin.current_task().as_deref() == Some("task(someone-else)")).await;
    let mut req = request("v1-5-pruned-emaonly", "x");
    req.steps = Some(150);
    let (cx, progress) = testing::context(req);
    let job = spawn_run(&provider, &cx);
    until(|| standin.bodies(TXT2IMG).len() == 2).await;
    cx.cancel.cancel();
    assert!(matches!(
        job.await.expect("joined"),
        Err(ProviderError::Cancelled)
    ));
    let handle = progress.last_handle().expect("a handle");
    let ours = handle["task_id"].as_str().expect("id").to_owned();
    provider.interrupt(&handle).await;
    assert_eq!(standin.interrupts(), 0, "not while their job runs");
    let finished = theirs.await.expect("theirs finishes");
    assert_eq!(finished["images"].as_array().map(Vec::len), Some(1));
    until(|| standin.interrupts() > 0).await;
    assert_eq!(standin.interrupted_tasks(), [Some(ours)]);
}

#[tokio::test]
async fn after_a_restart_the_result_is_lost_and_an_orphan_is_stopped() {
    let (standin, provider) = setup(Options {
        step: Duration::from_millis(10),
        ..Options::default()
    })
    .await;
    let (mut cx, _) = testing::context(request("v1-5-pruned-emaonly", "x"));
    cx.remote_handle = Some(json!({"task_id": "task(easel-before-restart)"}));
    match provider.run(&cx).await {
        Err(ProviderError::Fatal(message)) => {
            assert!(message.starts_with("Easel restarted while AUTOMATIC1111 was generating; the result could not be recovered"), "{message}");
            assert!(!message.contains("stopped"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(standin.interrupts(), 0);

    let url = format!("{}{TXT2IMG}", standin.base_url());
    let orphan = tokio::spawn(async move {
        let body = json!({"prompt": "x", "steps": 1000, "width": 16, "height": 16, "force_task_id": "task(easel-before-restart)"});
        reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .expect("answer")
            .status()
    });
    until(|| standin.current_task().is_some()).await;
    match provider.run(&cx).await {
        Err(ProviderError::Fatal(message)) => assert!(
            message.ends_with("The unfinished generation was stopped."),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        standin.interrupted_tasks(),
        [Some("task(easel-before-restart)".to_owned())]
    );
    assert_eq!(
        orphan.await.expect("joined"),
        200,
        "the orphan returned what it had"
    );
    assert_eq!(standin.bodies(TXT2IMG).len(), 1, "nothing was resubmitted");

    cx.remote_handle = Some(json!({"task_id": "task(easel-before-restart)", "finished": true}));
    let images = provider
        .run(&cx)
        .await
        .expect("a finished earlier attempt starts afresh");
    assert_eq!(images.len(), 1);
}
