//! Wildcard lists: named lists of entries a prompt draws from with
//! `__name__`. Create, replace (saving under the same name) and delete.

use easel_domain::library::WildcardList;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{LoadError, Loading, NewButton, Panel};
use crate::api::library::{delete_wildcards, list_wildcards, save_wildcards};
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::confirm::InlineConfirm;
use crate::components::form::{FormAlert, SubmitButton};
use crate::components::signal_form::{BoundInput, BoundTextArea, FormProblems};

/// The fields the form has a place for.
const FIELDS: &[&str] = &["name", "entries"];

/// How many entries a card previews.
const PREVIEWED: usize = 6;

/// The form's fields. `Copy`: every field is a signal.
#[derive(Clone, Copy)]
struct ListDraft {
    open: RwSignal<bool>,
    name: RwSignal<String>,
    entries: RwSignal<String>,
}

impl ListDraft {
    fn new() -> Self {
        Self {
            open: RwSignal::new(false),
            name: RwSignal::new(String::new()),
            entries: RwSignal::new(String::new()),
        }
    }

    /// Opens the form on `list` (to replace it), or empty.
    fn start(&self, list: Option<&WildcardList>) {
        self.name
            .set(list.map(|l| l.name.clone()).unwrap_or_default());
        self.entries
            .set(list.map(|l| l.entries.join("\n")).unwrap_or_default());
        self.open.set(true);
    }

    /// The list to send (untracked).
    fn list(&self) -> WildcardList {
        WildcardList {
            name: self.name.get_untracked(),
            entries: self.entries.with_untracked(|text| entries_from_text(text)),
        }
        .normalized()
    }
}

/// The user's lists and the form.
#[component]
pub fn WildcardsSection() -> impl IntoView {
    let lists = Resource::new(|| (), |_| list_wildcards());
    let draft = ListDraft::new();
    let names = Signal::derive(move || {
        lists
            .get()
            .and_then(Result::ok)
            .map(|lists| lists.into_iter().map(|l| l.name).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let on_saved = Callback::new(move |()| {
        draft.open.set(false);
        lists.refetch();
    });
    let on_deleted = Callback::new(move |()| lists.refetch());
    let on_new = Callback::new(move |()| {
        if draft.open.get_untracked() {
            draft.open.set(false);
        } else {
            draft.start(None);
        }
    });
    view! {
        <Panel
            id="wildcards"
            title="Wildcards"
            description="In a prompt, __name__ picks one random entry of the list and {2$$__name__} picks two different ones."
            action=move || view! { <NewButton label="New list" open=draft.open.into() testid="wildcard-new" on_click=on_new /> }
        >
            <Show when=move || draft.open.get()>
                <div class="mb-6"><ListForm draft names on_saved /></div>
            </Show>
            <Transition fallback=Loading>
                {move || lists.get().map(|result| match result {
                    Ok(found) if found.is_empty() => view! {
                        <p class="text-sm text-zinc-400" data-testid="wildcards-empty">
                            "No lists yet. Make one, say “animals” with an animal per line, and write __animals__ in a prompt."
                        </p>
                    }.into_any(),
                    Ok(found) => view! {
                        <ul class="grid gap-3 md:grid-cols-2">
                            {found.into_iter().map(|list| view! { <ListCard list draft on_deleted /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError what="wildcard lists" err /> }.into_any(),
                })}
            </Transition>
        </Panel>
    }
    .into_any()
}

/// One list: its name as written in prompts, its size and first entries.
#[component]
fn ListCard(list: WildcardList, draft: ListDraft, on_deleted: Callback<()>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let name = list.name.clone();
    let on_confirm = Callback::new(move |()| {
        let name = name.clone();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match delete_wildcards(name).await {
                Ok(()) => on_deleted.run(()),
                Err(err) => {
                    error.try_set(Some(err.to_string()));
                }
            }
            busy.try_set(false);
        });
    });
    let (first, rest) = preview(&list.entries, PREVIEWED);
    let first: Vec<String> = first.to_vec();
    let count = entry_count(list.entries.len());
    let stored = StoredValue::new(list.clone());
    view! {
        <li data-testid="wildcard-list" data-wildcard=list.name.clone() class="min-w-0 rounded-xl bg-zinc-900/70 p-4 ring-1 ring-white/10">
            <div class="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                <code class="min-w-0 truncate font-mono text-sm font-semibold text-fuchsia-300">{format!("__{}__", list.name)}</code>
                <span class="text-xs tabular-nums text-zinc-500" data-testid="wildcard-count">{count}</span>
            </div>
            <ul class="mt-2 flex flex-wrap gap-1.5" aria-label="First entries">
                {first.into_iter().map(|entry| view! {
                    <li class="max-w-full truncate rounded-md bg-white/5 px-2 py-0.5 text-xs text-zinc-300 ring-1 ring-inset ring-white/10">{entry}</li>
                }).collect_view()}
                {(rest > 0).then(|| view! { <li class="px-1 py-0.5 text-xs text-zinc-500">{format!("+{rest} more")}</li> })}
            </ul>
            <div class="mt-3 flex items-center gap-2">
                <button
                    type="button"
                    data-testid="wildcard-edit"
                    on:click=move |_| stored.with_value(|list| draft.start(Some(list)))
                    class="inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white"
                >
                    <ActionIcon kind=ActionIconKind::Pencil class="size-3.5" />
                    "Edit"
                </button>
                <button
                    type="button"
                    data-testid="wildcard-delete"
                    aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| confirming.update(|o| *o = !*o)
                    class="ml-auto inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-rose-300 ring-1 ring-inset ring-rose-500/30 transition hover:bg-rose-500/10"
                >
                    <ActionIcon kind=ActionIconKind::Trash class="size-3.5" />
                    "Delete"
                </button>
            </div>
            <InlineConfirm
                open=confirming
                question=format!("Delete __{}__?", list.name)
                detail="Prompts that use it will ask for it again."
                busy
                error
                on_confirm
            />
        </li>
    }
    .into_any()
}

/// Create or replace a list.
#[component]
fn ListForm(draft: ListDraft, names: Signal<Vec<String>>, on_saved: Callback<()>) -> impl IntoView {
    let problems = FormProblems::new();
    let saving = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let list = draft.list();
        if !problems.check(list.validate()) {
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            match save_wildcards(list).await {
                Ok(_) => on_saved.run(()),
                Err(err) => problems.fail(err),
            }
            saving.try_set(false);
        });
    };
    let name_hint = Signal::derive(move || {
        let name = draft.name.with(|n| n.trim().to_owned());
        if names.with(|names| names.contains(&name)) {
            format!("Saving replaces your list __{name}__.")
        } else {
            "Letters, digits, _, - and /, e.g. animals or colors/warm.".to_owned()
        }
    });
    let entries_hint = Signal::derive(move || {
        let count = draft.entries.with(|text| entries_from_text(text).len());
        format!(
            "One entry per line; entries may use prompt syntax. {}",
            entry_count(count)
        )
    });
    view! {
        <form novalidate=true on:submit=on_submit data-testid="wildcard-form" aria-label="Wildcard list" class="space-y-4 rounded-xl bg-zinc-900/70 p-4 ring-1 ring-white/10 sm:p-5">
            <BoundInput id="wildcard-name" label="Name" value=draft.name error=problems.field("name") placeholder="animals" hint=name_hint testid="wildcard-name" />
            <BoundTextArea
                id="wildcard-entries"
                label="Entries"
                value=draft.entries
                error=problems.field("entries")
                rows=7
                mono=true
                placeholder="a red fox\na snowy owl\na {sleepy|curious} cat"
                hint=entries_hint
                testid="wildcard-entries"
            />
            <FormAlert message=problems.alert(FIELDS) />
            <div class="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
                <button
                    type="button"
                    on:click=move |_| draft.open.set(false)
                    class="rounded-lg px-4 py-2.5 text-sm font-medium text-zinc-300 ring-1 ring-inset ring-white/10 hover:bg-white/5 hover:text-white"
                >
                    "Cancel"
                </button>
                <div class="sm:w-40">
                    <SubmitButton label="Save list" busy_label="Saving…" busy=saving testid="wildcard-save" />
                </div>
            </div>
        </form>
    }
    .into_any()
}

/// The non-blank lines of the textarea, trimmed.
fn entries_from_text(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first `n` entries, and how many more there are.
fn preview(entries: &[String], n: usize) -> (&[String], usize) {
    let shown = &entries[..entries.len().min(n)];
    (shown, entries.len() - shown.len())
}

/// "1 entry", "12 entries".
fn entry_count(n: usize) -> String {
    if n == 1 {
        "1 entry".to_owned()
    } else {
        format!("{n} entries")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_the_non_blank_lines() {
        assert_eq!(
            entries_from_text(" a red fox \n\n  \r\na {sleepy|curious} cat\r\n"),
            ["a red fox", "a {sleepy|curious} cat"]
        );
        assert!(entries_from_text("").is_empty());
    }

    #[test]
    fn cards_preview_the_first_entries() {
        let entries: Vec<String> = (1..=8).map(|n| n.to_string()).collect();
        let (shown, rest) = preview(&entries, PREVIEWED);
        assert_eq!(shown.len(), 6);
        assert_eq!(rest, 2);
        assert_eq!(preview(&entries[..2], PREVIEWED), (&entries[..2], 0));
        assert_eq!(entry_count(1), "1 entry");
        assert_eq!(entry_count(0), "0 entries");
    }
}
