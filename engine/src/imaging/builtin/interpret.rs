//! From prompt text to a [`Scene`]: tokenising, attaching colours, sizes,
//! counts and positions to the things they describe, and the negative
//! prompt's exclusions. The setting's defaults are filled in by
//! [`super::defaults`].

mod attach;

use attach::attach_modifiers;

use super::rng::hash_str;
use super::scene::{
    NamedColor, ObjectKind, Placement, Scene, SceneObject, Season, Setting, Style, TimeOfDay,
    Weather,
};
use super::vocab::{PHRASES, Word, classify};

/// A classified token with the clause it belongs to.
#[derive(Debug, Clone)]
struct Item {
    text: String,
    meaning: Option<Word>,
    clause: usize,
}

/// Splits text into lowercase words; punctuation becomes a clause break
/// (`None`). Prompt weights like `(castle:1.2)` lose their numbers.
fn tokenize(text: &str) -> Vec<Option<String>> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let flush = |word: &mut String, tokens: &mut Vec<Option<String>>| {
        let w = word.trim_matches('\'').trim_end_matches("'s").to_owned();
        // Drop decimal numbers: they are prompt weights, not counts.
        if !w.is_empty() && !w.contains('.') {
            tokens.push(Some(w));
        }
        word.clear();
    };
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = |c: char| {
            i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
                && c == '.'
        };
        if c.is_alphanumeric() || c == '\'' || between_digits(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut tokens);
            if ",;.!?:()[]{}|\n".contains(c) {
                tokens.push(None);
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// Merges the multi-word phrases the vocabulary knows into single tokens.
fn merge_phrases(tokens: Vec<Option<String>>) -> Vec<Option<String>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'outer: while i < tokens.len() {
        for (phrase, merged) in PHRASES {
            let matches = phrase.len() <= tokens.len() - i
                && phrase
                    .iter()
                    .zip(&tokens[i..])
                    .all(|(p, t)| t.as_deref() == Some(*p));
            if matches {
                out.push(Some((*merged).to_owned()));
                i += phrase.len();
                continue 'outer;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// Tokenises and classifies a prompt.
fn items(text: &str) -> Vec<Item> {
    let mut clause = 0;
    let mut items = Vec::new();
    for token in merge_phrases(tokenize(text)) {
        let Some(text) = token else {
            clause += 1;
            continue;
        };
        let meaning = classify(&text);
        if meaning == Some(Word::Break) {
            clause += 1;
            continue;
        }
        items.push(Item {
            text,
            meaning,
            clause,
        });
    }
    items
}

/// Something a colour can belong to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Object(usize),
    Sky,
    Ground,
}

/// The positive prompt's reading before defaults.
#[derive(Debug, Default)]
pub(crate) struct Reading {
    pub(crate) setting: Option<Setting>,
    pub(crate) time: Option<TimeOfDay>,
    pub(crate) weather: Option<Weather>,
    pub(crate) objects: Vec<SceneObject>,
    pub(crate) sky_color: Option<NamedColor>,
    pub(crate) ground_color: Option<NamedColor>,
    pub(crate) tints: Vec<NamedColor>,
    pub(crate) styles: Vec<Style>,
    pub(crate) unknown_words: Vec<String>,
    pub(crate) season: Option<Season>,
    /// A winter word came with another setting ("winter forest").
    pub(crate) snowy: bool,
    /// Which objects a number or article was attached to.
    counted: Vec<bool>,
}

/// Reads the positive prompt.
pub(crate) fn read_prompt(prompt: &str) -> Reading {
    let items = items(prompt);
    let mut reading = Reading::default();
    // Which object each item created, if any.
    let mut targets: Vec<Option<Target>> = vec![None; items.len()];
    for (i, item) in items.iter().enumerate() {
        match item.meaning {
            Some(Word::Object(kind, plural)) => {
                targets[i] = Some(Target::Object(reading.objects.len()));
                reading.objects.push(SceneObject {
                    kind,
                    color: None,
                    count: if plural { kind.plural_count() } else { 1 },
                    scale: 1.0,
                    placement: Placement::default(),
                    implied: false,
                });
            }
            Some(Word::Sky) => targets[i] = Some(Target::Sky),
            Some(Word::Ground) => targets[i] = Some(Target::Ground),
            Some(Word::Setting(setting)) => {
                // Winter is a look as much as a place: "winter forest" is a
                // snowy forest.
                match reading.setting {
                    None => reading.setting = Some(setting),
                    Some(Setting::Winter) if setting != Setting::Winter => {
                        reading.setting = Some(setting);
                        reading.snowy = true;
                    }
                    Some(_) if setting == Setting::Winter => reading.snowy = true,
                    Some(_) => {}
                }
                if setting == Setting::Meadow {
                    targets[i] = Some(Target::Ground);
                }
            }
            Some(Word::Season(season)) => {
                reading.season.get_or_insert(season);
            }
            Some(Word::Time(time)) => {
                reading.time.get_or_insert(time);
            }
            Some(Word::Weather(weather)) => {
                reading.weather.get_or_insert(weather);
            }
            Some(Word::Style(style)) if !reading.styles.contains(&style) => {
                reading.styles.push(style);
            }
            None if item.text.chars().any(char::is_alphabetic) => {
                reading.unknown_words.push(item.text.clone());
            }
            _ => {}
        }
    }
    reading.counted = vec![false; reading.objects.len()];
    attach_modifiers(&items, &targets, &mut reading);
    for (item, target) in items.iter().zip(&targets) {
        if let Some(Target::Object(o)) = target
            && reading.objects[*o].color.is_none()
            && let Some(name) = inherent_color(&item.text)
            && let Some(rgb) = super::color::named_color(name)
        {
            reading.objects[*o].color = Some(NamedColor {
                name: name.to_owned(),
                rgb: rgb.to_bytes(),
            });
        }
    }
    // "fish" is its own plural: without a number it means several.
    for (object, counted) in reading.objects.iter_mut().zip(&reading.counted) {
        if object.kind == ObjectKind::Fish && !counted {
            object.count = object.kind.plural_count();
        }
    }
    reading
}

/// The colour some words imply ("sunflowers" are yellow) unless a colour is named.
fn inherent_color(word: &str) -> Option<&'static str> {
    match word {
        "sunflower" | "sunflowers" | "taxi" | "lemon" => Some("yellow"),
        "rose" | "roses" | "poppy" | "poppies" => Some("red"),
        "crow" => Some("black"),
        _ => None,
    }
}

/// What a negative prompt excludes.
#[derive(Debug, Default)]
pub(crate) struct Exclusions {
    pub(crate) objects: Vec<ObjectKind>,
    pub(crate) colors: Vec<NamedColor>,
    pub(crate) styles: Vec<Style>,
    pub(crate) weather: Vec<Weather>,
    pub(crate) times: Vec<TimeOfDay>,
    pub(crate) sky: bool,
}

/// Reads a negative prompt.
pub(crate) fn read_negative(negative: &str) -> Exclusions {
    let mut out = Exclusions::default();
    for item in items(negative) {
        match item.meaning {
            Some(Word::Object(kind, _)) if !out.objects.contains(&kind) => out.objects.push(kind),
            Some(Word::Color(name, rgb)) => out.colors.push(NamedColor {
                name: name.to_owned(),
                rgb: rgb.to_bytes(),
            }),
            Some(Word::Style(style)) => out.styles.push(style),
            Some(Word::Shade("dark", _)) => out.styles.push(Style::Moody),
            Some(Word::Weather(weather)) => out.weather.push(weather),
            Some(Word::Time(time)) => out.times.push(time),
            Some(Word::Sky) => out.sky = true,
            _ => {}
        }
    }
    out
}

/// Reads both prompts into a scene with the setting's defaults filled in.
pub(crate) fn interpret(prompt: &str, negative_prompt: &str) -> Scene {
    let reading = read_prompt(prompt);
    let exclusions = read_negative(negative_prompt);
    let variation = if reading.unknown_words.is_empty() {
        0
    } else {
        hash_str(&reading.unknown_words.join(" "))
    };
    super::defaults::complete(reading, exclusions, variation)
}
