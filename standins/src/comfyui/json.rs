//! JSON as ComfyUI's Python sees it: objects keep their key order (a
//! `dict`), integers and floats stay distinct (`7` vs `7.0`), and text is
//! written the way `json.dumps` writes it (`", "` and `": "` separators,
//! non-ASCII escaped). Submitted graphs are parsed into [`J`] so that the
//! execution order, which depends on the order of a node's inputs, follows
//! the order the client sent.

mod text;

use std::fmt;

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
        text::write_repr(&mut out, self);
        out
    }
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
    use text::py_float;

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
        assert_eq!(
            value.py_repr(),
            r#"{'a': "it's", 'b': None, 'c': True, 'd': 1.5}"#
        );
    }

    #[test]
    fn duplicate_keys_keep_the_first_place_and_the_last_value() {
        let value = J::parse(br#"{"x": 1, "y": 2, "x": 3}"#).expect("parses");
        assert_eq!(value.to_string(), r#"{"x": 3, "y": 2}"#);
    }
}
