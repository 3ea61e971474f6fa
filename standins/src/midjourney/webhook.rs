//! `notifyHook`: the full task JSON is POSTed on every change, in order,
//! de-duplicated (a state equal to the last one sent is not sent again),
//! with no signature and no retry.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

/// One sender per task with a hook.
#[derive(Debug, Default)]
pub struct Hooks {
    senders: Mutex<HashMap<String, mpsc::UnboundedSender<Value>>>,
}

impl Hooks {
    /// Starts delivering `task`'s changes to `url`.
    pub fn open(&self, task: &str, url: String) {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(deliver(url, rx));
        self.senders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(task.to_owned(), tx);
    }

    /// Queues `task`'s new state.
    pub fn send(&self, task: &str, json: Value) {
        let final_state = matches!(
            json.get("status").and_then(Value::as_str),
            Some("SUCCESS" | "FAILURE" | "CANCEL")
        );
        let mut senders = self.senders.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = senders.get(task) {
            let _ = tx.send(json);
        }
        if final_state {
            senders.remove(task);
        }
    }
}

async fn deliver(url: String, mut rx: mpsc::UnboundedReceiver<Value>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    let mut last: Option<Value> = None;
    while let Some(json) = rx.recv().await {
        if last.as_ref() == Some(&json) {
            continue;
        }
        if let Err(err) = client.post(&url).json(&json).send().await {
            tracing::debug!(error = %err, "a notifyHook delivery failed (not retried)");
        }
        last = Some(json);
    }
}
