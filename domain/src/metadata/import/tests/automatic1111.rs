//! AUTOMATIC1111 infotext in every container, and the value rules every
//! reader shares (ranges, caps).

use super::build::{self, Order, UNDEFINED};
use super::{entry, extra};
use crate::metadata::import::values::MAX_PROMPT_CHARS;
use crate::metadata::import::{
    ImportedParameters, MetadataSource, parse_generation_metadata, read_generation_metadata,
};

/// An AUTOMATIC1111 (Forge) infotext with every mapped setting and some
/// that are not.
pub(super) const A1111_TEXT: &str = "masterpiece, best quality, a castle on a hill\n\
    Negative prompt: lowres, bad anatomy\n\
    Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, \
    Seed: 1234567890, Size: 832x1216, Model hash: 6ce0161689, Model: sdXL_v10, \
    Denoising strength: 0.45, Clip skip: 2, \
    Lora hashes: \"detail: abc123, style: def456\", Version: f2.0.1v1.10.1";

fn assert_a1111(result: &ImportedParameters) {
    assert_eq!(
        result.prompt,
        "masterpiece, best quality, a castle on a hill"
    );
    assert_eq!(result.negative_prompt, "lowres, bad anatomy");
    assert_eq!(result.steps, Some(28));
    assert_eq!(result.sampler.as_deref(), Some("DPM++ 2M"));
    assert_eq!(result.scheduler.as_deref(), Some("Karras"));
    assert_eq!(result.cfg_scale, Some(6.5));
    assert_eq!(result.seed, Some(1_234_567_890));
    assert_eq!((result.width, result.height), (Some(832), Some(1216)));
    assert_eq!(result.model.as_deref(), Some("sdXL_v10"));
    assert_eq!(result.strength, Some(0.45));
    assert_eq!(extra(result, "Model hash"), "6ce0161689");
    assert_eq!(extra(result, "Clip skip"), "2");
    assert_eq!(
        extra(result, "Lora hashes"),
        "detail: abc123, style: def456"
    );
    assert_eq!(extra(result, "Version"), "f2.0.1v1.10.1");
    assert_eq!(result.extra.len(), 4);
}

#[test]
fn automatic1111_png_parameters() {
    let file = build::png(&[build::text_chunk("parameters", A1111_TEXT)]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::Automatic1111);
    assert_eq!(result.source.label(), "AUTOMATIC1111");
    assert_a1111(&result);
}

#[test]
fn automatic1111_jpeg_user_comment_in_every_encoding() {
    for order in [Order::Big, Order::Little] {
        for unicode in [Some(Order::Big), Some(Order::Little), None] {
            let exif = [(0x9286, UNDEFINED, build::user_comment(A1111_TEXT, unicode))];
            let file = build::jpeg(&[build::exif_segment(&build::tiff(order, &[], &exif))]);
            let result = read_generation_metadata(&file).unwrap().unwrap();
            assert_eq!(result.source, MetadataSource::Automatic1111);
            assert_a1111(&result);
        }
    }
}

#[test]
fn automatic1111_webp_exif() {
    let exif = [(
        0x9286,
        UNDEFINED,
        build::user_comment(A1111_TEXT, Some(Order::Big)),
    )];
    let file = build::webp(&[(b"EXIF", build::tiff(Order::Big, &[], &exif))]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_a1111(&result);
}

#[test]
fn a_camera_user_comment_is_not_a_prompt() {
    let entries = [entry("UserComment", "Shot on a sunny day")];
    assert_eq!(parse_generation_metadata(&entries), None);
    assert_eq!(
        parse_generation_metadata(&[entry("parameters", " \n")]),
        None
    );
    assert_eq!(parse_generation_metadata(&[]), None);
    // A plain prompt in `parameters` is still a prompt.
    let plain = parse_generation_metadata(&[entry("parameters", "a fox")]).unwrap();
    assert_eq!(plain.prompt, "a fox");
}

#[test]
fn out_of_range_numbers_become_none() {
    let text = "p\nSteps: -5, CFG scale: NaN, Seed: twelve, Size: 70000x512, \
        Denoising strength: 3, Sampler: Euler";
    let result = parse_generation_metadata(&[entry("parameters", text)]).unwrap();
    assert_eq!(result.steps, None);
    assert_eq!(result.cfg_scale, None);
    assert_eq!(result.seed, None);
    assert_eq!((result.width, result.height), (None, Some(512)));
    assert_eq!(result.strength, None);
    assert_eq!(result.sampler.as_deref(), Some("Euler"));
}

#[test]
fn prompts_are_capped_on_a_character_boundary() {
    let text = format!(
        "{}\nSteps: 20, Seed: 1, Sampler: Euler",
        "\u{e9}".repeat(150_000)
    );
    let result = parse_generation_metadata(&[entry("parameters", &text)]).unwrap();
    assert_eq!(result.prompt.chars().count(), MAX_PROMPT_CHARS);
    assert_eq!(result.steps, Some(20));
}

#[test]
fn a_huge_settings_line_is_read_as_prompt_not_scanned() {
    // Key characters without a colon: the settings scan would be quadratic.
    let text = format!("Negative prompt: bad\n{}", "word ".repeat(200_000));
    let result = parse_generation_metadata(&[entry("parameters", &text)]).unwrap();
    assert_eq!(result.steps, None);
    assert_eq!(result.prompt, "");
    assert!(result.negative_prompt.starts_with("bad\nword word"));
}
