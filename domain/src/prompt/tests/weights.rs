//! Reading AUTOMATIC1111 weights back out of expanded text.

use crate::prompt::{strip_weights, weighted_terms};

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-4
}

/// The terms, with weights rounded to 4 places for comparing.
fn terms(text: &str) -> Vec<(String, f32)> {
    weighted_terms(text)
        .into_iter()
        .map(|(t, w)| (t, (w * 10_000.0).round() / 10_000.0))
        .collect()
}

fn owned(expected: &[(&str, f32)]) -> Vec<(String, f32)> {
    expected.iter().map(|(t, w)| (t.to_string(), *w)).collect()
}

#[test]
fn strip_weights_leaves_plain_text() {
    assert_eq!(strip_weights("(red fox:1.3) in [snow]"), "red fox in snow");
    assert_eq!(strip_weights("((a)), [[b]], (c : 0.5 )"), "a, b, c");
    assert_eq!(
        strip_weights(r"\(not weighted\) \\ \{x\}"),
        r"(not weighted) \ {x}"
    );
    assert_eq!(strip_weights("  lots   of  space "), "lots of space");
    assert_eq!(strip_weights("(a:b) [cow:horse:0.5]"), "a:b cow:horse:0.5");
    assert_eq!(
        strip_weights("unclosed (a and stray) b]"),
        "unclosed a and stray b"
    );
}

#[test]
fn weights_multiply_when_nested() {
    assert_eq!(
        terms("(red fox:1.3) in [snow]"),
        owned(&[("red fox", 1.3), (" in ", 1.0), ("snow", 0.9091)])
    );
    let nested = weighted_terms("((a)) ((b:1.5))");
    assert!(close(nested[0].1, 1.21), "{nested:?}");
    assert!(close(nested[2].1, 1.65), "{nested:?}");
    assert_eq!(terms("[(a)]"), owned(&[("a", 1.0)]));
}

#[test]
fn an_unclosed_bracket_weights_the_rest() {
    assert_eq!(terms("a (b c"), owned(&[("a ", 1.0), ("b c", 1.1)]));
    assert_eq!(terms("a) b"), owned(&[("a b", 1.0)]));
}

#[test]
fn equal_neighbours_merge_and_escapes_are_plain() {
    assert_eq!(terms(r"(a)(b) \(c\)"), owned(&[("ab", 1.1), (" (c)", 1.0)]));
    assert_eq!(terms("(x:0)"), owned(&[("x", 0.0)]));
    assert_eq!(terms("(x:-1)"), owned(&[("x", -1.0)]));
    assert!(weighted_terms("").is_empty());
}
