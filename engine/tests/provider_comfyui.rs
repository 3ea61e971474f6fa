//! The ComfyUI connector against the ComfyUI stand-in (on port 0): every
//! operation, user workflows, progress with previews in both framings,
//! re-attaching, cancelling, and the fault matrix.

#[path = "provider_comfyui/faults.rs"]
mod faults;
#[path = "provider_comfyui/golden.rs"]
mod golden;
#[path = "provider_comfyui/health.rs"]
mod health;
#[path = "provider_comfyui/operations.rs"]
mod operations;
#[path = "provider_comfyui/reattach.rs"]
mod reattach;
#[path = "provider_comfyui/support.rs"]
mod support;
#[path = "provider_comfyui/workflows.rs"]
mod workflows;
