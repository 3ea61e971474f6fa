use std::time::{Duration, Instant};

use image::{GenericImageView, Rgb, RgbImage};

use super::{
    DecodeLimits, ImagingError, PngMetadata, decode, encode_jpeg, encode_png, read_png_metadata,
    thumbnail,
};

/// A test picture with structure in both directions.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 7 % 256) as u8,
            (y * 3 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    })
}

/// The PNG CRC-32 of a chunk's type and data.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A whole chunk: length, type, data, CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG whose header declares `width` × `height` but whose data is tiny.
fn bomb(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    // A valid zlib stream of a few zero bytes; the rest is missing.
    let idat = [0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01];
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IDAT", &idat));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn png_metadata_round_trips_and_pixels_survive() {
    let image = picture(64, 48);
    let metadata = PngMetadata {
        parameters: Some(
            "a lighthouse\nNegative prompt: fog\nSteps: 20, Seed: 1, Size: 64x48".to_owned(),
        ),
        easel: Some(r#"{"job":"0190","prompt":"phare à l'aube ☀"}"#.to_owned()),
    };
    let bytes = encode_png(&image, &metadata).expect("encode");
    assert_eq!(read_png_metadata(&bytes).expect("read"), metadata);
    let decoded = decode(&bytes, &DecodeLimits::default())
        .expect("decode")
        .to_rgb8();
    assert_eq!(decoded, image);
}

#[test]
fn non_latin1_parameters_are_kept_in_utf8() {
    let metadata = PngMetadata {
        parameters: Some("雪山 at night".to_owned()),
        easel: None,
    };
    let bytes = encode_png(&picture(8, 8), &metadata).expect("encode");
    assert_eq!(read_png_metadata(&bytes).expect("read"), metadata);
}

#[test]
fn png_without_text_has_empty_metadata() {
    let bytes = encode_png(&picture(8, 8), &PngMetadata::default()).expect("encode");
    assert_eq!(
        read_png_metadata(&bytes).expect("read"),
        PngMetadata::default()
    );
}

#[test]
fn compressed_text_and_text_after_the_image_data_are_read() {
    let mut buffer = Vec::new();
    let mut encoder = png::Encoder::new(&mut buffer, 4, 4);
    encoder.set_color(png::ColorType::Rgb);
    encoder
        .add_ztxt_chunk(
            "parameters".to_owned(),
            "zipped prompt, Steps: 5".to_owned(),
        )
        .expect("ztxt");
    let mut writer = encoder.write_header().expect("header");
    writer
        .write_image_data(picture(4, 4).as_raw())
        .expect("data");
    writer.finish().expect("finish");
    // Move IEND aside and append an iTXt after the image data.
    let iend = buffer.split_off(buffer.len() - 12);
    let mut itxt = b"easel\0\0\0\0\0".to_vec();
    itxt.extend_from_slice("{\"late\":true}".as_bytes());
    buffer.extend(chunk(b"iTXt", &itxt));
    buffer.extend(iend);
    let metadata = read_png_metadata(&buffer).expect("read");
    assert_eq!(
        metadata.parameters.as_deref(),
        Some("zipped prompt, Steps: 5")
    );
    assert_eq!(metadata.easel.as_deref(), Some("{\"late\":true}"));
}

#[test]
fn metadata_of_non_png_or_truncated_bytes_is_corrupt() {
    assert!(matches!(
        read_png_metadata(b"GIF89a......"),
        Err(ImagingError::Corrupt(_))
    ));
    let bytes = encode_png(&picture(8, 8), &PngMetadata::default()).expect("encode");
    assert!(matches!(
        read_png_metadata(&bytes[..bytes.len() - 20]),
        Err(ImagingError::Corrupt(_))
    ));
}

#[test]
fn corrupt_bytes_are_corrupt() {
    let limits = DecodeLimits::default();
    assert!(matches!(
        decode(b"definitely not an image", &limits),
        Err(ImagingError::Corrupt(_))
    ));
    let bytes = encode_png(&picture(32, 32), &PngMetadata::default()).expect("encode");
    let mut broken = bytes.clone();
    let middle = broken.len() / 2;
    broken[middle..middle + 40].fill(0xAB);
    assert!(matches!(
        decode(&broken, &limits),
        Err(ImagingError::Corrupt(_))
    ));
    assert!(matches!(
        decode(&bytes[..bytes.len() / 2], &limits),
        Err(ImagingError::Corrupt(_))
    ));
    let jpeg = encode_jpeg(&picture(32, 32), 80).expect("jpeg");
    assert!(matches!(
        decode(&jpeg[..40], &limits),
        Err(ImagingError::Corrupt(_))
    ));
}

#[test]
fn recognised_but_unsupported_formats_are_unsupported() {
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    assert!(matches!(
        decode(gif, &DecodeLimits::default()),
        Err(ImagingError::Unsupported(_))
    ));
}

#[test]
fn decompression_bomb_is_refused_from_its_header() {
    let started = Instant::now();
    match decode(&bomb(100_000, 100_000), &DecodeLimits::default()) {
        Err(ImagingError::TooLarge {
            width,
            height,
            max_pixels,
        }) => {
            assert_eq!((width, height, max_pixels), (100_000, 100_000, 40_000_000));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // Within the side limits but over the pixel limit.
    assert!(matches!(
        decode(&bomb(8000, 8000), &DecodeLimits::default()),
        Err(ImagingError::TooLarge {
            width: 8000,
            height: 8000,
            ..
        })
    ));
    // Allocating 30 GB of pixels would take far longer (or abort).
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn byte_size_and_dimension_limits_apply() {
    let bytes = encode_png(&picture(40, 30), &PngMetadata::default()).expect("encode");
    let small = DecodeLimits {
        max_bytes: bytes.len() - 1,
        ..DecodeLimits::default()
    };
    assert!(matches!(
        decode(&bytes, &small),
        Err(ImagingError::TooLarge {
            width: 0,
            height: 0,
            ..
        })
    ));
    let narrow = DecodeLimits {
        max_width: 39,
        ..DecodeLimits::default()
    };
    assert!(matches!(
        decode(&bytes, &narrow),
        Err(ImagingError::TooLarge {
            width: 40,
            height: 30,
            ..
        })
    ));
    let few = DecodeLimits {
        max_pixels: 1199,
        ..DecodeLimits::default()
    };
    assert!(matches!(
        decode(&bytes, &few),
        Err(ImagingError::TooLarge { .. })
    ));
    let exact = DecodeLimits {
        max_bytes: bytes.len(),
        max_width: 40,
        max_height: 30,
        max_pixels: 1200,
    };
    assert_eq!(decode(&bytes, &exact).expect("fits").dimensions(), (40, 30));
}

#[test]
fn jpeg_encodes_and_decodes_at_the_same_size() {
    let image = RgbImage::from_pixel(100, 60, Rgb([200, 40, 40]));
    let bytes = encode_jpeg(&image, 90).expect("jpeg");
    assert_eq!(&bytes[..2], &[0xff, 0xd8]);
    let decoded = decode(&bytes, &DecodeLimits::default())
        .expect("decode")
        .to_rgb8();
    assert_eq!(decoded.dimensions(), (100, 60));
    let p = decoded.get_pixel(50, 30).0;
    assert!(
        p[0].abs_diff(200) < 8 && p[1].abs_diff(40) < 8 && p[2].abs_diff(40) < 8,
        "{p:?}"
    );
    let low = encode_jpeg(&picture(100, 60), 10).expect("jpeg");
    let high = encode_jpeg(&picture(100, 60), 95).expect("jpeg");
    assert!(low.len() < high.len());
}

#[test]
fn thumbnail_keeps_aspect_and_never_upscales() {
    let wide = thumbnail(&picture(1024, 512), 256);
    assert_eq!(wide.dimensions(), (256, 128));
    let tall = thumbnail(&picture(300, 1000), 256);
    assert_eq!(tall.dimensions(), (77, 256));
    let small = picture(100, 80);
    assert_eq!(thumbnail(&small, 256), small);
    assert_eq!(thumbnail(&picture(5000, 1), 256).dimensions(), (256, 1));
}

#[test]
fn thumbnail_averages_instead_of_aliasing() {
    // A one-pixel checkerboard must come out grey, not black or white.
    let checker = RgbImage::from_fn(1024, 1024, |x, y| {
        if (x + y) % 2 == 0 {
            Rgb([255; 3])
        } else {
            Rgb([0; 3])
        }
    });
    let small = thumbnail(&checker, 100);
    for pixel in small.pixels() {
        assert!((110..=145).contains(&pixel.0[0]), "{pixel:?}");
    }
    // A flat colour stays exactly that colour.
    let flat = thumbnail(&RgbImage::from_pixel(999, 333, Rgb([12, 200, 77])), 128);
    assert!(flat.pixels().all(|p| p.0 == [12, 200, 77]));
}
