//! Placeholder: the MidjourneyStandIn stand-in is being written. It serves only the
//! control routes for now.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;

use crate::common::{Common, Faults, RequestLog, Server};

/// The secret the stand-in accepts.
pub const STANDIN_SECRET: &str = "mj-standin";

/// How the stand-in runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// How long one simulated step takes.
    pub step: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(20),
        }
    }
}

/// A running stand-in.
#[derive(Debug)]
pub struct MidjourneyStandIn {
    server: Server,
}

impl MidjourneyStandIn {
    /// Starts the stand-in.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        let common = Common::default();
        let server = Server::start(options.bind, Router::new(), common).await?;
        Ok(Self { server })
    }

    /// The base URL to configure in Easel.
    pub fn base_url(&self) -> String {
        format!("{}", self.server.url())
    }

    /// Its faults.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// Its request log.
    pub fn log(&self) -> &RequestLog {
        self.server.log()
    }
}
