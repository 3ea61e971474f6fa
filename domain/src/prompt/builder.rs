//! The prompt builder's data: chips by category, composed into one prompt,
//! and a length report for the editor.

mod suggestions;

use serde::{Deserialize, Serialize};

use super::strip_weights;

/// How many CLIP tokens Stable Diffusion style backends read per chunk; the
/// UI warns past it.
pub const CLIP_TOKEN_LIMIT: u32 = 75;

/// A kind of chip, in the order [`compose`] writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChipCategory {
    /// What the image shows.
    Subject,
    /// What it is made with: oil paint, photograph, 3D render.
    Medium,
    /// An art movement or look.
    Style,
    /// The light.
    Lighting,
    /// Lens, shot and angle.
    Camera,
    /// The palette.
    Colour,
    /// The feeling.
    Mood,
}

impl ChipCategory {
    /// Every category, in composing order.
    pub const ALL: [Self; 7] = [
        Self::Subject,
        Self::Medium,
        Self::Style,
        Self::Lighting,
        Self::Camera,
        Self::Colour,
        Self::Mood,
    ];

    /// The category's name in the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Subject => "Subject",
            Self::Medium => "Medium",
            Self::Style => "Style",
            Self::Lighting => "Lighting",
            Self::Camera => "Camera",
            Self::Colour => "Colour",
            Self::Mood => "Mood",
        }
    }

    /// An example for the empty input.
    pub fn placeholder(self) -> &'static str {
        match self {
            Self::Subject => "a red fox in the snow",
            Self::Medium => "oil painting",
            Self::Style => "impressionist",
            Self::Lighting => "golden hour",
            Self::Camera => "35mm lens",
            Self::Colour => "warm palette",
            Self::Mood => "serene",
        }
    }

    /// Ready-made chips to offer.
    pub fn suggestions(self) -> &'static [&'static str] {
        match self {
            Self::Subject => suggestions::SUBJECT,
            Self::Medium => suggestions::MEDIUM,
            Self::Style => suggestions::STYLE,
            Self::Lighting => suggestions::LIGHTING,
            Self::Camera => suggestions::CAMERA,
            Self::Colour => suggestions::COLOUR,
            Self::Mood => suggestions::MOOD,
        }
    }
}

/// The chips the user picked, one list per category.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PromptChips {
    /// What the image shows.
    #[serde(default)]
    pub subject: Vec<String>,
    /// What it is made with.
    #[serde(default)]
    pub medium: Vec<String>,
    /// Art movement or look.
    #[serde(default)]
    pub style: Vec<String>,
    /// The light.
    #[serde(default)]
    pub lighting: Vec<String>,
    /// Lens, shot and angle.
    #[serde(default)]
    pub camera: Vec<String>,
    /// The palette.
    #[serde(default)]
    pub colour: Vec<String>,
    /// The feeling.
    #[serde(default)]
    pub mood: Vec<String>,
}

impl PromptChips {
    /// The chips of one category.
    pub fn get(&self, category: ChipCategory) -> &[String] {
        match category {
            ChipCategory::Subject => &self.subject,
            ChipCategory::Medium => &self.medium,
            ChipCategory::Style => &self.style,
            ChipCategory::Lighting => &self.lighting,
            ChipCategory::Camera => &self.camera,
            ChipCategory::Colour => &self.colour,
            ChipCategory::Mood => &self.mood,
        }
    }

    /// The chips of one category, to edit.
    pub fn get_mut(&mut self, category: ChipCategory) -> &mut Vec<String> {
        match category {
            ChipCategory::Subject => &mut self.subject,
            ChipCategory::Medium => &mut self.medium,
            ChipCategory::Style => &mut self.style,
            ChipCategory::Lighting => &mut self.lighting,
            ChipCategory::Camera => &mut self.camera,
            ChipCategory::Colour => &mut self.colour,
            ChipCategory::Mood => &mut self.mood,
        }
    }
}

/// One prompt from the chips: subject first, then medium, style, lighting,
/// camera, colour and mood, joined with `", "`. Chips are trimmed; empty
/// ones and repeats (ignoring case) are skipped.
pub fn compose(chips: &PromptChips) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut parts: Vec<&str> = Vec::new();
    for category in ChipCategory::ALL {
        for chip in chips.get(category) {
            let chip = chip.trim();
            let key = chip.to_lowercase();
            if !chip.is_empty() && !seen.contains(&key) {
                seen.push(key);
                parts.push(chip);
            }
        }
    }
    parts.join(", ")
}

/// How long a prompt is, for the editor's counter and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LengthReport {
    /// Length in chars.
    pub chars: u32,
    /// The backend's limit in chars.
    pub max_chars: u32,
    /// Past the limit.
    pub over: bool,
    /// At 90% of the limit or more (true when over, too).
    pub near: bool,
    /// A rough estimate of CLIP tokens (see [`length_report`]).
    pub approx_clip_tokens: u32,
}

impl LengthReport {
    /// Past [`CLIP_TOKEN_LIMIT`]: SD-style backends will ignore or chunk
    /// the rest.
    pub fn over_clip_limit(&self) -> bool {
        self.approx_clip_tokens > CLIP_TOKEN_LIMIT
    }
}

/// Measures `text` against `max_chars`.
///
/// The CLIP token count is an approximation, not the real BPE tokenizer:
/// weighting syntax is stripped first, then each word counts 1, plus 1 per
/// further 7 letters (long and rare words split into several tokens), and
/// each punctuation mark counts 1.
pub fn length_report(text: &str, max_chars: u32) -> LengthReport {
    let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    LengthReport {
        chars,
        max_chars,
        over: chars > max_chars,
        near: u64::from(chars) * 10 >= u64::from(max_chars) * 9,
        approx_clip_tokens: approx_clip_tokens(&strip_weights(text)),
    }
}

fn approx_clip_tokens(text: &str) -> u32 {
    let mut tokens: u32 = 0;
    let mut word = 0u32;
    let end_word = |word: &mut u32, tokens: &mut u32| {
        if *word > 0 {
            *tokens = tokens.saturating_add(1 + (*word - 1) / 7);
            *word = 0;
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word += 1;
        } else {
            end_word(&mut word, &mut tokens);
            if !c.is_whitespace() {
                tokens = tokens.saturating_add(1);
            }
        }
    }
    end_word(&mut word, &mut tokens);
    tokens
}

#[cfg(test)]
mod tests;
