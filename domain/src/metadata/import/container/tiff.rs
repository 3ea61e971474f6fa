//! EXIF: a TIFF structure of IFDs (image file directories). We read IFD0,
//! the IFDs it chains to, and the Exif IFD it points at, for UserComment,
//! ImageDescription, and the `prompt:` / `workflow:` texts ComfyUI stores in
//! Make and Model. Offsets come from the file, so every IFD is visited at
//! most once and at most [`MAX_IFDS`] in all: a loop of offsets ends.

use super::text::{self, ByteOrder};
use super::{Collector, IMAGE_DESCRIPTION_KEY, USER_COMMENT_KEY, four, length, slice, two};

/// The most IFDs read from one TIFF.
const MAX_IFDS: usize = 8;
/// The size of one IFD entry.
const ENTRY_SIZE: usize = 12;

/// The ImageDescription tag (IFD0).
const IMAGE_DESCRIPTION: u16 = 0x010E;
/// The Make tag (IFD0); ComfyUI writes `workflow:{...}` there.
const MAKE: u16 = 0x010F;
/// The Model tag (IFD0); ComfyUI writes `prompt:{...}` there.
const MODEL: u16 = 0x0110;
/// The pointer to the Exif IFD.
const EXIF_IFD: u16 = 0x8769;
/// The UserComment tag (Exif IFD).
const USER_COMMENT: u16 = 0x9286;

/// One IFD entry: its tag and the bytes of its value.
struct Entry<'a> {
    tag: u16,
    value: &'a [u8],
}

/// Collects the text tags of a TIFF structure.
pub(super) fn read(tiff: &[u8], out: &mut Collector) {
    let order = match tiff.get(..4) {
        Some(b"II*\0") => ByteOrder::Little,
        Some(b"MM\0*") => ByteOrder::Big,
        _ => return,
    };
    let Some(first) = u32_at(tiff, 4, order).and_then(length) else {
        return;
    };
    let mut pending = vec![first];
    let mut seen: Vec<usize> = Vec::new();
    while let Some(offset) = pending.pop() {
        if seen.len() >= MAX_IFDS {
            return;
        }
        if offset == 0 || seen.contains(&offset) {
            continue;
        }
        seen.push(offset);
        if !read_ifd(tiff, order, offset, out, &mut pending) {
            return;
        }
    }
}

/// Reads one IFD, queueing the IFDs it points at; `false` once the visit
/// budget is spent.
fn read_ifd(
    tiff: &[u8],
    order: ByteOrder,
    offset: usize,
    out: &mut Collector,
    pending: &mut Vec<usize>,
) -> bool {
    let Some(count) = u16_at(tiff, offset, order).map(usize::from) else {
        return true;
    };
    let entries_start = offset.saturating_add(2);
    for index in 0..count {
        if !out.visit() {
            return false;
        }
        let start = index
            .checked_mul(ENTRY_SIZE)
            .and_then(|n| n.checked_add(entries_start));
        let Some(entry) = start.and_then(|start| read_entry(tiff, order, start)) else {
            return true;
        };
        use_entry(&entry, order, out, pending);
    }
    let next_at = count
        .checked_mul(ENTRY_SIZE)
        .and_then(|n| n.checked_add(entries_start));
    if let Some(next) = next_at
        .and_then(|at| u32_at(tiff, at, order))
        .and_then(length)
    {
        pending.push(next);
    }
    true
}

/// Acts on one entry.
fn use_entry(entry: &Entry<'_>, order: ByteOrder, out: &mut Collector, pending: &mut Vec<usize>) {
    match entry.tag {
        EXIF_IFD => {
            if let Some(offset) = u32_at(entry.value, 0, order).and_then(length) {
                pending.push(offset);
            }
        }
        USER_COMMENT => out.push(USER_COMMENT_KEY, user_comment(entry.value, order)),
        IMAGE_DESCRIPTION => out.push(IMAGE_DESCRIPTION_KEY, ascii(entry.value)),
        MAKE | MODEL => {
            let value = ascii(entry.value);
            // ComfyUI's `key:json`; an ordinary camera name is skipped.
            if let Some((key, json)) = value.split_once(':')
                && matches!(key, "prompt" | "workflow")
                && json.trim_start().starts_with('{')
            {
                out.push(key, json.to_owned());
            }
        }
        _ => {}
    }
}

/// Reads the entry at `start`: tag, type, count, and value (inline when it
/// fits in four bytes, else at an offset).
fn read_entry(tiff: &[u8], order: ByteOrder, start: usize) -> Option<Entry<'_>> {
    let raw = slice(tiff, start, ENTRY_SIZE)?;
    let tag = u16_at(raw, 0, order)?;
    let kind = u16_at(raw, 2, order)?;
    let count = length(u32_at(raw, 4, order)?)?;
    let size = type_size(kind)?.checked_mul(count)?;
    let value = if size <= 4 {
        slice(raw, 8, size)?
    } else {
        slice(tiff, length(u32_at(raw, 8, order)?)?, size)?
    };
    Some(Entry { tag, value })
}

/// The size of one value of a TIFF field type.
fn type_size(kind: u16) -> Option<usize> {
    match kind {
        // BYTE, ASCII, SBYTE, UNDEFINED
        1 | 2 | 6 | 7 => Some(1),
        // SHORT, SSHORT
        3 | 8 => Some(2),
        // LONG, SLONG, FLOAT, IFD
        4 | 9 | 11 | 13 => Some(4),
        // RATIONAL, SRATIONAL, DOUBLE
        5 | 10 | 12 => Some(8),
        _ => None,
    }
}

/// An ASCII (in practice often UTF-8) field, without its NUL terminator.
fn ascii(value: &[u8]) -> String {
    text::utf8(value).trim_end_matches('\0').to_owned()
}

/// UserComment: an eight-byte character code, then the text. `UNICODE` is
/// UTF-16 (AUTOMATIC1111, through piexif, writes it big-endian); `ASCII`,
/// `JIS` and undefined are read as UTF-8. A comment without a known code is
/// read whole.
fn user_comment(value: &[u8], order: ByteOrder) -> String {
    let decoded = match value.split_first_chunk::<8>() {
        Some((b"UNICODE\0", body)) => text::utf16(body, order),
        Some((b"ASCII\0\0\0" | b"JIS\0\0\0\0\0" | b"\0\0\0\0\0\0\0\0", body)) => text::utf8(body),
        _ => text::utf8(value),
    };
    decoded.trim_end_matches('\0').to_owned()
}

/// A 16-bit number at `at`.
fn u16_at(bytes: &[u8], at: usize, order: ByteOrder) -> Option<u16> {
    let raw = two(bytes, at)?;
    Some(match order {
        ByteOrder::Little => u16::from_le_bytes(raw),
        ByteOrder::Big => u16::from_be_bytes(raw),
    })
}

/// A 32-bit number at `at`.
fn u32_at(bytes: &[u8], at: usize, order: ByteOrder) -> Option<u32> {
    let raw = four(bytes, at)?;
    Some(match order {
        ByteOrder::Little => u32::from_le_bytes(raw),
        ByteOrder::Big => u32::from_be_bytes(raw),
    })
}
