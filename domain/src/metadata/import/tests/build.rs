//! Builders for test files: PNGs chunk by chunk, TIFF (EXIF) structures in
//! either byte order, JPEGs with APP1 segments, WebPs with EXIF chunks.

/// A byte order for the TIFF builder and UTF-16 text.
#[derive(Clone, Copy, Debug)]
pub enum Order {
    Little,
    Big,
}

/// A TIFF field: tag, type, value bytes.
pub type Field = (u16, u16, Vec<u8>);

/// The ASCII type.
pub const ASCII: u16 = 2;
/// The UNDEFINED type.
pub const UNDEFINED: u16 = 7;

/// CRC-32 as PNG uses it (bitwise; tests only).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One PNG chunk: length, type, data, CRC.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A tEXt chunk (`text` is written as Latin-1).
pub fn text_chunk(key: &str, text: &str) -> Vec<u8> {
    let mut data = key.as_bytes().to_vec();
    data.push(0);
    data.extend(
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')),
    );
    chunk(b"tEXt", &data)
}

/// A zTXt chunk holding zlib-compressed Latin-1 bytes.
pub fn ztxt_chunk(key: &str, raw: &[u8]) -> Vec<u8> {
    let mut data = key.as_bytes().to_vec();
    data.extend_from_slice(&[0, 0]);
    data.extend(miniz_oxide::deflate::compress_to_vec_zlib(raw, 6));
    chunk(b"zTXt", &data)
}

/// An iTXt chunk, compressed or not.
pub fn itxt_chunk(key: &str, text: &str, compressed: bool) -> Vec<u8> {
    let mut data = key.as_bytes().to_vec();
    data.extend_from_slice(&[0, u8::from(compressed), 0]);
    data.extend_from_slice(b"en\0\0");
    if compressed {
        data.extend(miniz_oxide::deflate::compress_to_vec_zlib(
            text.as_bytes(),
            6,
        ));
    } else {
        data.extend_from_slice(text.as_bytes());
    }
    chunk(b"iTXt", &data)
}

/// A 1×1 PNG with these chunks between IHDR and IDAT.
pub fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    for c in chunks {
        out.extend_from_slice(c);
    }
    let pixels = miniz_oxide::deflate::compress_to_vec_zlib(&[0, 200, 100, 50], 6);
    out.extend(chunk(b"IDAT", &pixels));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn u16_bytes(value: u16, order: Order) -> [u8; 2] {
    match order {
        Order::Little => value.to_le_bytes(),
        Order::Big => value.to_be_bytes(),
    }
}

fn u32_bytes(value: u32, order: Order) -> [u8; 4] {
    match order {
        Order::Little => value.to_le_bytes(),
        Order::Big => value.to_be_bytes(),
    }
}

/// Text as UTF-16 in `order`, optionally after a byte order mark.
pub fn utf16(text: &str, order: Order, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(&u16_bytes(0xFEFF, order));
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&u16_bytes(unit, order));
    }
    out
}

/// A UserComment value: `UNICODE` (UTF-16 in `order`) or `ASCII`.
pub fn user_comment(text: &str, unicode: Option<Order>) -> Vec<u8> {
    match unicode {
        Some(order) => {
            let mut out = b"UNICODE\0".to_vec();
            out.extend(utf16(text, order, false));
            out
        }
        None => {
            let mut out = b"ASCII\0\0\0".to_vec();
            out.extend_from_slice(text.as_bytes());
            out
        }
    }
}

/// Writes an IFD at `at` (its values after it); returns the bytes.
fn ifd(fields: &[Field], at: usize, order: Order) -> Vec<u8> {
    let mut head = u16_bytes(fields.len() as u16, order).to_vec();
    let mut data = Vec::new();
    let data_at = at + 2 + 12 * fields.len() + 4;
    for (tag, kind, value) in fields {
        let unit = if *kind == 4 { 4 } else { 1 };
        head.extend_from_slice(&u16_bytes(*tag, order));
        head.extend_from_slice(&u16_bytes(*kind, order));
        head.extend_from_slice(&u32_bytes((value.len() / unit) as u32, order));
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            head.extend(inline);
        } else {
            head.extend_from_slice(&u32_bytes((data_at + data.len()) as u32, order));
            data.extend_from_slice(value);
        }
    }
    head.extend_from_slice(&[0; 4]);
    head.extend(data);
    head
}

/// A TIFF: IFD0 with `ifd0`, and an Exif IFD with `exif` when not empty.
pub fn tiff(order: Order, ifd0: &[Field], exif: &[Field]) -> Vec<u8> {
    let mut out = match order {
        Order::Little => b"II*\0".to_vec(),
        Order::Big => b"MM\0*".to_vec(),
    };
    out.extend_from_slice(&u32_bytes(8, order));
    let mut fields = ifd0.to_vec();
    if !exif.is_empty() {
        fields.push((0x8769, 4, vec![0; 4]));
        let size = ifd(&fields, 8, order).len();
        let last = fields.len() - 1;
        fields[last].2 = u32_bytes((8 + size) as u32, order).to_vec();
    }
    let first = ifd(&fields, 8, order);
    let exif_at = 8 + first.len();
    out.extend(first);
    if !exif.is_empty() {
        out.extend(ifd(exif, exif_at, order));
    }
    out
}

/// A JPEG segment: marker and payload with its length.
pub fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An APP1 EXIF segment around a TIFF.
pub fn exif_segment(tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    segment(0xE1, &payload)
}

/// An APP1 XMP segment.
pub fn xmp_segment(xmp: &str) -> Vec<u8> {
    let mut payload = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    payload.extend_from_slice(xmp.as_bytes());
    segment(0xE1, &payload)
}

/// A JPEG: JFIF header, these segments, then a (fake) scan.
pub fn jpeg(segments: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend(segment(0xDB, &[0; 65]));
    out.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    out.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56]);
    // A COM after the scan must not be read.
    out.extend(segment(0xFE, b"after the scan"));
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A WebP with these (fourcc, data) chunks after a VP8X header, then a
/// (fake) image chunk.
pub fn webp(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    let mut add = |kind: &[u8; 4], data: &[u8]| {
        body.extend_from_slice(kind);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    };
    add(b"VP8X", &[0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (kind, data) in chunks {
        add(kind, data);
    }
    add(b"VP8L", &[0x2F, 0, 0, 0, 0]);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}
