//! The Studio form's state: one signal per control, turned into a
//! [`GenerationRequest`] for the chosen model, and remembered in the
//! browser between visits.

use std::collections::BTreeMap;

use easel_domain::ValidationError;
use easel_domain::generation::{
    Capabilities, ChoiceSpec, GenerationRequest, JobView, ModelInfo, Seed, SizeRule,
};
use easel_domain::library::{Expansion, MAX_EXPANDED_PROMPTS, PromptTemplate, Submission};
use leptos::prelude::*;

/// Seeds are 32-bit (as in AUTOMATIC1111).
pub const MAX_SEED: i64 = u32::MAX as i64;

/// The form's controls. `Copy`: every field is a signal.
#[derive(Clone, Copy)]
pub struct StudioForm {
    /// The chosen model's id (may name a model that no longer exists; the
    /// page then falls back to the first available one).
    pub model: RwSignal<String>,
    /// What to draw.
    pub prompt: RwSignal<String>,
    /// What to leave out.
    pub negative_prompt: RwSignal<String>,
    /// Width in pixels.
    pub width: RwSignal<u32>,
    /// Height in pixels.
    pub height: RwSignal<u32>,
    /// How many images.
    pub count: RwSignal<u32>,
    /// Whether the server picks the seed.
    pub random_seed: RwSignal<bool>,
    /// The fixed seed, as typed.
    pub seed: RwSignal<String>,
    /// Sampling steps (used when the model takes them).
    pub steps: RwSignal<u32>,
    /// CFG scale (used when the model takes it).
    pub cfg: RwSignal<f32>,
    /// The sampler ("" = the model's default).
    pub sampler: RwSignal<String>,
    /// The noise schedule ("" = the model's default).
    pub scheduler: RwSignal<String>,
    /// The quality level ("" = the model's default).
    pub quality: RwSignal<String>,
    /// The backend's own style ("" = the model's default).
    pub style: RwSignal<String>,
    /// The background ("" = the model's default).
    pub background: RwSignal<String>,
    /// The output format ("" = the model's default).
    pub output_format: RwSignal<String>,
    /// Style presets to apply, in order (built-in ids or `user:<uuid>`).
    pub styles: RwSignal<Vec<String>>,
    /// Values for the prompt's `{variables}`.
    pub variables: RwSignal<BTreeMap<String, String>>,
    /// How `{a|b}` choices and wildcards expand.
    pub expansion: RwSignal<Expansion>,
    /// How many prompts to make from a dynamic prompt.
    pub prompts: RwSignal<u32>,
}

impl StudioForm {
    /// A fresh form with the built-in model's defaults.
    pub fn new() -> Self {
        Self {
            model: RwSignal::new(String::new()),
            prompt: RwSignal::new(String::new()),
            negative_prompt: RwSignal::new(String::new()),
            width: RwSignal::new(512),
            height: RwSignal::new(512),
            count: RwSignal::new(1),
            random_seed: RwSignal::new(true),
            seed: RwSignal::new(String::new()),
            steps: RwSignal::new(20),
            cfg: RwSignal::new(7.0),
            sampler: RwSignal::new(String::new()),
            scheduler: RwSignal::new(String::new()),
            quality: RwSignal::new(String::new()),
            style: RwSignal::new(String::new()),
            background: RwSignal::new(String::new()),
            output_format: RwSignal::new(String::new()),
            styles: RwSignal::new(Vec::new()),
            variables: RwSignal::new(BTreeMap::new()),
            expansion: RwSignal::new(Expansion::Random),
            prompts: RwSignal::new(1),
        }
    }

    /// Applies a template: its prompt, negative prompt, styles and the
    /// settings it carries (others stay as they are).
    pub fn apply_template(&self, template: &PromptTemplate) {
        self.prompt.set(template.prompt.clone());
        self.negative_prompt.set(template.negative_prompt.clone());
        self.variables.set(BTreeMap::new());
        let settings = &template.settings;
        if let Some(model) = &settings.model {
            self.model.set(model.clone());
        }
        if let Some((width, height)) = settings.size {
            self.width.set(width);
            self.height.set(height);
        }
        if let Some(steps) = settings.steps {
            self.steps.set(steps);
        }
        if let Some(cfg) = settings.cfg {
            self.cfg.set(cfg);
        }
        if let Some(sampler) = &settings.sampler {
            self.sampler.set(sampler.clone());
        }
        if !settings.styles.is_empty() {
            self.styles.set(settings.styles.clone());
        }
    }

    /// Fills the form from a submission (History's "Use").
    pub fn load_submission(&self, submission: &Submission) {
        self.load(&submission.request);
        self.styles.set(submission.styles.clone());
        self.variables.set(submission.variables.clone());
        self.expansion.set(submission.expansion);
        self.prompts.set(submission.prompts.max(1));
    }

    /// The submission for `request` (from [`Self::check`]), with the
    /// form's styles, variables and expansion. Untracked (for handlers).
    pub fn submission(&self, request: GenerationRequest) -> Submission {
        Submission {
            request,
            styles: self.styles.get_untracked(),
            variables: self.variables.get_untracked(),
            expansion: self.expansion.get_untracked(),
            prompts: self.prompts.get_untracked().clamp(1, MAX_EXPANDED_PROMPTS),
        }
    }

    /// The closed-choice signals with the capability each follows.
    fn choices(&self) -> [(RwSignal<String>, ChoiceOf); 6] {
        [
            (self.sampler, |c| c.sampler.as_ref()),
            (self.scheduler, |c| c.scheduler.as_ref()),
            (self.quality, |c| c.quality.as_ref()),
            (self.style, |c| c.style.as_ref()),
            (self.background, |c| c.background.as_ref()),
            (self.output_format, |c| c.output_format.as_ref()),
        ]
    }

    /// Fills the form from a request (a remix, a reused job, or the last
    /// visit's choices).
    pub fn load(&self, request: &GenerationRequest) {
        self.model.set(request.model.clone());
        self.prompt.set(request.prompt.clone());
        self.negative_prompt.set(request.negative_prompt.clone());
        self.width.set(request.width);
        self.height.set(request.height);
        self.count.set(request.count.max(1));
        match request.seed {
            Seed::Random => self.random_seed.set(true),
            Seed::Fixed(seed) => {
                self.random_seed.set(false);
                self.seed.set(seed.to_string());
            }
        }
        if let Some(steps) = request.steps {
            self.steps.set(steps);
        }
        if let Some(cfg) = request.cfg {
            self.cfg.set(cfg);
        }
        let values = [
            &request.sampler,
            &request.scheduler,
            &request.quality,
            &request.style,
            &request.background,
            &request.output_format,
        ];
        for ((signal, _), value) in self.choices().into_iter().zip(values) {
            signal.set(value.clone().unwrap_or_default());
        }
    }

    /// Fills the form from the settings another tool embedded in an image
    /// (dropped on the Studio). Returns the fields it could not map, as
    /// "label: value", for the person to see; the model stays the chosen
    /// one, since another tool's checkpoint is not one of Easel's models.
    #[cfg_attr(
        not(feature = "hydrate"),
        allow(dead_code, reason = "called in the browser only")
    )]
    pub fn load_imported(
        &self,
        imported: &easel_domain::metadata::import::ImportedParameters,
    ) -> Vec<String> {
        let mut unmapped = Vec::new();
        if !imported.prompt.is_empty() {
            self.prompt.set(imported.prompt.clone());
        }
        self.negative_prompt.set(imported.negative_prompt.clone());
        if let Some(seed) = imported.seed.filter(|s| (0..=MAX_SEED).contains(s)) {
            self.random_seed.set(false);
            self.seed.set(seed.to_string());
        }
        if let Some(steps) = imported.steps {
            self.steps.set(steps);
        }
        if let Some(cfg) = imported.cfg_scale {
            self.cfg.set(cfg);
        }
        if let (Some(width), Some(height)) = (imported.width, imported.height) {
            self.width.set(width);
            self.height.set(height);
        }
        for (label, value) in [
            ("Model", &imported.model),
            ("Sampler", &imported.sampler),
            ("Scheduler", &imported.scheduler),
        ] {
            if let Some(value) = value {
                unmapped.push(format!("{label}: {value}"));
            }
        }
        if let Some(strength) = imported.strength {
            unmapped.push(format!("Denoising strength: {strength}"));
        }
        unmapped.extend(imported.extra.iter().map(|(k, v)| format!("{k}: {v}")));
        unmapped
    }

    /// Fills the form from a job, with its seed fixed (so the same image
    /// can be made again, or varied).
    pub fn load_job(&self, job: &JobView) {
        if let Some(request) = &job.request {
            self.load(&GenerationRequest {
                seed: Seed::Fixed(job.seed),
                init_image: None,
                mask_png_base64: None,
                strength: None,
                operation: None,
                upscale_factor: None,
                ..request.clone()
            });
            return;
        }
        self.load(&GenerationRequest {
            model: job.model.clone(),
            prompt: job.prompt.clone(),
            negative_prompt: job.negative_prompt.clone(),
            width: job.width,
            height: job.height,
            count: job.count,
            seed: Seed::Fixed(job.seed),
            steps: job.steps,
            ..GenerationRequest::default()
        });
    }

    /// Everything in the form as a submission (for remembering, in the
    /// browser). Tracked.
    #[cfg(feature = "hydrate")]
    pub fn snapshot(&self) -> Submission {
        Submission {
            request: self.snapshot_request(),
            styles: self.styles.get(),
            variables: self.variables.get(),
            expansion: self.expansion.get(),
            prompts: self.prompts.get(),
        }
    }

    /// Loads the settings last used with a model (size and tuning), not
    /// the prompt.
    #[cfg(feature = "hydrate")]
    pub fn load_tuning(&self, saved: &GenerationRequest) {
        self.width.set(saved.width);
        self.height.set(saved.height);
        self.count.set(saved.count.max(1));
        if let Some(steps) = saved.steps {
            self.steps.set(steps);
        }
        if let Some(cfg) = saved.cfg {
            self.cfg.set(cfg);
        }
        let values = [
            &saved.sampler,
            &saved.scheduler,
            &saved.quality,
            &saved.style,
            &saved.background,
            &saved.output_format,
        ];
        for ((signal, _), value) in self.choices().into_iter().zip(values) {
            signal.set(value.clone().unwrap_or_default());
        }
    }

    /// Everything in the form as a request, whatever the model supports.
    #[cfg(feature = "hydrate")]
    fn snapshot_request(&self) -> GenerationRequest {
        let seed = match (self.random_seed.get(), self.seed.with(|s| s.trim().parse())) {
            (false, Ok(seed)) => Seed::Fixed(seed),
            _ => Seed::Random,
        };
        GenerationRequest {
            model: self.model.get(),
            prompt: self.prompt.get(),
            negative_prompt: self.negative_prompt.get(),
            width: self.width.get(),
            height: self.height.get(),
            count: self.count.get(),
            seed,
            steps: Some(self.steps.get()),
            cfg: Some(self.cfg.get()),
            sampler: non_empty(self.sampler.get()),
            scheduler: non_empty(self.scheduler.get()),
            quality: non_empty(self.quality.get()),
            style: non_empty(self.style.get()),
            background: non_empty(self.background.get()),
            output_format: non_empty(self.output_format.get()),
            ..GenerationRequest::default()
        }
    }

    /// The request for `model`, holding only what it supports, and every
    /// problem with it (the server's own checks, plus the model being
    /// available and the seed being a number). Tracked.
    pub fn check(&self, model: &ModelInfo) -> (GenerationRequest, Vec<ValidationError>) {
        let caps = &model.capabilities;
        let mut errors = Vec::new();
        let seed = if caps.seed && !self.random_seed.get() {
            match self.seed.with(|s| s.trim().parse::<i64>()) {
                Ok(seed) => Seed::Fixed(seed),
                Err(_) => {
                    errors.push(ValidationError::new(
                        "seed",
                        format!("Enter a seed from 0 to {MAX_SEED}, or switch to Random."),
                    ));
                    Seed::Random
                }
            }
        } else {
            Seed::Random
        };
        let request = GenerationRequest {
            model: model.id.clone(),
            prompt: self.prompt.get(),
            negative_prompt: if caps.negative_prompt {
                self.negative_prompt.get()
            } else {
                String::new()
            },
            width: self.width.get(),
            height: self.height.get(),
            count: self.count.get(),
            seed,
            steps: caps.steps.map(|_| self.steps.get()),
            cfg: caps.cfg.map(|_| self.cfg.get()),
            sampler: chosen(self.sampler, caps.sampler.as_ref()),
            scheduler: chosen(self.scheduler, caps.scheduler.as_ref()),
            quality: chosen(self.quality, caps.quality.as_ref()),
            style: chosen(self.style, caps.style.as_ref()),
            background: chosen(self.background, caps.background.as_ref()),
            output_format: chosen(self.output_format, caps.output_format.as_ref()),
            ..GenerationRequest::default()
        };
        if !model.available {
            let reason = model
                .unavailable_reason
                .clone()
                .unwrap_or_else(|| "It cannot run right now.".to_string());
            errors.push(ValidationError::new(
                "model",
                format!("{} is unavailable. {reason}", model.label),
            ));
        }
        if let Err(found) = request.validate(caps) {
            errors.extend(found);
        }
        (request, errors)
    }

    /// Moves the size, count and steps into what `caps` accepts (after a
    /// model change), keeping them when they already fit.
    pub fn fit_to(&self, caps: &Capabilities) {
        let (width, height) = (self.width.get_untracked(), self.height.get_untracked());
        if !caps.sizes.accepts(width, height)
            && let Some((w, h)) = nearest_size(&caps.sizes, width, height)
        {
            self.width.set(w);
            self.height.set(h);
        }
        let count = self.count.get_untracked();
        let fitted = count.clamp(1, caps.max_count.max(1));
        if fitted != count {
            self.count.set(fitted);
        }
        if let Some(range) = caps.steps
            && !range.contains(f64::from(self.steps.get_untracked()))
        {
            self.steps.set(range.default.round() as u32);
        }
        if let Some(range) = caps.cfg
            && !range.contains(f64::from(self.cfg.get_untracked()))
        {
            self.cfg.set(range.default as f32);
        }
        for (signal, spec) in self.choices() {
            let keep = spec(caps).is_some_and(|spec| signal.with_untracked(|v| spec.accepts(v)));
            if !keep && !signal.with_untracked(String::is_empty) {
                signal.set(String::new());
            }
        }
    }
}

/// The chosen value when the model has the choice: the form's value if
/// the model accepts it, else the model's default.
fn chosen(value: RwSignal<String>, spec: Option<&ChoiceSpec>) -> Option<String> {
    let spec = spec?;
    let value = value.get();
    Some(if spec.accepts(&value) {
        value
    } else {
        spec.default.clone()
    })
}

/// `None` for an empty string.
#[cfg(feature = "hydrate")]
fn non_empty(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

/// Picks one closed choice out of a model's capabilities.
type ChoiceOf = fn(&Capabilities) -> Option<&ChoiceSpec>;

/// The accepted size closest in shape and area to `width` x `height`.
fn nearest_size(rule: &SizeRule, width: u32, height: u32) -> Option<(u32, u32)> {
    let wanted_ratio = f64::from(width.max(1)) / f64::from(height.max(1));
    let wanted_area = f64::from(width.max(1)) * f64::from(height.max(1));
    rule.presets()
        .into_iter()
        .map(|(_, w, h)| (w, h))
        .min_by(|a, b| {
            let distance = |(w, h): (u32, u32)| {
                let ratio = (f64::from(w) / f64::from(h) / wanted_ratio).ln().abs();
                let area = (f64::from(w) * f64::from(h) / wanted_area).ln().abs();
                ratio * 4.0 + area
            };
            distance(*a).total_cmp(&distance(*b))
        })
}

/// Remembers the form in `localStorage`.
#[cfg(feature = "hydrate")]
pub mod saved {
    use easel_domain::generation::GenerationRequest;
    use easel_domain::library::Submission;

    const KEY: &str = "easel.studio.last";
    const MODEL_KEY: &str = "easel.studio.model.";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// The form as it was left, if remembered (older versions kept only
    /// the request).
    pub fn read() -> Option<Submission> {
        let text = storage()?.get_item(KEY).ok().flatten()?;
        serde_json::from_str(&text).ok().or_else(|| {
            serde_json::from_str::<GenerationRequest>(&text)
                .ok()
                .map(|request| Submission {
                    request,
                    styles: Vec::new(),
                    variables: Default::default(),
                    expansion: Default::default(),
                    prompts: 1,
                })
        })
    }

    /// Remembers the form, and the settings last used with its model.
    pub fn write(submission: &Submission) {
        let Some(storage) = storage() else { return };
        if let Ok(text) = serde_json::to_string(submission) {
            let _ = storage.set_item(KEY, &text);
        }
        if let Ok(text) = serde_json::to_string(&submission.request) {
            let _ = storage.set_item(&format!("{MODEL_KEY}{}", submission.request.model), &text);
        }
    }

    /// The settings last used with `model`, if any.
    pub fn read_model(model: &str) -> Option<GenerationRequest> {
        let text = storage()?
            .get_item(&format!("{MODEL_KEY}{model}"))
            .ok()
            .flatten()?;
        serde_json::from_str(&text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_size_keeps_the_shape() {
        let rule = SizeRule::Fixed {
            sizes: vec![(1024, 1024), (1792, 1024), (1024, 1792)],
        };
        assert_eq!(nearest_size(&rule, 768, 512), Some((1792, 1024)));
        assert_eq!(nearest_size(&rule, 512, 512), Some((1024, 1024)));
        assert_eq!(nearest_size(&rule, 576, 1024), Some((1024, 1792)));
    }
}
