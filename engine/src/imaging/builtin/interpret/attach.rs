//! Attaching modifiers to what they describe: a colour to the next thing in
//! its clause (else the previous one, else the palette), counts and sizes
//! to the next thing, positions to the thing they follow or precede.

use super::{Item, Reading, Target};
use crate::imaging::builtin::color::Rgb;
use crate::imaging::builtin::scene::{Horizontal, NamedColor, Placement, Style, Vertical};
use crate::imaging::builtin::vocab::Word;

/// Attaches colours, shades, sizes, counts and positions to their targets.
pub(super) fn attach_modifiers(items: &[Item], targets: &[Option<Target>], reading: &mut Reading) {
    let mut shade: Option<(&'static str, f32)> = None;
    let mut i = 0;
    while i < items.len() {
        match items[i].meaning {
            Some(Word::Shade(name, amount)) => {
                let next_is_color = matches!(
                    items.get(i + 1).and_then(|n| n.meaning),
                    Some(Word::Color(..))
                );
                if next_is_color {
                    shade = Some((name, amount));
                } else if name == "dark" && !reading.styles.contains(&Style::Moody) {
                    reading.styles.push(Style::Moody);
                }
            }
            Some(Word::Color(name, rgb)) => {
                let color = shaded(name, rgb, shade.take());
                attach_color(items, targets, i, color, reading);
            }
            Some(Word::Count(n)) => {
                if let Some(Target::Object(o)) = find_target(items, targets, i, true, false) {
                    reading.counted[o] = true;
                    let object = &mut reading.objects[o];
                    let plural_word = object.count > 1;
                    if n > 1 || !plural_word {
                        object.count = n;
                    }
                }
            }
            Some(Word::Size(factor)) => {
                if let Some(Target::Object(o)) = find_target(items, targets, i, true, true) {
                    reading.objects[o].scale *= factor;
                }
            }
            Some(Word::Horizontal(_) | Word::Vertical(_) | Word::Corner | Word::Depth(_)) => {
                let end = position_run_end(items, i);
                let placement = read_placement(&items[i..end]);
                if let Some(o) = position_target(items, targets, i, end) {
                    merge_placement(&mut reading.objects[o].placement, placement);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// A colour with its shade applied ("light blue").
fn shaded(name: &str, rgb: Rgb, shade: Option<(&'static str, f32)>) -> NamedColor {
    let (name, rgb) = match shade {
        Some((shade_name, amount)) if amount >= 0.0 => (
            format!("{shade_name} {name}"),
            rgb.lighten(amount).saturate(1.0 + amount * 0.3),
        ),
        Some((shade_name, amount)) => (format!("{shade_name} {name}"), rgb.darken(-amount)),
        None => (name.to_owned(), rgb),
    };
    NamedColor {
        name,
        rgb: rgb.to_bytes(),
    }
}

/// Gives a colour to the first thing after it in its clause, else the
/// nearest before it; a colour with neither tints the palette.
fn attach_color(
    items: &[Item],
    targets: &[Option<Target>],
    at: usize,
    color: NamedColor,
    reading: &mut Reading,
) {
    let clause = items[at].clause;
    let is_free = |target: Target, reading: &Reading| match target {
        Target::Object(o) => reading.objects[o].color.is_none(),
        Target::Sky => reading.sky_color.is_none(),
        Target::Ground => reading.ground_color.is_none(),
    };
    let forward = (at + 1..items.len())
        .take_while(|&j| items[j].clause == clause)
        .find_map(|j| targets[j]);
    let backward = || {
        (0..at)
            .rev()
            .take_while(|&j| items[j].clause == clause)
            .filter_map(|j| targets[j])
            .find(|&t| is_free(t, reading))
    };
    let target = forward.filter(|&t| is_free(t, reading)).or_else(backward);
    match target {
        Some(Target::Object(o)) => reading.objects[o].color = Some(color),
        Some(Target::Sky) => reading.sky_color = Some(color),
        Some(Target::Ground) => reading.ground_color = Some(color),
        None => reading.tints.push(color),
    }
}

/// The object a count or size describes: the next one in the clause, or
/// (when `backward`) the previous one.
fn find_target(
    items: &[Item],
    targets: &[Option<Target>],
    at: usize,
    forward: bool,
    backward: bool,
) -> Option<Target> {
    let clause = items[at].clause;
    let is_object = |j: &usize| matches!(targets[*j], Some(Target::Object(_)));
    let ahead = (at + 1..items.len())
        .take_while(|&j| items[j].clause == clause)
        .find(is_object);
    let behind = (0..at)
        .rev()
        .take_while(|&j| items[j].clause == clause)
        .find(is_object);
    let found = if forward {
        ahead.or(if backward { behind } else { None })
    } else {
        behind
    };
    found.and_then(|j| targets[j])
}

/// The end of a run of position words (and fillers between them) at `start`.
fn position_run_end(items: &[Item], start: usize) -> usize {
    let mut end = start + 1;
    while let Some(item) = items.get(end) {
        match item.meaning {
            Some(Word::Horizontal(_) | Word::Vertical(_) | Word::Corner | Word::Depth(_)) => {
                end += 1
            }
            Some(Word::Filler) if item.clause == items[start].clause => {
                let more = items[end + 1..]
                    .iter()
                    .take_while(|n| n.meaning == Some(Word::Filler))
                    .count();
                let next = items.get(end + 1 + more).and_then(|n| n.meaning);
                if matches!(
                    next,
                    Some(Word::Horizontal(_) | Word::Vertical(_) | Word::Corner | Word::Depth(_))
                ) {
                    end += 1 + more;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    end
}

/// The placement a run of position words describes.
fn read_placement(run: &[Item]) -> Placement {
    let mut placement = Placement::default();
    let mut corner = false;
    for item in run {
        match item.meaning {
            Some(Word::Horizontal(h)) => placement.horizontal = Some(h),
            Some(Word::Vertical(v)) => placement.vertical = Some(v),
            Some(Word::Depth(d)) => placement.depth = Some(d),
            Some(Word::Corner) => corner = true,
            _ => {}
        }
    }
    if corner {
        placement.vertical.get_or_insert(Vertical::Top);
        if placement.horizontal.is_none_or(|h| h == Horizontal::Center) {
            placement.horizontal = Some(Horizontal::Right);
        }
    }
    placement
}

/// The object a position phrase describes: the nearest before it in the
/// clause ("a sun on the left"), else after it ("on the left, a sun"), else
/// the neighbouring clauses.
fn position_target(
    items: &[Item],
    targets: &[Option<Target>],
    start: usize,
    end: usize,
) -> Option<usize> {
    let clause = items[start].clause;
    let object = |j: usize| match targets[j] {
        Some(Target::Object(o)) => Some(o),
        _ => None,
    };
    let before = (0..start)
        .rev()
        .take_while(|&j| items[j].clause == clause)
        .find_map(object);
    let after = || {
        (end..items.len())
            .take_while(|&j| items[j].clause == clause)
            .find_map(object)
    };
    let next_clause = || {
        (end..items.len())
            .take_while(|&j| items[j].clause <= clause + 1)
            .find_map(object)
    };
    let previous_clause = || (0..start).rev().find_map(object);
    before
        .or_else(after)
        .or_else(next_clause)
        .or_else(previous_clause)
}

/// Fills the unset parts of `into` from `from`.
fn merge_placement(into: &mut Placement, from: Placement) {
    into.horizontal = into.horizontal.or(from.horizontal);
    into.vertical = into.vertical.or(from.vertical);
    into.depth = into.depth.or(from.depth);
}
