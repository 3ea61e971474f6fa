//! PNGs with text chunks, written as PIL writes A1111's: `tEXt` when the
//! text is Latin-1, `iTXt` otherwise; and read back for `/png-info`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use image::RgbImage;

/// A PNG of `image` carrying `text` chunks.
pub fn encode(image: &RgbImage, text: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        for (key, value) in text {
            let latin1 = value.chars().all(|c| (c as u32) < 256);
            let added = if latin1 {
                encoder.add_text_chunk((*key).to_owned(), (*value).to_owned())
            } else {
                encoder.add_itxt_chunk((*key).to_owned(), (*value).to_owned())
            };
            if let Err(err) = added {
                tracing::warn!(error = %err, "could not add a PNG text chunk");
            }
        }
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(image.as_raw());
        }
    }
    out
}

/// [`encode`], as base64 (no `data:` prefix, as A1111 sends images).
pub fn encode_b64(image: &RgbImage, text: &[(&str, &str)]) -> String {
    STANDARD.encode(encode(image, text))
}

/// Every text chunk of a PNG (`tEXt`, `zTXt`, `iTXt`), in file order per
/// kind; empty for other formats or unreadable files.
pub fn read(bytes: &[u8]) -> Vec<(String, String)> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let Ok(mut reader) = decoder.read_info() else {
        return Vec::new();
    };
    if let Some(size) = reader.output_buffer_size() {
        let mut buffer = vec![0; size];
        if reader.next_frame(&mut buffer).is_ok() {
            let _ = reader.finish();
        }
    }
    let info = reader.info();
    let mut out: Vec<(String, String)> = info
        .uncompressed_latin1_text
        .iter()
        .map(|c| (c.keyword.clone(), c.text.clone()))
        .collect();
    for chunk in &info.compressed_latin1_text {
        if let Ok(text) = chunk.get_text() {
            out.push((chunk.keyword.clone(), text));
        }
    }
    for chunk in &info.utf8_text {
        if let Ok(text) = chunk.get_text() {
            out.push((chunk.keyword.clone(), text));
        }
    }
    out
}

/// Decodes an API image string: strips a `data:image/…;base64,` prefix,
/// then base64, then the image. `None` when any step fails (A1111 answers
/// 500 "Invalid encoded image").
pub fn decode_b64(text: &str) -> Option<(Vec<u8>, image::DynamicImage)> {
    let text = text.trim();
    let payload = match text.strip_prefix("data:") {
        Some(rest) => rest.split_once(";base64,").map(|(_, data)| data)?,
        None => text,
    };
    let bytes = STANDARD.decode(payload).ok()?;
    let image = image::load_from_memory(&bytes).ok()?;
    Some((bytes, image))
}
