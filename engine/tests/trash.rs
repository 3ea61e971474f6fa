//! The trash against a real Postgres and a real store: the purge after the
//! retention period, restores, shared files, and deleting for good.

mod image_rows;
mod support;

use chrono::Duration;
use easel_domain::galleries::{BulkAction, ImageSelection};
use easel_engine::images::Images;
use easel_engine::images::trash::PurgeReport;
use image_rows::{exists, insert, put_files, row_exists};
use sqlx::PgPool;

fn retention() -> Duration {
    Duration::days(30)
}

#[sqlx::test(migrations = "../migrations")]
async fn only_images_trashed_longer_than_the_retention_are_purged_with_their_files(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let images = Images::new(db.clone(), store.clone());
    let alice = support::user(&db, "alice").await;
    let old_files = put_files(store.as_ref(), 1).await;
    let recent_files = put_files(store.as_ref(), 2).await;
    let live_files = put_files(store.as_ref(), 3).await;
    let old = insert(&db, alice, &old_files, Some(40)).await;
    let recent = insert(&db, alice, &recent_files, Some(10)).await;
    let live = insert(&db, alice, &live_files, None).await;

    let report = images.purge_expired(retention()).await.unwrap();

    assert_eq!(report, PurgeReport { rows: 1, files: 3 });
    assert!(!row_exists(&db, old).await);
    assert!(row_exists(&db, recent).await);
    assert!(row_exists(&db, live).await);
    for key in old_files.keys() {
        assert!(!exists(store.as_ref(), key).await, "{key} was kept");
    }
    for key in recent_files.keys().into_iter().chain(live_files.keys()) {
        assert!(exists(store.as_ref(), key).await, "{key} was deleted");
    }
    let again = images.purge_expired(retention()).await.unwrap();
    assert_eq!(again, PurgeReport::default());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_restored_image_is_not_purged(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let images = Images::new(db.clone(), store.clone());
    let alice = support::user(&db, "alice").await;
    let files = put_files(store.as_ref(), 1).await;
    let id = insert(&db, alice, &files, Some(40)).await;

    let restore = ImageSelection::Ids { ids: vec![id] };
    let outcome = images
        .apply_bulk(alice, &restore, &BulkAction::Restore)
        .await
        .unwrap();
    assert_eq!(outcome.affected, 1);
    let report = images.purge_expired(retention()).await.unwrap();

    assert_eq!(report, PurgeReport::default());
    assert!(row_exists(&db, id).await);
    for key in files.keys() {
        assert!(exists(store.as_ref(), key).await);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_shared_with_a_live_image_is_kept(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let images = Images::new(db.clone(), store.clone());
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    // Content-addressed: the same bytes are one file, named by both rows.
    let files = put_files(store.as_ref(), 1).await;
    let trashed = insert(&db, alice, &files, Some(40)).await;
    let live = insert(&db, bob, &files, None).await;

    let report = images.purge_expired(retention()).await.unwrap();

    assert_eq!(report, PurgeReport { rows: 1, files: 0 });
    assert!(!row_exists(&db, trashed).await);
    assert!(row_exists(&db, live).await);
    for key in files.keys() {
        assert!(exists(store.as_ref(), key).await, "{key} was deleted");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_for_good_touches_only_the_users_trashed_images(db: PgPool) {
    let (store, _dir) = image_rows::store().await;
    let images = Images::new(db.clone(), store.clone());
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let trashed_files = put_files(store.as_ref(), 1).await;
    let live_files = put_files(store.as_ref(), 2).await;
    let bobs_files = put_files(store.as_ref(), 3).await;
    let trashed = insert(&db, alice, &trashed_files, Some(1)).await;
    let live = insert(&db, alice, &live_files, None).await;
    let bobs = insert(&db, bob, &bobs_files, Some(1)).await;

    let everything = ImageSelection::Ids {
        ids: vec![trashed, live, bobs],
    };
    let outcome = images
        .apply_bulk(alice, &everything, &BulkAction::DeleteForever)
        .await
        .unwrap();

    assert_eq!(outcome.affected, 1);
    assert!(!row_exists(&db, trashed).await);
    assert!(row_exists(&db, live).await);
    assert!(row_exists(&db, bobs).await);
    for key in trashed_files.keys() {
        assert!(!exists(store.as_ref(), key).await, "{key} was kept");
    }
    for key in live_files.keys().into_iter().chain(bobs_files.keys()) {
        assert!(exists(store.as_ref(), key).await, "{key} was deleted");
    }

    // Emptying the trash: all of Bob's trash, none of Alice's live images.
    let outcome = images
        .apply_bulk(bob, &ImageSelection::Trash, &BulkAction::DeleteForever)
        .await
        .unwrap();
    assert_eq!(outcome.affected, 1);
    assert!(!row_exists(&db, bobs).await);
    assert!(row_exists(&db, live).await);
}
