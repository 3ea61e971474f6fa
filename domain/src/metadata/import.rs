//! Reading the generation settings other tools embed in image files, so a
//! dropped PNG, JPEG or WebP can fill the Studio.
//!
//! Two steps, each usable alone:
//!
//! 1. [`read_text_entries`] walks the container (PNG text chunks, JPEG and
//!    WebP EXIF and XMP) and returns its text entries, keyed as the tools
//!    key them (`parameters`, `prompt`, `UserComment` ...).
//! 2. [`parse_generation_metadata`] recognises the tool that wrote the
//!    entries and maps its settings onto [`ImportedParameters`].
//!
//! Everything is bounded: no input, however hostile, makes either step slow,
//! large in memory, or panic.

mod a1111;
mod comfyui;
mod container;
mod easel;
mod fooocus;
mod invokeai;
mod swarmui;
mod values;

use serde::{Deserialize, Serialize};

pub use container::{ReadError, TextEntry, read_text_entries};

/// The tool whose metadata an image carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MetadataSource {
    /// Easel itself (its `easel` JSON).
    #[serde(rename = "easel")]
    Easel,
    /// AUTOMATIC1111's web UI, or a tool writing its infotext (Forge ...).
    #[serde(rename = "automatic1111")]
    Automatic1111,
    /// ComfyUI (its API-format graph, or the UI workflow).
    #[serde(rename = "comfyui")]
    ComfyUI,
    /// InvokeAI.
    #[serde(rename = "invokeai")]
    InvokeAI,
    /// Fooocus.
    #[serde(rename = "fooocus")]
    Fooocus,
    /// SwarmUI (formerly StableSwarmUI).
    #[serde(rename = "swarmui")]
    SwarmUI,
}

impl MetadataSource {
    /// The tool's name as its authors write it, for display.
    pub fn label(self) -> &'static str {
        match self {
            MetadataSource::Easel => "Easel",
            MetadataSource::Automatic1111 => "AUTOMATIC1111",
            MetadataSource::ComfyUI => "ComfyUI",
            MetadataSource::InvokeAI => "InvokeAI",
            MetadataSource::Fooocus => "Fooocus",
            MetadataSource::SwarmUI => "SwarmUI",
        }
    }
}

/// The generation settings read from an image. Fields are `None` when the
/// tool did not record them or recorded a value out of range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedParameters {
    /// The tool that wrote the metadata.
    pub source: MetadataSource,
    /// The positive prompt (at most 100,000 characters).
    pub prompt: String,
    /// The negative prompt; empty when there is none.
    pub negative_prompt: String,
    /// The seed.
    pub seed: Option<i64>,
    /// Sampling steps.
    pub steps: Option<u32>,
    /// Prompt adherence (CFG scale).
    pub cfg_scale: Option<f32>,
    /// The sampler, in the tool's own naming.
    pub sampler: Option<String>,
    /// The noise schedule, in the tool's own naming.
    pub scheduler: Option<String>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// The checkpoint or model name.
    pub model: Option<String>,
    /// Denoising strength for img2img, when known.
    pub strength: Option<f32>,
    /// Settings read but not mapped to a field above, in the tool's naming,
    /// for display.
    pub extra: Vec<(String, String)>,
}

impl ImportedParameters {
    /// Empty parameters from `source`, to fill in.
    pub fn new(source: MetadataSource) -> Self {
        Self {
            source,
            prompt: String::new(),
            negative_prompt: String::new(),
            seed: None,
            steps: None,
            cfg_scale: None,
            sampler: None,
            scheduler: None,
            width: None,
            height: None,
            model: None,
            strength: None,
            extra: Vec::new(),
        }
    }

    /// The value of an unmapped setting, by its exact key.
    pub fn extra_value(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Recognises the tool that wrote `entries` and reads its settings; `None`
/// when no entry holds generation metadata. When several tools' entries are
/// present the most specific wins: Easel, InvokeAI, SwarmUI, Fooocus,
/// ComfyUI, then AUTOMATIC1111 (which many tools write besides their own).
pub fn parse_generation_metadata(entries: &[TextEntry]) -> Option<ImportedParameters> {
    let entries = Entries(entries);
    let readers: [fn(&Entries<'_>) -> Option<ImportedParameters>; 6] = [
        easel::read,
        invokeai::read,
        swarmui::read,
        fooocus::read,
        comfyui::read,
        a1111::read,
    ];
    readers.iter().find_map(|read| read(&entries))
}

/// Reads an image file's generation metadata: [`read_text_entries`] then
/// [`parse_generation_metadata`]. `Ok(None)` for an image without any.
pub fn read_generation_metadata(bytes: &[u8]) -> Result<Option<ImportedParameters>, ReadError> {
    let entries = read_text_entries(bytes)?;
    Ok(parse_generation_metadata(&entries))
}

/// The text entries, looked up by key.
struct Entries<'a>(&'a [TextEntry]);

impl Entries<'_> {
    /// The text of the first entry with this exact key.
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| entry.text.as_str())
    }

    /// The texts that may hold a settings string: the PNG `parameters`
    /// chunk, then the EXIF UserComment (JPEG, WebP).
    fn parameter_texts(&self) -> impl Iterator<Item = &str> {
        ["parameters", container::USER_COMMENT_KEY]
            .into_iter()
            .filter_map(|key| self.get(key))
    }
}

#[cfg(test)]
mod tests;
