//! The request the Studio builds, and its validation against a model's
//! capabilities. The browser and the server run the same checks.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Capabilities, Operation};
use crate::ValidationError;

/// Longest negative prompt accepted, in characters.
pub const MAX_NEGATIVE_PROMPT_CHARS: usize = 4000;

/// Largest seed (seeds are 32-bit, as in AUTOMATIC1111).
pub const MAX_SEED: i64 = u32::MAX as i64;

/// How the seed is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Seed {
    /// The server picks one at submit time (and records it).
    #[default]
    Random,
    /// This seed; image `i` of a batch uses `seed + i`.
    Fixed(i64),
}

/// One generation: a prompt and its parameters, for one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationRequest {
    /// The model's id, `"<provider>:<model>"`.
    pub model: String,
    /// What to draw.
    pub prompt: String,
    /// What to leave out.
    #[serde(default)]
    pub negative_prompt: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// How many images.
    pub count: u32,
    /// The seed.
    #[serde(default)]
    pub seed: Seed,
    /// Sampling steps, for models that take them.
    #[serde(default)]
    pub steps: Option<u32>,
    /// An image of the user's to start from (img2img / inpainting).
    #[serde(default)]
    pub init_image: Option<Uuid>,
    /// How far to move away from the init image, 0 to 1.
    #[serde(default)]
    pub strength: Option<f32>,
    /// An inpainting mask: a PNG, base64-encoded, white where to repaint.
    #[serde(default)]
    pub mask_png_base64: Option<String>,
}

impl GenerationRequest {
    /// The operation this request asks for.
    pub fn operation(&self) -> Operation {
        match (self.init_image.is_some(), self.mask_png_base64.is_some()) {
            (true, true) => Operation::Inpaint,
            (true, false) => Operation::Img2img,
            _ => Operation::Txt2img,
        }
    }

    /// The provider part of [`Self::model`].
    pub fn provider(&self) -> &str {
        self.model.split(':').next().unwrap_or_default()
    }

    /// Checks the request against a model's capabilities. Returns every
    /// problem at once, each tied to its form field.
    pub fn validate(&self, caps: &Capabilities) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let prompt_chars = self.prompt.trim().chars().count();
        if prompt_chars == 0 {
            errors.push(ValidationError::new(
                "prompt",
                "Describe the image you want.",
            ));
        } else if prompt_chars > caps.max_prompt_chars as usize {
            errors.push(ValidationError::new(
                "prompt",
                format!(
                    "This model reads at most {} characters; the prompt has {prompt_chars}.",
                    caps.max_prompt_chars
                ),
            ));
        }
        let negative_chars = self.negative_prompt.chars().count();
        if negative_chars > MAX_NEGATIVE_PROMPT_CHARS {
            errors.push(ValidationError::new(
                "negative_prompt",
                format!("Use at most {MAX_NEGATIVE_PROMPT_CHARS} characters."),
            ));
        } else if negative_chars > 0 && !caps.negative_prompt {
            errors.push(ValidationError::new(
                "negative_prompt",
                "This model does not take a negative prompt.",
            ));
        }
        if !caps.sizes.accepts(self.width, self.height) {
            errors.push(ValidationError::new(
                "size",
                format!(
                    "{}x{} is not available; use {}.",
                    self.width,
                    self.height,
                    caps.sizes.describe()
                ),
            ));
        }
        if self.count == 0 || self.count > caps.max_count {
            errors.push(ValidationError::new(
                "count",
                format!("Ask for 1 to {} images.", caps.max_count),
            ));
        }
        self.validate_seed(caps, &mut errors);
        self.validate_steps(caps, &mut errors);
        self.validate_operation(caps, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validate_seed(&self, caps: &Capabilities, errors: &mut Vec<ValidationError>) {
        if let Seed::Fixed(seed) = self.seed {
            if !caps.seed {
                errors.push(ValidationError::new(
                    "seed",
                    "This model does not take a seed.",
                ));
            } else if !(0..=MAX_SEED).contains(&seed) {
                errors.push(ValidationError::new(
                    "seed",
                    format!("Use a seed from 0 to {MAX_SEED}."),
                ));
            }
        }
    }

    fn validate_steps(&self, caps: &Capabilities, errors: &mut Vec<ValidationError>) {
        match (self.steps, caps.steps) {
            (Some(_), None) => errors.push(ValidationError::new(
                "steps",
                "This model does not take steps.",
            )),
            (Some(steps), Some(range)) if !range.contains(f64::from(steps)) => {
                errors.push(ValidationError::new(
                    "steps",
                    format!("Use {} to {} steps.", range.min, range.max),
                ))
            }
            _ => {}
        }
    }

    fn validate_operation(&self, caps: &Capabilities, errors: &mut Vec<ValidationError>) {
        let operation = self.operation();
        if !caps.operations.contains(&operation) {
            errors.push(ValidationError::new(
                "model",
                format!("This model cannot do {operation:?}."),
            ));
        }
        if let Some(strength) = self.strength {
            if self.init_image.is_none() {
                errors.push(ValidationError::new(
                    "strength",
                    "Strength needs an init image.",
                ));
            } else if !(0.0..=1.0).contains(&strength) || strength.is_nan() {
                errors.push(ValidationError::new(
                    "strength",
                    "Use a strength from 0 to 1.",
                ));
            }
        }
    }
}

/// Turns 8 random bytes into a seed in the accepted range.
pub fn random_seed_from(bytes: [u8; 8]) -> i64 {
    (u64::from_le_bytes(bytes) % (MAX_SEED as u64 + 1)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generation::{RangeSpec, SizeRule};

    fn caps() -> Capabilities {
        Capabilities {
            operations: vec![Operation::Txt2img, Operation::Img2img],
            negative_prompt: true,
            seed: true,
            steps: Some(RangeSpec {
                min: 1.0,
                max: 150.0,
                default: 20.0,
            }),
            sizes: SizeRule::Free {
                min: 256,
                max: 2048,
                multiple_of: 8,
            },
            max_count: 8,
            max_prompt_chars: 100,
        }
    }

    fn request() -> GenerationRequest {
        GenerationRequest {
            model: "builtin:sketch".into(),
            prompt: "a red fox".into(),
            negative_prompt: String::new(),
            width: 512,
            height: 768,
            count: 2,
            seed: Seed::Fixed(7),
            steps: Some(20),
            init_image: None,
            strength: None,
            mask_png_base64: None,
        }
    }

    fn fields(result: Result<(), Vec<ValidationError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_valid_request_passes() {
        assert_eq!(request().validate(&caps()), Ok(()));
        assert_eq!(request().provider(), "builtin");
    }

    #[test]
    fn every_broken_field_is_reported() {
        let mut bad = request();
        bad.prompt = "   ".into();
        bad.width = 4096;
        bad.count = 0;
        bad.seed = Seed::Fixed(-1);
        bad.steps = Some(500);
        assert_eq!(
            fields(bad.validate(&caps())),
            ["prompt", "size", "count", "seed", "steps"]
        );
    }

    #[test]
    fn limits_follow_the_capabilities() {
        let mut long = request();
        long.prompt = "é".repeat(101);
        assert_eq!(fields(long.validate(&caps())), ["prompt"]);
        let mut fixed = caps();
        fixed.sizes = SizeRule::Fixed {
            sizes: vec![(1024, 1024)],
        };
        fixed.negative_prompt = false;
        fixed.steps = None;
        let mut req = request();
        req.negative_prompt = "blur".into();
        assert_eq!(
            fields(req.validate(&fixed)),
            ["negative_prompt", "size", "steps"]
        );
    }

    #[test]
    fn inpainting_needs_the_capability_and_strength_an_init_image() {
        let mut req = request();
        req.init_image = Some(Uuid::nil());
        req.mask_png_base64 = Some("AA==".into());
        assert_eq!(req.operation(), Operation::Inpaint);
        assert_eq!(fields(req.validate(&caps())), ["model"]);
        let mut req = request();
        req.strength = Some(0.5);
        assert_eq!(fields(req.validate(&caps())), ["strength"]);
    }

    #[test]
    fn random_seeds_stay_in_range() {
        assert_eq!(
            random_seed_from([0xff; 8]),
            (u64::MAX % (MAX_SEED as u64 + 1)) as i64
        );
        assert!((0..=MAX_SEED).contains(&random_seed_from([0xff; 8])));
    }
}
