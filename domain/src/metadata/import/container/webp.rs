//! WebP: the RIFF chunks after the `WEBP` form type. `EXIF` holds a TIFF
//! (with or without the JPEG-style `Exif\0\0` prefix); `XMP ` an XMP packet.

use super::{Collector, XMP_KEY, four, length, slice, text, tiff};

/// The JPEG-style prefix some writers leave on a WebP's EXIF chunk.
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// The chunks after the RIFF header, when `bytes` is a WebP.
pub(super) fn body(bytes: &[u8]) -> Option<&[u8]> {
    let riff = bytes.strip_prefix(b"RIFF")?;
    riff.get(4..)?.strip_prefix(b"WEBP")
}

/// Collects the EXIF and XMP chunks.
pub(super) fn read(chunks: &[u8], out: &mut Collector) {
    let mut at = 0usize;
    while out.visit() {
        let Some(kind) = four(chunks, at) else {
            return;
        };
        let Some(size) =
            four(chunks, at.saturating_add(4)).and_then(|b| length(u32::from_le_bytes(b)))
        else {
            return;
        };
        let Some(data) = slice(chunks, at.saturating_add(8), size) else {
            return;
        };
        match &kind {
            b"EXIF" => tiff::read(data.strip_prefix(EXIF_PREFIX).unwrap_or(data), out),
            b"XMP " => out.push(XMP_KEY, text::utf8(data)),
            _ => {}
        }
        // Header, data, and a pad byte after odd-sized data.
        let padded = size.saturating_add(size & 1);
        let Some(next) = padded.checked_add(8).and_then(|n| at.checked_add(n)) else {
            return;
        };
        at = next;
    }
}
