//! Removing embedded metadata from a stored original without re-encoding
//! it: PNG text chunks, JPEG EXIF/XMP/comment segments, WebP EXIF/XMP
//! chunks. Used when a public page hides an image's parameters, so that
//! what is hidden on the page is absent from the file too.

use super::ImagingError;
use super::png_meta::strip_png_text;

/// The file without its metadata, by media type (`image/png`,
/// `image/jpeg`, `image/webp`).
pub fn strip_metadata(bytes: &[u8], media_type: &str) -> Result<Vec<u8>, ImagingError> {
    match media_type {
        "image/png" => strip_png_text(bytes),
        "image/jpeg" => strip_jpeg(bytes),
        "image/webp" => strip_webp(bytes),
        other => Err(ImagingError::Corrupt(format!("cannot strip {other}"))),
    }
}

fn corrupt(why: &str) -> ImagingError {
    ImagingError::Corrupt(why.to_owned())
}

/// Drops APP1 (EXIF, XMP), APP13 (IPTC) and COM segments before the scan;
/// everything from the start of scan on is copied as it is.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, ImagingError> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(corrupt("not a JPEG"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        let marker = bytes
            .get(at..at + 2)
            .ok_or_else(|| corrupt("the JPEG is truncated"))?;
        if marker[0] != 0xFF {
            return Err(corrupt("a JPEG segment is malformed"));
        }
        // Start of scan (or end of image): the rest is image data.
        if matches!(marker[1], 0xDA | 0xD9) {
            out.extend_from_slice(&bytes[at..]);
            return Ok(out);
        }
        let length = bytes
            .get(at + 2..at + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or_else(|| corrupt("the JPEG is truncated"))?;
        let end = at + 2 + length;
        let segment = bytes
            .get(at..end)
            .ok_or_else(|| corrupt("the JPEG is truncated"))?;
        if !matches!(marker[1], 0xE1 | 0xED | 0xFE) {
            out.extend_from_slice(segment);
        }
        at = end;
    }
}

/// Drops the `EXIF` and `XMP ` chunks, clears their flags in `VP8X`, and
/// fixes the RIFF size.
fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, ImagingError> {
    if bytes.get(..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WEBP") {
        return Err(corrupt("not a WebP"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let mut at = 12;
    while at < bytes.len() {
        let header = bytes
            .get(at..at + 8)
            .ok_or_else(|| corrupt("the WebP is truncated"))?;
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let end = at + 8 + size + (size & 1);
        let chunk = bytes
            .get(at..end.min(bytes.len()))
            .ok_or_else(|| corrupt("the WebP is truncated"))?;
        match &header[..4] {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let start = out.len();
                out.extend_from_slice(chunk);
                // Flags byte: bit 3 EXIF, bit 2 XMP.
                if let Some(flags) = out.get_mut(start + 8) {
                    *flags &= !0b0000_1100;
                }
            }
            _ => out.extend_from_slice(chunk),
        }
        at = end;
    }
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| corrupt("the WebP is too large"))?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::{PngMetadata, encode_png, read_png_metadata};

    #[test]
    fn png_text_goes_and_the_pixels_stay() {
        let image = image::RgbImage::from_pixel(3, 2, image::Rgb([10, 200, 30]));
        let metadata = PngMetadata {
            parameters: Some("a secret prompt\nSteps: 20".into()),
            easel: Some("{\"prompt\":\"a secret prompt\"}".into()),
        };
        let png = encode_png(&image, &metadata).unwrap();
        let stripped = strip_metadata(&png, "image/png").unwrap();
        assert_eq!(
            read_png_metadata(&stripped).unwrap(),
            PngMetadata::default()
        );
        assert!(!String::from_utf8_lossy(&stripped).contains("secret"));
        let decoded = image::load_from_memory(&stripped).unwrap().to_rgb8();
        assert_eq!(decoded, image);
    }

    #[test]
    fn jpeg_exif_and_comments_go() {
        let image = image::RgbImage::from_pixel(8, 8, image::Rgb([90, 90, 200]));
        let plain = crate::imaging::encode_jpeg(&image, 90).unwrap();
        // Insert an APP1 EXIF segment and a comment after SOI.
        let mut jpeg = plain[..2].to_vec();
        for (marker, payload) in [(0xE1u8, &b"Exif\0\0secret prompt"[..]), (0xFE, b"secret")] {
            jpeg.extend_from_slice(&[0xFF, marker]);
            jpeg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            jpeg.extend_from_slice(payload);
        }
        jpeg.extend_from_slice(&plain[2..]);
        let stripped = strip_metadata(&jpeg, "image/jpeg").unwrap();
        assert!(!String::from_utf8_lossy(&stripped).contains("secret"));
        assert_eq!(stripped, plain);
        assert!(strip_metadata(&jpeg[..5], "image/jpeg").is_err());
    }

    #[test]
    fn webp_exif_goes_and_the_riff_size_is_fixed() {
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&(data.len() as u32).to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        webp.extend(chunk(b"VP8X", &[0b0000_1100, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        webp.extend(chunk(b"VP8L", b"pixels"));
        webp.extend(chunk(b"EXIF", b"secret prompt"));
        let size = (webp.len() - 8) as u32;
        webp[4..8].copy_from_slice(&size.to_le_bytes());
        let stripped = strip_metadata(&webp, "image/webp").unwrap();
        assert!(!String::from_utf8_lossy(&stripped).contains("secret"));
        assert_eq!(
            u32::from_le_bytes(stripped[4..8].try_into().unwrap()) as usize,
            stripped.len() - 8
        );
        assert_eq!(stripped[20], 0, "the EXIF and XMP flags are cleared");
        assert!(String::from_utf8_lossy(&stripped).contains("pixels"));
    }
}
