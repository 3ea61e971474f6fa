//! The browser's end of `/ws/progress`: opens the socket, resumes from the
//! sequence numbers the store holds, feeds it snapshots and events, and
//! reconnects with backoff when the server goes away.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::{Rc, Weak};
use std::time::Duration;

use easel_domain::generation::{ClientMessage, ServerMessage};
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::{JobStore, LinkState};

/// The first reconnect waits this long; each failure doubles it.
const FIRST_RETRY: Duration = Duration::from_millis(500);
/// The longest wait between reconnects.
const MAX_RETRY: Duration = Duration::from_secs(10);

/// An open (or reopening) progress socket. Dropping it closes the socket
/// and stops reconnecting.
pub struct ProgressSocket {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    store: JobStore,
    socket: Option<WebSocket>,
    // Kept alive as long as the socket may call them; replaced only from
    // outside their own calls (see `connect`).
    handlers: Option<Handlers>,
    failures: u32,
    // Jobs an event arrived for that the store did not know: asked about
    // once each, so an unknown job cannot cause a resume storm.
    asked: HashSet<Uuid>,
}

struct Handlers {
    _open: Closure<dyn FnMut()>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

impl ProgressSocket {
    /// Opens the socket, feeding `store`.
    pub fn open(store: JobStore) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            store,
            socket: None,
            handlers: None,
            failures: 0,
            asked: HashSet::new(),
        }));
        connect(&inner);
        Self { inner }
    }
}

impl Drop for ProgressSocket {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        if let Some(socket) = inner.socket.take() {
            detach(&socket);
            let _ = socket.close();
        }
        inner.handlers = None;
    }
}

/// Unhooks the socket's handlers, so none runs after they are dropped.
fn detach(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
}

/// `ws://` or `wss://` (as the page), same host, `/ws/progress`.
fn socket_url() -> Option<String> {
    let location = window().location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss:",
        _ => "ws:",
    };
    Some(format!("{scheme}//{}/ws/progress", location.host().ok()?))
}

fn connect(inner: &Rc<RefCell<Inner>>) {
    let Some(socket) = socket_url().and_then(|url| WebSocket::new(&url).ok()) else {
        schedule_reconnect(inner);
        return;
    };
    let weak = Rc::downgrade(inner);

    let on_open = {
        let weak = weak.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                let store = {
                    let mut inner = inner.borrow_mut();
                    inner.failures = 0;
                    inner.store
                };
                store.link.try_set(LinkState::Live);
                send_resume(&inner);
            }
        })
    };
    let on_message = {
        let weak = weak.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let (Some(inner), Some(text)) = (weak.upgrade(), event.data().as_string()) {
                receive(&inner, &text);
            }
        })
    };
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
        if let Some(inner) = weak.upgrade() {
            let store = {
                let mut inner = inner.borrow_mut();
                inner.socket = None;
                inner.store
            };
            store.link.try_set(LinkState::Reconnecting);
            schedule_reconnect(&inner);
        }
    });

    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));

    let mut state = inner.borrow_mut();
    state.socket = Some(socket);
    state.handlers = Some(Handlers {
        _open: on_open,
        _message: on_message,
        _close: on_close,
    });
}

fn schedule_reconnect(inner: &Rc<RefCell<Inner>>) {
    let delay = {
        let mut inner = inner.borrow_mut();
        inner.failures = inner.failures.saturating_add(1);
        backoff(inner.failures)
    };
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(inner);
    set_timeout(
        move || {
            // Gone when the page that opened the socket went away.
            if let Some(inner) = weak.upgrade() {
                connect(&inner);
            }
        },
        delay,
    );
}

/// The wait before reconnect attempt `failures` (1-based).
fn backoff(failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(8));
    FIRST_RETRY.saturating_mul(factor).min(MAX_RETRY)
}

/// Tells the server which jobs (and sequence numbers) the store has.
fn send_resume(inner: &Rc<RefCell<Inner>>) {
    let inner = inner.borrow();
    let Some(socket) = &inner.socket else { return };
    // Jobs we heard of but do not hold go in with sequence 0, so the
    // snapshot brings them even when they already finished (a fast job's
    // last event can beat the submit call's answer to the browser).
    let mut known = inner.store.known();
    for id in &inner.asked {
        if !known.iter().any(|(held, _)| held == id) {
            known.push((*id, 0));
        }
    }
    let message = ClientMessage::Resume { known };
    if let Ok(text) = serde_json::to_string(&message) {
        let _ = socket.send_with_str(&text);
    }
}

fn receive(inner: &Rc<RefCell<Inner>>, text: &str) {
    let store = inner.borrow().store;
    match serde_json::from_str::<ServerMessage>(text) {
        Ok(ServerMessage::Snapshot { jobs }) => store.merge(jobs),
        Ok(ServerMessage::Event(event)) => {
            let unknown = !store.apply(&event) && inner.borrow_mut().asked.insert(event.job_id);
            if unknown {
                send_resume(inner);
            }
        }
        Err(err) => leptos::logging::warn!("unreadable progress message: {err}"),
    }
}
