//! Literal inputs: Python's conversions (`int()`, `float()`, `str()`),
//! the range checks and their messages.

use super::super::json::{J, jobj};
use super::super::nodes::{InputKind, InputSpec};

pub(super) fn range_check(spec: &InputSpec, value: &J) -> Result<(), J> {
    let x = spec.name;
    let number = value.as_f64();
    for (key, kind, word, out_of_range) in [
        (
            "min",
            "value_smaller_than_min",
            "smaller than min of",
            (|v: f64, l: f64| v < l) as fn(f64, f64) -> bool,
        ),
        (
            "max",
            "value_bigger_than_max",
            "bigger than max of",
            |v: f64, l: f64| v > l,
        ),
    ] {
        let Some(limit) = spec.option(key) else {
            continue;
        };
        if let (Some(v), Some(l)) = (number, limit.as_f64())
            && out_of_range(v, l)
        {
            return Err(jobj! {
                "type" => kind,
                "message" => format!("Value {} {word} {}", py_str(value), py_str(limit)),
                "details" => x,
                "extra_info" => jobj! {"input_name" => x, "input_config" => spec.info(), "received_value" => value.clone()},
            });
        }
    }
    Ok(())
}

/// `int()`, `float()`, `str()`, `bool()` as validation applies them.
pub(super) fn convert(kind: &InputKind, value: &J) -> Result<J, String> {
    match kind {
        InputKind::Int => match value {
            J::Int(_) => Ok(value.clone()),
            J::Float(f) if f.is_finite() => Ok(J::Int(f.trunc() as i128)),
            J::Float(_) => Err("cannot convert float infinity to integer".into()),
            J::Bool(b) => Ok(J::Int(i128::from(*b))),
            J::Str(s) => s
                .trim()
                .replace('_', "")
                .parse::<i128>()
                .map(J::Int)
                .map_err(|_| format!("invalid literal for int() with base 10: '{s}'")),
            other => Err(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                other.type_name()
            )),
        },
        InputKind::Float => match value {
            J::Float(_) => Ok(value.clone()),
            J::Int(i) => Ok(J::Float(*i as f64)),
            J::Bool(b) => Ok(J::Float(if *b { 1.0 } else { 0.0 })),
            J::Str(s) => s
                .trim()
                .parse::<f64>()
                .map(J::Float)
                .map_err(|_| format!("could not convert string to float: '{s}'")),
            other => Err(format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            )),
        },
        InputKind::Text => Ok(J::Str(py_str(value))),
        InputKind::Combo(_) | InputKind::Link(_) => Ok(value.clone()),
    }
}

/// Python's `str(value)`.
pub fn py_str(value: &J) -> String {
    match value {
        J::Str(s) => s.clone(),
        J::Int(i) => i.to_string(),
        other => other.py_repr(),
    }
}

pub(super) fn py_list(options: &[String]) -> String {
    J::Arr(options.iter().map(|o| J::from(o.as_str())).collect()).py_repr()
}
