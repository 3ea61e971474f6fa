//! Exact outputs for fixed seeds, so a change of algorithm (the generator,
//! the sub-seeds, the order of draws) is caught. If one of these changes on
//! purpose, saved seeds stop reproducing their prompts: say so in the notes.

use super::{lists, ok, random, random_with};

#[test]
fn groups_counts_and_weights_for_seed_42() {
    let source =
        "a {red|green|blue|gold} {fox|cat|owl} in {2$$snow|rain|fog|sun}, {0.5::calm|2::stormy}";
    assert_eq!(
        ok(random(source, 42, 4)),
        [
            "a gold fox in rain, snow, stormy",
            "a red fox in fog, snow, stormy",
            "a green fox in snow, fog, stormy",
            "a green owl in rain, snow, stormy",
        ]
    );
}

#[test]
fn wildcards_joiners_and_ranges_for_seed_2024() {
    let lists = lists(&[("animal", &["fox", "{big|small} owl", "cat"])]);
    assert_eq!(
        ok(random_with(
            "{2$$ and $$__animal__} {1-3$$a|b|c|d}",
            2024,
            4,
            &lists
        )),
        [
            "big owl and cat d, b",
            "cat and big owl d",
            "cat and fox a, d",
            "fox and big owl a, d, b",
        ]
    );
}

#[test]
fn the_largest_seed_works_like_any_other() {
    assert_eq!(
        ok(random("{a|b|c|d|e|f|g|h}", u64::MAX, 6)),
        ["a", "f", "g", "f", "a", "f"]
    );
}
