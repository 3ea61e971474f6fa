//! `GET /ws/progress`: the live progress websocket.
//!
//! On connect the server sends a snapshot of the user's active jobs. The
//! browser sends `resume` with the last sequence it saw per job and gets a
//! snapshot of what changed, then live events. Only the user's own jobs
//! are ever sent. A subscriber that falls behind gets a fresh snapshot
//! instead of the events it missed.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use easel_app::ssr::{AppState, RequestContext, SessionLookup};
use easel_domain::generation::{ClientMessage, ServerMessage};
use easel_engine::Engine;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// Largest message the browser may send.
const MAX_CLIENT_MESSAGE: usize = 256 * 1024;
/// Most jobs a resume may name.
const MAX_KNOWN_JOBS: usize = 1000;

/// Upgrades an authenticated, same-origin request to the progress socket.
pub async fn progress_socket(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let user_id = match context.session {
        SessionLookup::Authenticated(session) => session.user.id,
        SessionLookup::Unavailable => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        _ => return (StatusCode::UNAUTHORIZED, "Log in to follow your jobs.").into_response(),
    };
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Cross-site websocket refused.").into_response();
    }
    let engine = state.engine.clone();
    upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| serve(socket, engine, user_id))
}

/// Browsers always send `Origin` on websocket handshakes; a page on another
/// site must not ride the user's cookie (cross-site websocket hijacking).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        // Not a browser (tests, CLI tools): the cookie still had to be valid.
        return true;
    };
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

async fn serve(mut socket: WebSocket, engine: Engine, user_id: Uuid) {
    // Subscribe before reading the snapshot, so nothing falls in between
    // (duplicates are dropped by the client's sequence check).
    let mut events = engine.hub.subscribe(user_id);
    if send_snapshot(&mut socket, &engine, user_id, &[])
        .await
        .is_err()
    {
        return;
    }
    let mut ping = tokio::time::interval(std::time::Duration::from_secs(25));
    ping.tick().await;
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    match serde_json::from_str::<ClientMessage>(&text) {
                        Ok(ClientMessage::Resume { mut known }) => {
                            known.truncate(MAX_KNOWN_JOBS);
                            if send_snapshot(&mut socket, &engine, user_id, &known).await.is_err() {
                                return;
                            }
                        }
                        Err(err) => {
                            tracing::debug!(error = %err, "unreadable progress-socket message");
                            let _ = socket.send(Message::Close(Some(CloseFrame {
                                code: 1003,
                                reason: Utf8Bytes::from_static("unreadable message"),
                            }))).await;
                            return;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            delivery = events.recv() => match delivery {
                Ok(delivery) => {
                    if socket.send(Message::Text(Utf8Bytes::from(&*delivery.json))).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "progress subscriber lagged; sending a snapshot");
                    if send_snapshot(&mut socket, &engine, user_id, &[]).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn send_snapshot(
    socket: &mut WebSocket,
    engine: &Engine,
    user_id: Uuid,
    known: &[(Uuid, i64)],
) -> Result<(), ()> {
    let jobs = match engine.generation.snapshot(user_id, known).await {
        Ok(jobs) => jobs,
        Err(err) => {
            tracing::warn!(error = %err, "could not read a progress snapshot");
            return Err(());
        }
    };
    let json = serde_json::to_string(&ServerMessage::Snapshot { jobs }).map_err(|_| ())?;
    socket
        .send(Message::Text(json.into()))
        .await
        .map_err(|_| ())
}
