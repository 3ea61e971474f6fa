//! Random and combinatorial expansion, counting, variables and lists.

use super::{all, all_with, expand_with, lists, ok, random, random_with, vars};
use crate::prompt::{Count, ExpandOptions, ExpansionMode, WildcardLists, count, parse};

fn count_of(source: &str, mode: ExpansionMode) -> Count {
    let (variables, wildcards) = (vars(&[]), WildcardLists::new());
    let options = ExpandOptions {
        mode,
        seed: 0,
        variables: &variables,
        wildcards: &wildcards,
    };
    ok(count(source, &options))
}

#[test]
fn random_expansion_is_deterministic() {
    let source = "a {red|green|blue|gold} {fox|cat|owl} in {2$$snow|rain|fog|sun}";
    assert_eq!(ok(random(source, 42, 8)), ok(random(source, 42, 8)));
    assert_ne!(ok(random(source, 42, 8)), ok(random(source, 43, 8)));
}

#[test]
fn random_prompt_i_does_not_depend_on_the_count() {
    let source = "{a|b|c|d|e} {1-3$$x|y|z} {0.2::p|0.8::q}";
    let five = ok(random(source, 7, 5));
    assert_eq!(ok(random(source, 7, 2)), five[..2]);
    assert_eq!(ok(random(source, 7, 1))[0], five[0]);
    assert!(ok(random(source, 7, 0)).is_empty());
}

#[test]
fn random_picks_are_distinct_and_in_range() {
    for seed in 0..50 {
        let [prompt] =
            <[String; 1]>::try_from(ok(random("{1-3$$a|b|c}", seed, 1))).unwrap_or_default();
        let parts: Vec<&str> = prompt.split(", ").collect();
        assert!((1..=3).contains(&parts.len()), "{prompt}");
        let mut unique = parts.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), parts.len(), "{prompt}");
    }
}

#[test]
fn weights_bias_random_picks() {
    let picks = ok(random("{0.5::a|2::b}", 3, 2000));
    let a = picks.iter().filter(|p| *p == "a").count();
    // Expect a 1 in 5, about 400 of 2000.
    assert!((300..500).contains(&a), "a was picked {a} times");
    assert!(ok(random("{0::a|b}", 3, 200)).iter().all(|p| p == "b"));
    // All weights zero: uniform.
    assert!(ok(random("{0::a|0::b}", 3, 200)).iter().any(|p| p == "a"));
}

#[test]
fn every_option_turns_up_in_random_mode() {
    let picks = ok(random("{a|b|c|d}", 11, 200));
    for option in ["a", "b", "c", "d"] {
        assert!(picks.iter().any(|p| p == option), "{option} never picked");
    }
}

#[test]
fn combinatorial_order_is_an_odometer_with_the_last_group_fastest() {
    assert_eq!(ok(all("{a|b} {c|d}")), ["a c", "a d", "b c", "b d"]);
    assert_eq!(
        ok(all("{a|b} {2$$x|y|z}"))[..3],
        ["a x, y", "a x, z", "a y, z"]
    );
}

#[test]
fn combinatorial_stops_at_the_limit_and_counts_the_rest() {
    let mode = ExpansionMode::Combinatorial { limit: 3 };
    let prompts = ok(expand_with(
        "{a|b} {c|d}",
        mode,
        0,
        &vars(&[]),
        &WildcardLists::new(),
    ));
    assert_eq!(prompts, ["a c", "a d", "b c"]);
    let counted = count_of("{a|b} {c|d}", mode);
    assert_eq!(
        counted,
        Count {
            prompts: 3,
            total: 4
        }
    );
    assert!(counted.is_capped());
    let plain = count_of("no groups", mode);
    assert_eq!(
        plain,
        Count {
            prompts: 1,
            total: 1
        }
    );
    assert!(!plain.is_capped());
}

#[test]
fn forty_binary_groups_are_not_materialised() {
    let source = "{a|b} ".repeat(40);
    let mode = ExpansionMode::Combinatorial { limit: 3 };
    assert_eq!(
        count_of(&source, mode),
        Count {
            prompts: 3,
            total: 1 << 40
        }
    );
    let prompts = ok(expand_with(
        &source,
        mode,
        0,
        &vars(&[]),
        &WildcardLists::new(),
    ));
    let first = "a ".repeat(40);
    assert_eq!(prompts[0], first.trim());
    assert_eq!(prompts[1], format!("{}b", "a ".repeat(39)));
    // Far too many to count exactly: the total saturates.
    let huge = "{a|b|c|d} ".repeat(100);
    assert_eq!(count_of(&huge, mode).total, u64::MAX);
    assert_eq!(
        ok(expand_with(
            &huge,
            mode,
            0,
            &vars(&[]),
            &WildcardLists::new()
        ))
        .len(),
        3
    );
}

#[test]
fn random_mode_counts_what_it_was_asked_for() {
    let counted = count_of("{a|b}", ExpansionMode::Random { count: 6 });
    assert_eq!(
        counted,
        Count {
            prompts: 6,
            total: 6
        }
    );
}

#[test]
fn counting_checks_for_errors() {
    let (variables, wildcards) = (vars(&[]), WildcardLists::new());
    let options = ExpandOptions {
        mode: ExpansionMode::Combinatorial { limit: 5 },
        seed: 0,
        variables: &variables,
        wildcards: &wildcards,
    };
    assert!(count("__nope__", &options).is_err());
    assert!(count("{a|b", &options).is_err());
}

#[test]
fn variables_take_supplied_values_as_plain_text() {
    let mode = ExpansionMode::Combinatorial { limit: 10 };
    let values = vars(&[("subject", "a {cat|dog}"), ("place", " ")]);
    let prompts = expand_with(
        "{subject} in {place={snow|rain}}",
        mode,
        0,
        &values,
        &WildcardLists::new(),
    );
    assert_eq!(ok(prompts), ["a {cat|dog} in snow", "a {cat|dog} in rain"]);
}

#[test]
fn wildcard_entries_are_syntax_and_nest() {
    let nested = lists(&[
        ("animal", &["fox", "{red|blue} __bird__"]),
        ("bird", &["owl", "jay"]),
    ]);
    assert_eq!(
        ok(all_with("a __animal__", &nested)),
        [
            "a fox",
            "a red owl",
            "a red jay",
            "a blue owl",
            "a blue jay"
        ]
    );
    // The same list used twice varies independently.
    let pair = lists(&[("c", &["x", "y"])]);
    assert_eq!(
        ok(all_with("__c__ and __c__", &pair)),
        ["x and x", "x and y", "y and x", "y and y"]
    );
    let picks = ok(random_with("__animal__", 5, 50, &nested));
    assert!(picks.iter().any(|p| p == "fox") && picks.iter().any(|p| p.ends_with("owl")));
}

#[test]
fn variables_inside_list_entries_are_filled_in() {
    let lists = lists(&[("scene", &["{animal=fox} at dusk"])]);
    let mode = ExpansionMode::Combinatorial { limit: 10 };
    let values = vars(&[("animal", "cat")]);
    assert_eq!(
        ok(expand_with("__scene__", mode, 0, &values, &lists)),
        ["cat at dusk"]
    );
}

#[test]
fn a_parsed_prompt_expands_like_the_source() {
    let source = "{a|b} __x__";
    let lists = lists(&[("x", &["1", "2"])]);
    let variables = vars(&[]);
    let options = ExpandOptions {
        mode: ExpansionMode::Random { count: 4 },
        seed: 9,
        variables: &variables,
        wildcards: &lists,
    };
    assert_eq!(
        ok(ok(parse(source)).expand(&options)),
        ok(random_with(source, 9, 4, &lists))
    );
    assert_eq!(ok(ok(parse(source)).count(&options)).prompts, 4);
}

#[test]
fn modes_serialize_with_a_kind_tag() {
    let json = serde_json::to_string(&ExpansionMode::Random { count: 3 }).unwrap_or_default();
    assert_eq!(json, r#"{"kind":"random","count":3}"#);
    let back: ExpansionMode = serde_json::from_str(r#"{"kind":"combinatorial","limit":5}"#)
        .unwrap_or(ExpansionMode::Random { count: 0 });
    assert_eq!(back, ExpansionMode::Combinatorial { limit: 5 });
}
