//! Submit codes and failed tasks.

use super::*;

#[tokio::test]
async fn submit_codes_map_to_outcomes() {
    let (standin, provider) = setup(options()).await;
    standin.fail_next_submit(23, "队列已满，请稍后尝试");
    match run(&provider, request("x")).await.0 {
        Err(ProviderError::Retryable { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(30)))
        }
        other => panic!("{other:?}"),
    }
    standin.fail_next_submit(9, "系统异常");
    assert!(matches!(
        run(&provider, request("x")).await.0,
        Err(ProviderError::Retryable { .. })
    ));
    standin.fail_next_submit(4, "prompt不能为空");
    match run(&provider, request("x")).await.0 {
        Err(ProviderError::Fatal(message)) => assert!(
            message.contains("rejected the request: prompt不能为空"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    match run(&provider, request("a forbidden scene")).await.0 {
        Err(ProviderError::Refused { backend, message }) => {
            assert_eq!(backend, "Midjourney (proxy)");
            assert_eq!(message, "the prompt contains the banned word \"forbidden\"");
        }
        other => panic!("{other:?}"),
    }
    standin.faults().inject_on(IMAGINE, Fault::Moderation, 1);
    assert!(matches!(
        run(&provider, request("x")).await.0,
        Err(ProviderError::Refused { .. })
    ));
    standin.fail_next_submit(21, "任务已存在");
    let images = run(&provider, request("x"))
        .await
        .0
        .expect("21: the existing task is ours");
    assert_eq!(images.len(), 4);
}

#[tokio::test]
async fn queued_submits_are_accepted() {
    let (standin, provider) = setup(Options {
        max_concurrent: 1,
        step_on_poll: false,
        step: Duration::from_millis(2),
        ..options()
    })
    .await;
    let provider = Arc::new(provider);
    let first = {
        let provider = Arc::clone(&provider);
        tokio::spawn(async move { run(&provider, request("one")).await.0 })
    };
    until(|| !standin.bodies(IMAGINE).is_empty()).await;
    let second = run(&provider, request("two")).await.0;
    assert_eq!(second.expect("code 22 is accepted").len(), 4);
    assert_eq!(first.await.expect("joined").expect("images").len(), 4);
}

#[tokio::test]
async fn failed_tasks_are_fatal_or_refused() {
    let (standin, provider) = setup(options()).await;
    standin.faults().inject_on(IMAGINE, Fault::RuntimeError, 1);
    match run(&provider, request("x")).await.0 {
        Err(ProviderError::Fatal(message)) => assert!(
            message.starts_with("Midjourney failed the job: [Internal Error]"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    match run(&provider, request("filtered content")).await.0 {
        Err(ProviderError::Refused { message, .. }) => {
            assert!(message.contains("image filters"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_expired_parent_task_is_fatal() {
    let (standin, provider) = setup(options()).await;
    let images = run(&provider, request("a green hill"))
        .await
        .0
        .expect("images");
    standin.forget_tasks();
    match provider
        .run(&from_image(op(Operation::Upscale), &images[2]))
        .await
    {
        Err(ProviderError::Fatal(message)) => {
            assert!(
                message.contains("no longer knows the original task"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        standin.log().to_path(ACTION).len(),
        1,
        "trueai: HTTP 404 with code 3"
    );
}
