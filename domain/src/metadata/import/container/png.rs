//! PNG: the chunk stream's tEXt, zTXt and iTXt chunks, up to `IEND`.
//! CRCs are not checked (a bad one does not make the text wrong).

use super::{Collector, four, length, slice, text};

/// The PNG file signature.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// The longest keyword the PNG specification allows, in bytes.
const MAX_KEYWORD: usize = 79;

/// The chunk stream after the signature, when `bytes` is a PNG.
pub(super) fn body(bytes: &[u8]) -> Option<&[u8]> {
    bytes.strip_prefix(&SIGNATURE)
}

/// Collects the text chunks of a chunk stream.
pub(super) fn read(chunks: &[u8], out: &mut Collector) {
    let mut at = 0usize;
    while out.visit() {
        let Some(size) = four(chunks, at).and_then(|b| length(u32::from_be_bytes(b))) else {
            return;
        };
        let Some(kind) = four(chunks, at.saturating_add(4)) else {
            return;
        };
        let Some(data) = slice(chunks, at.saturating_add(8), size) else {
            return;
        };
        match &kind {
            b"tEXt" => read_text(data, out),
            b"zTXt" => read_compressed_text(data, out),
            b"iTXt" => read_international_text(data, out),
            b"IEND" => return,
            _ => {}
        }
        // Length, type, data and CRC.
        let Some(next) = size.checked_add(12).and_then(|n| at.checked_add(n)) else {
            return;
        };
        at = next;
    }
}

/// A keyword and what follows its NUL separator.
fn split_keyword(data: &[u8]) -> Option<(String, &[u8])> {
    let end = data
        .iter()
        .take(MAX_KEYWORD.saturating_add(1))
        .position(|&b| b == 0)?;
    let (keyword, rest) = data.split_at(end);
    if keyword.is_empty() {
        return None;
    }
    Some((text::latin1(keyword), rest.get(1..)?))
}

/// `tEXt`: keyword, NUL, Latin-1 text.
fn read_text(data: &[u8], out: &mut Collector) {
    if let Some((key, rest)) = split_keyword(data) {
        out.push(&key, text::latin1(rest));
    }
}

/// `zTXt`: keyword, NUL, method (0, zlib), compressed Latin-1 text.
fn read_compressed_text(data: &[u8], out: &mut Collector) {
    let Some((key, rest)) = split_keyword(data) else {
        return;
    };
    let Some((0, compressed)) = rest.split_first().map(|(m, c)| (*m, c)) else {
        return;
    };
    if let Some(inflated) = text::inflate(compressed, out.room()) {
        out.push(&key, text::latin1(&inflated));
    }
}

/// `iTXt`: keyword, NUL, compression flag, method, language tag, NUL,
/// translated keyword, NUL, then UTF-8 text (zlib-compressed when flagged).
fn read_international_text(data: &[u8], out: &mut Collector) {
    let Some((key, rest)) = split_keyword(data) else {
        return;
    };
    let Some(([flag, method], rest)) = rest.split_first_chunk::<2>().map(|(h, r)| (*h, r)) else {
        return;
    };
    let Some(rest) = skip_past_nul(rest).and_then(skip_past_nul) else {
        return;
    };
    match (flag, method) {
        (0, _) => out.push(&key, text::utf8(rest)),
        (1, 0) => {
            if let Some(inflated) = text::inflate(rest, out.room()) {
                out.push(&key, text::utf8(&inflated));
            }
        }
        _ => {}
    }
}

/// What follows the first NUL.
fn skip_past_nul(bytes: &[u8]) -> Option<&[u8]> {
    let end = bytes.iter().position(|&b| b == 0)?;
    bytes.get(end.checked_add(1)?..)
}
