//! ComfyUI's failures in words a user can act on: validation errors
//! (`POST /prompt` → 400, §4.4), execution errors and interrupts.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::LABEL;
use crate::providers::ProviderError;
use crate::providers::http::truncate;

/// The message when ComfyUI forgot a prompt Easel saved a handle for.
pub(super) const LOST: &str =
    "ComfyUI no longer knows this job (it may have restarted); submit it again";

/// A 400 body: `{"error": {...}, "node_errors": {...}}`.
#[derive(Debug, Deserialize)]
pub(super) struct Rejection {
    error: ErrorBody,
    #[serde(default)]
    node_errors: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: String,
}

/// A refused prompt as a fatal error, its node errors summarised.
pub(super) fn rejected(rejection: &Rejection) -> ProviderError {
    let error = &rejection.error;
    let mut problems: Vec<String> = Vec::new();
    for (node_id, node) in &rejection.node_errors {
        let class_type = node["class_type"].as_str().unwrap_or("a node");
        for problem in node["errors"].as_array().into_iter().flatten() {
            problems.push(describe(node_id, class_type, problem));
        }
    }
    problems.dedup();
    let summary = if !problems.is_empty() {
        problems.join("; ")
    } else {
        match error.kind.as_str() {
            "invalid_prompt" => format!(
                "{} ({}); a custom node may be missing on the server",
                error.message.trim_end_matches('.'),
                error.details
            ),
            "prompt_no_outputs" => {
                "the workflow has no output node (such as Save Image)".to_owned()
            }
            "no_prompt" => "the request carried no workflow".to_owned(),
            _ => [error.message.as_str(), error.details.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(": "),
        }
    };
    ProviderError::Fatal(format!(
        "{LABEL} rejected the workflow: {}",
        truncate(&summary, 400)
    ))
}

/// One per-input error in words.
fn describe(node_id: &str, class_type: &str, problem: &Value) -> String {
    let kind = problem["type"].as_str().unwrap_or_default();
    let extra = &problem["extra_info"];
    let input = extra["input_name"].as_str().unwrap_or_default();
    let received = match &extra["received_value"] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let at = format!("{class_type} (node {node_id})");
    match (kind, input) {
        ("value_not_in_list", "ckpt_name") => {
            format!("Checkpoint '{received}' is not installed on the {LABEL} server")
        }
        ("value_not_in_list", "model_name") => {
            format!("Model '{received}' is not installed on the {LABEL} server")
        }
        ("value_not_in_list", "sampler_name") => {
            format!("Sampler '{received}' is not available on the {LABEL} server")
        }
        ("value_not_in_list", "scheduler") => {
            format!("Scheduler '{received}' is not available on the {LABEL} server")
        }
        ("value_not_in_list", _) => {
            format!("{at}: '{received}' is not an allowed value of {input}")
        }
        ("custom_validation_failed", "image") => {
            format!("{at}: the image it loads is missing on the {LABEL} server")
        }
        ("required_input_missing", _) => format!("{at} is missing its {input} input"),
        ("bad_linked_input", _) => format!("{at} has a malformed link on {input}"),
        ("return_type_mismatch", _) => {
            format!("{at}: {input} is connected to the wrong kind of output")
        }
        ("value_smaller_than_min" | "value_bigger_than_max", _) => {
            let message = problem["message"].as_str().unwrap_or("out of range");
            format!("{at}: {input} {}", lowercase_first(message))
        }
        ("invalid_input_type", _) => format!("{at}: {input} has a value of the wrong type"),
        _ => {
            let message = problem["message"].as_str().unwrap_or("invalid");
            let details = problem["details"].as_str().unwrap_or_default();
            format!("{at}: {message} {details}").trim().to_owned()
        }
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `execution_error` data as a fatal error naming the node and the cause.
pub(super) fn execution_failed(data: &Value) -> ProviderError {
    let node_type = data["node_type"].as_str().unwrap_or("a node");
    let node_id = data["node_id"].as_str().unwrap_or("?");
    let exception = data["exception_message"].as_str().unwrap_or_default();
    let words: Vec<&str> = exception.split_whitespace().collect();
    let message = if words.is_empty() {
        data["exception_type"]
            .as_str()
            .unwrap_or("an error")
            .to_owned()
    } else {
        words.join(" ")
    };
    ProviderError::Fatal(format!(
        "{LABEL} failed in {node_type} (node {node_id}): {}",
        truncate(&message, 300)
    ))
}

/// `execution_interrupted` not asked for by Easel: someone stopped it on
/// the server.
pub(super) fn interrupted(data: &Value) -> ProviderError {
    let node_type = data["node_type"].as_str().unwrap_or("a node");
    ProviderError::Fatal(format!(
        "The job was interrupted on the {LABEL} server (in {node_type})"
    ))
}

/// The outcome recorded in a history entry's status, when it failed.
pub(super) fn from_history(entry: &Value) -> Option<ProviderError> {
    let status = entry.get("status").filter(|s| !s.is_null())?;
    if status["status_str"] == "success" || status["completed"] == true {
        return None;
    }
    let messages = status["messages"].as_array()?;
    let last = messages.iter().rev().find_map(|m| {
        let kind = m[0].as_str()?;
        matches!(kind, "execution_error" | "execution_interrupted").then(|| (kind, &m[1]))
    });
    Some(match last {
        Some(("execution_error", data)) => execution_failed(data),
        Some((_, data)) => interrupted(data),
        None => ProviderError::Fatal(format!("{LABEL} could not finish the job")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_errors_read_as_sentences() {
        let body = json!({"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
            "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list", "details": "ckpt_name: 'x' not in []",
                "extra_info": {"input_name": "ckpt_name", "input_config": [[], {}], "received_value": "x"}}], "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"},
              "5": {"errors": [{"type": "value_smaller_than_min", "message": "Value 0 smaller than min of 16", "details": "width",
                "extra_info": {"input_name": "width", "received_value": 0}}], "dependent_outputs": ["9"], "class_type": "EmptyLatentImage"}}});
        let rejection: Rejection = serde_json::from_value(body).expect("shape");
        assert_eq!(
            rejected(&rejection),
            ProviderError::Fatal("ComfyUI rejected the workflow: Checkpoint 'x' is not installed on the ComfyUI server; EmptyLatentImage (node 5): width value 0 smaller than min of 16".into())
        );
        let unknown: Rejection = serde_json::from_value(json!({"error": {"type": "invalid_prompt", "message": "Cannot execute because node Foo does not exist.", "details": "Node ID '#1'", "extra_info": {}}, "node_errors": {}})).expect("shape");
        assert!(
            rejected(&unknown)
                .to_string()
                .contains("node Foo does not exist (Node ID '#1'); a custom node")
        );
    }

    #[test]
    fn execution_errors_name_the_node_and_the_cause() {
        let data = json!({"node_id": "9", "node_type": "SaveImage", "exception_type": "Exception",
            "exception_message": "**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: /x\n"});
        assert_eq!(
            execution_failed(&data),
            ProviderError::Fatal("ComfyUI failed in SaveImage (node 9): **** ERROR: Saving image outside the output folder is not allowed. full_output_folder: /x".into())
        );
    }
}
