//! Group commit of finished jobs: whatever completions are waiting go into
//! one statement and one transaction. A lone job commits at once.

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use crate::hub::ProgressHub;
use crate::jobs::{JobEvent, storage};

/// Most jobs per commit.
const MAX_BATCH: usize = 128;

/// A completion waiting for its commit.
#[derive(Debug)]
pub(super) struct Pending {
    completion: storage::Completion,
    reply: oneshot::Sender<sqlx::Result<Option<JobEvent>>>,
}

/// Hands a completion to the committer and waits for its outcome: the
/// event if it committed, `None` if the claim was lost.
pub(super) async fn submit(
    commits: &mpsc::Sender<Pending>,
    completion: storage::Completion,
) -> sqlx::Result<Option<JobEvent>> {
    let (reply, answer) = oneshot::channel();
    commits
        .send(Pending { completion, reply })
        .await
        .map_err(|_| sqlx::Error::PoolClosed)?;
    answer.await.map_err(|_| sqlx::Error::PoolClosed)?
}

/// The committer loop.
pub(super) async fn run(db: PgPool, hub: ProgressHub, mut pending: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while pending.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let completions: Vec<storage::Completion> =
            batch.iter().map(|p| p.completion.clone()).collect();
        match storage::complete(&db, hub.instance(), &completions).await {
            Ok(events) => {
                for item in batch.drain(..) {
                    let event = events
                        .iter()
                        .find(|e| e.job_id == item.completion.job_id)
                        .copied();
                    let _ = item.reply.send(Ok(event));
                }
            }
            Err(err) => {
                tracing::error!(error = %err, jobs = batch.len(), "committing finished jobs failed");
                for item in batch.drain(..) {
                    let _ = item.reply.send(Err(sqlx::Error::Protocol(err.to_string())));
                }
            }
        }
    }
}
