//! Resolution: the parsed prompt with its variables filled in and its
//! wildcards replaced by their lists' parsed entries.
//!
//! Everything reachable is resolved up front, whichever options a seed would
//! pick, so an unknown list or a missing variable is reported for every seed
//! alike. Each list is parsed and resolved once and shared.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::ast::{Bracket, Choice, CountSpec, Emphasis, Group, Node, Prompt, Variable, Wildcard};
use super::combinations::{Table, Work};
use super::error::{PromptError, PromptErrorKind, Span};
use super::expand::{MAX_WILDCARD_DEPTH, WildcardLists};
use super::parse::parse;

/// Work allowed to resolve one prompt (nodes visited plus table cells).
const RESOLVE_WORK: u64 = 4_000_000;

/// A resolved prompt: text, sequences and picks only.
#[derive(Debug, Clone)]
pub enum Tree {
    /// Literal text and its length in chars.
    Text(String, usize),
    /// Parts one after another; `total` is the product of their totals.
    Seq(Vec<Tree>, u64),
    /// A choice among options.
    Pick(Pick),
}

/// A group's or a wildcard list's options, and how many to pick.
#[derive(Debug, Clone)]
pub struct Pick {
    /// The options (a list's entries are shared between its uses).
    pub options: Rc<Vec<Tree>>,
    /// Weights in thousandths, one per option; empty when all are equal.
    pub weights: Vec<u64>,
    /// Fewest options to pick, at most `options.len()`.
    pub min: usize,
    /// Most options to pick, at most `options.len()`.
    pub max: usize,
    /// Put between picks.
    pub joiner: String,
    /// The combinations table, when counting.
    pub table: Option<Table>,
}

impl Tree {
    /// How many different ways this tree can come out (saturating); 1 when
    /// resolved without counting.
    pub fn total(&self) -> u64 {
        match self {
            Self::Text(..) => 1,
            Self::Seq(_, total) => *total,
            Self::Pick(pick) => pick
                .table
                .as_ref()
                .map_or(1, |t| t.total(pick.min, pick.max)),
        }
    }

    fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        let chars = text.chars().count();
        Self::Text(text, chars)
    }
}

/// A wildcard list, resolved.
#[derive(Debug)]
struct List {
    entries: Rc<Vec<Tree>>,
    /// How many lists deep it goes, itself included.
    height: usize,
}

/// Resolves `prompt`; with `counting`, also builds the tables that
/// combinatorial expansion needs.
pub fn resolve(
    prompt: &Prompt,
    variables: &BTreeMap<String, String>,
    wildcards: &WildcardLists,
    counting: bool,
) -> Result<Tree, PromptError> {
    let mut resolver = Resolver {
        variables,
        wildcards,
        counting,
        lists: BTreeMap::new(),
        stack: Vec::new(),
        origin: None,
        deepest: 0,
        work: Work::new(RESOLVE_WORK, Span::new(0, prompt.source_chars)),
    };
    resolver.sequence(&prompt.nodes)
}

struct Resolver<'a> {
    variables: &'a BTreeMap<String, String>,
    wildcards: &'a WildcardLists,
    counting: bool,
    lists: BTreeMap<String, Rc<List>>,
    /// The lists being resolved, outermost first.
    stack: Vec<String>,
    /// Inside a list: the `__name__` in the source that led there.
    origin: Option<Span>,
    /// Height of the deepest list met in the list being resolved.
    deepest: usize,
    work: Work,
}

impl Resolver<'_> {
    /// An error at `span`, or, inside a list, at the wildcard that led there.
    fn fail(&self, kind: PromptErrorKind, message: String, span: Span) -> PromptError {
        match (self.origin, self.stack.last()) {
            (Some(origin), Some(list)) => {
                let message = message.trim_end_matches('.');
                origin.error(kind, format!("{message} (in the list `{list}`)."))
            }
            _ => span.error(kind, message),
        }
    }

    fn sequence(&mut self, nodes: &[Node]) -> Result<Tree, PromptError> {
        let mut parts = Vec::with_capacity(nodes.len());
        for node in nodes {
            parts.push(self.node(node)?);
        }
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        let total = parts
            .iter()
            .fold(1, |product: u64, part| product.saturating_mul(part.total()));
        Ok(Tree::Seq(parts, total))
    }

    fn node(&mut self, node: &Node) -> Result<Tree, PromptError> {
        self.work.spend(1)?;
        match node {
            Node::Text(text) => Ok(Tree::text(text.as_str())),
            Node::Variable(variable) => self.variable(variable),
            Node::Wildcard(wildcard) => {
                let list = self.list(wildcard)?;
                self.pick(Rc::clone(&list.entries), Vec::new(), None, ", ")
            }
            Node::Group(group) => self.group(group),
            Node::Emphasis(emphasis) => self.emphasis(emphasis),
        }
    }

    /// A supplied value is used as plain text; a blank one counts as missing.
    fn variable(&mut self, variable: &Variable) -> Result<Tree, PromptError> {
        let value = self
            .variables
            .get(&variable.name)
            .filter(|v| !v.trim().is_empty());
        match (value, &variable.default) {
            (Some(value), _) => Ok(Tree::text(value.as_str())),
            (None, Some(default)) => self.sequence(default),
            (None, None) => Err(self.fail(
                PromptErrorKind::MissingVariable,
                format!(
                    "Fill in a value for `{}`, or give it a default: `{{{}=…}}`.",
                    variable.name, variable.name
                ),
                variable.span,
            )),
        }
    }

    fn group(&mut self, group: &Group) -> Result<Tree, PromptError> {
        if let Some(wildcard) = group.sole_wildcard() {
            let list = self.list(wildcard)?;
            return self.pick(
                Rc::clone(&list.entries),
                Vec::new(),
                group.count,
                &group.joiner,
            );
        }
        let mut options = Vec::with_capacity(group.options.len());
        for choice in &group.options {
            options.push(self.sequence(&choice.nodes)?);
        }
        let weights = weights(&group.options);
        self.pick(Rc::new(options), weights, group.count, &group.joiner)
    }

    fn emphasis(&mut self, emphasis: &Emphasis) -> Result<Tree, PromptError> {
        let (open, close) = match (emphasis.bracket, &emphasis.weight) {
            (Bracket::Round, Some(weight)) => ("(", format!(":{weight})")),
            (Bracket::Round, None) => ("(", ")".to_owned()),
            (Bracket::Square, _) => ("[", "]".to_owned()),
        };
        let inner = self.sequence(&emphasis.children)?;
        let total = inner.total();
        Ok(Tree::Seq(
            vec![Tree::text(open), inner, Tree::text(close)],
            total,
        ))
    }

    fn pick(
        &mut self,
        options: Rc<Vec<Tree>>,
        weights: Vec<u64>,
        count: Option<CountSpec>,
        joiner: &str,
    ) -> Result<Tree, PromptError> {
        let n = options.len();
        let (min, max) = match count {
            None => (1, 1),
            Some(spec) => {
                let max = spec.max.map_or(n, |m| usize::try_from(m).unwrap_or(n));
                (usize::try_from(spec.min).unwrap_or(n).min(n), max.min(n))
            }
        };
        let table = if self.counting {
            let counts = options.iter().map(Tree::total).collect();
            Some(Table::build(counts, max, &mut self.work)?)
        } else {
            None
        };
        Ok(Tree::Pick(Pick {
            options,
            weights,
            min,
            max,
            joiner: joiner.to_owned(),
            table,
        }))
    }

    /// The resolved entries of the list `__name__` refers to.
    fn list(&mut self, wildcard: &Wildcard) -> Result<Rc<List>, PromptError> {
        let name = &wildcard.name;
        if let Some(at) = self.stack.iter().position(|n| n == name) {
            let path = self.stack[at..].join(" → ");
            let message = format!("The list `{name}` refers back to itself: {path} → {name}.");
            return Err(self.fail(PromptErrorKind::WildcardCycle, message, wildcard.span));
        }
        if let Some(list) = self.lists.get(name) {
            let list = Rc::clone(list);
            self.check_depth(list.height, wildcard)?;
            self.deepest = self.deepest.max(list.height);
            return Ok(list);
        }
        let Some(entries) = self.wildcards.get(name) else {
            let message = format!("There is no wildcard list named `{name}`.");
            return Err(self.fail(PromptErrorKind::UnknownWildcard, message, wildcard.span));
        };
        if entries.is_empty() {
            let message = format!("The wildcard list `{name}` has no entries.");
            return Err(self.fail(PromptErrorKind::EmptyWildcardList, message, wildcard.span));
        }
        self.check_depth(1, wildcard)?;
        let list = Rc::new(self.entries(wildcard, entries)?);
        self.lists.insert(name.clone(), Rc::clone(&list));
        Ok(list)
    }

    fn check_depth(&self, height: usize, wildcard: &Wildcard) -> Result<(), PromptError> {
        if self.stack.len() + height <= MAX_WILDCARD_DEPTH {
            return Ok(());
        }
        let message = format!(
            "Wildcards are nested more than {MAX_WILDCARD_DEPTH} lists deep, from `{}`.",
            wildcard.name
        );
        Err(self.fail(PromptErrorKind::TooDeep, message, wildcard.span))
    }

    /// Parses and resolves a list's entries, one level down.
    fn entries(&mut self, wildcard: &Wildcard, entries: &[String]) -> Result<List, PromptError> {
        let saved_origin = self.origin;
        self.origin = Some(saved_origin.unwrap_or(wildcard.span));
        self.stack.push(wildcard.name.clone());
        let saved_deepest = std::mem::take(&mut self.deepest);
        let mut trees = Vec::with_capacity(entries.len());
        for (number, entry) in entries.iter().enumerate() {
            let parsed = parse(entry).map_err(|inner| {
                let message = format!("Entry {} does not parse: {}", number + 1, inner.message);
                self.fail(
                    PromptErrorKind::InvalidWildcardEntry,
                    message,
                    wildcard.span,
                )
            })?;
            trees.push(self.sequence(&parsed.nodes)?);
        }
        let height = self.deepest + 1;
        self.deepest = saved_deepest.max(height);
        self.stack.pop();
        self.origin = saved_origin;
        Ok(List {
            entries: Rc::new(trees),
            height,
        })
    }
}

/// Option weights in thousandths; empty when no option has a weight.
fn weights(options: &[Choice]) -> Vec<u64> {
    if options.iter().all(|c| c.weight.is_none()) {
        return Vec::new();
    }
    // `as` saturates, and the parser only accepts finite, non-negative weights.
    options
        .iter()
        .map(|c| (c.weight.unwrap_or(1.0) * 1000.0).round() as u64)
        .collect()
}
