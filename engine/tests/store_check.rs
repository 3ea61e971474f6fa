//! `easel store check` against a real Postgres and a real store: orphan
//! files, the grace period, missing thumbnails and missing originals.

mod image_rows;
mod support;

use std::time::{Duration, SystemTime};

use easel_domain::gallery::THUMBNAIL_SIZES;
use easel_engine::imaging;
use easel_engine::store::{ImageStore, LocalStore, StoreCheckReport, check_store};
use image_rows::{SIZE, exists, insert, put_files, row_exists};
use sqlx::PgPool;

fn grace() -> chrono::Duration {
    chrono::Duration::hours(1)
}

async fn check(db: &PgPool, store: &LocalStore, repair: bool) -> StoreCheckReport {
    check_store(db, store, repair, grace()).await.unwrap()
}

/// Makes a file look as if it was written `age` ago.
fn age_file(store: &LocalStore, key: &str, age: Duration) {
    let path = store.local_path(key).unwrap().unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now() - age))
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn an_old_orphan_is_reported_and_removed_on_repair(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let files = put_files(store.as_ref(), 1).await;
    for key in files.keys() {
        age_file(&store, key, Duration::from_secs(2 * 3600));
    }

    let report = check(&db, &store, false).await;
    assert_eq!(report.files, 3);
    assert_eq!(report.orphans.count, 3);
    assert_eq!(report.orphans_removed, 0);
    assert_eq!(report.problems_left(), 3);
    assert!(report.orphans.first.contains(&files.image));
    assert!(exists(store.as_ref(), &files.image).await);

    let repaired = check(&db, &store, true).await;
    assert_eq!(repaired.orphans_removed, 3);
    assert_eq!(repaired.problems_left(), 0);
    for key in files.keys() {
        assert!(!exists(store.as_ref(), key).await, "{key} was kept");
    }
    assert_eq!(check(&db, &store, false).await, StoreCheckReport::default());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fresh_orphan_within_the_grace_is_kept(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let files = put_files(store.as_ref(), 1).await;

    let report = check(&db, &store, true).await;

    assert_eq!(report.orphans.count, 0);
    assert_eq!(report.recent_orphans.count, 3);
    assert_eq!(report.orphans_removed, 0);
    assert_eq!(report.problems_left(), 0);
    for key in files.keys() {
        assert!(exists(store.as_ref(), key).await, "{key} was deleted");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_missing_thumbnail_is_regenerated_from_the_original(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let alice = support::user(&db, "alice").await;
    let files = put_files(store.as_ref(), 1).await;
    let id = insert(&db, alice, &files, None).await;
    store.delete(&files.thumbnail_large).await.unwrap();

    let report = check(&db, &store, false).await;
    assert_eq!(report.missing_thumbnails.count, 1);
    assert_eq!(report.missing_thumbnails.first, vec![id]);
    assert_eq!(report.problems_left(), 1);
    assert!(!exists(store.as_ref(), &files.thumbnail_large).await);

    let repaired = check(&db, &store, true).await;
    assert_eq!(repaired.thumbnails_regenerated, 1);
    assert_eq!(repaired.problems_left(), 0);
    let (small, large): (String, String) = sqlx::query_as(
        "select thumbnail_path, thumbnail_large_path from generated_images where id = $1",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(small, files.thumbnail, "the present thumbnail was replaced");
    let bytes = store.get(&large).await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    let expected = imaging::fit_within(SIZE.0, SIZE.1, THUMBNAIL_SIZES[1]);
    assert_eq!((decoded.width(), decoded.height()), expected);
    assert_eq!(check(&db, &store, false).await.problems_left(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_row_whose_original_is_missing_is_removed_on_repair(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let alice = support::user(&db, "alice").await;
    let files = put_files(store.as_ref(), 1).await;
    let id = insert(&db, alice, &files, None).await;
    store.delete(&files.image).await.unwrap();

    let report = check(&db, &store, false).await;
    assert_eq!(report.missing_originals.first, vec![id]);
    assert_eq!(report.problems_left(), 1);
    assert!(row_exists(&db, id).await);

    let repaired = check(&db, &store, true).await;
    assert_eq!(repaired.rows_removed, 1);
    assert_eq!(repaired.problems_left(), 0);
    assert!(!row_exists(&db, id).await);
    // Its thumbnails went with it: nothing else named them.
    assert!(!exists(store.as_ref(), &files.thumbnail).await);
    assert!(!exists(store.as_ref(), &files.thumbnail_large).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_clean_store_reports_nothing(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let alice = support::user(&db, "alice").await;
    for shade in 1..=2 {
        let files = put_files(store.as_ref(), shade).await;
        insert(&db, alice, &files, None).await;
    }
    // A trashed image still owns its files.
    let trashed = put_files(store.as_ref(), 3).await;
    insert(&db, alice, &trashed, Some(3)).await;

    let report = check(&db, &store, true).await;

    assert_eq!(
        report,
        StoreCheckReport {
            files: 9,
            rows: 3,
            ..StoreCheckReport::default()
        }
    );
    assert_eq!(report.problems_left(), 0);
}
