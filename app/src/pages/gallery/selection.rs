//! The grid's selection: hand-picked images (click, shift-click for a
//! range, ctrl/cmd-click to toggle), or "every image matching the query",
//! which the server resolves without the browser sending ids.

use std::collections::BTreeSet;

use leptos::prelude::*;
use uuid::Uuid;

/// The selection. Cheap to copy into closures.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    ids: RwSignal<BTreeSet<Uuid>>,
    anchor: RwSignal<Option<Uuid>>,
    /// Every image the query matches (the count is shown, not the ids).
    pub all_matching: RwSignal<bool>,
}

impl Selection {
    /// Nothing selected.
    pub fn new() -> Self {
        Self {
            ids: RwSignal::new(BTreeSet::new()),
            anchor: RwSignal::new(None),
            all_matching: RwSignal::new(false),
        }
    }

    /// Whether `id` is selected.
    pub fn contains(&self, id: Uuid) -> bool {
        self.all_matching.get() || self.ids.with(|ids| ids.contains(&id))
    }

    /// Whether anything is selected (clicks then select instead of open).
    pub fn is_active(&self) -> bool {
        self.all_matching.get() || self.ids.with(|ids| !ids.is_empty())
    }

    /// How many are picked by hand.
    pub fn count(&self) -> usize {
        self.ids.with(BTreeSet::len)
    }

    /// The hand-picked ids.
    pub fn ids(&self) -> Vec<Uuid> {
        self.ids.with_untracked(|ids| ids.iter().copied().collect())
    }

    /// A click on `id`: with shift, selects the range from the last click
    /// (in the grid's `order`); otherwise toggles it.
    pub fn click(&self, id: Uuid, shift: bool, order: &[Uuid]) {
        self.all_matching.set(false);
        let anchor = self.anchor.get_untracked();
        match (shift, anchor) {
            (true, Some(anchor)) => {
                let (Some(a), Some(b)) = (
                    order.iter().position(|x| *x == anchor),
                    order.iter().position(|x| *x == id),
                ) else {
                    return self.toggle(id);
                };
                let (from, to) = (a.min(b), a.max(b));
                self.ids
                    .update(|ids| ids.extend(order[from..=to].iter().copied()));
            }
            _ => self.toggle(id),
        }
        self.anchor.set(Some(id));
    }

    fn toggle(&self, id: Uuid) {
        self.ids.update(|ids| {
            if !ids.remove(&id) {
                ids.insert(id);
            }
        });
    }

    /// Selects every image loaded so far.
    pub fn select_loaded(&self, order: &[Uuid]) {
        self.ids.update(|ids| ids.extend(order.iter().copied()));
    }

    /// Clears it.
    pub fn clear(&self) {
        self.ids.set(BTreeSet::new());
        self.anchor.set(None);
        self.all_matching.set(false);
    }
}
