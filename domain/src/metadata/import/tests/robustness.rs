//! Property tests: arbitrary bytes, and damaged copies of every valid
//! fixture, never panic and never escape the size bounds.

use proptest::prelude::*;
use serde_json::json;

use super::assert_within_bounds;
use super::build::{self, ASCII, Order, UNDEFINED};
use crate::metadata::import::{parse_generation_metadata, read_text_entries};

/// A few hundred cases each keeps the suite fast.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        ..ProptestConfig::default()
    }
}

/// One valid file of each container and tool.
fn fixtures() -> Vec<Vec<u8>> {
    let infotext =
        "a fox\nNegative prompt: blur\nSteps: 20, Sampler: Euler a, Seed: 1, Size: 64x64";
    let swarm = json!({"sui_image_params": {"prompt": "p", "seed": 3, "steps": 9}}).to_string();
    let exif = |order, text: &str| {
        build::tiff(
            order,
            &[(0x010E, ASCII, b"description\0".to_vec())],
            &[(0x9286, UNDEFINED, build::user_comment(text, Some(order)))],
        )
    };
    vec![
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/metadata/comfyui/api-txt2img.png"
        ))
        .to_vec(),
        build::png(&[
            build::text_chunk("parameters", infotext),
            build::ztxt_chunk("Comment", infotext.as_bytes()),
            build::itxt_chunk(
                "invokeai_metadata",
                r#"{"positive_prompt": "p", "steps": 3}"#,
                true,
            ),
        ]),
        build::jpeg(&[
            build::exif_segment(&exif(Order::Big, infotext)),
            build::xmp_segment("<x/>"),
            build::segment(0xFE, b"comment"),
        ]),
        build::jpeg(&[build::exif_segment(&exif(Order::Little, &swarm))]),
        build::webp(&[
            (b"EXIF", exif(Order::Little, infotext)),
            (b"XMP ", b"<x/>".to_vec()),
        ]),
    ]
}

/// A damage to a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Cut the file at a fraction of its length.
    Truncate(f64),
    /// XOR a byte.
    Flip(f64, u8),
    /// Overwrite four bytes with a (usually huge) length, big-endian or
    /// little-endian.
    HugeLength(f64, u32, bool),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, 1..=255u8).prop_map(|(at, x)| Mutation::Flip(at, x)),
        (
            0.0..1.0f64,
            prop_oneof![
                Just(u32::MAX),
                Just(0x7FFF_FFFF),
                Just(0xFFFF),
                any::<u32>()
            ],
            any::<bool>(),
        )
            .prop_map(|(at, n, big)| Mutation::HugeLength(at, n, big)),
    ]
}

fn apply(file: &mut Vec<u8>, mutation: &Mutation) {
    let index = |at: f64, len: usize| ((at * len as f64) as usize).min(len.saturating_sub(1));
    match *mutation {
        Mutation::Truncate(at) => {
            let end = index(at, file.len());
            file.truncate(end);
        }
        Mutation::Flip(at, x) => {
            if !file.is_empty() {
                let i = index(at, file.len());
                file[i] ^= x;
            }
        }
        Mutation::HugeLength(at, n, big) => {
            let i = index(at, file.len());
            let bytes = if big {
                n.to_be_bytes()
            } else {
                n.to_le_bytes()
            };
            for (offset, byte) in bytes.into_iter().enumerate() {
                if let Some(slot) = file.get_mut(i + offset) {
                    *slot = byte;
                }
            }
        }
    }
}

/// Reads a file both ways, checking the bounds.
fn read_everything(bytes: &[u8]) {
    if let Ok(entries) = read_text_entries(bytes) {
        assert_within_bounds(&entries);
        let _ = parse_generation_metadata(&entries);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_everything(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_each_signature_never_panic(
        kind in 0..3usize,
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut file = match kind {
            0 => vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
            1 => vec![0xFF, 0xD8],
            _ => b"RIFF\0\0\0\0WEBP".to_vec(),
        };
        file.extend(bytes);
        read_everything(&file);
    }

    #[test]
    fn damaged_fixtures_never_panic(
        which in 0..5usize,
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        let mut file = fixtures().swap_remove(which);
        for m in &mutations {
            apply(&mut file, m);
        }
        read_everything(&file);
    }

    #[test]
    fn arbitrary_texts_in_every_entry_never_panic(
        key in prop_oneof![
            Just("parameters"), Just("prompt"), Just("workflow"), Just("easel"),
            Just("invokeai_metadata"), Just("sd-metadata"), Just("UserComment"),
        ],
        text in ".{0,400}",
    ) {
        let _ = parse_generation_metadata(&[super::entry(key, &text)]);
    }

    #[test]
    fn arbitrary_comfyui_graphs_never_panic(
        links in proptest::collection::vec((0..6u8, 0..6u8, 0..6usize), 0..24),
    ) {
        let keys = ["positive", "negative", "model", "latent_image", "conditioning", "seed"];
        let classes = ["KSampler", "ConditioningCombine", "LoraLoader", "EmptyLatentImage", "VAEDecode", "SaveImage"];
        let mut graph = serde_json::Map::new();
        for (i, class) in classes.iter().enumerate() {
            graph.insert(i.to_string(), json!({"class_type": class, "inputs": {}}));
        }
        for (from, to, key) in links {
            if let Some(inputs) = graph
                .get_mut(&from.to_string())
                .and_then(|node| node.get_mut("inputs"))
                .and_then(|inputs| inputs.as_object_mut())
            {
                inputs.insert(keys[key].to_owned(), json!([to.to_string(), 0]));
            }
        }
        let text = serde_json::Value::Object(graph).to_string();
        let _ = parse_generation_metadata(&[super::entry("prompt", &text)]);
    }
}
