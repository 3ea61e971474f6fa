//! `easel store check`: compares the image store with the database.
//!
//! It finds two kinds of trouble:
//! - orphan files: in the store, but named by no image row (a crash
//!   between deleting rows and deleting their files leaves these);
//! - broken rows: an image whose original or thumbnails are missing.
//!
//! With `repair`, orphans older than a grace period are deleted (younger
//! ones may belong to a job that has written its files and not yet
//! committed its rows), missing thumbnails are made again from the
//! original, and rows whose original is gone are deleted.

mod rows;

use std::collections::HashSet;
use std::fmt;
use std::time::SystemTime;

use sqlx::PgPool;
use uuid::Uuid;

use super::{ImageStore, StoreError, StoredEntry, referenced_keys};

/// How many examples of each kind of problem a report keeps.
const EXAMPLES: usize = 10;

/// How many keys go into one reference lookup.
const KEY_BATCH: usize = 1000;

/// Why a check could not run to the end.
#[derive(Debug, thiserror::Error)]
pub enum StoreCheckError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many of one kind of problem were found, and the first few.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<T> {
    /// How many were found.
    pub count: u64,
    /// The first [`EXAMPLES`] of them.
    pub first: Vec<T>,
}

impl<T> Default for Finding<T> {
    fn default() -> Self {
        Self {
            count: 0,
            first: Vec::new(),
        }
    }
}

impl<T> Finding<T> {
    /// Counts one more, keeping it as an example while there is room.
    fn add(&mut self, item: T) {
        self.count += 1;
        if self.first.len() < EXAMPLES {
            self.first.push(item);
        }
    }
}

/// What [`check_store`] found and, with `repair`, fixed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreCheckReport {
    /// Files in the store.
    pub files: u64,
    /// Image rows checked.
    pub rows: u64,
    /// Files no row references, older than the grace period.
    pub orphans: Finding<String>,
    /// Files no row references, younger than the grace period: likely a
    /// job's, in flight; never deleted, not counted as problems.
    pub recent_orphans: Finding<String>,
    /// Orphans deleted.
    pub orphans_removed: u64,
    /// Rows (with their original) missing one or both thumbnails.
    pub missing_thumbnails: Finding<Uuid>,
    /// Rows whose thumbnails were made again.
    pub thumbnails_regenerated: u64,
    /// Rows whose original file is missing.
    pub missing_originals: Finding<Uuid>,
    /// Rows deleted because their original is missing.
    pub rows_removed: u64,
}

impl StoreCheckReport {
    /// Problems still there after the run (recent orphans do not count).
    pub fn problems_left(&self) -> u64 {
        (self.orphans.count - self.orphans_removed)
            + (self.missing_thumbnails.count - self.thumbnails_regenerated)
            + (self.missing_originals.count - self.rows_removed)
    }
}

impl fmt::Display for StoreCheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "checked {} files and {} image rows",
            self.files, self.rows
        )?;
        write_finding(
            f,
            "orphan files",
            &self.orphans,
            self.orphans_removed,
            "deleted",
        )?;
        write_finding(
            f,
            "recent unreferenced files (kept: may be in flight)",
            &self.recent_orphans,
            0,
            "deleted",
        )?;
        write_finding(
            f,
            "rows missing thumbnails",
            &self.missing_thumbnails,
            self.thumbnails_regenerated,
            "regenerated",
        )?;
        write_finding(
            f,
            "rows missing their original",
            &self.missing_originals,
            self.rows_removed,
            "deleted",
        )?;
        match self.problems_left() {
            0 => write!(f, "no problems left"),
            left => write!(f, "{left} problems left"),
        }
    }
}

/// One line per kind of problem, then its examples indented.
fn write_finding<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    label: &str,
    finding: &Finding<T>,
    fixed: u64,
    verb: &str,
) -> fmt::Result {
    if finding.count == 0 {
        return Ok(());
    }
    write!(f, "{label}: {}", finding.count)?;
    if fixed > 0 {
        write!(f, " ({fixed} {verb})")?;
    }
    writeln!(f)?;
    for item in &finding.first {
        writeln!(f, "  {item}")?;
    }
    if finding.count > finding.first.len() as u64 {
        writeln!(f, "  ...")?;
    }
    Ok(())
}

/// Checks every file of `store` against every row of `generated_images`,
/// and with `repair` fixes what it can (see the module docs). Orphans are
/// deleted only when last written more than `grace` ago.
pub async fn check_store(
    db: &PgPool,
    store: &dyn ImageStore,
    repair: bool,
    grace: chrono::Duration,
) -> Result<StoreCheckReport, StoreCheckError> {
    let entries = store.list().await?;
    let mut report = StoreCheckReport {
        files: entries.len() as u64,
        ..StoreCheckReport::default()
    };
    let grace = grace.to_std().unwrap_or_default();
    check_orphans(db, store, &entries, repair, grace, &mut report).await?;
    let present: HashSet<String> = entries.into_iter().map(|entry| entry.key).collect();
    rows::check_rows(db, store, &present, repair, &mut report).await?;
    Ok(report)
}

/// Finds the listed files that no row references; with `repair`, deletes
/// those older than `grace`.
async fn check_orphans(
    db: &PgPool,
    store: &dyn ImageStore,
    entries: &[StoredEntry],
    repair: bool,
    grace: std::time::Duration,
    report: &mut StoreCheckReport,
) -> Result<(), StoreCheckError> {
    let now = SystemTime::now();
    for batch in entries.chunks(KEY_BATCH) {
        let keys: Vec<String> = batch.iter().map(|entry| entry.key.clone()).collect();
        let referenced = referenced_keys(db, &keys).await?;
        for entry in batch.iter().filter(|e| !referenced.contains(&e.key)) {
            // A file whose age is unknown is treated as young: kept.
            let old = entry
                .modified
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age > grace);
            if !old {
                report.recent_orphans.add(entry.key.clone());
                continue;
            }
            report.orphans.add(entry.key.clone());
            if repair {
                store.delete(&entry.key).await?;
                tracing::info!(key = %entry.key, "deleted an orphan file");
                report.orphans_removed += 1;
            }
        }
    }
    Ok(())
}
