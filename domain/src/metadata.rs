//! Metadata codecs: the AUTOMATIC1111 "parameters" infotext that Stable
//! Diffusion tools write into PNGs and read back, and ([`import`]) readers
//! for the generation metadata other tools embed in image files.
//!
//! The layout is three parts:
//!
//! ```text
//! a lighthouse on a cliff
//! at sunset
//! Negative prompt: blurry, text
//! Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: builtin
//! ```
//!
//! The prompt may span lines; the negative prompt line is optional; the last
//! line holds `key: value` settings separated by `, `. Values that contain a
//! separator are written as JSON strings, as AUTOMATIC1111 does.

pub mod import;
mod quote;
mod settings;

use serde::{Deserialize, Serialize};

/// The prefix of the negative prompt line.
const NEGATIVE_PREFIX: &str = "Negative prompt:";

/// AUTOMATIC1111 "parameters" infotext: "prompt\nNegative prompt: neg\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: builtin".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Infotext {
    /// The positive prompt; may contain newlines.
    pub prompt: String,
    /// The negative prompt; empty when there is none.
    pub negative_prompt: String,
    /// The settings line, in order, e.g. `("Steps", "20")`.
    pub settings: Vec<(String, String)>,
}

impl Infotext {
    /// An infotext with a prompt, a negative prompt and no settings yet.
    pub fn new(prompt: impl Into<String>, negative_prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            negative_prompt: negative_prompt.into(),
            settings: Vec::new(),
        }
    }

    /// Adds a setting, replacing an earlier one with the same key; returns `self`
    /// so settings chain: `Infotext::new(p, n).with("Steps", 20)`.
    pub fn with(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.set(key, value);
        self
    }

    /// Sets a setting, replacing an earlier one with the same key (in place,
    /// so the order of the settings line is kept).
    pub fn set(&mut self, key: impl Into<String>, value: impl ToString) {
        let key = key.into();
        let value = value.to_string();
        match self.settings.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.settings.push((key, value)),
        }
    }

    /// Writes the exact AUTOMATIC1111 layout. Values containing `,`, `:`, `"`
    /// or a newline are JSON-quoted; characters that cannot appear in a key
    /// (`,`, `:`, newlines) are replaced by spaces. Like AUTOMATIC1111, the
    /// result is trimmed, and a setting whose value equals its key is written
    /// as the bare key.
    pub fn format(&self) -> String {
        let mut out = self.prompt.trim().to_owned();
        let negative = self.negative_prompt.trim();
        if !negative.is_empty() {
            out.push('\n');
            out.push_str(NEGATIVE_PREFIX);
            out.push(' ');
            out.push_str(negative);
        }
        let line = settings::format_line(&self.settings);
        if !line.is_empty() {
            out.push('\n');
            out.push_str(&line);
        }
        out.trim().to_owned()
    }

    /// Reads an infotext the way AUTOMATIC1111 does, tolerantly: prompts may
    /// span lines, the negative prompt may be missing, values may be quoted,
    /// and `\r\n` line ends are accepted. Never panics; text without a
    /// settings line is all prompt.
    pub fn parse(text: &str) -> Infotext {
        let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut lines: Vec<&str> = normalised.trim().split('\n').collect();
        let mut result = Infotext::default();
        if let Some(last) = lines.last()
            && let Some(found) = settings::parse_line(last)
        {
            result.settings = found;
            lines.pop();
        }
        let mut prompt = Vec::new();
        let mut negative = Vec::new();
        for line in lines {
            let line = line.trim();
            if negative.is_empty()
                && let Some(rest) = line.strip_prefix(NEGATIVE_PREFIX)
            {
                negative.push(rest.trim());
            } else if negative.is_empty() {
                prompt.push(line);
            } else {
                negative.push(line);
            }
        }
        result.prompt = prompt.join("\n");
        result.negative_prompt = negative.join("\n");
        result
    }

    /// The value of a setting: an exact key match first, then one that
    /// ignores ASCII case (`"cfg scale"` finds `"CFG scale"`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| {
                self.settings
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
            })
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests;
