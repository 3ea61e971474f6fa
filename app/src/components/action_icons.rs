//! Small line icons for buttons (the same 24×24 grid and 1.75 stroke as
//! [`Icon`](crate::components::icons::Icon)).

use leptos::prelude::*;

/// Which action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionIconKind {
    /// A die: roll a random seed.
    Dice,
    /// A spark: generate.
    Sparkles,
    /// Two arrows in a circle: remix, reuse.
    Remix,
    /// An arrow into a tray: download.
    Download,
    /// A bin: delete.
    Trash,
    /// Two sheets: copy.
    Copy,
    /// A tick: done.
    Check,
    /// An arrow pointing left: back.
    ArrowLeft,
    /// A circle with a bar: cancel.
    Stop,
    /// A picture frame: an image.
    Photo,
    /// A five-pointed star: starred, or star it.
    Star,
    /// A pencil: edit.
    Pencil,
    /// A plus: add, create.
    Plus,
    /// A magnifying glass: search.
    Search,
    /// A triangle pointing right: run.
    Play,
    /// A chevron pointing down: expand.
    ChevronDown,
}

/// An inline SVG; size and colour come from `class`.
#[component]
pub fn ActionIcon(kind: ActionIconKind, #[prop(into, optional)] class: String) -> impl IntoView {
    let shapes = match kind {
        ActionIconKind::Dice => view! {
            <rect x="4" y="4" width="16" height="16" rx="3" />
            <path d="M8.5 8.5h.01M15.5 8.5h.01M12 12h.01M8.5 15.5h.01M15.5 15.5h.01" stroke-width="2.5" />
        }
        .into_any(),
        ActionIconKind::Sparkles => view! {
            <path d="M10 3.5 11.6 8.4 16.5 10l-4.9 1.6L10 16.5 8.4 11.6 3.5 10l4.9-1.6z" />
            <path d="M18 14.5l.8 2.2 2.2.8-2.2.8-.8 2.2-.8-2.2-2.2-.8 2.2-.8z" />
        }
        .into_any(),
        ActionIconKind::Remix => view! {
            <path d="M4.5 10a7.5 7.5 0 0 1 13.2-4.2L20 8" />
            <path d="M20 3.5V8h-4.5" />
            <path d="M19.5 14a7.5 7.5 0 0 1-13.2 4.2L4 16" />
            <path d="M4 20.5V16h4.5" />
        }
        .into_any(),
        ActionIconKind::Download => view! {
            <path d="M12 4v11M7.5 10.5 12 15l4.5-4.5" />
            <path d="M4.5 15.5v3a1.5 1.5 0 0 0 1.5 1.5h12a1.5 1.5 0 0 0 1.5-1.5v-3" />
        }
        .into_any(),
        ActionIconKind::Trash => view! {
            <path d="M4.5 6.5h15M9.5 6.5V4.5h5v2M6.5 6.5l.8 12.2a1.5 1.5 0 0 0 1.5 1.3h6.4a1.5 1.5 0 0 0 1.5-1.3l.8-12.2" />
            <path d="M10 10.5v6M14 10.5v6" />
        }
        .into_any(),
        ActionIconKind::Copy => view! {
            <rect x="8.5" y="8.5" width="11" height="11" rx="2" />
            <path d="M15.5 8.5V6a1.5 1.5 0 0 0-1.5-1.5H6A1.5 1.5 0 0 0 4.5 6v8A1.5 1.5 0 0 0 6 15.5h2.5" />
        }
        .into_any(),
        ActionIconKind::Check => view! { <path d="M5 12.5l4.5 4.5L19 7.5" /> }.into_any(),
        ActionIconKind::ArrowLeft => view! { <path d="M19 12H5M10.5 6.5 5 12l5.5 5.5" /> }.into_any(),
        ActionIconKind::Stop => view! {
            <circle cx="12" cy="12" r="8.5" />
            <path d="M9 9l6 6M15 9l-6 6" />
        }
        .into_any(),
        ActionIconKind::Photo => view! {
            <rect x="3.5" y="4.5" width="17" height="15" rx="2" />
            <circle cx="9" cy="9.5" r="1.5" />
            <path d="M20.5 15.5 15 10.5l-9 9" />
        }
        .into_any(),
        ActionIconKind::Star => view! {
            <path d="M12 3.8l2.5 5.1 5.6.8-4 3.9.9 5.6-5-2.6-5 2.6.9-5.6-4-3.9 5.6-.8z" />
        }
        .into_any(),
        ActionIconKind::Pencil => view! {
            <path d="M4.5 19.5l1-4L16 5a2 2 0 0 1 2.8 0l.2.2a2 2 0 0 1 0 2.8L8.5 18.5z" />
            <path d="M14 7l3 3" />
        }
        .into_any(),
        ActionIconKind::Plus => view! { <path d="M12 5v14M5 12h14" /> }.into_any(),
        ActionIconKind::Search => view! {
            <circle cx="11" cy="11" r="6.5" />
            <path d="M20 20l-4.2-4.2" />
        }
        .into_any(),
        ActionIconKind::Play => view! { <path d="M8 5.5v13l10.5-6.5z" /> }.into_any(),
        ActionIconKind::ChevronDown => view! { <path d="m6.5 9.5 5.5 5.5 5.5-5.5" /> }.into_any(),
    };
    view! {
        <svg
            class=class
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="1.75"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            {shapes}
        </svg>
    }
}
