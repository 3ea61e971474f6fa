//! Prompts as text: the prompt language's syntax picked out in colour, and
//! the names of the style presets a prompt is wrapped in.

mod segments;

use easel_domain::library::UserStyle;
use easel_domain::prompt::styles::find_style;
use leptos::prelude::*;
use uuid::Uuid;

pub use self::segments::{Segment, SegmentKind, segments};

/// A prompt with its `{variables}`, `{a|b}` choices and `__wildcards__`
/// highlighted (plain when it does not parse).
#[component]
pub fn HighlightedPrompt(
    /// The prompt as written.
    text: String,
    /// Classes for the paragraph.
    #[prop(into, optional)]
    class: String,
    /// The data-testid.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    let parts = segments(&text)
        .into_iter()
        .map(|segment| {
            let tone = match segment.kind {
                SegmentKind::Text => return segment.text.into_any(),
                SegmentKind::Variable => "bg-sky-400/10 text-sky-300 ring-sky-400/20",
                SegmentKind::Choice => "bg-amber-400/10 text-amber-200 ring-amber-400/20",
                SegmentKind::Wildcard => "bg-fuchsia-400/10 text-fuchsia-300 ring-fuchsia-400/20",
            };
            view! {
                <mark
                    data-syntax=segment.kind.as_str()
                    class=format!("rounded px-0.5 font-mono text-[0.92em] ring-1 ring-inset {tone}")
                >
                    {segment.text}
                </mark>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <p class=format!("break-words whitespace-pre-wrap {class}") data-testid=testid>{parts}</p>
    }
}

/// The name of a style preset from its id: a built-in style's name, one of
/// `own`'s for `user:<uuid>`, else a generic label.
pub fn style_label(id: &str, own: &[UserStyle]) -> String {
    if let Some(style) = find_style(id) {
        return style.name.to_owned();
    }
    let own_style = id
        .strip_prefix("user:")
        .and_then(|uuid| Uuid::parse_str(uuid).ok())
        .and_then(|uuid| own.iter().find(|style| style.id == uuid));
    match own_style {
        Some(style) => style.name.clone(),
        None if id.starts_with("user:") => "Your style".to_owned(),
        None => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_named_by_their_presets() {
        let mine = UserStyle {
            id: Uuid::nil(),
            name: "Moody".into(),
            category: "Mine".into(),
            positive: "{prompt}, moody".into(),
            negative: String::new(),
        };
        assert_eq!(style_label("anime", &[]), "Anime");
        assert_eq!(
            style_label(&format!("user:{}", Uuid::nil()), &[mine]),
            "Moody"
        );
        assert_eq!(
            style_label(&format!("user:{}", Uuid::max()), &[]),
            "Your style"
        );
        assert_eq!(style_label("gone", &[]), "gone");
    }
}
