//! AUTOMATIC1111 attention syntax, read the way AUTOMATIC1111 reads it,
//! for backends that take plain text and for showing weights in the UI.
//!
//! `(a)` multiplies by 1.1, `(a:1.3)` by 1.3, `[a]` divides by 1.1, nested
//! brackets multiply. An unclosed `(` or `[` weights the rest of the text; a
//! closer with nothing open is dropped. `\(` `\)` `\[` `\]` `\{` `\}` `\|`
//! `\\` are the plain chars. Prompt editing (`[a:b:0.5]`) and alternation
//! (`[a|b]`) are not understood: their text stays, brackets dropped.

use super::tidy::collapse_spaces;

/// Multiplier of `(…)`.
const ROUND: f32 = 1.1;

/// The text without attention brackets or weights, escapes undone, runs of
/// spaces collapsed and the ends trimmed: `"(red fox:1.3) in [snow]"` →
/// `"red fox in snow"`. For backends that do not read weights (OpenAI,
/// Midjourney, the built-in engine).
pub fn strip_weights(text: &str) -> String {
    let plain: String = weighted_terms(text).into_iter().map(|(t, _)| t).collect();
    collapse_spaces(&plain)
}

/// The text cut into runs of equal weight, with the weight of each (the
/// product of the brackets around it). The runs' text, joined, is the text
/// without syntax: `"(red fox:1.3) in [snow]"` → `[("red fox", 1.3),
/// (" in ", 1.0), ("snow", 0.909)]`.
pub fn weighted_terms(text: &str) -> Vec<(String, f32)> {
    let mut tokens = tokenize(text);
    match_brackets(&mut tokens);
    let mut active: Vec<(usize, f32)> = Vec::new();
    let mut terms: Vec<(String, f32)> = Vec::new();
    for (index, token) in tokens.into_iter().enumerate() {
        match token {
            Token::Open { multiplier, .. } => active.push((index, multiplier)),
            Token::Close {
                open: Some(open), ..
            } => active.retain(|(i, _)| *i != open),
            Token::Close { open: None, .. } => {}
            Token::Text(text) => {
                let weight = active.iter().map(|(_, m)| m).product::<f32>();
                match terms.last_mut() {
                    Some((last, w)) if *w == weight => last.push_str(&text),
                    _ => terms.push((text, weight)),
                }
            }
        }
    }
    terms
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Round,
    Square,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Text(String),
    /// `(` or `[`, with the multiplier found once it is matched.
    Open {
        kind: Kind,
        multiplier: f32,
    },
    /// `)`, `]` or `:1.2)`, with the token index of its opener if any.
    Close {
        kind: Kind,
        weight: Option<f32>,
        open: Option<usize>,
    },
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let token = match c {
            '\\' => match chars.get(i + 1) {
                Some(&e @ ('(' | ')' | '[' | ']' | '{' | '}' | '|' | '\\')) => {
                    plain.push(e);
                    i += 2;
                    continue;
                }
                _ => None,
            },
            '(' => Some(open(Kind::Round)),
            '[' => Some(open(Kind::Square)),
            ')' => Some(close(Kind::Round, None)),
            ']' => Some(close(Kind::Square, None)),
            ':' => weight_close(&chars, &mut i),
            _ => None,
        };
        match token {
            Some(token) => {
                if !plain.is_empty() {
                    tokens.push(Token::Text(std::mem::take(&mut plain)));
                }
                tokens.push(token);
            }
            None => plain.push(c),
        }
        i += 1;
    }
    if !plain.is_empty() {
        tokens.push(Token::Text(plain));
    }
    tokens
}

fn open(kind: Kind) -> Token {
    Token::Open {
        kind,
        multiplier: 1.0,
    }
}

fn close(kind: Kind, weight: Option<f32>) -> Token {
    Token::Close {
        kind,
        weight,
        open: None,
    }
}

/// `:\s*[+-]?[.\d]+\s*\)` at `i`, as AUTOMATIC1111 matches it; on a match,
/// moves `i` to the `)`.
fn weight_close(chars: &[char], i: &mut usize) -> Option<Token> {
    let mut j = *i + 1;
    let skip_spaces = |j: &mut usize| {
        while chars.get(*j).is_some_and(|c| c.is_whitespace()) {
            *j += 1;
        }
    };
    skip_spaces(&mut j);
    let from = j;
    if matches!(chars.get(j), Some('+' | '-')) {
        j += 1;
    }
    while chars
        .get(j)
        .is_some_and(|c| c.is_ascii_digit() || *c == '.')
    {
        j += 1;
    }
    let number: String = chars[from..j].iter().collect();
    skip_spaces(&mut j);
    if chars.get(j) != Some(&')') {
        return None;
    }
    let weight = number.parse::<f32>().ok().filter(|w| w.is_finite())?;
    *i = j;
    Some(close(Kind::Round, Some(weight)))
}

/// Pairs closers with openers (round and square separately, as
/// AUTOMATIC1111 does) and sets each opener's multiplier.
fn match_brackets(tokens: &mut [Token]) {
    let mut round: Vec<usize> = Vec::new();
    let mut square: Vec<usize> = Vec::new();
    let mut multipliers: Vec<(usize, f32)> = Vec::new();
    for (index, token) in tokens.iter_mut().enumerate() {
        match token {
            Token::Open {
                kind: Kind::Round, ..
            } => round.push(index),
            Token::Open {
                kind: Kind::Square, ..
            } => square.push(index),
            Token::Close { kind, weight, open } => {
                let stack = match kind {
                    Kind::Round => &mut round,
                    Kind::Square => &mut square,
                };
                if let Some(opener) = stack.pop() {
                    let multiplier = match kind {
                        Kind::Round => weight.unwrap_or(ROUND),
                        Kind::Square => 1.0 / ROUND,
                    };
                    *open = Some(opener);
                    multipliers.push((opener, multiplier));
                }
            }
            Token::Text(_) => {}
        }
    }
    // Left open: weights the rest of the text.
    multipliers.extend(round.into_iter().map(|i| (i, ROUND)));
    multipliers.extend(square.into_iter().map(|i| (i, 1.0 / ROUND)));
    for (index, value) in multipliers {
        if let Some(Token::Open { multiplier, .. }) = tokens.get_mut(index) {
            *multiplier = value;
        }
    }
}
