//! Image containers to text entries: PNG text chunks, JPEG segments and
//! WebP chunks, with the EXIF (TIFF) data the last two carry.
//!
//! Every walk is bounded: at most [`MAX_VISITS`] chunks, segments and IFD
//! entries in all, each text at most [`MAX_ENTRY_BYTES`], all texts together
//! at most [`MAX_TOTAL_BYTES`]. Damage ends the walk, keeping what was read.

mod jpeg;
mod png;
mod text;
mod tiff;
mod webp;

use serde::{Deserialize, Serialize};

/// The most chunks, segments and IFD entries one file may make us visit.
pub(super) const MAX_VISITS: usize = 1_000;
/// The longest text entry, in UTF-8 bytes; longer ones are cut.
pub(super) const MAX_ENTRY_BYTES: usize = 1024 * 1024;
/// The most text, in UTF-8 bytes, read from one file.
pub(super) const MAX_TOTAL_BYTES: usize = 4 * 1024 * 1024;

/// The key of the EXIF UserComment entry.
pub(super) const USER_COMMENT_KEY: &str = "UserComment";
/// The key of the EXIF ImageDescription entry.
const IMAGE_DESCRIPTION_KEY: &str = "ImageDescription";
/// The key of an XMP packet.
const XMP_KEY: &str = "XMP";
/// The key of a JPEG comment segment.
const COMMENT_KEY: &str = "comment";

/// One piece of text metadata: a PNG text chunk's keyword and text, or an
/// EXIF tag (`UserComment`, `ImageDescription`), `XMP` or a JPEG `comment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEntry {
    /// The keyword (PNG) or the name of the field it came from.
    pub key: String,
    /// The text, decoded to UTF-8 (invalid sequences replaced).
    pub text: String,
}

/// Why an image's metadata could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The bytes are not a PNG, JPEG or WebP file.
    #[error("this is not a PNG, JPEG or WebP file")]
    UnknownFormat,
}

/// Reads the text entries of a PNG, JPEG or WebP file, told apart by their
/// signatures. A damaged file gives the entries read before the damage.
pub fn read_text_entries(bytes: &[u8]) -> Result<Vec<TextEntry>, ReadError> {
    let mut collector = Collector::default();
    if let Some(chunks) = png::body(bytes) {
        png::read(chunks, &mut collector);
    } else if let Some(segments) = jpeg::body(bytes) {
        jpeg::read(segments, &mut collector);
    } else if let Some(chunks) = webp::body(bytes) {
        webp::read(chunks, &mut collector);
    } else {
        return Err(ReadError::UnknownFormat);
    }
    Ok(collector.entries)
}

/// The entries read so far, and what is left of the budgets.
#[derive(Default)]
struct Collector {
    entries: Vec<TextEntry>,
    total_bytes: usize,
    visits: usize,
}

impl Collector {
    /// Counts one chunk, segment or IFD entry; `false` once the budget is
    /// spent, and the walk must stop.
    fn visit(&mut self) -> bool {
        if self.visits >= MAX_VISITS {
            return false;
        }
        self.visits += 1;
        true
    }

    /// How many more UTF-8 bytes the next entry may hold.
    fn room(&self) -> usize {
        MAX_ENTRY_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.total_bytes))
    }

    /// Adds an entry, cut (on a character boundary) to fit the budgets.
    fn push(&mut self, key: &str, mut text: String) {
        let room = self.room();
        if room == 0 {
            return;
        }
        text::truncate_bytes(&mut text, room);
        self.total_bytes = self.total_bytes.saturating_add(text.len());
        self.entries.push(TextEntry {
            key: key.to_owned(),
            text,
        });
    }
}

/// `len` bytes of `bytes` from `start`, when they are all there.
fn slice(bytes: &[u8], start: usize, len: usize) -> Option<&[u8]> {
    bytes.get(start..start.checked_add(len)?)
}

/// Four bytes of `bytes` from `start`, when they are there.
fn four(bytes: &[u8], start: usize) -> Option<[u8; 4]> {
    slice(bytes, start, 4)?.try_into().ok()
}

/// Two bytes of `bytes` from `start`, when they are there.
fn two(bytes: &[u8], start: usize) -> Option<[u8; 2]> {
    slice(bytes, start, 2)?.try_into().ok()
}

/// A length read from the file, as a `usize`.
fn length(value: u32) -> Option<usize> {
    usize::try_from(value).ok()
}
