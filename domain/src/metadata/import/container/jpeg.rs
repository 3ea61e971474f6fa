//! JPEG: the marker segments before the scan data. APP1 holds EXIF or XMP;
//! COM holds a comment.

use super::{COMMENT_KEY, Collector, XMP_KEY, slice, text, tiff, two};

/// Start of image.
const SOI: [u8; 2] = [0xFF, 0xD8];
/// The APP1 marker (EXIF, XMP).
const APP1: u8 = 0xE1;
/// The comment marker.
const COM: u8 = 0xFE;
/// Start of scan: the entropy-coded data follows, and metadata does not.
const SOS: u8 = 0xDA;
/// End of image.
const EOI: u8 = 0xD9;
/// The start of an EXIF APP1 payload (the sixth byte is padding).
const EXIF_PREFIX: &[u8] = b"Exif\0";
/// The start of an XMP APP1 payload.
const XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// The segments after the start-of-image marker, when `bytes` is a JPEG.
pub(super) fn body(bytes: &[u8]) -> Option<&[u8]> {
    bytes.strip_prefix(&SOI)
}

/// Collects EXIF, XMP and comment text from the segments, up to the scan.
pub(super) fn read(segments: &[u8], out: &mut Collector) {
    let mut at = 0usize;
    while out.visit() {
        if segments.get(at) != Some(&0xFF) {
            return;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while segments.get(at) == Some(&0xFF) {
            at = at.saturating_add(1);
        }
        let Some(&marker) = segments.get(at) else {
            return;
        };
        at = at.saturating_add(1);
        match marker {
            SOS | EOI => return,
            // Markers without a length: TEM, RSTn, a stray SOI.
            0x01 | 0xD0..=0xD8 => continue,
            _ => {}
        }
        let Some(size) = two(segments, at).map(|b| usize::from(u16::from_be_bytes(b))) else {
            return;
        };
        // The length counts its own two bytes.
        let Some(payload) = size
            .checked_sub(2)
            .and_then(|len| slice(segments, at.saturating_add(2), len))
        else {
            return;
        };
        read_segment(marker, payload, out);
        at = at.saturating_add(size);
    }
}

/// Reads one segment's payload.
fn read_segment(marker: u8, payload: &[u8], out: &mut Collector) {
    match marker {
        APP1 => {
            if let Some(tiff_bytes) = payload
                .strip_prefix(EXIF_PREFIX)
                .and_then(|rest| rest.get(1..))
            {
                tiff::read(tiff_bytes, out);
            } else if let Some(xmp) = payload.strip_prefix(XMP_PREFIX) {
                out.push(XMP_KEY, text::utf8(xmp));
            }
        }
        COM => out.push(COMMENT_KEY, text::utf8(payload)),
        _ => {}
    }
}
