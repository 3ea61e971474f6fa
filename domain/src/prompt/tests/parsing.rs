//! Each construct of the syntax, parsed and expanded.

use super::{all, all_with, err, lists, ok, random};
use crate::prompt::{PromptErrorKind, VariableRef, parse};

fn var(name: &str, default: Option<&str>) -> VariableRef {
    VariableRef {
        name: name.into(),
        default: default.map(Into::into),
    }
}

#[test]
fn plain_text_passes_through() {
    assert_eq!(
        ok(all("a red fox, in the snow")),
        ["a red fox, in the snow"]
    );
    assert_eq!(ok(all("")), [""]);
    assert!(!ok(parse("a red fox")).is_dynamic());
}

#[test]
fn variables_are_listed_once_in_order_with_their_defaults() {
    let prompt = ok(parse(
        "{subject} in {place=the snow}, {subject}, {mood} {mood=calm}",
    ));
    assert_eq!(
        prompt.variables(),
        [
            var("subject", None),
            var("place", Some("the snow")),
            var("mood", Some("calm"))
        ]
    );
    assert!(!prompt.is_dynamic());
}

#[test]
fn a_default_may_hold_syntax() {
    let prompt = ok(parse("{subject=a {red|blue} fox}"));
    assert_eq!(
        prompt.variables(),
        [var("subject", Some("a {red|blue} fox"))]
    );
    assert!(prompt.is_dynamic());
    assert_eq!(
        ok(all("{subject=a {red|blue} fox}")),
        ["a red fox", "a blue fox"]
    );
    // Variables inside a default are listed too, after the outer one.
    let nested = ok(parse("{scene={animal=fox} at dusk}"));
    assert_eq!(
        nested.variables(),
        [
            var("scene", Some("{animal=fox} at dusk")),
            var("animal", Some("fox"))
        ]
    );
    assert_eq!(ok(all("{scene={animal=fox} at dusk}")), ["fox at dusk"]);
}

#[test]
fn only_a_bare_name_makes_a_variable() {
    // Spaces or a `|` make a group instead.
    assert_eq!(ok(all("{ subject }")), ["subject"]);
    assert_eq!(ok(all("{a=b|c}")), ["a=b", "c"]);
    assert_eq!(ok(all("{2cats}")), ["2cats"]);
    assert!(ok(parse("{ subject }")).variables().is_empty());
    assert_eq!(
        ok(parse("{_under_score9}")).variables(),
        [var("_under_score9", None)]
    );
}

#[test]
fn a_group_picks_one_option() {
    assert_eq!(
        ok(all("a {red|green|blue} fox")),
        ["a red fox", "a green fox", "a blue fox"]
    );
    assert!(ok(parse("{a|b}")).is_dynamic());
}

#[test]
fn a_count_picks_distinct_options() {
    assert_eq!(ok(all("{2$$a|b|c}")), ["a, b", "a, c", "b, c"]);
    assert_eq!(ok(all("{1-2$$a|b}")), ["a", "b", "a, b"]);
    assert_eq!(
        ok(all("{-2$$a|b|c}")),
        ["a", "b", "c", "a, b", "a, c", "b, c"]
    );
    assert_eq!(ok(all("{2-$$a|b|c}")), ["a, b", "a, c", "b, c", "a, b, c"]);
    assert_eq!(ok(all("{0-1$$a|b}")), ["", "a", "b"]);
}

#[test]
fn a_count_above_the_options_is_clamped() {
    assert_eq!(ok(all("{5$$a|b}")), ["a, b"]);
    assert_eq!(ok(all("{99999999999999$$a|b}")), ["a, b"]);
    assert_eq!(ok(random("{3-9$$a|b}", 1, 1)).len(), 1);
}

#[test]
fn a_custom_joiner_goes_between_picks() {
    assert_eq!(
        ok(all("{2$$ and $$a|b|c}")),
        ["a and b", "a and c", "b and c"]
    );
    assert_eq!(ok(all("{2$$$$a|b}")), ["ab"]);
    // No second `$$` before the options: no joiner.
    assert_eq!(ok(all("{2$$a|b$$c}")), ["a, b$$c"]);
}

#[test]
fn options_may_be_empty_and_nest() {
    assert_eq!(ok(all("a {big|} fox")), ["a big fox", "a fox"]);
    assert_eq!(ok(all("{a {b|c}|d}")), ["a b", "a c", "d"]);
    assert_eq!(ok(all("{|}")), ["", ""]);
    assert_eq!(ok(all("{2$$a||b}")), ["a", "a, b", "b"]);
}

#[test]
fn weighted_options_parse_and_enumerate_normally() {
    assert_eq!(ok(all("{0.5::a|2::b| 3 :: c}")), ["a", "b", "c"]);
    // A weight must be a number at the start of the option.
    assert_eq!(ok(all("{x::a|b}")), ["x::a", "b"]);
}

#[test]
fn wildcards_pick_from_their_list() {
    let lists = lists(&[("animal", &["fox", "cat"]), ("colors/warm-1", &["red"])]);
    assert_eq!(
        ok(all_with("a __colors/warm-1__ __animal__", &lists)),
        ["a red fox", "a red cat"]
    );
    let prompt = ok(parse("__animal__ {__colors/warm-1__|__animal__}"));
    assert_eq!(prompt.wildcards(), ["animal", "colors/warm-1"]);
    assert!(prompt.is_dynamic());
}

#[test]
fn a_group_with_only_a_wildcard_picks_from_the_list() {
    let lists = lists(&[("animal", &["fox", "cat", "owl"])]);
    assert_eq!(
        ok(all_with("{2$$__animal__}", &lists)),
        ["fox, cat", "fox, owl", "cat, owl"]
    );
    assert_eq!(
        ok(all_with("{ __animal__ }", &lists)),
        ["fox", "cat", "owl"]
    );
    // With other options, the wildcard is one option among them.
    assert_eq!(ok(all_with("{2$$__animal__|dog}", &lists)).len(), 3);
}

#[test]
fn underscores_without_a_wildcard_are_text() {
    assert_eq!(
        ok(all("snake_case and __init and a__b and ____")),
        ["snake_case and __init and a__b and ____"]
    );
    assert!(ok(parse("__ x __")).wildcards().is_empty());
    // A name may not start with `_`: the first underscore is text.
    assert_eq!(ok(parse("___x__")).wildcards(), ["x"]);
}

#[test]
fn attention_syntax_is_kept_as_written() {
    let text = "(red fox:1.2), ((snow)), [blur], (a: 1.5 ), (x:-0.5)";
    assert_eq!(ok(all(text)), [text]);
    assert_eq!(
        ok(all("({red|blue} fox:1.3)")),
        ["(red fox:1.3)", "(blue fox:1.3)"]
    );
    assert_eq!(ok(all("(a:{1|2})")), ["(a:1)", "(a:2)"]);
}

#[test]
fn colons_without_a_number_are_text() {
    assert_eq!(ok(all("(a:b) [cow:horse:0.5]")), ["(a:b) [cow:horse:0.5]"]);
}

#[test]
fn a_bar_inside_brackets_is_text() {
    assert_eq!(ok(all("[cow|horse]")), ["[cow|horse]"]);
    assert_eq!(ok(all("{[cow|horse]|dog}")), ["[cow|horse]", "dog"]);
}

#[test]
fn escapes() {
    assert_eq!(ok(all(r"\{a|b\} \| x")), ["{a|b} | x"]);
    // AUTOMATIC1111's own escapes are kept for the backend.
    assert_eq!(ok(all(r"\(x\) \[y\] \\")), [r"\(x\) \[y\] \\"]);
    assert_eq!(ok(all(r"{a\|b|c}")), ["a|b", "c"]);
    assert_eq!(ok(all(r"C:\x and \")), [r"C:\x and \"]);
    assert_eq!(ok(all(r"\\{a|b}")), [r"\\a", r"\\b"]);
}

#[test]
fn expanded_text_is_tidied() {
    assert_eq!(ok(all("a {|big} fox")), ["a fox", "a big fox"]);
    assert_eq!(
        ok(all("fox, {|snowy}, night")),
        ["fox, night", "fox, snowy, night"]
    );
    assert_eq!(ok(all("  {|a},  fox  ")), ["fox", "a, fox"]);
}

#[test]
fn errors_inside_nested_syntax_are_still_found() {
    assert_eq!(err(parse("{a|(b}")).kind, PromptErrorKind::Unclosed);
    assert_eq!(err(parse("{x={0$$a}}")).kind, PromptErrorKind::BadCount);
}
