//! Node definitions: what `/object_info` shows and what validation and
//! execution read (input kinds, ranges, choices, return types).
//!
//! `KSampler`, `LoadImage` and `EmptyImage` are copied from the golden
//! traces; the others follow ComfyUI 0.8.0's `nodes.py` as read
//! (**unverified** for tooltips and descriptions not in the traces).

mod catalog;

use super::json::{J, jobj, strings};

pub use catalog::catalog;

/// What an input accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    /// `INT`.
    Int,
    /// `FLOAT`.
    Float,
    /// `STRING`.
    Text,
    /// One of these values (a combo).
    Combo(Vec<String>),
    /// A link from an output of this type (`MODEL`, `IMAGE` ...).
    Link(&'static str),
}

impl InputKind {
    /// The type as `/object_info` and error bodies show it.
    pub fn as_json(&self) -> J {
        match self {
            InputKind::Int => J::from("INT"),
            InputKind::Float => J::from("FLOAT"),
            InputKind::Text => J::from("STRING"),
            InputKind::Combo(values) => strings(values),
            InputKind::Link(kind) => J::from(*kind),
        }
    }

    /// The type's name in messages (`INT`, `MODEL`; combos have none).
    pub fn name(&self) -> String {
        match self {
            InputKind::Combo(values) => format!("{values:?}"),
            other => other.as_json().as_str().unwrap_or_default().to_owned(),
        }
    }
}

/// One input of a node.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    /// Its name.
    pub name: &'static str,
    /// What it accepts.
    pub kind: InputKind,
    /// Its options (`default`, `min`, `max`, `tooltip` ...), if any.
    pub config: Option<J>,
}

impl InputSpec {
    /// An option's value.
    pub fn option(&self, key: &str) -> Option<&J> {
        self.config.as_ref().and_then(|c| c.get(key))
    }

    /// `(input_type, extra_info)` as validation errors show it.
    pub fn info(&self) -> J {
        J::Arr(vec![
            self.kind.as_json(),
            self.config.clone().unwrap_or(J::Obj(Vec::new())),
        ])
    }

    fn entry(&self) -> J {
        let mut entry = vec![self.kind.as_json()];
        if let Some(config) = &self.config {
            entry.push(config.clone());
        }
        J::Arr(entry)
    }
}

/// A node class.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDef {
    /// The class name (`class_type`).
    pub name: &'static str,
    /// Its display name.
    pub display_name: &'static str,
    /// Its description.
    pub description: &'static str,
    /// Its menu category.
    pub category: &'static str,
    /// The Python module it comes from.
    pub python_module: &'static str,
    /// Required inputs, in order.
    pub required: Vec<InputSpec>,
    /// Optional inputs, in order.
    pub optional: Vec<InputSpec>,
    /// Hidden inputs: `(name, kind)` such as `("prompt", "PROMPT")`.
    pub hidden: Vec<(&'static str, &'static str)>,
    /// Return types.
    pub outputs: Vec<&'static str>,
    /// Whether it is an output node (`OUTPUT_NODE`).
    pub output_node: bool,
    /// Tooltips of the outputs, where the class has them.
    pub output_tooltips: Option<Vec<&'static str>>,
    /// Whether it validates its `image` input itself (`VALIDATE_INPUTS`:
    /// the file must exist in `input/`).
    pub validates_image: bool,
}

impl NodeDef {
    /// A node with no inputs or outputs yet.
    pub fn new(name: &'static str, display_name: &'static str, category: &'static str) -> Self {
        Self {
            name,
            display_name,
            description: "",
            category,
            python_module: "nodes",
            required: Vec::new(),
            optional: Vec::new(),
            hidden: Vec::new(),
            outputs: Vec::new(),
            output_node: false,
            output_tooltips: None,
            validates_image: false,
        }
    }

    /// An input by name, with whether it is required.
    pub fn input(&self, name: &str) -> Option<(&InputSpec, bool)> {
        self.required
            .iter()
            .find(|i| i.name == name)
            .map(|i| (i, true))
            .or_else(|| {
                self.optional
                    .iter()
                    .find(|i| i.name == name)
                    .map(|i| (i, false))
            })
    }

    /// The node's `/object_info` entry.
    pub fn object_info(&self) -> J {
        let section = |inputs: &[InputSpec]| {
            J::Obj(
                inputs
                    .iter()
                    .map(|i| (i.name.to_owned(), i.entry()))
                    .collect(),
            )
        };
        let names = |inputs: &[InputSpec]| J::Arr(inputs.iter().map(|i| J::from(i.name)).collect());
        let mut input = jobj! {"required" => section(&self.required)};
        let mut order = jobj! {"required" => names(&self.required)};
        if !self.optional.is_empty() {
            input.insert("optional", section(&self.optional));
            order.insert("optional", names(&self.optional));
        }
        if !self.hidden.is_empty() {
            let hidden = self
                .hidden
                .iter()
                .map(|(name, kind)| ((*name).to_owned(), J::from(*kind)))
                .collect();
            input.insert("hidden", J::Obj(hidden));
            order.insert(
                "hidden",
                strings(&self.hidden.iter().map(|h| h.0).collect::<Vec<_>>()),
            );
        }
        let mut info = jobj! {
            "input" => input,
            "input_order" => order,
            "output" => strings(&self.outputs),
            "output_is_list" => J::Arr(self.outputs.iter().map(|_| J::Bool(false)).collect()),
            "output_name" => strings(&self.outputs),
            "name" => self.name,
            "display_name" => self.display_name,
            "description" => self.description,
            "python_module" => self.python_module,
            "category" => self.category,
            "output_node" => self.output_node,
        };
        if let Some(tooltips) = &self.output_tooltips {
            info.insert("output_tooltips", strings(tooltips));
        }
        info
    }
}

/// The lists that change while the server runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    /// `models/checkpoints`.
    pub checkpoints: Vec<String>,
    /// `models/upscale_models`.
    pub upscale_models: Vec<String>,
    /// Image files in `input/`, sorted.
    pub input_images: Vec<String>,
}

/// The definition of `class_type`, if the server has it.
pub fn lookup(class_type: &str, lists: &Lists) -> Option<NodeDef> {
    catalog(lists).into_iter().find(|n| n.name == class_type)
}

/// The scale an upscale model's file name announces (`4x-UltraSharp`,
/// `RealESRGAN_x2plus`), else 4.
pub fn upscale_model_scale(name: &str) -> u32 {
    let lower = name.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != b'x' {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| bytes.get(j)).copied();
        let after = bytes.get(i + 1).copied();
        if let Some(d) = before.filter(u8::is_ascii_digit)
            && (i < 2 || !bytes[i - 2].is_ascii_alphanumeric())
        {
            return u32::from(d - b'0').max(1);
        }
        if let Some(d) = after.filter(u8::is_ascii_digit) {
            return u32::from(d - b'0').max(1);
        }
    }
    4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upscale_scales_come_from_names() {
        assert_eq!(upscale_model_scale("4x-UltraSharp.pth"), 4);
        assert_eq!(upscale_model_scale("RealESRGAN_x2plus.pth"), 2);
        assert_eq!(upscale_model_scale("2x_foo.safetensors"), 2);
        assert_eq!(upscale_model_scale("plain.pth"), 4);
    }
}
