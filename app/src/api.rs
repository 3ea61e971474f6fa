//! Server functions, grouped by feature. Each is thin: authenticate,
//! call one engine function, map the error.

pub mod account;
pub mod auth;
pub mod backends;
pub mod galleries;
pub mod generation;
pub mod images;
pub mod library;
