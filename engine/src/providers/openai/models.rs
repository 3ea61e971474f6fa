//! What each OpenAI model can do (PROVIDERS.md §1.3–§1.6), as Easel's
//! capabilities: sizes, counts, prompt lengths, and the parameters each
//! family takes with OpenAI's own defaults.

use easel_domain::generation::{Capabilities, ChoiceSpec, ModelInfo, Operation, SizeRule};

use super::{LABEL, PROVIDER_ID};

/// The model families, which decide the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    /// `dall-e-2`: small squares, edits with a mask, variations.
    DallE2,
    /// `dall-e-3`: one image, quality and style.
    DallE3,
    /// `gpt-image-*`: edits, transparency, formats, streaming.
    GptImage,
}

impl Family {
    /// The family of a model name, if Easel knows it.
    pub(super) fn of(model: &str) -> Option<Self> {
        match model {
            "dall-e-2" => Some(Family::DallE2),
            "dall-e-3" => Some(Family::DallE3),
            m if m.starts_with("gpt-image-") => Some(Family::GptImage),
            _ => None,
        }
    }

    /// A display name for `model` of this family.
    pub(super) fn label(self, model: &str) -> String {
        match (self, model) {
            (Family::DallE2, _) => "DALL·E 2".into(),
            (Family::DallE3, _) => "DALL·E 3".into(),
            (Family::GptImage, "gpt-image-1") => "GPT Image 1".into(),
            (Family::GptImage, "gpt-image-1-mini") => "GPT Image 1 mini".into(),
            (Family::GptImage, other) => other.to_owned(),
        }
    }
}

/// The model's entry for the Studio, if Easel knows the model.
pub(super) fn model_info(model: &str) -> Option<ModelInfo> {
    let Some(family) = Family::of(model) else {
        tracing::warn!(model, "skipping an OpenAI model Easel does not know");
        return None;
    };
    Some(ModelInfo {
        id: format!("{PROVIDER_ID}:{model}"),
        provider: PROVIDER_ID.into(),
        provider_label: LABEL.into(),
        label: family.label(model),
        description: description(family).into(),
        available: true,
        unavailable_reason: None,
        capabilities: capabilities(family),
    })
}

/// Marks the models the key cannot use (absent from `GET /models`).
pub(super) fn with_access(models: Vec<ModelInfo>, listed: &[String]) -> Vec<ModelInfo> {
    models
        .into_iter()
        .map(|mut model| {
            let name = model.id.split_once(':').map_or("", |(_, m)| m);
            if !listed.iter().any(|id| id == name) {
                model.available = false;
                model.unavailable_reason =
                    Some(format!("This OpenAI key has no access to {name}."));
            }
            model
        })
        .collect()
}

fn description(family: Family) -> &'static str {
    match family {
        Family::DallE2 => {
            "OpenAI's older model: small square images, inpainting with a mask, and variations."
        }
        Family::DallE3 => {
            "OpenAI's DALL·E 3: one detailed image per request; it rewrites the prompt it is given."
        }
        Family::GptImage => {
            "OpenAI's GPT image model: follows long prompts, edits images, transparent backgrounds."
        }
    }
}

/// The capabilities of a family.
pub(super) fn capabilities(family: Family) -> Capabilities {
    match family {
        Family::DallE2 => Capabilities {
            operations: vec![
                Operation::Txt2img,
                Operation::Inpaint,
                Operation::Variations,
            ],
            ..Capabilities::txt2img(
                SizeRule::Fixed {
                    sizes: vec![(256, 256), (512, 512), (1024, 1024)],
                },
                10,
                1000,
            )
        },
        Family::DallE3 => Capabilities {
            quality: Some(ChoiceSpec::labelled(
                &[("standard", "Standard"), ("hd", "HD")],
                "standard",
            )),
            style: Some(ChoiceSpec::labelled(
                &[("vivid", "Vivid"), ("natural", "Natural")],
                "vivid",
            )),
            ..Capabilities::txt2img(
                SizeRule::Fixed {
                    sizes: vec![(1024, 1024), (1792, 1024), (1024, 1792)],
                },
                1,
                4000,
            )
        },
        Family::GptImage => gpt_image(),
    }
}

fn gpt_image() -> Capabilities {
    Capabilities {
        operations: vec![Operation::Txt2img, Operation::Img2img, Operation::Inpaint],
        quality: Some(ChoiceSpec::labelled(
            &[
                ("auto", "Auto"),
                ("low", "Low"),
                ("medium", "Medium"),
                ("high", "High"),
            ],
            "auto",
        )),
        background: Some(ChoiceSpec::labelled(
            &[
                ("auto", "Auto"),
                ("opaque", "Opaque"),
                ("transparent", "Transparent"),
            ],
            "auto",
        )),
        output_format: Some(ChoiceSpec::labelled(
            &[("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WebP")],
            "png",
        )),
        ..Capabilities::txt2img(
            SizeRule::Fixed {
                sizes: vec![(1024, 1024), (1536, 1024), (1024, 1536)],
            },
            10,
            32000,
        )
    }
}
