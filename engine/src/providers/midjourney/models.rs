//! The two models (Midjourney v6 and Niji Journey) and what they take.

use easel_domain::generation::{AspectRatio, Capabilities, ModelInfo, Operation, SizeRule};

use super::{LABEL, PROVIDER_ID};

/// Longest prompt Easel sends (Midjourney's own limit is about 6000
/// characters, parameters included).
const MAX_PROMPT_CHARS: u32 = 4000;

/// The aspect ratios offered, with Midjourney v6's size of one quadrant.
const RATIOS: &[(&str, u32, u32)] = &[
    ("1:1", 1024, 1024),
    ("4:3", 1232, 928),
    ("3:4", 928, 1232),
    ("16:9", 1456, 816),
    ("9:16", 816, 1456),
    ("3:2", 1344, 896),
    ("2:3", 896, 1344),
    ("21:9", 1680, 720),
];

/// The proxy's `botType` for a model (the part after `midjourney:`).
pub fn bot_type(model: &str) -> &'static str {
    if model == "niji" {
        "NIJI_JOURNEY"
    } else {
        "MID_JOURNEY"
    }
}

/// The size rule: aspect ratios, each with its nominal quadrant size.
pub fn sizes() -> SizeRule {
    SizeRule::Aspect {
        ratios: RATIOS
            .iter()
            .map(|&(label, width, height)| AspectRatio {
                label: label.into(),
                width,
                height,
            })
            .collect(),
    }
}

/// What both models take. The negative prompt becomes `--no …` and a
/// fixed seed `--seed N`; there are no steps, CFG or samplers; one job is
/// one grid (four images); prompt weights are not Midjourney's syntax.
pub fn capabilities() -> Capabilities {
    Capabilities {
        operations: vec![
            Operation::Txt2img,
            Operation::Upscale,
            Operation::Variations,
        ],
        negative_prompt: true,
        seed: true,
        steps: None,
        sizes: sizes(),
        max_count: 1,
        max_prompt_chars: MAX_PROMPT_CHARS,
        prompt_weighting: false,
        ..Capabilities::default()
    }
}

/// `midjourney:v6` and `midjourney:niji`.
pub fn models() -> Vec<ModelInfo> {
    let note = "One job makes a 2×2 grid, kept as four images; Upscale (U) and Variations (V) work on them. The negative prompt is sent as --no, a fixed seed as --seed.";
    [
        ("v6", "Midjourney v6", "Midjourney's main model, through a self-hosted midjourney-proxy."),
        ("niji", "Niji Journey 6", "Midjourney's anime and illustration model (the Niji bot), through a self-hosted midjourney-proxy."),
    ]
    .iter()
    .map(|(model, label, about)| ModelInfo {
        id: format!("{PROVIDER_ID}:{model}"),
        provider: PROVIDER_ID.into(),
        provider_label: LABEL.into(),
        label: (*label).into(),
        description: format!("{about} {note}"),
        available: true,
        unavailable_reason: None,
        capabilities: capabilities(),
    })
    .collect()
}
