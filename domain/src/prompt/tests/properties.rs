//! Property tests: no panics on any input, determinism, counting.

use proptest::prelude::*;

use super::{expand_with, lists, vars};
use crate::prompt::{
    ExpandOptions, ExpansionMode, WildcardLists, count, parse, strip_weights, weighted_terms,
};

/// Strings biased toward the syntax chars, with some arbitrary unicode.
fn syntax_soup() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '{', '}', '(', ')', '[', ']', '|', '$', '_', ':', '=', '\\', '-', '.', ' ', ',', '1', '2',
        'a', 'b', 'x',
    ]);
    let piece = prop_oneof![
        6 => special.prop_map(|c| c.to_string()),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => prop::sample::select(vec!["__a__", "__loop__", "{2$$", "$$", "::", "{x=", "(a:1.2)", "__nope__"])
            .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..48).prop_map(|pieces| pieces.concat())
}

/// Lists for the soup to run into: a plain one and a cycle.
fn soup_lists() -> WildcardLists {
    lists(&[("a", &["x", "{y|z}", "__a__ w"]), ("loop", &["__loop__"])])
}

/// A well-formed prompt, built from a small grammar.
fn well_formed() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec!["fox", "cat", "red", "snow", "a b", "", "__animal__"])
        .prop_map(str::to_owned);
    word.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| parts.join(" ")),
            // Two options at least: `{fox}` alone would be a variable.
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|options| format!("{{{}}}", options.join("|"))),
            (1..4u32, prop::collection::vec(inner.clone(), 1..4))
                .prop_map(|(k, options)| format!("{{{k}$$ + $${}}}", options.join("|"))),
            (0..3u32, 1..3u32, prop::collection::vec(inner.clone(), 1..4)).prop_map(
                |(low, span, options)| format!("{{{low}-{}$${}}}", low + span, options.join("|"))
            ),
            inner.clone().prop_map(|text| format!("({text}:1.3)")),
            inner.prop_map(|text| format!("[{text}]")),
        ]
    })
}

fn animals() -> WildcardLists {
    lists(&[("animal", &["owl", "{big|small} jay", ""])])
}

fn random_prompts(source: &str, seed: u64, count: u32) -> Vec<String> {
    let mode = ExpansionMode::Random { count };
    expand_with(source, mode, seed, &vars(&[]), &animals())
        .unwrap_or_else(|e| panic!("{source}: {e:?}"))
}

fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics(source in syntax_soup()) {
        if let Err(error) = parse(&source) {
            prop_assert!(error.start <= error.end);
            prop_assert!(error.end <= source.chars().count());
            prop_assert!(!error.message.is_empty());
        }
    }

    #[test]
    fn parse_never_panics_on_any_string(source in any::<String>()) {
        let _ = parse(&source);
    }

    #[test]
    fn expand_and_count_never_panic(source in syntax_soup(), seed in any::<u64>()) {
        let (variables, wildcards) = (vars(&[("x", "value")]), soup_lists());
        for mode in [ExpansionMode::Random { count: 3 }, ExpansionMode::Combinatorial { limit: 5 }] {
            let options = ExpandOptions { mode, seed, variables: &variables, wildcards: &wildcards };
            let expanded = crate::prompt::expand(&source, &options);
            let counted = count(&source, &options);
            prop_assert_eq!(expanded.is_ok(), counted.is_ok());
            if let (Ok(prompts), Ok(counted)) = (expanded, counted) {
                prop_assert_eq!(prompts.len() as u64, u64::from(counted.prompts));
            }
        }
    }

    #[test]
    fn well_formed_prompts_expand_deterministically(source in well_formed(), seed in any::<u64>()) {
        let first = random_prompts(&source, seed, 4);
        prop_assert_eq!(&first, &random_prompts(&source, seed, 4));
        prop_assert_eq!(&first[..1], &random_prompts(&source, seed, 1)[..]);
        let mode = ExpansionMode::Combinatorial { limit: 50 };
        let all = expand_with(&source, mode, 0, &vars(&[]), &animals());
        prop_assert!(all.is_ok(), "{}: {:?}", source, all);
    }

    #[test]
    fn flat_groups_count_as_the_product_of_their_choices(
        groups in prop::collection::vec((1..6u64, 0..4u64), 1..5)
    ) {
        let mut source = String::new();
        let mut expected = 1u64;
        for (g, (n, k)) in groups.iter().enumerate() {
            let options: Vec<String> = (0..*n).map(|o| format!("g{g}o{o}")).collect();
            // One option without a count would be a variable: give it one.
            let k = if *n == 1 { (*k).max(1) } else { *k };
            if k == 0 {
                source += &format!("{{{}}} ", options.join("|"));
                expected *= n;
            } else {
                source += &format!("{{{k}$${}}} ", options.join("|"));
                expected *= binomial(*n, k.min(*n));
            }
        }
        let (variables, wildcards) = (vars(&[]), WildcardLists::new());
        let mode = ExpansionMode::Combinatorial { limit: 100_000 };
        let options = ExpandOptions { mode, seed: 0, variables: &variables, wildcards: &wildcards };
        prop_assert_eq!(count(&source, &options).map(|c| c.total), Ok(expected));
        let mut prompts = crate::prompt::expand(&source, &options).unwrap_or_default();
        prop_assert_eq!(prompts.len() as u64, expected);
        prompts.sort_unstable();
        prompts.dedup();
        prop_assert_eq!(prompts.len() as u64, expected, "combinations repeat");
    }

    #[test]
    fn stripped_text_has_no_brackets(text in "[ab :.,12()\\[\\]]{0,40}") {
        let stripped = strip_weights(&text);
        prop_assert!(!stripped.contains(['(', ')', '[', ']']), "{:?} -> {:?}", text, stripped);
    }

    #[test]
    fn escaped_brackets_are_the_only_brackets_left(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "fox", " ", "(", ")", "[", "]", ":1.5)", "\\(", "\\)", "\\[", "\\]", "\\\\",
        ]), 0..30)
    ) {
        let text = pieces.concat();
        let escaped = pieces.iter().filter(|p| matches!(**p, "\\(" | "\\)" | "\\[" | "\\]")).count();
        let left = strip_weights(&text).chars().filter(|c| "()[]".contains(*c)).count();
        prop_assert_eq!(left, escaped, "{:?}", text);
    }

    #[test]
    fn terms_join_to_the_stripped_text(text in syntax_soup()) {
        let joined: String = weighted_terms(&text).into_iter().map(|(t, _)| t).collect();
        prop_assert_eq!(super::super::tidy::collapse_spaces(&joined), strip_weights(&text));
    }
}
