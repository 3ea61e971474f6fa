//! What a stand-in does once it is killed mid-request: it answers nothing
//! usable. A handler that was waiting when the kill came sends a status
//! line and then breaks the body, so the client sees the connection die
//! as it would with a crashed server. Shared with the Stability stand-in.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::FutureExt;

use crate::common::Common;

/// Whether the stand-in has been killed.
pub fn is_killed(common: &Common) -> bool {
    common.killed().now_or_never().is_some()
}

/// A response whose body fails at once: the connection is cut.
pub fn crashed() -> Response {
    let broken = futures::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "the stand-in was killed",
        ))
    });
    (StatusCode::OK, Body::from_stream(broken)).into_response()
}
