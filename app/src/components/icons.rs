//! Line icons, drawn on a 24×24 grid with a 1.75 stroke.

use leptos::prelude::*;

/// Which icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    /// A brush over a spark: the studio.
    Studio,
    /// A 2×2 grid of frames: the gallery.
    Gallery,
    /// A page with lines: templates.
    Templates,
    /// A clock: history.
    History,
    /// Three sliders: settings.
    Settings,
    /// An arrow leaving a door: log out.
    LogOut,
    /// Three bars: open the menu.
    Menu,
    /// A cross: close.
    Close,
    /// A warning triangle.
    Alert,
}

/// An inline SVG icon; size and colour come from `class` (it uses
/// `currentColor`).
#[component]
pub fn Icon(kind: IconKind, #[prop(into, optional)] class: String) -> impl IntoView {
    let shapes = match kind {
        IconKind::Studio => view! {
            <path d="M4 20c2.5 0 4-1.5 4-3.5S6.5 13 5 14.5 4 18 4 20z" />
            <path d="M8.5 15.5 18 6a2 2 0 0 0-2.8-2.8L5.7 12.7" />
            <path d="M19 13v4M17 15h4" />
        }
        .into_any(),
        IconKind::Gallery => view! {
            <rect x="3.5" y="3.5" width="7" height="7" rx="1.5" />
            <rect x="13.5" y="3.5" width="7" height="7" rx="1.5" />
            <rect x="3.5" y="13.5" width="7" height="7" rx="1.5" />
            <rect x="13.5" y="13.5" width="7" height="7" rx="1.5" />
        }
        .into_any(),
        IconKind::Templates => view! {
            <path d="M6 3.5h8l4 4v13H6z" />
            <path d="M14 3.5v4h4M9 12h6M9 15.5h6M9 19h3" />
        }
        .into_any(),
        IconKind::History => view! {
            <circle cx="12" cy="12" r="8.5" />
            <path d="M12 7.5V12l3 2" />
        }
        .into_any(),
        IconKind::Settings => view! {
            <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
            <circle cx="15" cy="6" r="2" />
            <circle cx="9" cy="12" r="2" />
            <circle cx="17" cy="18" r="2" />
        }
        .into_any(),
        IconKind::LogOut => view! {
            <path d="M14 4.5H6.5v15H14" />
            <path d="M11 12h9M17 8.5l3.5 3.5-3.5 3.5" />
        }
        .into_any(),
        IconKind::Menu => view! { <path d="M4 7h16M4 12h16M4 17h16" /> }.into_any(),
        IconKind::Close => view! { <path d="M6 6l12 12M18 6 6 18" /> }.into_any(),
        IconKind::Alert => view! {
            <path d="M12 4 2.8 19.5h18.4z" />
            <path d="M12 10v4.5M12 17.2v.1" />
        }
        .into_any(),
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

/// Easel's mark: an easel holding a canvas, on the brand gradient, with the
/// word beside it.
#[component]
pub fn Logo(#[prop(optional)] compact: bool) -> impl IntoView {
    view! {
        <span class="inline-flex items-center gap-2.5">
            <span class="inline-flex size-8 items-center justify-center rounded-lg bg-linear-to-br from-violet-500 via-fuchsia-500 to-amber-400 shadow-lg shadow-fuchsia-500/20">
                <svg viewBox="0 0 32 32" class="size-6" fill="none" stroke="white" stroke-width="2" stroke-linecap="round" aria-hidden="true">
                    <path d="M16 5v3M12 19l-4 9M20 19l4 9M16 19v6" />
                    <rect x="7" y="8" width="18" height="11" rx="1.5" fill="white" fill-opacity="0.92" stroke="none" />
                </svg>
            </span>
            <Show when=move || !compact>
                <span class="text-lg font-semibold tracking-tight text-white">"Easel"</span>
            </Show>
        </span>
    }
}
