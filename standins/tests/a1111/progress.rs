//! `/progress`, `/interrupt` and the global lock.

use super::*;

#[tokio::test]
async fn progress_reports_the_running_task_with_previews_and_interrupt_returns_what_was_made() {
    let (standin, client) = standin(Options {
        step: Duration::from_millis(2),
        preview_every: 1,
        step_on_poll: true,
        ..Options::default()
    })
    .await;
    let base = standin.base_url();
    let idle: Value = client
        .get(format!("{base}/sdapi/v1/progress"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(idle["progress"], 0.0);
    assert_eq!(idle["current_task"], Value::Null);
    assert_eq!(idle["state"]["job_count"], 0);

    let job = tokio::spawn({
        let client = client.clone();
        let url = format!("{base}/sdapi/v1/txt2img");
        async move {
            post(&client, url, json!({"prompt": "x", "steps": 50, "n_iter": 2, "batch_size": 2, "width": 32, "height": 32, "seed": 9, "force_task_id": "task(mine)"})).await
        }
    });
    let mut seen = None;
    for _ in 0..2000 {
        let p: Value = client
            .get(format!("{base}/sdapi/v1/progress?skip_current_image=false"))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        if p["state"]["sampling_step"].as_i64().unwrap_or(0) >= 3
            && p["current_task"] == "task(mine)"
        {
            seen = Some(p);
            break;
        }
    }
    let p = seen.expect("the job shows up in /progress");
    assert_eq!(p["state"]["job"], "scripts_txt2img");
    assert_eq!(p["state"]["job_count"], 2);
    let preview = decode_png(p["current_image"].as_str().expect("a live preview"));
    assert_eq!(preview.dimensions(), (64, 32), "a grid of the batch");
    let step = p["state"]["sampling_step"].as_f64().expect("step");
    let expected = 0.01 + step / 50.0 / 2.0;
    assert!((p["progress"].as_f64().expect("progress") - expected).abs() < 1e-9);
    let skipped: Value = client
        .get(format!("{base}/sdapi/v1/progress?skip_current_image=true"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(skipped["current_image"], Value::Null);

    let (status, body) = post(&client, format!("{base}/sdapi/v1/interrupt"), json!({})).await;
    assert_eq!((status, body), (200, json!({})));
    let (status, body) = job.await.expect("joined");
    assert_eq!(status, 200);
    assert_eq!(
        body["images"].as_array().map(Vec::len),
        Some(2),
        "the interrupted batch only"
    );
    let info: Value = serde_json::from_str(body["info"].as_str().expect("info")).expect("json");
    assert_eq!(info["all_seeds"], json!([9, 10, 11, 12]));
    assert_eq!(
        standin.interrupted_tasks(),
        vec![Some("task(mine)".to_owned())]
    );
}

#[tokio::test]
async fn generations_queue_on_one_lock() {
    let (standin, client) = standin(Options {
        step: Duration::from_millis(2),
        step_on_poll: true,
        ..Options::default()
    })
    .await;
    let base = standin.base_url();
    let spawn = |task: &'static str| {
        let (client, url) = (client.clone(), format!("{base}/sdapi/v1/txt2img"));
        tokio::spawn(async move {
            post(&client, url, json!({"prompt": task, "steps": 5, "width": 16, "height": 16, "force_task_id": task})).await
        })
    };
    let first = spawn("task(one)");
    while standin.current_task().is_none() {
        tokio::task::yield_now().await;
    }
    let second = spawn("task(two)");
    let mut order = Vec::new();
    while !(first.is_finished() && second.is_finished()) {
        let p: Value = client
            .get(format!("{base}/sdapi/v1/progress"))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        if let Some(task) = p["current_task"].as_str()
            && order.last().map(String::as_str) != Some(task)
        {
            order.push(task.to_owned());
        }
    }
    assert_eq!(order, ["task(one)", "task(two)"]);
    assert_eq!(first.await.expect("joined").0, 200);
    assert_eq!(second.await.expect("joined").0, 200);
}
