//! Stand-ins for the remote backends Easel talks to, for tests,
//! benchmarks and trying the UI without the real services.
//!
//! Each module serves one backend's protocol as documented in
//! `shared/providers/PROVIDERS.md` (status codes, error bodies, headers,
//! message order, binary frames), on a port of its own:
//!
//! - [`openai`]: the OpenAI Images API (DALL-E 2/3, gpt-image).
//! - [`stability`]: Stability AI's REST v2beta.
//! - [`a1111`]: the AUTOMATIC1111 web UI API.
//! - [`comfyui`]: ComfyUI's HTTP API and websocket.
//! - [`midjourney`]: the midjourney-proxy protocol.
//!
//! [`common`] holds what they share: the server handle, fault injection
//! (the next request answers 429, hangs, sends a truncated image ...), the
//! request log tests assert on, and the painter that makes their images.

pub mod a1111;
pub mod comfyui;
pub mod common;
pub mod midjourney;
pub mod openai;
pub mod stability;

pub use common::{Fault, Faults, LoggedRequest, RequestLog, Server};
