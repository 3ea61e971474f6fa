//! A zip writer for streaming: entries are STORED (images are compressed
//! already), each written as its local header followed by its bytes, and
//! the central directory at the end. Nothing is ever rewritten, so the
//! output can go straight to the client. Each entry's bytes are known
//! before its header is written, so headers carry the real CRC-32 and
//! sizes and no data descriptors are needed. ZIP64 records are added only
//! when a size, an offset or the entry count passes what the classic
//! format holds.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// Local file header.
const LOCAL_HEADER: u32 = 0x0403_4b50;
/// Central directory file header.
const CENTRAL_HEADER: u32 = 0x0201_4b50;
/// End of central directory record.
const END_OF_DIRECTORY: u32 = 0x0605_4b50;
/// ZIP64 end of central directory record.
const ZIP64_END_OF_DIRECTORY: u32 = 0x0606_4b50;
/// ZIP64 end of central directory locator.
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
/// The ZIP64 extended information extra field's id.
const ZIP64_EXTRA: u16 = 0x0001;

/// Version needed to extract: 2.0 (STORED), 4.5 (ZIP64).
const VERSION_STORED: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// "Made by" Unix (high byte 3), so the external attributes are modes.
const MADE_BY_UNIX: u16 = 3 << 8;
/// General purpose flag bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// A regular file, rw-r--r--, in the external attributes' high half.
const FILE_MODE: u32 = 0o100_644 << 16;

/// The largest value a classic 32-bit field holds; this value itself
/// means "see the ZIP64 field".
const MAX_32: u64 = 0xFFFF_FFFF;
/// The same for the 16-bit entry counts.
const MAX_16: u64 = 0xFFFF;

/// What the central directory needs to know of an entry.
#[derive(Debug)]
struct Written {
    name: String,
    crc: u32,
    size: u64,
    offset: u64,
    time: u16,
    date: u16,
}

/// Builds a zip archive as a sequence of byte chunks.
#[derive(Debug, Default)]
pub struct ZipWriter {
    /// Bytes produced so far.
    offset: u64,
    entries: Vec<Written>,
}

impl ZipWriter {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// The local header of an entry holding `data`; send `data` right
    /// after it, unchanged.
    pub fn entry(&mut self, name: &str, modified: DateTime<Utc>, data: &[u8]) -> Vec<u8> {
        let (time, date) = dos_time(modified);
        let entry = Written {
            name: name.to_owned(),
            crc: crc32fast::hash(data),
            size: data.len() as u64,
            offset: self.offset,
            time,
            date,
        };
        let zip64 = entry.size >= MAX_32;
        let extra = if zip64 {
            zip64_extra(&[entry.size, entry.size])
        } else {
            Vec::new()
        };
        let mut out = Vec::with_capacity(30 + name.len() + extra.len());
        put32(&mut out, LOCAL_HEADER);
        put16(&mut out, if zip64 { VERSION_ZIP64 } else { VERSION_STORED });
        put16(&mut out, FLAG_UTF8);
        put16(&mut out, 0); // STORED
        put16(&mut out, entry.time);
        put16(&mut out, entry.date);
        put32(&mut out, entry.crc);
        put32(&mut out, clamp32(entry.size)); // compressed
        put32(&mut out, clamp32(entry.size)); // uncompressed
        put16(&mut out, name.len() as u16);
        put16(&mut out, extra.len() as u16);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&extra);
        self.offset += out.len() as u64 + entry.size;
        self.entries.push(entry);
        out
    }

    /// The central directory and the end records: the archive's last bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::new();
        for entry in &self.entries {
            central_header(&mut out, entry);
        }
        let directory_offset = self.offset;
        let directory_size = out.len() as u64;
        let count = self.entries.len() as u64;
        if count >= MAX_16 || directory_offset >= MAX_32 || directory_size >= MAX_32 {
            let record_offset = directory_offset + directory_size;
            zip64_end(&mut out, count, directory_size, directory_offset);
            put32(&mut out, ZIP64_LOCATOR);
            put32(&mut out, 0); // the disk with the ZIP64 end record
            put64(&mut out, record_offset);
            put32(&mut out, 1); // disks in all
        }
        put32(&mut out, END_OF_DIRECTORY);
        put16(&mut out, 0); // this disk
        put16(&mut out, 0); // the disk where the directory starts
        put16(&mut out, count.min(MAX_16) as u16);
        put16(&mut out, count.min(MAX_16) as u16);
        put32(&mut out, clamp32(directory_size));
        put32(&mut out, clamp32(directory_offset));
        put16(&mut out, 0); // comment length
        out
    }

    /// Starts as if `offset` bytes had been written (tests of ZIP64).
    #[cfg(test)]
    fn starting_at(offset: u64) -> Self {
        Self {
            offset,
            entries: Vec::new(),
        }
    }
}

/// One entry's central directory header.
fn central_header(out: &mut Vec<u8>, entry: &Written) {
    // The ZIP64 field holds only the values that overflow, in this order.
    let mut large = Vec::new();
    if entry.size >= MAX_32 {
        large.extend([entry.size, entry.size]);
    }
    if entry.offset >= MAX_32 {
        large.push(entry.offset);
    }
    let extra = if large.is_empty() {
        Vec::new()
    } else {
        zip64_extra(&large)
    };
    let version = if extra.is_empty() {
        VERSION_STORED
    } else {
        VERSION_ZIP64
    };
    put32(out, CENTRAL_HEADER);
    put16(out, MADE_BY_UNIX | VERSION_ZIP64);
    put16(out, version);
    put16(out, FLAG_UTF8);
    put16(out, 0); // STORED
    put16(out, entry.time);
    put16(out, entry.date);
    put32(out, entry.crc);
    put32(out, clamp32(entry.size));
    put32(out, clamp32(entry.size));
    put16(out, entry.name.len() as u16);
    put16(out, extra.len() as u16);
    put16(out, 0); // comment length
    put16(out, 0); // disk number
    put16(out, 0); // internal attributes
    put32(out, FILE_MODE);
    put32(out, clamp32(entry.offset));
    out.extend_from_slice(entry.name.as_bytes());
    out.extend_from_slice(&extra);
}

/// The ZIP64 end of central directory record.
fn zip64_end(out: &mut Vec<u8>, count: u64, directory_size: u64, directory_offset: u64) {
    put32(out, ZIP64_END_OF_DIRECTORY);
    put64(out, 44); // the record's size after this field
    put16(out, MADE_BY_UNIX | VERSION_ZIP64);
    put16(out, VERSION_ZIP64);
    put32(out, 0); // this disk
    put32(out, 0); // the disk where the directory starts
    put64(out, count);
    put64(out, count);
    put64(out, directory_size);
    put64(out, directory_offset);
}

/// A ZIP64 extended information extra field holding `values`.
fn zip64_extra(values: &[u64]) -> Vec<u8> {
    let mut extra = Vec::with_capacity(4 + 8 * values.len());
    put16(&mut extra, ZIP64_EXTRA);
    put16(&mut extra, (8 * values.len()) as u16);
    for &value in values {
        put64(&mut extra, value);
    }
    extra
}

/// MS-DOS time and date (two-second precision, 1980 to 2107).
fn dos_time(at: DateTime<Utc>) -> (u16, u16) {
    let year = at.year().clamp(1980, 2107) as u16;
    let time = (at.hour() as u16) << 11 | (at.minute() as u16) << 5 | (at.second() as u16 / 2);
    let date = (year - 1980) << 9 | (at.month() as u16) << 5 | at.day() as u16;
    (time, date)
}

fn clamp32(value: u64) -> u32 {
    value.min(MAX_32) as u32
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use chrono::TimeZone;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 14, 30, 12).unwrap()
    }

    #[test]
    fn a_standard_reader_reads_every_entry_back() {
        let mut writer = ZipWriter::new();
        let mut archive = Vec::new();
        for (name, data) in [("a.png", &b"first"[..]), ("b.jpg", &[0u8; 3000][..])] {
            archive.extend(writer.entry(name, at(), data));
            archive.extend_from_slice(data);
        }
        archive.extend(writer.finish());

        let mut zip = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
        assert_eq!(zip.len(), 2);
        let mut first = zip.by_name("a.png").unwrap();
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
        let modified = first.last_modified().unwrap();
        assert_eq!(
            (modified.year(), modified.month(), modified.day()),
            (2026, 12, 6)
        );
        assert_eq!(
            (modified.hour(), modified.minute(), modified.second()),
            (14, 30, 12)
        );
        let mut bytes = Vec::new();
        first.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, b"first");
        drop(first);
        let mut second = zip.by_name("b.jpg").unwrap();
        bytes.clear();
        second.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, vec![0u8; 3000]);
    }

    #[test]
    fn an_empty_archive_is_just_the_end_record() {
        let archive = ZipWriter::new().finish();
        assert_eq!(archive.len(), 22);
        let zip = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
        assert_eq!(zip.len(), 0);
    }

    #[test]
    fn offsets_past_4_gib_use_zip64_records() {
        let mut writer = ZipWriter::starting_at(5 << 30);
        let _ = writer.entry("late.png", at(), b"data");
        let tail = writer.finish();
        // Central header: the offset field says "see ZIP64", and the extra
        // field holds the real one.
        let offset_field = 42;
        assert_eq!(tail[offset_field..offset_field + 4], [0xFF; 4]);
        let extra_start = 46 + "late.png".len();
        assert_eq!(tail[extra_start..extra_start + 4], [0x01, 0x00, 8, 0]);
        let offset =
            u64::from_le_bytes(tail[extra_start + 4..extra_start + 12].try_into().unwrap());
        assert_eq!(offset, 5 << 30);
        // Then the ZIP64 end record and its locator, before the classic end.
        let end = &tail[extra_start + 12..];
        assert_eq!(end[..4], ZIP64_END_OF_DIRECTORY.to_le_bytes());
        assert_eq!(end[56..60], ZIP64_LOCATOR.to_le_bytes());
        assert_eq!(end[76..80], END_OF_DIRECTORY.to_le_bytes());
        assert_eq!(end[76 + 16..76 + 20], [0xFF; 4]);
    }
}
