//! Containers to text entries.

use super::build::{self, ASCII, Order, UNDEFINED};
use super::{assert_within_bounds, entry};
use crate::metadata::import::container::{MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, MAX_VISITS};
use crate::metadata::import::{ReadError, read_text_entries};

const USER_COMMENT: u16 = 0x9286;
const IMAGE_DESCRIPTION: u16 = 0x010E;

#[test]
fn png_text_chunks_of_every_kind_are_read() {
    let file = build::png(&[
        build::text_chunk("parameters", "caf\u{e9} au lait"),
        build::ztxt_chunk("Comment", b"squeezed \xe9"),
        build::itxt_chunk("easel", "{\"prompt\":\"phare \u{2600}\"}", false),
        build::itxt_chunk("workflow", "\u{1f98a} compressed", true),
    ]);
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(
        entries,
        vec![
            entry("parameters", "caf\u{e9} au lait"),
            entry("Comment", "squeezed \u{e9}"),
            entry("easel", "{\"prompt\":\"phare \u{2600}\"}"),
            entry("workflow", "\u{1f98a} compressed"),
        ]
    );
}

#[test]
fn png_chunks_after_iend_are_ignored_and_bad_crcs_are_not() {
    let mut file = build::png(&[build::text_chunk("parameters", "kept")]);
    // Spoil the text chunk's CRC: the text is still right.
    let crc_at = 8 + 25 + 8 + "parameters\0kept".len();
    file[crc_at] ^= 0xFF;
    file.extend(build::text_chunk("late", "after IEND"));
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(entries, vec![entry("parameters", "kept")]);
}

#[test]
fn a_truncated_png_keeps_the_entries_before_the_damage() {
    let file = build::png(&[
        build::text_chunk("first", "one"),
        build::text_chunk("second", "two"),
    ]);
    let cut = 8 + 25 + build::text_chunk("first", "one").len() + 6;
    let entries = read_text_entries(&file[..cut]).unwrap();
    assert_eq!(entries, vec![entry("first", "one")]);
}

#[test]
fn jpeg_exif_user_comment_reads_in_both_byte_orders_and_encodings() {
    let text = "a fox \u{1f98a}\nSteps: 20, Seed: 7";
    for order in [Order::Big, Order::Little] {
        for unicode in [Some(Order::Big), Some(Order::Little), None] {
            let exif = [(USER_COMMENT, UNDEFINED, build::user_comment(text, unicode))];
            let file = build::jpeg(&[build::exif_segment(&build::tiff(order, &[], &exif))]);
            let entries = read_text_entries(&file).unwrap();
            assert_eq!(
                entries,
                vec![entry("UserComment", text)],
                "{order:?} {unicode:?}"
            );
        }
    }
}

#[test]
fn a_utf16_byte_order_mark_wins_over_the_tiff_order() {
    let mut value = b"UNICODE\0".to_vec();
    value.extend(build::utf16("\u{e9}t\u{e9} 2024", Order::Little, true));
    let exif = [(USER_COMMENT, UNDEFINED, value)];
    let file = build::jpeg(&[build::exif_segment(&build::tiff(Order::Big, &[], &exif))]);
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(entries, vec![entry("UserComment", "\u{e9}t\u{e9} 2024")]);
}

#[test]
fn jpeg_image_description_xmp_and_comments_are_read_before_the_scan() {
    let tiff = build::tiff(
        Order::Little,
        &[(IMAGE_DESCRIPTION, ASCII, b"a described image\0".to_vec())],
        &[],
    );
    let file = build::jpeg(&[
        build::exif_segment(&tiff),
        build::xmp_segment("<x:xmpmeta/>"),
        build::segment(0xFE, b"made by hand"),
    ]);
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(
        entries,
        vec![
            entry("ImageDescription", "a described image"),
            entry("XMP", "<x:xmpmeta/>"),
            entry("comment", "made by hand"),
        ]
    );
}

#[test]
fn webp_exif_with_and_without_the_exif_prefix_and_xmp() {
    let exif = [(
        USER_COMMENT,
        UNDEFINED,
        build::user_comment("odd length!", None),
    )];
    let tiff = build::tiff(Order::Little, &[], &exif);
    let mut prefixed = b"Exif\0\0".to_vec();
    prefixed.extend_from_slice(&tiff);
    for data in [tiff.clone(), prefixed] {
        let file = build::webp(&[(b"EXIF", data), (b"XMP ", b"<xmp/>".to_vec())]);
        let entries = read_text_entries(&file).unwrap();
        assert_eq!(
            entries,
            vec![entry("UserComment", "odd length!"), entry("XMP", "<xmp/>")]
        );
    }
}

#[test]
fn comfyui_webp_texts_in_make_and_model_are_read() {
    let ifd0 = [
        (0x010F, ASCII, b"workflow:{\"nodes\":[]}\0".to_vec()),
        (0x0110, ASCII, b"prompt:{\"3\":{}}\0".to_vec()),
    ];
    let file = build::webp(&[(b"EXIF", build::tiff(Order::Little, &ifd0, &[]))]);
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(
        entries,
        vec![
            entry("workflow", "{\"nodes\":[]}"),
            entry("prompt", "{\"3\":{}}")
        ]
    );
}

#[test]
fn unknown_formats_are_refused() {
    for bytes in [&b""[..], b"GIF89a....", b"RIFF\0\0\0\0WAVEfmt ", b"\x89PNG"] {
        assert_eq!(read_text_entries(bytes), Err(ReadError::UnknownFormat));
    }
}

#[test]
fn a_ztxt_bomb_is_cut_at_the_entry_limit() {
    let raw = vec![b'a'; 3 * MAX_ENTRY_BYTES];
    let file = build::png(&[build::ztxt_chunk("parameters", &raw)]);
    assert!(file.len() < 20_000, "the bomb is small: {}", file.len());
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].text.len(), MAX_ENTRY_BYTES);
}

#[test]
fn all_entries_together_are_cut_at_the_total_limit() {
    let big = "\u{e9}".repeat(MAX_ENTRY_BYTES);
    let chunks: Vec<Vec<u8>> = (0..6)
        .map(|i| build::itxt_chunk(&format!("k{i}"), &big, true))
        .collect();
    let entries = read_text_entries(&build::png(&chunks)).unwrap();
    assert_within_bounds(&entries);
    let total: usize = entries.iter().map(|e| e.text.len()).sum();
    assert_eq!(total, MAX_TOTAL_BYTES);
}

#[test]
fn at_most_a_thousand_chunks_are_visited() {
    let chunks: Vec<Vec<u8>> = (0..MAX_VISITS + 500)
        .map(|i| build::text_chunk("k", &i.to_string()))
        .collect();
    let entries = read_text_entries(&build::png(&chunks)).unwrap();
    // IHDR is the first visit.
    assert_eq!(entries.len(), MAX_VISITS - 1);
}

#[test]
fn an_ifd_offset_loop_terminates() {
    // IFD0 at 8: one UserComment, an Exif pointer back to itself, and a
    // next-IFD pointer back to itself.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&USER_COMMENT.to_le_bytes());
    tiff.extend_from_slice(&UNDEFINED.to_le_bytes());
    tiff.extend_from_slice(&4u32.to_le_bytes());
    tiff.extend_from_slice(b"loop");
    tiff.extend_from_slice(&0x8769u16.to_le_bytes());
    tiff.extend_from_slice(&4u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let file = build::jpeg(&[build::exif_segment(&tiff)]);
    let entries = read_text_entries(&file).unwrap();
    assert_eq!(entries, vec![entry("UserComment", "loop")]);
}
