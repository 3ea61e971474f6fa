//! The built-in offline renderer: pure CPU, no model weights, no network.
//!
//! It reads the prompt with a small vocabulary (colours, things, settings,
//! times of day, weather, positions, sizes, counts, styles) into a
//! [`Scene`], lays the scene out with a seeded generator, and paints it as a
//! flat illustration: gradients, anti-aliased signed-distance shapes, soft
//! shading and a little texture. Words it does not know still vary the
//! palette and layout through a hash, so every prompt gets its own picture.
//!
//! Rendering is deterministic: the same request gives the same bytes. It
//! proceeds in steps that each paint a share of the image and report a
//! preview (see [`render`]).

mod canvas;
mod color;
mod compose;
mod defaults;
mod draw;
mod interpret;
mod palette;
mod progress;
mod rng;
mod scene;
mod sdf;
mod style;
mod vocab;

use image::{GrayImage, RgbImage};

pub use scene::{
    Depth, Horizontal, NamedColor, ObjectKind, Placement, Scene, SceneObject, Setting, Style,
    TimeOfDay, Vertical, Weather,
};

/// Smallest accepted side, in pixels.
pub const MIN_SIDE: u32 = 256;
/// Largest accepted side, in pixels.
pub const MAX_SIDE: u32 = 2048;
/// Most steps a render may take.
pub const MAX_STEPS: u32 = 150;

/// A request to the built-in renderer.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// What to draw.
    pub prompt: String,
    /// What not to draw: things it names are left out, colours it names
    /// are kept out of the palette.
    pub negative_prompt: String,
    /// Width in pixels, clamped to `MIN_SIDE..=MAX_SIDE`.
    pub width: u32,
    /// Height in pixels, clamped to `MIN_SIDE..=MAX_SIDE`.
    pub height: u32,
    /// Varies placement and details within what the prompt asks for.
    pub seed: u64,
    /// How many steps (and previews) the work is split into, clamped to
    /// `1..=MAX_STEPS`. The final image does not depend on it.
    pub steps: u32,
    /// For image-to-image: the picture to start from, any size, resized to
    /// `width` × `height`.
    pub init_image: Option<RgbImage>,
    /// How far to move from the init image toward the prompt's scene: 0
    /// keeps the init image, 1 replaces it. Ignored without an init image.
    pub strength: f32,
    /// For inpainting, with an init image: white = repaint, black = keep,
    /// grey blends; resized to `width` × `height`. Repainted areas move by
    /// `strength`. Ignored without an init image.
    pub mask: Option<GrayImage>,
}

impl RenderRequest {
    /// A text-to-image request with no init image.
    pub fn new(prompt: impl Into<String>, width: u32, height: u32, seed: u64, steps: u32) -> Self {
        Self {
            prompt: prompt.into(),
            negative_prompt: String::new(),
            width,
            height,
            seed,
            steps,
            init_image: None,
            strength: 1.0,
            mask: None,
        }
    }
}

/// Renders deterministically. Calls `on_step(step /*1-based*/, total, preview)` after each step with a preview of the current state downscaled so its longest side is <= 256 px; returning `false` cancels and `render` returns None. The last call's preview is the downscaled final image.
pub fn render(
    request: &RenderRequest,
    on_step: impl FnMut(u32, u32, &RgbImage) -> bool,
) -> Option<RgbImage> {
    let scene = interpret(&request.prompt, &request.negative_prompt);
    let job = progress::Job {
        scene: &scene,
        seed: request.seed,
        width: request.width.clamp(MIN_SIDE, MAX_SIDE),
        height: request.height.clamp(MIN_SIDE, MAX_SIDE),
        steps: request.steps.clamp(1, MAX_STEPS),
        init: request.init_image.as_ref(),
        mask: request.init_image.as_ref().and(request.mask.as_ref()),
        strength: request.strength,
    };
    progress::run(&job, on_step)
}

/// What the renderer understood from the prompt (for tests and for the UI): colours, objects with positions, background/time of day, style.
pub fn interpret(prompt: &str, negative_prompt: &str) -> Scene {
    interpret::interpret(prompt, negative_prompt)
}

#[cfg(test)]
mod tests;
