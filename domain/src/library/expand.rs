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
    let mut base = submission.request.clone();
    if base.seed == Seed::Random {
        base.seed = Seed::Fixed(random_seed);
    }
    let seed = match base.seed {
        Seed::Fixed(seed) => seed as u64,
        Seed::Random => 0,
    };
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
        requests.push(request);
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
