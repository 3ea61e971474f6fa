//! The open websockets: registration by client id, messages to one
//! client or all, the negotiated feature flags.

use std::collections::HashMap;
use std::sync::{MutexGuard, PoisonError};

use tokio::sync::mpsc;

use super::State;
use crate::comfyui::json::{J, jobj};

/// An open websocket.
#[derive(Debug)]
pub struct Socket {
    /// Distinguishes a reconnect under the same client id.
    pub serial: u64,
    /// Frames to send.
    pub tx: mpsc::UnboundedSender<Outgoing>,
    /// The client's feature flags.
    pub flags: J,
}

/// A frame for a websocket.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A JSON text message.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
    /// Close the socket.
    Close,
}

impl State {
    /// Sends a JSON message to `sid`, or to every socket.
    pub fn send_json(&self, event: &str, data: J, sid: Option<&str>) {
        let text = jobj! {"type" => event, "data" => data}.to_string();
        self.send(Outgoing::Text(text), sid);
    }

    /// Sends a binary frame (`event` as a 4-byte big-endian prefix).
    pub fn send_binary(&self, event: u32, payload: &[u8], sid: Option<&str>) {
        let mut frame = event.to_be_bytes().to_vec();
        frame.extend_from_slice(payload);
        self.send(Outgoing::Binary(frame), sid);
    }

    fn send(&self, frame: Outgoing, sid: Option<&str>) {
        let sockets = self.sockets();
        match sid {
            Some(sid) => {
                if let Some(socket) = sockets.1.get(sid) {
                    let _ = socket.tx.send(frame);
                }
            }
            None => {
                for socket in sockets.1.values() {
                    let _ = socket.tx.send(frame.clone());
                }
            }
        }
    }

    /// Registers a socket under `sid`, replacing an older one; returns its
    /// serial.
    pub fn register_socket(&self, sid: &str, tx: mpsc::UnboundedSender<Outgoing>) -> u64 {
        let mut sockets = self.sockets();
        sockets.0 += 1;
        let serial = sockets.0;
        let socket = Socket {
            serial,
            tx,
            flags: J::Obj(Vec::new()),
        };
        sockets.1.insert(sid.to_owned(), socket);
        serial
    }

    /// Forgets the socket `serial` under `sid` (not a newer one: ComfyUI
    /// pops by id, which can drop a reconnected socket; the stand-in is
    /// kinder here).
    pub fn unregister_socket(&self, sid: &str, serial: u64) {
        let mut sockets = self.sockets();
        if sockets.1.get(sid).is_some_and(|s| s.serial == serial) {
            sockets.1.remove(sid);
        }
    }

    /// Stores a client's feature flags.
    pub fn set_flags(&self, sid: &str, serial: u64, flags: J) {
        if let Some(socket) = self.sockets().1.get_mut(sid).filter(|s| s.serial == serial) {
            socket.flags = flags;
        }
    }

    /// Whether `sid` negotiated `supports_preview_metadata`.
    pub fn supports_preview_metadata(&self, sid: Option<&str>) -> bool {
        let Some(sid) = sid else { return false };
        self.sockets().1.get(sid).is_some_and(|s| {
            s.flags
                .get("supports_preview_metadata")
                .is_some_and(J::truthy)
        })
    }

    /// The client ids with an open socket.
    pub fn connected(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.sockets().1.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Closes every socket (a test control: a proxy dropping them).
    pub fn close_sockets(&self) {
        let mut sockets = self.sockets();
        for socket in sockets.1.values() {
            let _ = socket.tx.send(Outgoing::Close);
        }
        sockets.1.clear();
    }

    fn sockets(&self) -> MutexGuard<'_, (u64, HashMap<String, Socket>)> {
        self.inner
            .sockets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
