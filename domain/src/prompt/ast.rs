//! The parsed form of a prompt, and what the editor can ask of it.

use super::error::Span;

/// A parsed prompt: what [`super::parse`] returns.
///
/// Expand it with [`Prompt::expand`], or ask which variables and wildcard
/// lists it needs so the UI can offer inputs for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub(crate) nodes: Vec<Node>,
    /// Length of the source in chars, for errors about the whole prompt.
    pub(crate) source_chars: usize,
}

/// A `{name}` or `{name=default}` found in a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableRef {
    /// The variable's name, e.g. `subject`.
    pub name: String,
    /// The default's source text, as typed (it may hold prompt syntax).
    pub default: Option<String>,
}

/// One piece of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Literal text, escapes of `{`, `}` and `|` already undone (the
    /// AUTOMATIC1111 escapes `\(` `\)` `\[` `\]` `\\` are kept for the backend).
    Text(String),
    /// `{name}` or `{name=default}`.
    Variable(Variable),
    /// `__name__`.
    Wildcard(Wildcard),
    /// `{a|b}`, `{2$$a|b|c}`, `{__list__}`.
    Group(Group),
    /// `(…)`, `(…:1.2)` or `[…]`, kept as written in the output.
    Emphasis(Emphasis),
}

/// `{name}` or `{name=default}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Variable {
    pub name: String,
    pub default: Option<Vec<Node>>,
    /// The default as typed, for [`VariableRef::default`].
    pub default_source: Option<String>,
    pub span: Span,
}

/// `__name__`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Wildcard {
    pub name: String,
    pub span: Span,
}

/// A brace group of options.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    /// How many options to pick; `None` is exactly one.
    pub count: Option<CountSpec>,
    /// Put between several picks; `", "` unless given as `{2$$ and $$…}`.
    pub joiner: String,
    pub options: Vec<Choice>,
    pub span: Span,
}

/// How many options a group picks: `min..=max`, `max: None` meaning all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CountSpec {
    pub min: u32,
    pub max: Option<u32>,
}

/// One option of a group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Choice {
    /// The `0.5` of `{0.5::a|b}`; `None` is weight 1.
    pub weight: Option<f64>,
    pub nodes: Vec<Node>,
}

/// The bracket of an [`Emphasis`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bracket {
    /// `(…)`: ×1.1, or the explicit weight.
    Round,
    /// `[…]`: ÷1.1.
    Square,
}

/// AUTOMATIC1111 attention: `(…)`, `(…:1.2)` or `[…]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Emphasis {
    pub bracket: Bracket,
    pub children: Vec<Node>,
    /// The text after the `:` of `(…:1.2)`, exactly as typed.
    pub weight: Option<String>,
}

impl Group {
    /// The list of `{2$$__animal__}`: a group whose only option is one
    /// wildcard (give or take spaces) picks from that list's entries.
    pub fn sole_wildcard(&self) -> Option<&Wildcard> {
        let [choice] = self.options.as_slice() else {
            return None;
        };
        let mut found = None;
        for node in &choice.nodes {
            match node {
                Node::Wildcard(wildcard) if found.is_none() => found = Some(wildcard),
                Node::Text(text) if text.trim().is_empty() => {}
                _ => return None,
            }
        }
        found
    }
}

impl Prompt {
    /// The variables the prompt uses, first appearance first, each name once
    /// (with the first default given for it). Variables inside defaults and
    /// options are included; those inside wildcard lists are not.
    pub fn variables(&self) -> Vec<VariableRef> {
        let mut found: Vec<VariableRef> = Vec::new();
        visit(&self.nodes, &mut |node| {
            let Node::Variable(variable) = node else {
                return;
            };
            match found.iter_mut().find(|v| v.name == variable.name) {
                Some(known) if known.default.is_none() => {
                    known.default.clone_from(&variable.default_source);
                }
                Some(_) => {}
                None => found.push(VariableRef {
                    name: variable.name.clone(),
                    default: variable.default_source.clone(),
                }),
            }
        });
        found
    }

    /// The wildcard lists the prompt names directly, in order, each once.
    pub fn wildcards(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        visit(&self.nodes, &mut |node| {
            if let Node::Wildcard(wildcard) = node
                && !found.contains(&wildcard.name)
            {
                found.push(wildcard.name.clone());
            }
        });
        found
    }

    /// Whether expanding can give different prompts: the prompt has a group
    /// of options or a wildcard (variables alone do not count).
    pub fn is_dynamic(&self) -> bool {
        let mut dynamic = false;
        visit(&self.nodes, &mut |node| {
            dynamic |= matches!(node, Node::Group(_) | Node::Wildcard(_));
        });
        dynamic
    }
}

/// Calls `f` on every node, depth first, in source order.
fn visit(nodes: &[Node], f: &mut impl FnMut(&Node)) {
    for node in nodes {
        f(node);
        match node {
            Node::Text(_) | Node::Wildcard(_) => {}
            Node::Variable(variable) => {
                if let Some(default) = &variable.default {
                    visit(default, f);
                }
            }
            Node::Group(group) => {
                for choice in &group.options {
                    visit(&choice.nodes, f);
                }
            }
            Node::Emphasis(emphasis) => visit(&emphasis.children, f),
        }
    }
}
