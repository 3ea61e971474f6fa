//! The parser: one pass over the chars, recursive descent over the
//! brackets, never panicking whatever the input.

mod group;

use super::ast::{Bracket, Emphasis, Node, Prompt, Wildcard};
use super::error::{PromptError, PromptErrorKind, Span};

/// Deepest nesting of `{`, `(` and `[` accepted. Real prompts stay far below;
/// the bound keeps the recursion (here and in expansion) off the stack limit
/// of a browser.
pub const MAX_NESTING: usize = 32;

/// Parses a prompt, checking its syntax. See [the module docs](super) for
/// the language.
pub fn parse(source: &str) -> Result<Prompt, PromptError> {
    let chars: Vec<char> = source.chars().collect();
    let mut parser = Parser {
        chars: &chars,
        pos: 0,
        open: Vec::new(),
    };
    // At the top level nothing is open, so a sequence only ends at the end
    // of the input (a stray closer is an error).
    let parsed = parser.sequence()?;
    Ok(Prompt {
        nodes: parsed.nodes,
        source_chars: chars.len(),
    })
}

/// An open bracket the parser is inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opener {
    Brace,
    Round,
    Square,
}

impl Opener {
    fn open_char(self) -> char {
        match self {
            Self::Brace => '{',
            Self::Round => '(',
            Self::Square => '[',
        }
    }

    fn close_char(self) -> char {
        match self {
            Self::Brace => '}',
            Self::Round => ')',
            Self::Square => ']',
        }
    }

    fn closed_by(c: char) -> Option<Self> {
        match c {
            '}' => Some(Self::Brace),
            ')' => Some(Self::Round),
            ']' => Some(Self::Square),
            _ => None,
        }
    }
}

/// Why a sequence ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The input ran out.
    End,
    /// The innermost open bracket was closed.
    Close,
    /// A `|` directly inside braces: the next option starts.
    Bar,
}

/// A parsed run of nodes.
struct Parsed {
    nodes: Vec<Node>,
    /// Where the last node's text began in the source, when the run ends
    /// with text (an `(…:1.2)` weight is looked for there).
    trailing_text_from: Option<usize>,
    stop: Stop,
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// The brackets we are inside, innermost last, with their positions.
    open: Vec<(Opener, usize)>,
}

/// Collects nodes, merging neighbouring text into one node.
#[derive(Default)]
struct Collector {
    nodes: Vec<Node>,
    text: String,
    text_from: Option<usize>,
}

impl Collector {
    fn push_char(&mut self, c: char, at: usize) {
        self.text_from.get_or_insert(at);
        self.text.push(c);
    }

    fn push_node(&mut self, node: Node) {
        self.flush();
        self.nodes.push(node);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.nodes.push(Node::Text(std::mem::take(&mut self.text)));
        }
        self.text_from = None;
    }

    fn finish(mut self, stop: Stop) -> Parsed {
        let trailing_text_from = if self.text.is_empty() {
            None
        } else {
            self.text_from
        };
        self.flush();
        Parsed {
            nodes: self.nodes,
            trailing_text_from,
            stop,
        }
    }
}

/// Chars a wildcard name may hold.
fn is_wildcard_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/')
}

impl Parser<'_> {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    /// Parses nodes up to the end of the input, the innermost closer, or
    /// (directly inside braces) a `|`, consuming that closer or `|`.
    fn sequence(&mut self) -> Result<Parsed, PromptError> {
        let mut out = Collector::default();
        while let Some(c) = self.peek(0) {
            let at = self.pos;
            match c {
                '\\' => self.escape(&mut out),
                '{' => out.push_node(self.group()?),
                '(' => out.push_node(self.emphasis(Bracket::Round)?),
                '[' => out.push_node(self.emphasis(Bracket::Square)?),
                '}' | ')' | ']' => {
                    self.check_closer(c)?;
                    self.pos += 1;
                    return Ok(out.finish(Stop::Close));
                }
                '|' if matches!(self.open.last(), Some((Opener::Brace, _))) => {
                    self.pos += 1;
                    return Ok(out.finish(Stop::Bar));
                }
                '_' => match self.wildcard() {
                    Some(wildcard) => out.push_node(wildcard),
                    None => {
                        out.push_char('_', at);
                        self.pos += 1;
                    }
                },
                _ => {
                    out.push_char(c, at);
                    self.pos += 1;
                }
            }
        }
        Ok(out.finish(Stop::End))
    }

    /// `\{ \} \|` become the plain char; `\( \) \[ \] \\` stay escaped for
    /// the backend; any other backslash is a literal backslash.
    fn escape(&mut self, out: &mut Collector) {
        let at = self.pos;
        match self.peek(1) {
            Some(c @ ('{' | '}' | '|')) => {
                out.push_char(c, at);
                self.pos += 2;
            }
            Some(c @ ('(' | ')' | '[' | ']' | '\\')) => {
                out.push_char('\\', at);
                out.push_char(c, at);
                self.pos += 2;
            }
            _ => {
                out.push_char('\\', at);
                self.pos += 1;
            }
        }
    }

    /// A closer is fine if it closes the innermost bracket. If it closes an
    /// outer one, the innermost was left open; otherwise it closes nothing.
    fn check_closer(&self, c: char) -> Result<(), PromptError> {
        let closes = Opener::closed_by(c);
        match self.open.last() {
            Some(&(inner, _)) if Some(inner) == closes => Ok(()),
            Some(&(inner, at)) if self.open.iter().any(|(o, _)| Some(*o) == closes) => {
                Err(unclosed(inner, at))
            }
            _ => {
                let opener = closes.map_or('?', Opener::open_char);
                Err(Span::new(self.pos, self.pos + 1).error(
                    PromptErrorKind::Unopened,
                    format!("This `{c}` has no matching `{opener}`."),
                ))
            }
        }
    }

    /// Steps into a bracket, refusing to nest too deep.
    fn enter(&mut self, opener: Opener) -> Result<(), PromptError> {
        if self.open.len() >= MAX_NESTING {
            return Err(Span::new(self.pos, self.pos + 1).error(
                PromptErrorKind::TooDeep,
                format!("Brackets are nested more than {MAX_NESTING} deep here."),
            ));
        }
        self.open.push((opener, self.pos));
        self.pos += 1;
        Ok(())
    }

    /// `(…)`, `(…:1.2)` or `[…]`.
    fn emphasis(&mut self, bracket: Bracket) -> Result<Node, PromptError> {
        let opener = match bracket {
            Bracket::Round => Opener::Round,
            Bracket::Square => Opener::Square,
        };
        let start = self.pos;
        self.enter(opener)?;
        let mut parsed = self.sequence()?;
        if parsed.stop != Stop::Close {
            return Err(unclosed(opener, start));
        }
        self.open.pop();
        let weight = match (bracket, parsed.trailing_text_from) {
            (Bracket::Round, Some(from)) => self.weight_suffix(&mut parsed.nodes, from)?,
            _ => None,
        };
        Ok(Node::Emphasis(Emphasis {
            bracket,
            children: parsed.nodes,
            weight,
        }))
    }

    /// Finds the `:1.2` before the `)` just consumed, as AUTOMATIC1111 does:
    /// after the last `:` of the trailing text, if what follows looks like a
    /// number. Text such as `(a:b)` has no weight.
    fn weight_suffix(
        &self,
        nodes: &mut Vec<Node>,
        from: usize,
    ) -> Result<Option<String>, PromptError> {
        let close = self.pos - 1;
        let text = &self.chars[from..close];
        let Some(colon) = text.iter().rposition(|&c| c == ':').map(|i| from + i) else {
            return Ok(None);
        };
        let suffix: String = self.chars[colon + 1..close].iter().collect();
        let number = suffix.trim();
        if !number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '+' | '-'))
        {
            return Ok(None);
        }
        if !number.parse::<f32>().is_ok_and(f32::is_finite) {
            let message = if number.is_empty() {
                "Put a weight after `:`, such as `(red fox:1.2)`.".to_owned()
            } else {
                format!("`{number}` is not a weight; write a number such as `(red fox:1.2)`.")
            };
            return Err(Span::new(colon, close).error(PromptErrorKind::InvalidWeight, message));
        }
        if let Some(Node::Text(last)) = nodes.last_mut()
            && let Some(cut) = last.rfind(':')
        {
            last.truncate(cut);
            if last.is_empty() {
                nodes.pop();
            }
        }
        Ok(Some(suffix))
    }

    /// `__name__` at the cursor, if there is one. The name runs to the first
    /// `__` after it and may not start with `_`.
    fn wildcard(&mut self) -> Option<Node> {
        let start = self.pos;
        let first = self.peek(2)?;
        if self.peek(1) != Some('_') || first == '_' || !is_wildcard_char(first) {
            return None;
        }
        let mut end = start + 2;
        while let Some(&c) = self.chars.get(end) {
            if !is_wildcard_char(c) {
                return None;
            }
            if c == '_' && self.chars.get(end + 1) == Some(&'_') {
                let name = self.chars[start + 2..end].iter().collect();
                self.pos = end + 2;
                return Some(Node::Wildcard(Wildcard {
                    name,
                    span: Span::new(start, self.pos),
                }));
            }
            end += 1;
        }
        None
    }
}

/// "This `(` is never closed."
fn unclosed(opener: Opener, at: usize) -> PromptError {
    Span::new(at, at + 1).error(
        PromptErrorKind::Unclosed,
        format!(
            "This `{}` is never closed; add a `{}` or escape it as `\\{}`.",
            opener.open_char(),
            opener.close_char(),
            opener.open_char()
        ),
    )
}
