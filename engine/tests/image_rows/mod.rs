//! Image rows with real files: a store in a temp folder, small PNG
//! originals with their JPEG thumbnails, and rows that name them.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::Arc;

use easel_domain::gallery::THUMBNAIL_SIZES;
use easel_engine::imaging::{self, PngMetadata};
use easel_engine::store::{ImageStore, LocalStore};
use image::{Rgb, RgbImage};
use sqlx::PgPool;
use uuid::Uuid;

/// The width and height of every test original: larger than both
/// thumbnail sizes, so its two thumbnails differ.
pub const SIZE: (u32, u32) = (600, 400);

/// An image's three store keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    pub image: String,
    pub thumbnail: String,
    pub thumbnail_large: String,
}

impl Files {
    /// The three keys, original first.
    pub fn keys(&self) -> [&str; 3] {
        [&self.image, &self.thumbnail, &self.thumbnail_large]
    }
}

/// A store in a fresh temp folder (kept while the `TempDir` lives).
pub async fn store() -> (Arc<LocalStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::new(dir.path().join("images"));
    store.ensure().await.unwrap();
    (Arc::new(store), dir)
}

/// Writes a PNG original, distinct per `shade`, and its thumbnails.
pub async fn put_files(store: &dyn ImageStore, shade: u8) -> Files {
    let pixels = RgbImage::from_fn(SIZE.0, SIZE.1, |x, y| Rgb([shade, x as u8, y as u8]));
    let metadata = PngMetadata {
        parameters: Some(format!("shade {shade}\nSteps: 4, Seed: {shade}")),
        easel: None,
    };
    let png = imaging::encode_png(&pixels, &metadata).unwrap();
    let [small, large] = THUMBNAIL_SIZES
        .map(|size| imaging::encode_jpeg(&imaging::thumbnail(&pixels, size), 82).unwrap());
    Files {
        image: store.put(png, "png").await.unwrap().key,
        thumbnail: store.put(small, "jpg").await.unwrap().key,
        thumbnail_large: store.put(large, "jpg").await.unwrap().key,
    }
}

/// Inserts a row for `files`; `trashed_days_ago` puts it in the trash
/// that long ago.
pub async fn insert(db: &PgPool, user: Uuid, files: &Files, trashed_days_ago: Option<i64>) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into generated_images (id, user_id, prompt, model, parameters, image_path,
             thumbnail_path, thumbnail_large_path, width, height, seed, byte_size, deleted_at)
         values ($1, $2, 'a test image', 'builtin:easel-sketch', '{}', $3, $4, $5, $6, $7, 1, 10,
                 now() - make_interval(days => $8::int))",
    )
    .bind(id)
    .bind(user)
    .bind(&files.image)
    .bind(&files.thumbnail)
    .bind(&files.thumbnail_large)
    .bind(SIZE.0 as i32)
    .bind(SIZE.1 as i32)
    .bind(trashed_days_ago.map(|days| days as i32))
    .execute(db)
    .await
    .unwrap();
    id
}

/// Whether the store holds `key`.
pub async fn exists(store: &dyn ImageStore, key: &str) -> bool {
    store.get(key).await.is_ok()
}

/// Whether the row is still there.
pub async fn row_exists(db: &PgPool, id: Uuid) -> bool {
    sqlx::query_scalar::<_, bool>("select exists (select 1 from generated_images where id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}
