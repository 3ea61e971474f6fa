//! Every error kind, with its position in chars.

use std::collections::BTreeMap;

use super::{all, all_with, err, expand_with, lists, random, random_with};
use crate::prompt::{ExpansionMode, PromptErrorKind as Kind, parse};

/// Kind and span of the error parsing `source`.
fn parse_error(source: &str) -> (Kind, usize, usize) {
    let error = err(parse(source));
    (error.kind, error.start, error.end)
}

#[test]
fn unclosed_brackets_point_at_the_opener_in_chars() {
    assert_eq!(parse_error("é ü {a|b"), (Kind::Unclosed, 4, 5));
    assert_eq!(parse_error("ö (a"), (Kind::Unclosed, 2, 3));
    assert_eq!(parse_error("[a"), (Kind::Unclosed, 0, 1));
    let error = err(parse("{a|b"));
    assert!(
        error.message.contains("This `{` is never closed"),
        "{}",
        error.message
    );
}

#[test]
fn stray_closers_point_at_themselves() {
    assert_eq!(parse_error("ä a}"), (Kind::Unopened, 3, 4));
    assert_eq!(parse_error("a)"), (Kind::Unopened, 1, 2));
    assert_eq!(parse_error("a]"), (Kind::Unopened, 1, 2));
    assert_eq!(parse_error("(a]"), (Kind::Unopened, 2, 3));
    assert!(err(parse("a)")).message.contains("no matching `(`"));
}

#[test]
fn a_closer_of_an_outer_bracket_reports_the_inner_one_unclosed() {
    assert_eq!(parse_error("{a(b}"), (Kind::Unclosed, 2, 3));
    assert_eq!(parse_error("([x)"), (Kind::Unclosed, 1, 2));
}

#[test]
fn bad_counts_cover_the_count() {
    assert_eq!(parse_error("x {0$$a|b}"), (Kind::BadCount, 2, 6));
    assert_eq!(parse_error("{3-1$$a|b}"), (Kind::BadCount, 0, 6));
    assert_eq!(parse_error("{$$a|b}"), (Kind::BadCount, 0, 3));
    assert_eq!(parse_error("{-$$a|b}"), (Kind::BadCount, 0, 4));
    assert_eq!(parse_error("{-0$$a|b}"), (Kind::BadCount, 0, 5));
    assert_eq!(parse_error("{0-0$$a|b}"), (Kind::BadCount, 0, 6));
}

#[test]
fn empty_variable_names_cover_the_braces() {
    assert_eq!(parse_error("a {=fox}"), (Kind::EmptyVariableName, 2, 8));
    assert_eq!(parse_error("{}"), (Kind::EmptyVariableName, 0, 2));
}

#[test]
fn invalid_weights_cover_the_number() {
    assert_eq!(parse_error("(fox:1.2.3)"), (Kind::InvalidWeight, 4, 10));
    assert_eq!(parse_error("(fox:)"), (Kind::InvalidWeight, 4, 5));
    assert_eq!(parse_error("(fox: - )"), (Kind::InvalidWeight, 4, 8));
    assert_eq!(parse_error("{a|1.2.3::b}"), (Kind::InvalidWeight, 3, 10));
    assert!(
        err(parse("(fox:1..2)"))
            .message
            .contains("`1..2` is not a weight")
    );
}

#[test]
fn nesting_too_deep_is_an_error() {
    let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
    assert_eq!(parse_error(&deep), (Kind::TooDeep, 32, 33));
    let fine = format!("{}a{}", "(".repeat(32), ")".repeat(32));
    assert!(parse(&fine).is_ok());
}

#[test]
fn a_missing_variable_names_it() {
    let error = err(all("x {subject} y"));
    assert_eq!(
        (error.kind, error.start, error.end),
        (Kind::MissingVariable, 2, 11)
    );
    assert!(error.message.contains("`subject`"), "{}", error.message);
    // A blank value counts as missing.
    let variables = BTreeMap::from([("subject".to_owned(), "  ".to_owned())]);
    let mode = ExpansionMode::Random { count: 1 };
    let blank = err(expand_with("{subject}", mode, 0, &variables, &lists(&[])));
    assert_eq!(blank.kind, Kind::MissingVariable);
}

#[test]
fn an_unknown_wildcard_names_it() {
    let error = err(all("a __dog__"));
    assert_eq!(
        (error.kind, error.start, error.end),
        (Kind::UnknownWildcard, 2, 9)
    );
    assert!(error.message.contains("`dog`"), "{}", error.message);
}

#[test]
fn errors_do_not_depend_on_the_seed() {
    for seed in 0..20 {
        let error = err(random("{a|__missing__} {b|{x}}", seed, 1));
        assert_eq!(error.kind, Kind::UnknownWildcard);
    }
}

#[test]
fn errors_inside_a_list_point_at_the_wildcard_in_the_source() {
    let lists = lists(&[("a", &["fine", "__b__"]), ("b", &["__nope__"])]);
    let error = err(all_with("x __a__", &lists));
    assert_eq!(
        (error.kind, error.start, error.end),
        (Kind::UnknownWildcard, 2, 7)
    );
    assert!(error.message.contains("`nope`"), "{}", error.message);
    assert!(
        error.message.contains("(in the list `b`)"),
        "{}",
        error.message
    );
}

#[test]
fn a_list_entry_that_does_not_parse_is_reported() {
    let lists = lists(&[("a", &["ok", "{oops"])]);
    let error = err(all_with("__a__", &lists));
    assert_eq!(
        (error.kind, error.start, error.end),
        (Kind::InvalidWildcardEntry, 0, 5)
    );
    assert!(error.message.contains("Entry 2"), "{}", error.message);
}

#[test]
fn an_empty_list_is_reported() {
    let lists = lists(&[("none", &[])]);
    let error = err(all_with("a __none__", &lists));
    assert_eq!(
        (error.kind, error.start, error.end),
        (Kind::EmptyWildcardList, 2, 10)
    );
}

#[test]
fn a_pick_too_big_to_count_is_too_complex() {
    let entries: Vec<String> = (0..3000).map(|i| format!("e{i}")).collect();
    let lists = BTreeMap::from([("big".to_owned(), entries)]);
    let error = err(all_with("x {2-$$__big__}", &lists));
    assert_eq!(
        (error.kind, error.start, error.end),
        (Kind::TooComplex, 0, 15)
    );
    // Random mode needs no counting table, so it still works.
    assert_eq!(
        super::ok(random_with("{2-$$__big__}", 1, 1, &lists)).len(),
        1
    );
}

#[test]
fn errors_display_their_message_and_serialize() {
    let error = err(parse("a}"));
    assert_eq!(error.to_string(), error.message);
    let json = serde_json::to_value(&error).unwrap_or_default();
    assert_eq!(json["kind"], "unopened");
    assert_eq!(
        (json["start"].as_u64(), json["end"].as_u64()),
        (Some(1), Some(2))
    );
}

#[test]
fn cycles_are_reported_with_their_path() {
    let lists = lists(&[
        ("a", &["__b__"]),
        ("b", &["x __a__"]),
        ("self", &["__self__"]),
    ]);
    let error = err(all_with("__a__", &lists));
    assert_eq!(error.kind, Kind::WildcardCycle);
    assert!(error.message.contains("a → b → a"), "{}", error.message);
    assert_eq!(err(random_with("y __self__", 1, 1, &lists)).start, 2);
}

/// Lists `l0` → `l1` → … → `l{depth - 1}` → "end".
fn chain(depth: usize) -> crate::prompt::WildcardLists {
    (0..depth)
        .map(|i| {
            let entry = if i + 1 == depth {
                "end".to_owned()
            } else {
                format!("__l{}__", i + 1)
            };
            (format!("l{i}"), vec![entry])
        })
        .collect()
}

#[test]
fn wildcards_may_nest_16_lists_deep_but_not_17() {
    assert_eq!(super::ok(all_with("__l0__", &chain(16))), ["end"]);
    let error = err(all_with("__l0__", &chain(17)));
    assert_eq!((error.kind, error.start, error.end), (Kind::TooDeep, 0, 6));
    // A list already resolved still counts its depth where it is reused.
    let mut lists = chain(16);
    lists.insert("top".into(), vec!["__l0__".into()]);
    assert!(all_with("__l0__ __top__", &lists).is_err());
}

#[test]
fn explosions_are_stopped() {
    let long = "x".repeat(60_000);
    let lists = lists(&[("big", &[long.as_str()])]);
    let error = err(random_with("__big__ __big__", 1, 1, &lists));
    assert_eq!((error.kind, error.start, error.end), (Kind::TooLong, 0, 15));
    // Each level doubles: 2^16 copies of a short entry.
    let mut doubling = chain(16);
    for i in 0..15 {
        doubling.insert(
            format!("l{i}"),
            vec![format!("__l{}__ __l{}__", i + 1, i + 1)],
        );
    }
    doubling.insert("l15".into(), vec!["word".into()]);
    let error = err(random_with("__l0__", 1, 1, &doubling));
    assert!(
        matches!(error.kind, Kind::TooLong | Kind::TooComplex),
        "{error:?}"
    );
}
