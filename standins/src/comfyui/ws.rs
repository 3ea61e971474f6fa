//! `GET /ws?clientId=<id>` (`server.py`'s `websocket_handler`): the
//! initial `status` with the `sid`, the `executing` re-sent to a client
//! that reconnects while its prompt runs, and the optional first-message
//! `feature_flags` negotiation.

use std::collections::HashMap;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State as AxumState};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::http::{App, FaultAction, apply_fault};
use super::json::{J, jobj};
use super::state::Outgoing;

/// What the server announces in `feature_flags` and `/features`.
pub fn server_features(max_upload_size: usize) -> J {
    jobj! {
        "supports_preview_metadata" => true,
        "max_upload_size" => max_upload_size,
        "extension" => jobj! {"manager" => jobj! {"supports_v4" => true}},
    }
}

/// Upgrades to a websocket.
pub async fn handler(
    AxumState(app): AxumState<App>,
    Query(query): Query<HashMap<String, String>>,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let FaultAction::Respond(response) = apply_fault(&app, uri.path()).await {
        return response;
    }
    let sid = query
        .get("clientId")
        .filter(|id| !id.is_empty())
        .cloned()
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    upgrade
        .on_upgrade(move |socket| serve(app, sid, socket))
        .into_response()
}

async fn serve(app: App, sid: String, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let state = app.state.clone();
    let serial = state.register_socket(&sid, tx.clone());
    let hello = jobj! {"status" => state.queue_info(), "sid" => sid.as_str()};
    let _ = tx.send(text("status", hello));
    let resend = {
        let core = state.core();
        (core.client_id.as_deref() == Some(sid.as_str()))
            .then(|| core.last_node_id.clone())
            .flatten()
    };
    if let Some(node) = resend {
        let _ = tx.send(text("executing", jobj! {"node" => node}));
    }
    drop(tx);
    let mut first = true;
    let mut sending = true;
    loop {
        tokio::select! {
            frame = rx.recv(), if sending => match frame {
                Some(Outgoing::Text(body)) => {
                    if socket.send(Message::Text(body.into())).await.is_err() { break; }
                }
                Some(Outgoing::Binary(bytes)) => {
                    if socket.send(Message::Binary(bytes.into())).await.is_err() { break; }
                }
                Some(Outgoing::Close) => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
                // Replaced by a newer socket with the same id: ComfyUI
                // leaves the old one open but sends it nothing more.
                None => sending = false,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(body))) => {
                    if first {
                        negotiate(&app, &sid, serial, body.as_str());
                    }
                    first = false;
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            () = app.common.killed() => break,
        }
    }
    state.unregister_socket(&sid, serial);
}

fn text(event: &str, data: J) -> Outgoing {
    Outgoing::Text(jobj! {"type" => event, "data" => data}.to_string())
}

/// A first message `{"type": "feature_flags", "data": {...}}` stores the
/// client's flags and gets the server's in reply.
fn negotiate(app: &App, sid: &str, serial: u64, body: &str) {
    let Ok(message) = J::parse(body.as_bytes()) else {
        return;
    };
    if message.get("type").and_then(J::as_str) != Some("feature_flags") {
        return;
    }
    let flags = message.get("data").cloned().unwrap_or(J::Obj(Vec::new()));
    app.state.set_flags(sid, serial, flags);
    app.state.core().records.negotiated.push(sid.to_owned());
    let features = server_features(app.state.config().max_upload_size);
    app.state.send_json("feature_flags", features, Some(sid));
}
