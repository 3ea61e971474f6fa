use super::Infotext;

fn sample() -> Infotext {
    Infotext::new("a red house and a blue moon", "blurry, text")
        .with("Steps", 20)
        .with("Sampler", "Euler a")
        .with("CFG scale", 7)
        .with("Seed", 42)
        .with("Size", "512x512")
        .with("Model", "builtin")
}

#[test]
fn format_writes_the_automatic1111_layout() {
    assert_eq!(
        sample().format(),
        "a red house and a blue moon\nNegative prompt: blurry, text\n\
         Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: builtin"
    );
}

#[test]
fn round_trip_keeps_every_field() {
    let info = sample();
    assert_eq!(Infotext::parse(&info.format()), info);
}

#[test]
fn multi_line_prompt_round_trips() {
    let info = Infotext::new("a lighthouse\non a cliff\nat sunset", "fog\nrain")
        .with("Steps", 30)
        .with("Seed", 1);
    let text = info.format();
    assert_eq!(text.lines().count(), 6);
    assert_eq!(Infotext::parse(&text), info);
}

#[test]
fn values_with_separators_are_json_quoted_and_read_back() {
    let info = Infotext::new("p", "")
        .with("Steps", 20)
        .with("Lora hashes", "detail: abc, style: def")
        .with("Note", "say \"hi\"\nback\\slash")
        .with("Seed", 3);
    let text = info.format();
    assert!(
        text.contains(r#"Lora hashes: "detail: abc, style: def""#),
        "{text}"
    );
    assert!(
        text.contains(r#"Note: "say \"hi\"\nback\\slash""#),
        "{text}"
    );
    assert_eq!(Infotext::parse(&text), info);
}

#[test]
fn parses_an_automatic1111_sample() {
    let text = "masterpiece, best quality, (castle:1.2), mountains\n\
        Negative prompt: lowres, bad anatomy\n\
        Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 3405691582, Size: 768x512, \
        Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Denoising strength: 0.7, \
        Hires upscale: 2, Lora hashes: \"add_detail: 7c6bad76eb54, more: 0123\", Version: v1.6.0";
    let info = Infotext::parse(text);
    assert_eq!(
        info.prompt,
        "masterpiece, best quality, (castle:1.2), mountains"
    );
    assert_eq!(info.negative_prompt, "lowres, bad anatomy");
    assert_eq!(info.get("Steps"), Some("28"));
    assert_eq!(info.get("Sampler"), Some("DPM++ 2M Karras"));
    assert_eq!(info.get("cfg scale"), Some("7.5"));
    assert_eq!(info.get("Seed"), Some("3405691582"));
    assert_eq!(info.get("Size"), Some("768x512"));
    assert_eq!(
        info.get("Lora hashes"),
        Some("add_detail: 7c6bad76eb54, more: 0123")
    );
    assert_eq!(info.get("Version"), Some("v1.6.0"));
    assert_eq!(info.settings.len(), 11);
    assert_eq!(info.get("Missing"), None);
}

#[test]
fn missing_negative_prompt_line_is_empty() {
    let info =
        Infotext::parse("a cat on a mat\r\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1");
    assert_eq!(info.prompt, "a cat on a mat");
    assert_eq!(info.negative_prompt, "");
    assert_eq!(info.get("Sampler"), Some("Euler"));
    assert!(
        !Infotext::new("x", "")
            .with("Steps", 1)
            .format()
            .contains("Negative")
    );
}

#[test]
fn multi_line_negative_prompt_collects_following_lines() {
    let info = Infotext::parse("p1\np2\nNegative prompt: n1\nn2\nSteps: 1, Seed: 2, Size: 8x8");
    assert_eq!(info.prompt, "p1\np2");
    assert_eq!(info.negative_prompt, "n1\nn2");
}

#[test]
fn text_without_settings_is_all_prompt() {
    let info = Infotext::parse("style: oil painting, mood: calm");
    assert_eq!(info.prompt, "style: oil painting, mood: calm");
    assert!(info.settings.is_empty());
    assert_eq!(Infotext::parse(""), Infotext::default());
}

#[test]
fn short_settings_lines_with_known_keys_are_read() {
    let info = Infotext::new("dunes", "").with("Seed", 9);
    assert_eq!(Infotext::parse(&info.format()), info);
}

#[test]
fn garbage_never_panics() {
    for text in [
        "\"",
        ": , :",
        "a:\"\\",
        "Negative prompt:",
        "k: \"\\ud800\", a: b, c: d",
        "é: ü, ß: \"\\u00e9\", x: y",
    ] {
        let _ = Infotext::parse(text);
    }
    let info = Infotext::parse("kk: \"\\u00e9\", a1: b, c1: d");
    assert_eq!(info.get("kk"), Some("é"));
}

#[test]
fn set_replaces_in_place() {
    let mut info = sample();
    info.set("Seed", 7);
    assert_eq!(info.settings[3], ("Seed".to_owned(), "7".to_owned()));
    assert_eq!(info.settings.len(), 6);
}

/// A long settings line whose first part is one run of key characters with
/// no colon (a pasted paragraph) still parses, and its settings are found:
/// the scan skips the run once instead of retrying at each of its
/// characters (which took hours at this length).
#[test]
fn a_long_run_without_a_colon_does_not_stall_the_settings_scan() {
    let run = "word ".repeat(60_000);
    let text = format!("a prompt\n{run}, Steps: 20, Seed: 5, Size: 512x512");
    let info = Infotext::parse(&text);
    assert_eq!(info.get("Steps"), Some("20"));
    assert_eq!(info.get("Seed"), Some("5"));
    assert_eq!(info.prompt, "a prompt");
}
