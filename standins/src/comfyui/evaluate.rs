//! What each node computes, on stand-in terms: no weights, only pictures
//! painted by [`crate::common::paint`] from the positive prompt, the seed
//! and the latent size, carried through latents so that img2img keeps the
//! source (blended by `denoise`) and inpainting repaints only the mask.

mod compute;

use std::sync::Arc;

use image::{GrayImage, RgbImage};

use super::json::J;

pub use compute::*;

/// A value flowing along a link.
#[derive(Debug, Clone)]
pub enum Value {
    /// A literal input.
    Literal(J),
    /// `MODEL` from a checkpoint.
    Model(String),
    /// `CLIP` from a checkpoint.
    Clip(String),
    /// `VAE` from a checkpoint.
    Vae(String),
    /// `CONDITIONING`: the encoded text.
    Conditioning(String),
    /// `LATENT`.
    Latent(Latent),
    /// `IMAGE`: a batch.
    Image(Arc<Vec<RgbImage>>),
    /// `MASK`: a batch, 255 = masked.
    Mask(Arc<Vec<GrayImage>>),
    /// `UPSCALE_MODEL`.
    UpscaleModel {
        /// Its file name.
        name: String,
        /// How much it enlarges.
        scale: u32,
    },
}

/// A latent batch, kept as the pixels it stands for.
#[derive(Debug, Clone)]
pub struct Latent {
    /// Width in pixels (a multiple of 8).
    pub width: u32,
    /// Height in pixels (a multiple of 8).
    pub height: u32,
    /// Batch size.
    pub batch: usize,
    /// What it decodes to; `None` for an empty latent (mid grey).
    pub pixels: Option<Arc<Vec<RgbImage>>>,
    /// Where sampling may change it (255 = repaint), if masked.
    pub noise_mask: Option<Arc<Vec<GrayImage>>>,
}

/// A Python exception raised by a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Raised {
    /// `exception_type`, e.g. `Exception`.
    pub kind: String,
    /// `str(ex)`.
    pub message: String,
}

impl Raised {
    /// An exception of `kind`.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
        }
    }
}

/// The inputs of one node, by name.
#[derive(Debug, Default)]
pub struct Inputs(pub Vec<(String, Value)>);

impl Inputs {
    fn get(&self, name: &str) -> Result<&Value, Raised> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| Raised::new("TypeError", format!("missing required argument: '{name}'")))
    }

    fn literal(&self, name: &str) -> Result<&J, Raised> {
        match self.get(name)? {
            Value::Literal(value) => Ok(value),
            other => Err(not_a(other, "literal")),
        }
    }

    /// A literal integer input.
    pub fn int(&self, name: &str) -> Result<i128, Raised> {
        self.literal(name)?
            .as_int()
            .ok_or_else(|| Raised::new("TypeError", format!("'{name}' must be an integer")))
    }

    /// A literal number input.
    pub fn float(&self, name: &str) -> Result<f64, Raised> {
        self.literal(name)?
            .as_f64()
            .ok_or_else(|| Raised::new("TypeError", format!("'{name}' must be a number")))
    }

    /// A literal text input.
    pub fn text(&self, name: &str) -> Result<String, Raised> {
        Ok(super::validate::py_str(self.literal(name)?))
    }

    /// An `IMAGE` input.
    pub fn images(&self, name: &str) -> Result<Arc<Vec<RgbImage>>, Raised> {
        match self.get(name)? {
            Value::Image(images) => Ok(Arc::clone(images)),
            other => Err(not_a(other, "shape")),
        }
    }

    /// A `MASK` input.
    pub fn masks(&self, name: &str) -> Result<Arc<Vec<GrayImage>>, Raised> {
        match self.get(name)? {
            Value::Mask(masks) => Ok(Arc::clone(masks)),
            other => Err(not_a(other, "shape")),
        }
    }

    /// A `LATENT` input.
    pub fn latent(&self, name: &str) -> Result<Latent, Raised> {
        match self.get(name)? {
            Value::Latent(latent) => Ok(latent.clone()),
            other => Err(not_a(other, "samples")),
        }
    }

    /// A `CONDITIONING` input's text.
    pub fn conditioning(&self, name: &str) -> Result<String, Raised> {
        match self.get(name)? {
            Value::Conditioning(text) => Ok(text.clone()),
            other => Err(not_a(other, "copy")),
        }
    }
}

fn not_a(value: &Value, attribute: &str) -> Raised {
    let type_name = match value {
        Value::Literal(j) => j.type_name(),
        Value::Model(_) => "ModelPatcher",
        Value::Clip(_) => "CLIP",
        Value::Vae(_) => "VAE",
        Value::Conditioning(_) | Value::Latent(_) => "list",
        Value::Image(_) | Value::Mask(_) => "Tensor",
        Value::UpscaleModel { .. } => "ImageModelDescriptor",
    };
    Raised::new(
        "AttributeError",
        format!("'{type_name}' object has no attribute '{attribute}'"),
    )
}

/// How `str()` shows a value in an error's `current_inputs`.
pub fn describe(value: &Value) -> J {
    match value {
        Value::Literal(j) => j.clone(),
        Value::Model(name) => J::from(format!("<comfy.model_patcher.ModelPatcher {name}>")),
        Value::Clip(name) => J::from(format!("<comfy.sd.CLIP {name}>")),
        Value::Vae(name) => J::from(format!("<comfy.sd.VAE {name}>")),
        Value::Conditioning(text) => J::from(format!("[[tensor(...), {{'prompt': {:?}}}]]", text)),
        Value::Latent(l) => J::from(format!(
            "{{'samples': tensor(shape=[{}, 4, {}, {}])}}",
            l.batch,
            l.height / 8,
            l.width / 8
        )),
        Value::Image(images) => J::from(tensor(
            images.len(),
            images.first().map(RgbImage::dimensions),
            3,
        )),
        Value::Mask(masks) => J::from(tensor(
            masks.len(),
            masks.first().map(GrayImage::dimensions),
            0,
        )),
        Value::UpscaleModel { name, .. } => J::from(format!("<ImageModelDescriptor {name}>")),
    }
}

fn tensor(batch: usize, size: Option<(u32, u32)>, channels: u32) -> String {
    let (w, h) = size.unwrap_or((0, 0));
    if channels == 0 {
        format!("tensor(shape=[{batch}, {h}, {w}])")
    } else {
        format!("tensor(shape=[{batch}, {h}, {w}, {channels}])")
    }
}
