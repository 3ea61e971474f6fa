//! Turning a [`Submission`] into the requests to queue (on the server) or
//! to preview and check (in the browser, with the same code): template
//! variables, `{a|b}` choices and `__wildcards__` expand (deterministically
//! for the seed), styles wrap each prompt, and weights are turned into
//! plain text for backends that do not understand them.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{Expansion, MAX_EXPANDED_PROMPTS, Submission, UserStyle};
use crate::ValidationError;
use crate::generation::{Capabilities, GenerationRequest, Seed};
use crate::prompt::styles::{StyleSpec, apply_styles, find_style};
use crate::prompt::{ExpandOptions, ExpansionMode, WildcardLists, expand, strip_weights};

/// The prefix of a user style's id in a submission (`user:<uuid>`).
pub const USER_STYLE_PREFIX: &str = "user:";

/// The user-style ids a submission names.
pub fn user_style_ids(styles: &[String]) -> Vec<Uuid> {
    styles
        .iter()
        .filter_map(|id| id.strip_prefix(USER_STYLE_PREFIX))
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect()
}

/// The styles a submission names, in its order; an unknown one (or
/// another user's) is an error on the `styles` field.
pub fn resolve_styles(
    styles: &[String],
    own: &[UserStyle],
) -> Result<Vec<StyleSpec>, ValidationError> {
    styles
        .iter()
        .map(|id| {
            if let Some(user_id) = id.strip_prefix(USER_STYLE_PREFIX) {
                own.iter()
                    .find(|s| s.id.to_string() == user_id)
                    .map(|s| StyleSpec {
                        id: id.clone(),
                        name: s.name.clone(),
                        category: s.category.clone(),
                        positive: s.positive.clone(),
                        negative: s.negative.clone(),
                    })
            } else {
                find_style(id).map(StyleSpec::from)
            }
            .ok_or_else(|| ValidationError::new("styles", format!("Unknown style \"{id}\".")))
        })
        .collect()
}

/// The requests a submission queues (one per expanded prompt), each with
/// the seed resolved. `seed` is the one to use when the request asks for
/// a random seed.
pub fn expand_submission(
    submission: &Submission,
    caps: &Capabilities,
    styles: &[StyleSpec],
    wildcards: &WildcardLists,
    random_seed: i64,
) -> Result<Vec<GenerationRequest>, Vec<ValidationError>> {
    let base = submission.request.clone();
    // The seed is fixed at submit time (so a retried job draws the same
    // image) but checked as the user chose it: a model without seeds
    // accepts "random".
    let fixed = match base.seed {
        Seed::Fixed(seed) => seed,
        Seed::Random => random_seed,
    };
    let seed = fixed as u64;
    let prompts = submission.prompts.clamp(1, MAX_EXPANDED_PROMPTS);
    let mode = match submission.expansion {
        Expansion::Random => ExpansionMode::Random { count: prompts },
        Expansion::Combinatorial => ExpansionMode::Combinatorial { limit: prompts },
    };
    let expanded = run_expand(&base.prompt, mode, seed, &submission.variables, wildcards)
        .map_err(|message| vec![ValidationError::new("prompt", message)])?;
    let negative = run_expand(
        &base.negative_prompt,
        ExpansionMode::Random { count: 1 },
        seed,
        &submission.variables,
        wildcards,
    )
    .map_err(|message| vec![ValidationError::new("negative_prompt", message)])?
    .into_iter()
    .next()
    .unwrap_or_default();
    let mut requests = Vec::with_capacity(expanded.len());
    for prompt in expanded {
        let (mut prompt, mut negative) = apply_styles(&prompt, &negative, styles);
        if !caps.prompt_weighting {
            prompt = strip_weights(&prompt);
            negative = strip_weights(&negative);
        }
        let request = GenerationRequest {
            prompt,
            negative_prompt: if caps.negative_prompt {
                negative
            } else {
                String::new()
            },
            ..base.clone()
        };
        request.validate(caps)?;
        requests.push(GenerationRequest {
            seed: Seed::Fixed(fixed),
            ..request
        });
    }
    Ok(requests)
}

fn run_expand(
    source: &str,
    mode: ExpansionMode,
    seed: u64,
    variables: &BTreeMap<String, String>,
    wildcards: &WildcardLists,
) -> Result<Vec<String>, String> {
    if source.trim().is_empty() {
        return Ok(vec![String::new()]);
    }
    let options = ExpandOptions {
        mode,
        seed,
        variables,
        wildcards,
    };
    expand(source, &options).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generation::SizeRule;

    fn caps(weighting: bool, negative: bool) -> Capabilities {
        Capabilities {
            prompt_weighting: weighting,
            negative_prompt: negative,
            ..Capabilities::txt2img(SizeRule::default(), 4, 1000)
        }
    }

    fn submission(prompt: &str) -> Submission {
        Submission {
            request: GenerationRequest {
                model: "x:y".into(),
                prompt: prompt.into(),
                negative_prompt: "(blurry:1.2)".into(),
                width: 512,
                height: 512,
                count: 1,
                ..GenerationRequest::default()
            },
            styles: Vec::new(),
            variables: BTreeMap::new(),
            expansion: Expansion::Random,
            prompts: 3,
        }
    }

    #[test]
    fn random_seeds_are_fixed_once_and_shared_by_every_prompt() {
        let out = expand_submission(
            &submission("a {fox|owl|cat}"),
            &caps(true, true),
            &[],
            &BTreeMap::new(),
            77,
        )
        .expect("expands");
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|r| r.seed == Seed::Fixed(77)));
        let again = expand_submission(
            &submission("a {fox|owl|cat}"),
            &caps(true, true),
            &[],
            &BTreeMap::new(),
            77,
        )
        .expect("expands");
        assert_eq!(out, again, "deterministic for the seed");
    }

    #[test]
    fn weights_and_negatives_follow_the_backend() {
        let plain = expand_submission(
            &submission("a (red:1.3) fox"),
            &caps(false, false),
            &[],
            &BTreeMap::new(),
            1,
        )
        .expect("expands");
        assert_eq!(plain[0].prompt, "a red fox");
        assert_eq!(plain[0].negative_prompt, "");
        let weighted = expand_submission(
            &submission("a (red:1.3) fox"),
            &caps(true, true),
            &[],
            &BTreeMap::new(),
            1,
        )
        .expect("expands");
        assert_eq!(weighted[0].prompt, "a (red:1.3) fox");
        assert_eq!(weighted[0].negative_prompt, "(blurry:1.2)");
    }

    #[test]
    fn styles_resolve_by_id_and_unknown_ones_are_errors() {
        let mine = UserStyle {
            id: Uuid::from_u128(9),
            name: "Mine".into(),
            category: "Mine".into(),
            positive: "{prompt} in gold".into(),
            negative: "grey".into(),
        };
        let ids = vec![
            "watercolor".to_owned(),
            format!("user:{}", Uuid::from_u128(9)),
        ];
        assert_eq!(user_style_ids(&ids), vec![Uuid::from_u128(9)]);
        let styles = resolve_styles(&ids, std::slice::from_ref(&mine)).expect("both resolve");
        assert_eq!(styles.len(), 2);
        let out = expand_submission(
            &submission("a fox"),
            &caps(true, true),
            &styles,
            &BTreeMap::new(),
            1,
        )
        .expect("expands");
        assert!(out[0].prompt.ends_with("in gold"), "{}", out[0].prompt);
        assert!(out[0].negative_prompt.contains("grey"));
        let unknown = resolve_styles(&["nope".to_owned()], &[]).expect_err("unknown");
        assert_eq!(unknown.field, "styles");
    }

    #[test]
    fn expanded_prompts_are_checked_against_the_model() {
        let mut tight = caps(true, true);
        tight.max_prompt_chars = 10;
        let errors = expand_submission(
            &submission("{a|a very long prompt indeed}"),
            &tight,
            &[],
            &BTreeMap::new(),
            1,
        )
        .expect_err("one prompt is too long");
        assert_eq!(errors[0].field, "prompt");
    }
}
