//! PNG text metadata: the AUTOMATIC1111 `parameters` infotext and Easel's
//! own JSON, written as text chunks and read back without decoding pixels.

use image::{RgbImage, RgbaImage};
use png::text_metadata::{ITXtChunk, TEXtChunk, ZTXtChunk};

use super::ImagingError;

/// The keyword AUTOMATIC1111 (and most tools after it) use for the infotext.
pub const PARAMETERS_KEYWORD: &str = "parameters";
/// The keyword of Easel's JSON, in an iTXt chunk.
pub const EASEL_KEYWORD: &str = "easel";

/// The PNG file signature.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// Largest text we inflate from a compressed chunk.
const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// Text metadata carried in a PNG.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PngMetadata {
    /// The AUTOMATIC1111 infotext (`parameters` chunk).
    pub parameters: Option<String>,
    /// Easel's JSON (`easel` iTXt chunk).
    pub easel: Option<String>,
}

/// Encodes an RGB PNG with the metadata as text chunks before the image
/// data: `parameters` as tEXt when it is Latin-1 (as AUTOMATIC1111 writes
/// it), iTXt otherwise; `easel` always as UTF-8 iTXt.
pub fn encode_png(image: &RgbImage, metadata: &PngMetadata) -> Result<Vec<u8>, ImagingError> {
    encode_raw(
        image.width(),
        image.height(),
        png::ColorType::Rgb,
        image.as_raw(),
        metadata,
    )
}

/// Encodes an RGBA PNG (a transparent result) with the metadata, like
/// [`encode_png`].
pub fn encode_png_rgba(image: &RgbaImage, metadata: &PngMetadata) -> Result<Vec<u8>, ImagingError> {
    encode_raw(
        image.width(),
        image.height(),
        png::ColorType::Rgba,
        image.as_raw(),
        metadata,
    )
}

fn encode_raw(
    width: u32,
    height: u32,
    color: png::ColorType,
    raw: &[u8],
    metadata: &PngMetadata,
) -> Result<Vec<u8>, ImagingError> {
    let encode_error = |e: png::EncodingError| ImagingError::Encode(e.to_string());
    let mut out = Vec::with_capacity(raw.len() / 2);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    if let Some(parameters) = &metadata.parameters {
        if parameters.chars().all(|c| u32::from(c) <= 0xFF) {
            encoder.add_text_chunk(PARAMETERS_KEYWORD.to_owned(), parameters.clone())
        } else {
            encoder.add_itxt_chunk(PARAMETERS_KEYWORD.to_owned(), parameters.clone())
        }
        .map_err(encode_error)?;
    }
    if let Some(easel) = &metadata.easel {
        encoder
            .add_itxt_chunk(EASEL_KEYWORD.to_owned(), easel.clone())
            .map_err(encode_error)?;
    }
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(raw).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(out)
}

/// Reads the `parameters` and `easel` texts from tEXt, zTXt or iTXt chunks
/// anywhere in the file, without inflating the image data. Fails with
/// [`ImagingError::Corrupt`] when the bytes are not a well-formed PNG chunk
/// stream; a single unreadable text chunk is skipped.
pub fn read_png_metadata(bytes: &[u8]) -> Result<PngMetadata, ImagingError> {
    let chunks = split_chunks(bytes)?;
    let header = chunks
        .first()
        .filter(|chunk| chunk.kind == *b"IHDR")
        .ok_or_else(|| ImagingError::Corrupt("the PNG does not start with IHDR".to_owned()))?;
    let mut metadata = PngMetadata::default();
    for chunk in chunks
        .iter()
        .filter(|c| matches!(&c.kind, b"tEXt" | b"zTXt" | b"iTXt"))
    {
        let Some((keyword, text)) = read_text_chunk(header.raw, chunk.raw) else {
            continue;
        };
        let slot = match keyword.as_str() {
            PARAMETERS_KEYWORD => &mut metadata.parameters,
            EASEL_KEYWORD => &mut metadata.easel,
            _ => continue,
        };
        // The first chunk with a keyword wins, as in most readers.
        slot.get_or_insert(text);
    }
    Ok(metadata)
}

/// One chunk of a PNG: its type and its whole bytes (length, type, data, CRC).
struct RawChunk<'a> {
    kind: [u8; 4],
    raw: &'a [u8],
}

/// Splits a PNG into chunks up to `IEND`, checking lengths but not CRCs.
fn split_chunks(bytes: &[u8]) -> Result<Vec<RawChunk<'_>>, ImagingError> {
    let corrupt = |why: &str| ImagingError::Corrupt(why.to_owned());
    let mut rest = bytes
        .strip_prefix(&SIGNATURE)
        .ok_or_else(|| corrupt("not a PNG"))?;
    let mut chunks = Vec::new();
    loop {
        let length_bytes: [u8; 4] = rest
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| corrupt("the PNG is truncated"))?;
        let length = usize::try_from(u32::from_be_bytes(length_bytes))
            .map_err(|_| corrupt("a PNG chunk is too long"))?;
        let total = length
            .checked_add(12)
            .ok_or_else(|| corrupt("a PNG chunk is too long"))?;
        let raw = rest
            .get(..total)
            .ok_or_else(|| corrupt("the PNG is truncated"))?;
        let kind: [u8; 4] = raw
            .get(4..8)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| corrupt("the PNG is truncated"))?;
        chunks.push(RawChunk { kind, raw });
        rest = &rest[total..];
        if &kind == b"IEND" {
            return Ok(chunks);
        }
    }
}

/// Decodes one text chunk with the `png` crate by feeding it a minimal stream
/// (signature, header, that chunk), which never reaches image data.
fn read_text_chunk(header: &[u8], chunk: &[u8]) -> Option<(String, String)> {
    let mut decoder = png::StreamingDecoder::new();
    for part in [&SIGNATURE[..], header, chunk] {
        let mut part = part;
        while !part.is_empty() {
            let (consumed, _) = decoder.update(part, None).ok()?;
            if consumed == 0 {
                return None;
            }
            part = &part[consumed..];
        }
    }
    let info = decoder.info()?;
    if let Some(TEXtChunk { keyword, text }) = info.uncompressed_latin1_text.first() {
        return Some((keyword.clone(), text.clone()));
    }
    if let Some(chunk) = info.compressed_latin1_text.first() {
        let mut chunk: ZTXtChunk = chunk.clone();
        chunk.decompress_text_with_limit(MAX_TEXT_BYTES).ok()?;
        return Some((chunk.keyword.clone(), chunk.get_text().ok()?));
    }
    let mut chunk: ITXtChunk = info.utf8_text.first()?.clone();
    chunk.decompress_text_with_limit(MAX_TEXT_BYTES).ok()?;
    Some((chunk.keyword.clone(), chunk.get_text().ok()?))
}

/// The PNG without its text and EXIF chunks (`tEXt`, `zTXt`, `iTXt`,
/// `eXIf`): what a public page serves when its owner hides the parameters.
/// The pixels are copied byte for byte.
pub fn strip_png_text(bytes: &[u8]) -> Result<Vec<u8>, ImagingError> {
    let chunks = split_chunks(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&SIGNATURE);
    for chunk in chunks
        .iter()
        .filter(|c| !matches!(&c.kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf"))
    {
        out.extend_from_slice(chunk.raw);
    }
    Ok(out)
}
