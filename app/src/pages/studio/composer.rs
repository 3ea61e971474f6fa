//! What the Studio's prompt turns into, computed in the browser with the
//! server's own domain code: the final prompts (variables filled, choices
//! and wildcards expanded, styles applied, weights cleaned for backends
//! that do not read them), how many jobs they make, and every problem.

use easel_domain::ValidationError;
use easel_domain::generation::{GenerationRequest, ModelInfo};
use easel_domain::library::expand::{expand_submission, resolve_styles};
use easel_domain::library::{Expansion, MAX_EXPANDED_PROMPTS, Submission, UserStyle};
use easel_domain::prompt::{self, Count, ExpandOptions, ExpansionMode, WildcardLists};
use leptos::prelude::*;

use super::form_state::StudioForm;

/// How many final prompts the preview lists.
pub const PREVIEW_PROMPTS: u32 = 6;

/// The prompt fields whose errors come from expansion, not the raw text.
const PROMPT_FIELDS: [&str; 2] = ["prompt", "negative_prompt"];

/// The form's request with everything derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Composition {
    /// The request as submitted (the prompt is the source text).
    pub request: GenerationRequest,
    /// Every problem, by field.
    pub errors: Vec<ValidationError>,
    /// The first final prompts, with their negative prompts.
    pub prompts: Vec<(String, String)>,
    /// How many jobs the submission makes (when the prompt is dynamic).
    pub count: Option<Count>,
    /// How many distinct prompts the choices allow (when dynamic).
    pub combinations: Option<u64>,
    /// Whether the prompt has choices or wildcards.
    pub dynamic: bool,
    /// The prompt's `{variables}`, with their defaults.
    pub variables: Vec<prompt::VariableRef>,
}

impl StudioForm {
    /// The composition for `model`, with the user's styles and wildcard
    /// lists. Tracked.
    pub fn compose(
        &self,
        model: &ModelInfo,
        user_styles: &[UserStyle],
        wildcards: &WildcardLists,
    ) -> Composition {
        let (request, mut errors) = self.check(model);
        errors.retain(|e| !PROMPT_FIELDS.contains(&e.field.as_str()));
        let parsed = prompt::parse(&request.prompt);
        let (variables, dynamic) = parsed
            .as_ref()
            .map(|p| (p.variables(), p.is_dynamic()))
            .unwrap_or_default();
        let wanted = self.prompts.get().clamp(1, MAX_EXPANDED_PROMPTS);
        let expansion = self.expansion.get();
        // The preview draws with seed 0 when the real one is random (the
        // server picks that at submit time).
        let submission = Submission {
            request: request.clone(),
            styles: self.styles.get(),
            variables: self.variables.get(),
            expansion,
            prompts: if dynamic {
                wanted.min(PREVIEW_PROMPTS)
            } else {
                1
            },
        };
        let styles = match resolve_styles(&submission.styles, user_styles) {
            Ok(styles) => styles,
            Err(err) => {
                errors.push(err);
                Vec::new()
            }
        };
        let prompts =
            match expand_submission(&submission, &model.capabilities, &styles, wildcards, 0) {
                Ok(requests) => requests
                    .into_iter()
                    .map(|r| (r.prompt, r.negative_prompt))
                    .collect(),
                Err(found) => {
                    for err in found {
                        if !errors.contains(&err) {
                            errors.push(err);
                        }
                    }
                    Vec::new()
                }
            };
        let count_in = |mode| {
            let options = ExpandOptions {
                mode,
                seed: 0,
                variables: &submission.variables,
                wildcards,
            };
            prompt::count(&request.prompt, &options).ok()
        };
        let (count, combinations) = if dynamic {
            let mode = match expansion {
                Expansion::Random => ExpansionMode::Random { count: wanted },
                Expansion::Combinatorial => ExpansionMode::Combinatorial { limit: wanted },
            };
            let all = count_in(ExpansionMode::Combinatorial { limit: 1 }).map(|c| c.total);
            (count_in(mode), all)
        } else {
            (None, None)
        };
        Composition {
            request,
            errors,
            prompts,
            count,
            combinations,
            dynamic,
            variables,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use easel_domain::generation::{Capabilities, SizeRule};

    fn model(weighting: bool) -> ModelInfo {
        ModelInfo {
            id: "test:model".into(),
            provider: "test".into(),
            provider_label: "Test".into(),
            label: "Model".into(),
            description: String::new(),
            available: true,
            unavailable_reason: None,
            capabilities: Capabilities {
                negative_prompt: true,
                prompt_weighting: weighting,
                ..Capabilities::txt2img(SizeRule::default(), 4, 2000)
            },
        }
    }

    #[test]
    fn the_preview_expands_choices_applies_styles_and_cleans_weights() {
        let owner = Owner::new();
        owner.set();
        let form = StudioForm::new();
        form.prompt.set("a (red:1.3) {fox|cat} by a lake".into());
        form.styles.set(vec!["watercolor".into()]);
        form.expansion.set(Expansion::Combinatorial);
        form.prompts.set(10);
        let wildcards = WildcardLists::new();
        let composed = form.compose(&model(false), &[], &wildcards);
        assert!(composed.dynamic);
        assert_eq!(composed.errors, vec![]);
        assert_eq!(composed.count.map(|c| (c.prompts, c.total)), Some((2, 2)));
        assert_eq!(composed.prompts.len(), 2);
        let (first, negative) = &composed.prompts[0];
        assert!(first.contains("a red fox by a lake"), "{first}");
        assert!(!first.contains("(red:1.3)"), "{first}");
        assert!(!negative.is_empty(), "the style adds a negative prompt");
        let weighted = form.compose(&model(true), &[], &wildcards);
        assert!(weighted.prompts[0].0.contains("(red:1.3)"));
    }

    #[test]
    fn syntax_errors_and_unknown_wildcards_land_on_the_prompt_field() {
        let owner = Owner::new();
        owner.set();
        let form = StudioForm::new();
        form.prompt.set("a {fox|cat".into());
        let wildcards = WildcardLists::new();
        let composed = form.compose(&model(false), &[], &wildcards);
        assert_eq!(composed.errors.len(), 1);
        assert_eq!(composed.errors[0].field, "prompt");
        form.prompt.set("a __animal__".into());
        let composed = form.compose(&model(false), &[], &wildcards);
        assert!(
            composed.errors[0].message.contains("animal"),
            "{:?}",
            composed.errors
        );
        let mut lists = WildcardLists::new();
        lists.insert("animal".into(), vec!["owl".into()]);
        let composed = form.compose(&model(false), &[], &lists);
        assert_eq!(composed.errors, vec![]);
        assert_eq!(composed.prompts[0].0, "a owl");
    }
}
