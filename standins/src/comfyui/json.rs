//! JSON as ComfyUI's Python sees it: objects keep their key order (a
//! `dict`), integers and floats stay distinct (`7` vs `7.0`), and text is
//! written the way `json.dumps` writes it (`", "` and `": "` separators,
//! non-ASCII escaped). Submitted graphs are parsed into [`J`] so that the
//! execution order, which depends on the order of a node's inputs, follows
//! the order the client sent.

use std::fmt::{self, Write as _};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value with ordered objects and Python's number kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `null` (`None`).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer (Python ints are unbounded; seeds reach 2^64 - 1).
    Int(i128),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Arr(Vec<J>),
    /// An object, in insertion order.
    Obj(Vec<(String, J)>),
}

/// Builds a [`J::Obj`] from `key => value` pairs, in order.
macro_rules! jobj {
    ($($key:expr => $value:expr),* $(,)?) => {
        $crate::comfyui::json::J::Obj(vec![$((($key).to_string(), $crate::comfyui::json::J::from($value))),*])
    };
}
pub(crate) use jobj;

impl J {
    /// The value under `key`, for objects.
    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value under `key`, mutably, for objects.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut J> {
        match self {
            J::Obj(pairs) => pairs.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` (keeping its place when it exists, as a `dict` does).
    pub fn insert(&mut self, key: &str, value: J) {
        if let J::Obj(pairs) = self {
            match pairs.iter_mut().find(|(k, _)| k == key) {
                Some((_, slot)) => *slot = value,
                None => pairs.push((key.to_owned(), value)),
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<J> {
        match self {
            J::Obj(pairs) => {
                let index = pairs.iter().position(|(k, _)| k == key)?;
                Some(pairs.remove(index).1)
            }
            _ => None,
        }
    }

    /// The text, for strings.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The integer, for ints.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            J::Int(value) => Some(*value),
            _ => None,
        }
    }

    /// The number as a float, for ints and floats.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            J::Int(value) => Some(*value as f64),
            J::Float(value) => Some(*value),
            _ => None,
        }
    }

    /// The pairs, for objects.
    pub fn pairs(&self) -> Option<&[(String, J)]> {
        match self {
            J::Obj(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The items, for lists.
    pub fn items(&self) -> Option<&[J]> {
        match self {
            J::Arr(items) => Some(items),
            _ => None,
        }
    }

    /// Whether Python's `bool(value)` is true.
    pub fn truthy(&self) -> bool {
        match self {
            J::Null => false,
            J::Bool(b) => *b,
            J::Int(i) => *i != 0,
            J::Float(f) => *f != 0.0,
            J::Str(s) => !s.is_empty(),
            J::Arr(a) => !a.is_empty(),
            J::Obj(o) => !o.is_empty(),
        }
    }

    /// The Python type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            J::Null => "NoneType",
            J::Bool(_) => "bool",
            J::Int(_) => "int",
            J::Float(_) => "float",
            J::Str(_) => "str",
            J::Arr(_) => "list",
            J::Obj(_) => "dict",
        }
    }

    /// Parses JSON text.
    pub fn parse(text: &[u8]) -> Result<J, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let value = de::Deserialize::deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }

    /// As a `serde_json` value (key order is lost), for tests and callers.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Int(i) => u64::try_from(*i)
                .map(Value::from)
                .or_else(|_| i64::try_from(*i).map(Value::from))
                .unwrap_or_else(|_| Value::from(*i as f64)),
            J::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            J::Str(s) => Value::String(s.clone()),
            J::Arr(items) => Value::Array(items.iter().map(J::to_value).collect()),
            J::Obj(pairs) => Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Python's `repr()` of the value (`{'a': True, 'b': None}`), as
    /// ComfyUI prints a graph into an error's `current_inputs`.
    pub fn py_repr(&self) -> String {
        let mut out = String::new();
        write_repr(&mut out, self);
        out
    }
}

impl fmt::Display for J {
    /// `json.dumps(value)` with Python's defaults.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_json(&mut out, self);
        f.write_str(&out)
    }
}

fn write_json(out: &mut String, value: &J) {
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Int(i) => {
            let _ = write!(out, "{i}");
        }
        J::Float(f) => out.push_str(&py_float(*f, "NaN", "Infinity")),
        J::Str(s) => write_json_string(out, s),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        J::Obj(pairs) => {
            out.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_string(out, key);
                out.push_str(": ");
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

/// A string as `json.dumps` writes it (`ensure_ascii=True`).
fn write_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest round-trip digits, positional
/// between 1e-4 and 1e16, else `1e+16` style.
fn py_float(value: f64, nan: &str, inf: &str) -> String {
    if value.is_nan() {
        return nan.to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            inf.to_owned()
        } else {
            format!("-{inf}")
        };
    }
    let sci = format!("{value:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{exp_sign}{:02}", exponent.abs())
    }
}

fn write_repr(out: &mut String, value: &J) {
    match value {
        J::Null => out.push_str("None"),
        J::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        J::Int(i) => {
            let _ = write!(out, "{i}");
        }
        J::Float(f) => out.push_str(&py_float(*f, "nan", "inf")),
        J::Str(s) => write_repr_string(out, s),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        J::Obj(pairs) => {
            out.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr_string(out, key);
                out.push_str(": ");
                write_repr(out, item);
            }
            out.push('}');
        }
    }
}

fn write_repr_string(out: &mut String, text: &str) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

impl<'de> de::Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Int(i128::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Int(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<J, E> {
        Ok(J::Int(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J, E> {
        Ok(J::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<J, E> {
        Ok(J::Str(v))
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<J, D::Error> {
        de::Deserialize::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(J::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut object = J::Obj(Vec::new());
        while let Some((key, value)) = map.next_entry::<String, J>()? {
            object.insert(&key, value);
        }
        Ok(object)
    }
}

impl From<&str> for J {
    fn from(v: &str) -> Self {
        J::Str(v.to_owned())
    }
}
impl From<String> for J {
    fn from(v: String) -> Self {
        J::Str(v)
    }
}
impl From<&String> for J {
    fn from(v: &String) -> Self {
        J::Str(v.clone())
    }
}
impl From<bool> for J {
    fn from(v: bool) -> Self {
        J::Bool(v)
    }
}
impl From<i128> for J {
    fn from(v: i128) -> Self {
        J::Int(v)
    }
}
impl From<i64> for J {
    fn from(v: i64) -> Self {
        J::Int(i128::from(v))
    }
}
impl From<u64> for J {
    fn from(v: u64) -> Self {
        J::Int(i128::from(v))
    }
}
impl From<u32> for J {
    fn from(v: u32) -> Self {
        J::Int(i128::from(v))
    }
}
impl From<usize> for J {
    fn from(v: usize) -> Self {
        J::Int(v as i128)
    }
}
impl From<f64> for J {
    fn from(v: f64) -> Self {
        J::Float(v)
    }
}
impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> Self {
        J::Arr(v)
    }
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> Self {
        v.map_or(J::Null, Into::into)
    }
}

/// A list of strings.
pub fn strings<S: AsRef<str>>(items: &[S]) -> J {
    J::Arr(items.iter().map(|s| J::from(s.as_ref())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_like_python() {
        let value = J::parse(br#"{"b": 1, "a": [7.0, 0.1, null, true], "t": "caf\u00e9 \"x\""}"#)
            .expect("parses");
        assert_eq!(
            value.to_string(),
            r#"{"b": 1, "a": [7.0, 0.1, null, true], "t": "caf\u00e9 \"x\""}"#
        );
        assert_eq!(py_float(1e16, "NaN", "Infinity"), "1e+16");
        assert_eq!(py_float(1e-5, "NaN", "Infinity"), "1e-05");
        assert_eq!(py_float(0.0001, "NaN", "Infinity"), "0.0001");
        assert_eq!(py_float(123.5, "NaN", "Infinity"), "123.5");
        assert_eq!(py_float(-2.0, "NaN", "Infinity"), "-2.0");
        assert_eq!(
            J::parse(b"18446744073709551615").ok(),
            Some(J::Int(18446744073709551615))
        );
    }

    #[test]
    fn repr_like_python() {
        let value = jobj! {"a" => "it's", "b" => J::Null, "c" => true, "d" => 1.5};
        assert_eq!(value.py_repr(), r#"{'a': "it's", 'b': None, 'c': True, 'd': 1.5}"#);
    }

    #[test]
    fn duplicate_keys_keep_the_first_place_and_the_last_value() {
        let value = J::parse(br#"{"x": 1, "y": 2, "x": 3}"#).expect("parses");
        assert_eq!(value.to_string(), r#"{"x": 3, "y": 2}"#);
    }
}
