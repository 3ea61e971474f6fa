//! Text decoding for the containers: Latin-1, lossy UTF-8, UTF-16 in either
//! byte order, and bounded zlib inflate. Each decoder reads only as many
//! input bytes as can fill [`MAX_ENTRY_BYTES`] of output, so a huge field
//! never becomes a huge string.

use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};

use super::MAX_ENTRY_BYTES;

/// A byte order, of a TIFF or of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ByteOrder {
    /// Least significant byte first (`II`).
    Little,
    /// Most significant byte first (`MM`).
    Big,
}

/// Cuts `text` to at most `max` bytes, on a character boundary.
pub(super) fn truncate_bytes(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let end = (0..=max)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text.truncate(end);
}

/// Latin-1 (ISO 8859-1) bytes, as PNG tEXt and zTXt hold them.
pub(super) fn latin1(bytes: &[u8]) -> String {
    head(bytes, MAX_ENTRY_BYTES)
        .iter()
        .map(|&b| char::from(b))
        .collect()
}

/// UTF-8 bytes, invalid sequences replaced.
pub(super) fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(head(bytes, MAX_ENTRY_BYTES)).into_owned()
}

/// UTF-16 bytes: a byte order mark decides the order when there is one;
/// otherwise the zero bytes of mostly-ASCII text do, and `fallback` breaks
/// a tie.
pub(super) fn utf16(bytes: &[u8], fallback: ByteOrder) -> String {
    let (order, body) = match bytes {
        [0xFE, 0xFF, rest @ ..] => (ByteOrder::Big, rest),
        [0xFF, 0xFE, rest @ ..] => (ByteOrder::Little, rest),
        _ => (guess_utf16_order(bytes, fallback), bytes),
    };
    // Every UTF-16 unit is at least one UTF-8 byte.
    let body = head(body, MAX_ENTRY_BYTES.saturating_mul(2));
    let units = body.chunks_exact(2).map(|pair| match (order, pair) {
        (ByteOrder::Big, [high, low]) => u16::from_be_bytes([*high, *low]),
        (ByteOrder::Little, [low, high]) => u16::from_le_bytes([*low, *high]),
        _ => 0,
    });
    char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// The byte order whose high bytes are more often zero.
fn guess_utf16_order(bytes: &[u8], fallback: ByteOrder) -> ByteOrder {
    let sample = head(bytes, 4096);
    let zeros = |skip: usize| {
        sample
            .iter()
            .skip(skip)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    match even.cmp(&odd) {
        std::cmp::Ordering::Greater => ByteOrder::Big,
        std::cmp::Ordering::Less => ByteOrder::Little,
        std::cmp::Ordering::Equal => fallback,
    }
}

/// Inflates a zlib stream to at most `limit` bytes. A stream that would
/// give more is cut at the limit; a corrupt one gives `None`.
pub(super) fn inflate(compressed: &[u8], limit: usize) -> Option<Vec<u8>> {
    match decompress_to_vec_zlib_with_limit(compressed, limit) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.status == TINFLStatus::HasMoreOutput => {
            let mut bytes = error.output;
            bytes.truncate(limit);
            Some(bytes)
        }
        Err(_) => None,
    }
}

/// The first `max` bytes.
fn head(bytes: &[u8], max: usize) -> &[u8] {
    bytes.get(..max).unwrap_or(bytes)
}
