//! The built-in styles, combining styles, and checking user styles.

use super::ok;
use crate::prompt::parse;
use crate::prompt::styles::{
    STYLE_CATEGORIES, StyleSpec, apply_styles, builtin_styles, find_style, validate_style,
};

fn spec(positive: &str, negative: &str) -> StyleSpec {
    StyleSpec {
        id: "user".into(),
        name: "User".into(),
        category: "Mine".into(),
        positive: positive.into(),
        negative: negative.into(),
    }
}

fn fields(result: Result<(), Vec<crate::ValidationError>>) -> Vec<String> {
    result
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn there_are_at_least_64_styles_with_unique_kebab_case_ids() {
    let styles = builtin_styles();
    assert!(styles.len() >= 64, "only {}", styles.len());
    let mut ids: Vec<&str> = styles.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), styles.len(), "ids repeat");
    for id in ids {
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id}"
        );
    }
}

#[test]
fn the_required_styles_are_there() {
    for id in [
        "photographic",
        "cinematic",
        "anime",
        "watercolor",
        "oil-painting",
        "pixel-art",
        "isometric",
        "line-art",
        "flat-icon",
        "3d-render",
        "low-poly",
        "studio-portrait",
    ] {
        assert!(find_style(id).is_some(), "{id} is missing");
    }
    assert_eq!(
        find_style("watercolor").map(|s| s.name),
        Some("Watercolour")
    );
    assert!(find_style("nope").is_none());
}

#[test]
fn every_positive_wraps_the_prompt_once_and_everything_parses() {
    for style in builtin_styles() {
        assert_eq!(
            style.positive.matches("{prompt}").count(),
            1,
            "{}",
            style.id
        );
        let positive = ok(parse(style.positive));
        let names: Vec<String> = positive.variables().into_iter().map(|v| v.name).collect();
        assert_eq!(names, ["prompt"], "{}", style.id);
        assert!(!positive.is_dynamic(), "{}", style.id);
        assert!(parse(style.negative).is_ok(), "{}", style.id);
        assert!(
            !style.negative.is_empty() && !style.name.is_empty(),
            "{}",
            style.id
        );
        let preview = ok(parse(style.preview_prompt));
        assert!(
            preview.variables().is_empty() && !preview.is_dynamic(),
            "{}",
            style.id
        );
        assert!(
            (10..=80).contains(&style.preview_prompt.len()),
            "{}",
            style.id
        );
    }
}

#[test]
fn styles_come_grouped_in_category_order() {
    let positions: Vec<usize> = builtin_styles()
        .iter()
        .map(|s| {
            STYLE_CATEGORIES
                .iter()
                .position(|c| *c == s.category)
                .unwrap_or(usize::MAX)
        })
        .collect();
    assert!(positions.iter().all(|p| *p < STYLE_CATEGORIES.len()));
    assert!(positions.is_sorted());
    for category in STYLE_CATEGORIES {
        assert!(
            builtin_styles()
                .iter()
                .filter(|s| s.category == *category)
                .count()
                >= 3,
            "{category}"
        );
    }
}

#[test]
fn styles_wrap_in_order() {
    let first = spec("{prompt}, soft light", "");
    let second = spec("painting of {prompt}", "");
    let (positive, _) = apply_styles("a fox", "", &[first.clone(), second.clone()]);
    assert_eq!(positive, "painting of a fox, soft light");
    let (positive, _) = apply_styles("a fox", "", &[second, first]);
    assert_eq!(positive, "painting of a fox, soft light");
    let (positive, _) = apply_styles(
        "a fox",
        "",
        &[spec("[{prompt}]", ""), spec("({prompt}:1.2)", "")],
    );
    assert_eq!(positive, "([a fox]:1.2)");
}

#[test]
fn a_template_without_the_placeholder_is_appended() {
    let (positive, _) = apply_styles(
        " a fox ",
        "",
        &[spec("cinematic lighting", ""), spec("", "")],
    );
    assert_eq!(positive, "a fox, cinematic lighting");
    let (positive, _) = apply_styles("", "", &[spec("cinematic lighting", "")]);
    assert_eq!(positive, "cinematic lighting");
    let (positive, _) = apply_styles("", "", &[spec("{prompt}, film grain", "")]);
    assert_eq!(positive, "film grain");
}

#[test]
fn negatives_join_without_repeats() {
    let styles = [
        spec("{prompt}", "blurry, watermark"),
        spec("{prompt}", "TEXT,  , (bad hands, ugly:1.2), Blurry"),
        spec("{prompt}", ""),
    ];
    let (_, negative) = apply_styles("x", " Blurry,  text ,", &styles);
    assert_eq!(negative, "Blurry, text, watermark, (bad hands, ugly:1.2)");
    let (_, negative) = apply_styles("x", "", &[]);
    assert_eq!(negative, "");
}

#[test]
fn a_builtin_style_applies_as_a_spec() {
    let cinematic = find_style("cinematic").map(StyleSpec::from);
    let Some(cinematic) = cinematic else {
        panic!("cinematic is missing");
    };
    let (positive, negative) = apply_styles("a fox", "text", std::slice::from_ref(&cinematic));
    assert!(
        positive.starts_with("cinematic film still of a fox, "),
        "{positive}"
    );
    assert!(negative.starts_with("text, flat lighting"), "{negative}");
    assert_eq!(negative.matches("text").count(), 1, "{negative}");
    let json = serde_json::to_string(&cinematic).unwrap_or_default();
    let back: StyleSpec = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, cinematic);
}

#[test]
fn user_styles_are_validated() {
    assert_eq!(
        validate_style("Dreamy", "{prompt}, soft focus", "harsh light"),
        Ok(())
    );
    assert_eq!(validate_style("Only negative", "", "blur"), Ok(()));
    assert_eq!(fields(validate_style("  ", "{prompt}", "")), ["name"]);
    assert_eq!(
        fields(validate_style(&"n".repeat(61), "{prompt}", "")),
        ["name"]
    );
    assert_eq!(validate_style(&"é".repeat(60), "{prompt}", ""), Ok(()));
    assert_eq!(
        fields(validate_style("Long", &"a".repeat(2001), &"b".repeat(2001))),
        ["positive", "negative"]
    );
    assert_eq!(fields(validate_style("Empty", " ", "")), ["positive"]);
    let errors = validate_style("Broken", "{prompt}, {a|b", "x)")
        .err()
        .unwrap_or_default();
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0].message.contains("(at character 11)"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[1].field, "negative");
}
