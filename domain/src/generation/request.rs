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

/// One generation: a prompt and its parameters, for one model. Optional
/// parameters are `None` when not chosen; the backend's default applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
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
    /// The operation, when it is not implied by the inputs (variations and
    /// upscales name it; txt2img, img2img and inpainting follow from
    /// `init_image` and the mask).
    #[serde(default)]
    pub operation: Option<Operation>,
    /// Prompt adherence (CFG scale), for models that take it.
    #[serde(default)]
    pub cfg: Option<f32>,
    /// The sampler, for models that let one be chosen.
    #[serde(default)]
    pub sampler: Option<String>,
    /// The noise schedule, for models that let one be chosen.
    #[serde(default)]
    pub scheduler: Option<String>,
    /// The quality level, for models that have them.
    #[serde(default)]
    pub quality: Option<String>,
    /// The backend's own style, for models that have them.
    #[serde(default)]
    pub style: Option<String>,
    /// The background (`transparent`, `opaque`, `auto`), where supported.
    #[serde(default)]
    pub background: Option<String>,
    /// The file format the backend should send, where it can choose.
    #[serde(default)]
    pub output_format: Option<String>,
    /// How much to enlarge, for upscales.
    #[serde(default)]
    pub upscale_factor: Option<u32>,
}

impl GenerationRequest {
    /// The operation this request asks for.
    pub fn operation(&self) -> Operation {
        if let Some(operation) = self.operation {
            return operation;
        }
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
        self.validate_tuning(caps, &mut errors);
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
                format!("This model cannot do {}.", operation.label().to_lowercase()),
            ));
        }
        if operation.needs_source_image() && self.init_image.is_none() {
            errors.push(ValidationError::new(
                "init_image",
                format!("{} needs a source image.", operation.label()),
            ));
        }
        match (self.upscale_factor, operation) {
            (Some(factor), Operation::Upscale) if !caps.upscale_factors.contains(&factor) => {
                let offered: Vec<String> = caps
                    .upscale_factors
                    .iter()
                    .map(|f| format!("{f}×"))
                    .collect();
                errors.push(ValidationError::new(
                    "upscale_factor",
                    format!("Upscale by {}.", offered.join(" or ")),
                ));
            }
            (Some(_), op) if op != Operation::Upscale => errors.push(ValidationError::new(
                "upscale_factor",
                "An upscale factor only applies to upscales.",
            )),
            _ => {}
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

impl GenerationRequest {
    /// Checks cfg and the closed-choice parameters against the model.
    fn validate_tuning(&self, caps: &Capabilities, errors: &mut Vec<ValidationError>) {
        match (self.cfg, caps.cfg) {
            (Some(_), None) => errors.push(ValidationError::new(
                "cfg",
                "This model does not take a CFG scale.",
            )),
            (Some(cfg), Some(range)) if cfg.is_nan() || !range.contains(f64::from(cfg)) => errors
                .push(ValidationError::new(
                    "cfg",
                    format!("Use a CFG scale from {} to {}.", range.min, range.max),
                )),
            _ => {}
        }
        let choices = [
            ("sampler", "sampler", &self.sampler, &caps.sampler),
            ("scheduler", "schedule", &self.scheduler, &caps.scheduler),
            ("quality", "quality", &self.quality, &caps.quality),
            ("style", "style", &self.style, &caps.style),
            (
                "background",
                "background",
                &self.background,
                &caps.background,
            ),
            (
                "output_format",
                "output format",
                &self.output_format,
                &caps.output_format,
            ),
        ];
        for (field, noun, value, spec) in choices {
            match (value, spec) {
                (Some(_), None) => errors.push(ValidationError::new(
                    field,
                    format!("This model does not take a {noun}."),
                )),
                (Some(value), Some(spec)) if !spec.accepts(value) => {
                    errors.push(ValidationError::new(
                        field,
                        format!(
                            "Unknown {noun} \"{value}\"; use one of {}.",
                            spec.describe()
                        ),
                    ))
                }
                _ => {}
            }
        }
        if self.background.as_deref() == Some("transparent")
            && matches!(self.output_format.as_deref(), Some("jpeg" | "jpg"))
        {
            errors.push(ValidationError::new(
                "background",
                "A transparent background needs PNG or WebP output.",
            ));
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
    use crate::generation::{ChoiceSpec, RangeSpec, SizeRule};

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
            cfg: Some(RangeSpec {
                min: 1.0,
                max: 30.0,
                default: 7.0,
            }),
            quality: Some(ChoiceSpec::plain(&["standard", "hd"], "standard")),
            background: Some(ChoiceSpec::plain(&["auto", "transparent"], "auto")),
            output_format: Some(ChoiceSpec::plain(&["png", "jpeg"], "png")),
            upscale_factors: vec![2, 4],
            ..Capabilities::default()
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
            ..GenerationRequest::default()
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
    fn tuning_parameters_follow_the_capabilities() {
        let mut req = request();
        req.cfg = Some(7.5);
        req.quality = Some("hd".into());
        assert_eq!(req.validate(&caps()), Ok(()));
        req.cfg = Some(99.0);
        req.quality = Some("ultra".into());
        req.sampler = Some("Euler".into());
        req.background = Some("transparent".into());
        req.output_format = Some("jpeg".into());
        assert_eq!(
            fields(req.validate(&caps())),
            ["cfg", "sampler", "quality", "background"]
        );
    }

    #[test]
    fn upscales_and_variations_need_a_source_image() {
        let mut req = request();
        req.operation = Some(Operation::Upscale);
        req.upscale_factor = Some(3);
        let mut upscaler = caps();
        upscaler.operations.push(Operation::Upscale);
        assert_eq!(
            fields(req.validate(&upscaler)),
            ["init_image", "upscale_factor"]
        );
        req.init_image = Some(Uuid::nil());
        req.upscale_factor = Some(4);
        assert_eq!(req.validate(&upscaler), Ok(()));
        req.operation = Some(Operation::Variations);
        assert_eq!(fields(req.validate(&upscaler)), ["model", "upscale_factor"]);
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
