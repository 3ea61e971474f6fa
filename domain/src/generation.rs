//! Generation wire types: what the Studio sends, what a model can do, and
//! the jobs and progress events the server sends back.

mod capabilities;
mod events;
mod request;

pub use capabilities::{
    AspectRatio, BackendStatus, Capabilities, Choice, ChoiceSpec, ModelInfo, Operation, RangeSpec,
    SizeRule,
};
pub use events::{ClientMessage, JobStatus, JobView, ProgressEvent, ProgressKind, ServerMessage};
pub use request::{GenerationRequest, MAX_NEGATIVE_PROMPT_CHARS, Seed, random_seed_from};
