//! `execution.validate_prompt`: the checks behind `POST /prompt`'s 400
//! bodies (§4.4). Literal inputs are converted in place (`int()`,
//! `float()`, `str()`), as ComfyUI does, so history shows `7.0` for a cfg
//! sent as `7`.

mod literal;

use std::collections::HashMap;

use super::json::{J, jobj};
use super::nodes::{InputKind, InputSpec, Lists, NodeDef, lookup};
use literal::{convert, py_list, range_check};

pub use literal::py_str;

/// What validation decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Run these outputs; `node_errors` lists outputs that were dropped.
    Valid {
        /// Output node ids to execute.
        outputs: Vec<String>,
        /// Errors of the outputs that failed (the prompt still runs).
        node_errors: J,
    },
    /// Refused: the body's `error` and `node_errors`.
    Invalid {
        /// `{type, message, details, extra_info}`.
        error: J,
        /// Per node errors.
        node_errors: J,
    },
}

/// A Python exception raised while validating.
#[derive(Debug, Clone)]
struct Raised {
    kind: &'static str,
    message: String,
}

type Outcome = (bool, Vec<J>);

struct Validator<'a> {
    prompt: &'a mut J,
    lists: &'a Lists,
    image_exists: &'a dyn Fn(&str) -> bool,
    validated: HashMap<String, Outcome>,
    order: Vec<String>,
}

/// Validates `prompt` (converting literal inputs in place).
pub fn validate_prompt(
    prompt: &mut J,
    lists: &Lists,
    image_exists: &dyn Fn(&str) -> bool,
    partial: Option<&[String]>,
) -> Verdict {
    let outputs = match find_outputs(prompt, lists, partial) {
        Ok(outputs) => outputs,
        Err(error) => return invalid(error, J::Obj(Vec::new())),
    };
    let mut validator = Validator {
        prompt,
        lists,
        image_exists,
        validated: HashMap::new(),
        order: Vec::new(),
    };
    let mut good = Vec::new();
    let mut failures: Vec<(String, Vec<J>)> = Vec::new();
    let mut node_errors = J::Obj(Vec::new());
    for output in &outputs {
        let (valid, reasons) = match validator.node(output) {
            Ok(outcome) => outcome,
            Err(raised) => {
                let reasons = vec![jobj! {
                    "type" => "exception_during_validation",
                    "message" => "Exception when validating node",
                    "details" => raised.message.as_str(),
                    "extra_info" => jobj! {"exception_type" => raised.kind, "traceback" => J::Arr(Vec::new())},
                }];
                validator.record(output, (false, reasons.clone()));
                (false, reasons)
            }
        };
        if valid {
            good.push(output.clone());
            continue;
        }
        failures.push((output.clone(), reasons));
        validator.collect_errors(output, &mut node_errors);
    }
    if good.is_empty() {
        let details: Vec<String> = failures
            .iter()
            .flat_map(|(_, reasons)| reasons.iter())
            .map(|r| format!("{}: {}", text(r, "message"), text(r, "details")))
            .collect();
        let error = error_body(
            "prompt_outputs_failed_validation",
            "Prompt outputs failed validation",
            &details.join("\n"),
        );
        return invalid(error, node_errors);
    }
    Verdict::Valid {
        outputs: good,
        node_errors,
    }
}

fn invalid(error: J, node_errors: J) -> Verdict {
    Verdict::Invalid { error, node_errors }
}

fn text<'j>(value: &'j J, key: &str) -> &'j str {
    value.get(key).and_then(J::as_str).unwrap_or_default()
}

/// `{type, message, details, extra_info: {}}`.
pub fn error_body(kind: &str, message: &str, details: &str) -> J {
    jobj! {"type" => kind, "message" => message, "details" => details, "extra_info" => J::Obj(Vec::new())}
}

fn find_outputs(prompt: &J, lists: &Lists, partial: Option<&[String]>) -> Result<Vec<String>, J> {
    let mut outputs = Vec::new();
    for (id, node) in prompt.pairs().unwrap_or_default() {
        let details = format!("Node ID '#{id}'");
        let Some(class_type) = node.get("class_type") else {
            return Err(error_body(
                "invalid_prompt",
                "Cannot execute because a node is missing the class_type property.",
                &details,
            ));
        };
        let class_name = py_str(class_type);
        let Some(def) = lookup(&class_name, lists) else {
            return Err(error_body(
                "invalid_prompt",
                &format!("Cannot execute because node {class_name} does not exist."),
                &details,
            ));
        };
        if def.output_node && partial.is_none_or(|p| p.contains(id)) {
            outputs.push(id.clone());
        }
    }
    if outputs.is_empty() {
        return Err(error_body("prompt_no_outputs", "Prompt has no outputs", ""));
    }
    Ok(outputs)
}

impl Validator<'_> {
    fn record(&mut self, id: &str, outcome: Outcome) {
        if !self.validated.contains_key(id) {
            self.order.push(id.to_owned());
        }
        self.validated.insert(id.to_owned(), outcome);
    }

    /// Adds every invalid node with reasons to `node_errors`, naming
    /// `output` as dependent (as ComfyUI does, for every such node seen).
    fn collect_errors(&self, output: &str, node_errors: &mut J) {
        for id in &self.order {
            let Some((valid, reasons)) = self.validated.get(id) else {
                continue;
            };
            if *valid || reasons.is_empty() {
                continue;
            }
            if node_errors.get(id).is_none() {
                let class_type = self.class_of(id).unwrap_or_default();
                node_errors.insert(
                    id,
                    jobj! {"errors" => J::Arr(reasons.clone()), "dependent_outputs" => J::Arr(Vec::new()), "class_type" => class_type},
                );
            }
            if let Some(J::Arr(dependents)) = node_errors
                .get_mut(id)
                .and_then(|entry| entry.get_mut("dependent_outputs"))
            {
                dependents.push(J::from(output));
            }
        }
    }

    fn class_of(&self, id: &str) -> Option<String> {
        Some(py_str(self.prompt.get(id)?.get("class_type")?))
    }

    fn def_of(&self, id: &str) -> Option<NodeDef> {
        lookup(&self.class_of(id)?, self.lists)
    }

    /// `validate_inputs` for one node, memoised.
    fn node(&mut self, id: &str) -> Result<Outcome, Raised> {
        if let Some(outcome) = self.validated.get(id) {
            return Ok(outcome.clone());
        }
        // A cycle recurses until Python gives up.
        if self.order.len() > 10_000 {
            return Err(Raised {
                kind: "RecursionError",
                message: "maximum recursion depth exceeded".into(),
            });
        }
        let Some(def) = self.def_of(id) else {
            return Err(key_error(id));
        };
        let mut errors = Vec::new();
        let mut valid = true;
        for (spec, required) in def
            .required
            .iter()
            .map(|s| (s, true))
            .chain(def.optional.iter().map(|s| (s, false)))
        {
            let value = self
                .prompt
                .get(id)
                .and_then(|n| n.get("inputs"))
                .and_then(|i| i.get(spec.name))
                .cloned();
            let Some(value) = value else {
                if required {
                    errors.push(jobj! {
                        "type" => "required_input_missing",
                        "message" => "Required input is missing",
                        "details" => spec.name,
                        "extra_info" => jobj! {"input_name" => spec.name},
                    });
                }
                continue;
            };
            if let J::Arr(items) = &value {
                match self.linked(spec, items, &value)? {
                    Linked::Error(error) => errors.push(error),
                    Linked::Upstream(upstream_ok) => valid &= upstream_ok,
                }
                continue;
            }
            match self.literal(id, spec, &def, value) {
                Ok(()) => {}
                Err(error) => errors.push(error),
            }
        }
        if def.validates_image {
            errors.extend(self.custom_image_check(id));
        }
        let outcome = (errors.is_empty() && valid, errors);
        self.record(id, outcome.clone());
        Ok(outcome)
    }
}

enum Linked {
    Error(J),
    Upstream(bool),
}

impl Validator<'_> {
    fn linked(&mut self, spec: &InputSpec, items: &[J], value: &J) -> Result<Linked, Raised> {
        let x = spec.name;
        if items.len() != 2 {
            return Ok(Linked::Error(jobj! {
                "type" => "bad_linked_input",
                "message" => "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                "details" => x,
                "extra_info" => jobj! {"input_name" => x, "input_config" => spec.info(), "received_value" => value.clone()},
            }));
        }
        let from = py_str(&items[0]);
        let source = self.def_of(&from).ok_or_else(|| key_error(&from))?;
        let received = match &items[1] {
            J::Int(i) => usize::try_from(*i).ok().and_then(|i| source.outputs.get(i)),
            other => {
                return Err(Raised {
                    kind: "TypeError",
                    message: format!(
                        "tuple indices must be integers or slices, not {}",
                        other.type_name()
                    ),
                });
            }
        };
        let received = received.ok_or_else(|| Raised {
            kind: "IndexError",
            message: "tuple index out of range".into(),
        })?;
        if !accepts(&spec.kind, received) {
            return Ok(Linked::Error(jobj! {
                "type" => "return_type_mismatch",
                "message" => "Return type mismatch between linked nodes",
                "details" => format!("{x}, received_type({received}) mismatch input_type({})", spec.kind.name()),
                "extra_info" => jobj! {"input_name" => x, "input_config" => spec.info(), "received_type" => *received, "linked_node" => value.clone()},
            }));
        }
        match self.node(&from) {
            Ok((ok, _)) => Ok(Linked::Upstream(ok)),
            Err(raised) => {
                let reasons = vec![jobj! {
                    "type" => "exception_during_inner_validation",
                    "message" => "Exception when validating inner node",
                    "details" => raised.message.as_str(),
                    "extra_info" => jobj! {
                        "input_name" => x, "input_config" => spec.info(),
                        "exception_message" => raised.message.as_str(), "exception_type" => raised.kind,
                        "traceback" => J::Arr(Vec::new()), "linked_node" => value.clone(),
                    },
                }];
                self.record(&from, (false, reasons));
                Ok(Linked::Upstream(false))
            }
        }
    }

    fn literal(&mut self, id: &str, spec: &InputSpec, def: &NodeDef, value: J) -> Result<(), J> {
        let x = spec.name;
        let value = match value {
            J::Obj(_) if value.get("__value__").is_some() => {
                value.get("__value__").cloned().unwrap_or(J::Null)
            }
            other => other,
        };
        let converted = convert(&spec.kind, &value).map_err(|message| {
            jobj! {
                "type" => "invalid_input_type",
                "message" => format!("Failed to convert an input value to a {} value", spec.kind.name()),
                "details" => format!("{x}, {}, {message}", py_str(&value)),
                "extra_info" => jobj! {"input_name" => x, "input_config" => spec.info(), "received_value" => value.clone(), "exception_message" => message.as_str()},
            }
        })?;
        if let Some(J::Obj(node)) = self.prompt_node_mut(id)
            && let Some((_, J::Obj(inputs))) = node.iter_mut().find(|(k, _)| k == "inputs")
            && let Some((_, slot)) = inputs.iter_mut().find(|(k, _)| k == x)
        {
            *slot = converted.clone();
        }
        range_check(spec, &converted)?;
        if let InputKind::Combo(options) = &spec.kind
            && !(def.validates_image && x == "image")
            && !options.iter().any(|o| J::from(o.as_str()) == converted)
        {
            let (list_info, config) = if options.len() > 20 {
                (format!("(list of length {})", options.len()), J::Null)
            } else {
                (py_list(options), spec.info())
            };
            return Err(jobj! {
                "type" => "value_not_in_list",
                "message" => "Value not in list",
                "details" => format!("{x}: '{}' not in {list_info}", py_str(&converted)),
                "extra_info" => jobj! {"input_name" => x, "input_config" => config, "received_value" => converted},
            });
        }
        Ok(())
    }

    fn prompt_node_mut(&mut self, id: &str) -> Option<&mut J> {
        match self.prompt {
            J::Obj(pairs) => pairs.iter_mut().find(|(k, _)| k == id).map(|(_, v)| v),
            _ => None,
        }
    }

    fn custom_image_check(&self, id: &str) -> Vec<J> {
        let image = self
            .prompt
            .get(id)
            .and_then(|n| n.get("inputs"))
            .and_then(|i| i.get("image"));
        match image {
            Some(value) if !(self.image_exists)(&py_str(value)) => vec![jobj! {
                "type" => "custom_validation_failed",
                "message" => "Custom validation failed for node",
                "details" => format!("image - Invalid image file: {}", py_str(value)),
                "extra_info" => jobj! {"input_name" => "image"},
            }],
            _ => Vec::new(),
        }
    }
}

fn key_error(id: &str) -> Raised {
    Raised {
        kind: "KeyError",
        message: format!("'{id}'"),
    }
}

fn accepts(kind: &InputKind, received: &str) -> bool {
    let expected = match kind {
        InputKind::Link(t) => *t,
        InputKind::Int => "INT",
        InputKind::Float => "FLOAT",
        InputKind::Text => "STRING",
        InputKind::Combo(_) => "COMBO",
    };
    expected == "*" || received == "*" || expected == received
}
