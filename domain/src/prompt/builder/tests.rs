use super::*;

fn chips() -> PromptChips {
    PromptChips {
        subject: vec!["a red fox in the snow".into()],
        medium: vec!["oil painting".into()],
        style: vec!["impressionist".into()],
        lighting: vec!["golden hour".into()],
        camera: vec!["35mm lens".into()],
        colour: vec!["warm palette".into()],
        mood: vec!["serene".into()],
    }
}

#[test]
fn compose_writes_the_categories_in_order() {
    assert_eq!(
        compose(&chips()),
        "a red fox in the snow, oil painting, impressionist, golden hour, 35mm lens, warm palette, serene"
    );
}

#[test]
fn compose_trims_and_skips_empty_and_repeated_chips() {
    let mut chips = chips();
    chips.subject = vec!["  a red fox  ".into(), "".into(), "   ".into()];
    chips.medium.push("Oil Painting".into());
    chips.style = vec!["oil painting".into()];
    chips.lighting.clear();
    chips.camera.clear();
    chips.colour.clear();
    chips.mood = vec!["serene".into(), "cosy".into()];
    assert_eq!(compose(&chips), "a red fox, oil painting, serene, cosy");
    assert_eq!(compose(&PromptChips::default()), "");
}

#[test]
fn chips_are_reached_by_category() {
    let mut chips = PromptChips::default();
    chips
        .get_mut(ChipCategory::Camera)
        .push("macro lens".into());
    assert_eq!(chips.get(ChipCategory::Camera), ["macro lens"]);
    assert_eq!(compose(&chips), "macro lens");
}

#[test]
fn every_category_has_a_label_placeholder_and_enough_suggestions() {
    for category in ChipCategory::ALL {
        assert!(!category.label().is_empty());
        assert!(!category.placeholder().is_empty());
        let suggestions = category.suggestions();
        assert!(
            (10..=20).contains(&suggestions.len()),
            "{category:?} has {}",
            suggestions.len()
        );
        let mut unique: Vec<_> = suggestions.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), suggestions.len(), "{category:?} repeats");
    }
    assert!(
        ChipCategory::Lighting
            .suggestions()
            .contains(&"rim lighting")
    );
}

#[test]
fn categories_serialize_in_snake_case() {
    let json = serde_json::to_string(&ChipCategory::ALL).unwrap_or_default();
    assert_eq!(
        json,
        r#"["subject","medium","style","lighting","camera","colour","mood"]"#
    );
    let chips: PromptChips =
        serde_json::from_str(r#"{"subject":["a cat"]}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(compose(&chips), "a cat");
}

#[test]
fn length_report_flags_near_and_over() {
    let report = length_report("abcdefghi", 10);
    assert_eq!((report.chars, report.over, report.near), (9, false, true));
    let report = length_report("abcdefgh", 10);
    assert_eq!((report.over, report.near), (false, false));
    let report = length_report("ééééééééééé", 10);
    assert_eq!((report.chars, report.over, report.near), (11, true, true));
}

#[test]
fn clip_tokens_count_words_and_punctuation() {
    assert_eq!(
        length_report("a red fox, in snow", 100).approx_clip_tokens,
        6
    );
    // Weighting syntax does not count; a 15-letter word counts 3.
    assert_eq!(length_report("(red fox:1.3)", 100).approx_clip_tokens, 2);
    assert_eq!(length_report("extraordinarily", 100).approx_clip_tokens, 3);
    let long = "word ".repeat(80);
    assert!(length_report(&long, 1000).over_clip_limit());
    assert!(!length_report("a fox", 1000).over_clip_limit());
}
