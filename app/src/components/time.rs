//! Times, shown in the reader's own time zone.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// How much of a time to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeStyle {
    /// "14:05".
    Clock,
    /// "3 Mar 2026, 14:05".
    Full,
}

/// A `<time>`: UTC when rendered on the server, then the browser's local
/// time once hydrated (the server does not know the reader's zone).
#[component]
pub fn LocalTime(
    /// The instant.
    at: DateTime<Utc>,
    /// How much of it to show.
    #[prop(default = TimeStyle::Full)]
    style: TimeStyle,
    /// Classes for the element.
    #[prop(into, optional)]
    class: String,
) -> impl IntoView {
    let local = RwSignal::new(None::<String>);
    Effect::new(move |_| local.set(local_text(at, style)));
    let utc = utc_text(at, style);
    view! {
        <time datetime=at.to_rfc3339() class=class title=at.format("%Y-%m-%d %H:%M:%S UTC").to_string()>
            {move || local.get().unwrap_or_else(|| utc.clone())}
        </time>
    }
}

fn utc_text(at: DateTime<Utc>, style: TimeStyle) -> String {
    match style {
        TimeStyle::Clock => at.format("%H:%M UTC").to_string(),
        TimeStyle::Full => at.format("%-d %b %Y, %H:%M UTC").to_string(),
    }
}

#[cfg(feature = "hydrate")]
fn local_text(at: DateTime<Utc>, style: TimeStyle) -> Option<String> {
    use leptos::wasm_bindgen::JsValue;
    use leptos::web_sys::js_sys::Date;

    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let clock = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    Some(match style {
        TimeStyle::Clock => clock,
        TimeStyle::Full => format!(
            "{} {} {}, {clock}",
            date.get_date(),
            MONTHS
                .get(date.get_month() as usize)
                .copied()
                .unwrap_or_default(),
            date.get_full_year()
        ),
    })
}

#[cfg(not(feature = "hydrate"))]
fn local_text(_at: DateTime<Utc>, _style: TimeStyle) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_says_utc() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(utc_text(at, TimeStyle::Clock), "00:00 UTC");
        assert_eq!(utc_text(at, TimeStyle::Full), "1 Jan 1970, 00:00 UTC");
    }
}
