//! Importing images people made elsewhere (AUTOMATIC1111, ComfyUI,
//! InvokeAI, ...): a PNG, JPEG or WebP file becomes one of the user's
//! images, with the generation settings its tool embedded.
//!
//! The file is checked (format from its bytes, size, pixels under
//! [`DecodeLimits`]) and its thumbnails made on a blocking thread. The
//! original bytes are stored unchanged, so the other tool's metadata stays
//! in the file; they and the thumbnails are durable before the row that
//! names them is inserted.

mod record;

use easel_domain::gallery::{GalleryItem, THUMBNAIL_SIZES};
use easel_domain::metadata::import::{ImportedParameters, read_generation_metadata};
use uuid::Uuid;

use super::{ITEM_COLUMNS, Images, ItemRow};
use crate::imaging::{self, DecodeLimits, ImagingError};
use crate::store::StoreError;

/// Most live images one account may hold; imports beyond it are refused.
pub const MAX_IMAGES_PER_USER: i64 = 200_000;

/// One mebibyte.
const MIB: usize = 1024 * 1024;

/// Limits on an imported file.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Limits for decoding it (dimensions and pixels; its `max_bytes` is
    /// raised to `max_file_bytes` when lower).
    pub decode: DecodeLimits,
}

impl Default for ImportLimits {
    /// 50 MiB files, decoded under [`DecodeLimits::default`].
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * MIB,
            decode: DecodeLimits::default(),
        }
    }
}

/// Why a file could not be imported. [`ImportError::message_for`] gives the
/// sentence that names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not a PNG, JPEG or WebP file.
    #[error("This file is not a PNG, JPEG or WebP image.")]
    UnsupportedFormat,
    /// Damaged, cut short, or using a feature the decoder lacks.
    #[error("This image is damaged or incomplete, so it cannot be read ({0}).")]
    Unreadable(String),
    /// The file is over the size limit.
    #[error("This file is over the {} limit.", format_mib(*limit_bytes))]
    TooLarge {
        /// The limit, in bytes.
        limit_bytes: usize,
    },
    /// The image has more pixels (or a longer side) than may be decoded:
    /// a huge image, or a small file claiming to be one (a decompression
    /// bomb).
    #[error(
        "This image is {width}×{height} pixels, more than the {} megapixels Easel accepts.",
        max_pixels / 1_000_000
    )]
    TooManyPixels {
        /// The width it declares.
        width: u32,
        /// The height it declares.
        height: u32,
        /// The pixel limit in force.
        max_pixels: u64,
    },
    /// The account already holds [`MAX_IMAGES_PER_USER`] images.
    #[error("You already have {limit} images, the most one account may keep. Delete some first.")]
    TooManyImages {
        /// The limit.
        limit: i64,
    },
    /// The image store failed.
    #[error("The image store could not save the file. Try again.")]
    Store(#[from] StoreError),
    /// The database failed.
    #[error("The database could not record the image. Try again.")]
    Database(#[from] sqlx::Error),
}

impl ImportError {
    /// The reason, as a sentence naming the file, e.g. `"a.txt is not a
    /// PNG, JPEG or WebP image."`.
    pub fn message_for(&self, file_name: &str) -> String {
        match self {
            Self::UnsupportedFormat => format!("{file_name} is not a PNG, JPEG or WebP image."),
            Self::Unreadable(reason) => {
                format!("{file_name} is damaged or incomplete, so it cannot be read ({reason}).")
            }
            Self::TooLarge { limit_bytes } => {
                format!(
                    "{file_name} is over the {} limit.",
                    format_mib(*limit_bytes)
                )
            }
            Self::TooManyPixels {
                width,
                height,
                max_pixels,
            } => format!(
                "{file_name} is {width}×{height} pixels, more than the {} megapixels Easel accepts.",
                max_pixels / 1_000_000
            ),
            Self::TooManyImages { .. } => format!("{file_name} was not imported. {self}"),
            Self::Store(_) | Self::Database(_) => {
                format!("{file_name} could not be saved. Try again.")
            }
        }
    }
}

/// `bytes` as whole mebibytes (`"50 MiB"`), or with one decimal when not whole.
fn format_mib(bytes: usize) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

/// The importable formats, told apart by their signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Png,
    Jpeg,
    Webp,
}

impl Format {
    /// The format of `bytes`, from its first bytes.
    fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }
}

/// What the blocking step learned from a file.
struct Checked {
    width: u32,
    height: u32,
    thumbnails: Vec<Vec<u8>>,
    parameters: Option<ImportedParameters>,
}

impl Images {
    /// Imports one image file of the user's: checks it, stores the original
    /// bytes unchanged with two JPEG thumbnails, and records it as an
    /// `import` with the settings its tool embedded, so it shows in the
    /// grid, is found by search, and can be remixed.
    ///
    /// When the file carries no prompt, its name without the extension
    /// stands in as the prompt, so the image still has a caption and a
    /// searchable text. Refuses the import once the user holds
    /// [`MAX_IMAGES_PER_USER`] live images; that count is one bounded
    /// index-only scan, and concurrent imports may pass it by a few.
    pub async fn import_file(
        &self,
        user_id: Uuid,
        file_name: &str,
        bytes: Vec<u8>,
        limits: ImportLimits,
    ) -> Result<GalleryItem, ImportError> {
        if bytes.len() > limits.max_file_bytes {
            return Err(ImportError::TooLarge {
                limit_bytes: limits.max_file_bytes,
            });
        }
        let format = Format::sniff(&bytes).ok_or(ImportError::UnsupportedFormat)?;
        self.check_image_count(user_id).await?;
        let (bytes, checked) = check_file(bytes, limits).await?;
        let byte_size = bytes.len() as i64;
        let original = self.store.put(bytes, format.extension()).await?;
        let mut keys = vec![original.key];
        for thumbnail in checked.thumbnails {
            keys.push(self.store.put(thumbnail, "jpg").await?.key);
        }
        let record = record::Record::new(
            file_name,
            checked.width,
            checked.height,
            checked.parameters.as_ref(),
        );
        let new = NewImport {
            user_id,
            format,
            keys: &keys,
            width: checked.width,
            height: checked.height,
            byte_size,
            record: &record,
        };
        let item = match self.insert_import(&new).await {
            Ok(item) => item,
            Err(err) => {
                self.forget_files(keys).await;
                return Err(err.into());
            }
        };
        tracing::info!(
            image_id = %item.id,
            %user_id,
            source = record.source_label(),
            media_type = format.media_type(),
            "imported an image"
        );
        Ok(item)
    }

    /// Refuses when the user already holds [`MAX_IMAGES_PER_USER`] live
    /// images. Counts at most that many index entries.
    async fn check_image_count(&self, user_id: Uuid) -> Result<(), ImportError> {
        let count: i64 = sqlx::query_scalar(
            "select count(*) from (
                 select 1 from generated_images
                 where user_id = $1 and deleted_at is null
                 limit $2
             ) as live",
        )
        .bind(user_id)
        .bind(MAX_IMAGES_PER_USER)
        .fetch_one(&self.db)
        .await?;
        if count >= MAX_IMAGES_PER_USER {
            return Err(ImportError::TooManyImages {
                limit: MAX_IMAGES_PER_USER,
            });
        }
        Ok(())
    }

    /// Inserts the image row and returns it as the grid shows it.
    async fn insert_import(&self, new: &NewImport<'_>) -> Result<GalleryItem, sqlx::Error> {
        let key = |index: usize| new.keys.get(index).or(new.keys.last()).cloned();
        let row: ItemRow = sqlx::query_as(&format!(
            r#"
            insert into generated_images as i
                (id, user_id, job_id, operation, prompt, negative_prompt, model, parameters,
                 image_path, thumbnail_path, thumbnail_large_path, metadata, width, height,
                 seed, byte_size, media_type)
            values ($1, $2, null, 'import', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            returning {ITEM_COLUMNS}
            "#
        ))
        .bind(Uuid::now_v7())
        .bind(new.user_id)
        .bind(&new.record.prompt)
        .bind(&new.record.negative_prompt)
        .bind(&new.record.model)
        .bind(&new.record.parameters)
        .bind(key(0))
        .bind(key(1))
        .bind(key(2))
        .bind(&new.record.metadata)
        .bind(new.width as i32)
        .bind(new.height as i32)
        .bind(new.record.seed)
        .bind(new.byte_size)
        .bind(new.format.media_type())
        .fetch_one(&self.db)
        .await?;
        Ok(row.into())
    }

    /// Deletes the files of an import whose row could not be inserted,
    /// unless another row names the same content.
    async fn forget_files(&self, keys: Vec<String>) {
        if let Err(error) = crate::store::delete_unreferenced(&self.db, &*self.store, keys).await {
            tracing::warn!(%error, "could not clean up the files of a failed import");
        }
    }
}

/// One import's row, before it is inserted.
struct NewImport<'a> {
    user_id: Uuid,
    format: Format,
    /// The original's key, then the thumbnails' (small, large).
    keys: &'a [String],
    width: u32,
    height: u32,
    byte_size: i64,
    record: &'a record::Record,
}

/// Decodes `bytes` under the limits, reads their metadata and makes the
/// thumbnails, on a blocking thread; hands the bytes back to be stored.
async fn check_file(
    bytes: Vec<u8>,
    limits: ImportLimits,
) -> Result<(Vec<u8>, Checked), ImportError> {
    tokio::task::spawn_blocking(move || {
        let checked = check_bytes(&bytes, &limits)?;
        Ok((bytes, checked))
    })
    .await
    .map_err(|err| {
        tracing::error!(error = %err, "decoding an imported image panicked");
        ImportError::Unreadable("the decoder failed".to_owned())
    })?
}

/// The blocking part of [`check_file`].
fn check_bytes(bytes: &[u8], limits: &ImportLimits) -> Result<Checked, ImportError> {
    let decode_limits = DecodeLimits {
        max_bytes: limits.decode.max_bytes.max(limits.max_file_bytes),
        ..limits.decode
    };
    let decoded = imaging::decode(bytes, &decode_limits).map_err(|err| match err {
        ImagingError::TooLarge {
            width: 0,
            height: 0,
            ..
        } => ImportError::TooLarge {
            limit_bytes: decode_limits.max_bytes,
        },
        ImagingError::TooLarge {
            width,
            height,
            max_pixels,
        } => ImportError::TooManyPixels {
            width,
            height,
            max_pixels,
        },
        other => ImportError::Unreadable(reason(&other)),
    })?;
    let (width, height) = (decoded.width(), decoded.height());
    let pixels = opaque_pixels(decoded);
    let thumbnails = THUMBNAIL_SIZES
        .iter()
        .map(|&size| imaging::encode_jpeg(&imaging::thumbnail(&pixels, size), 82))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| ImportError::Unreadable(reason(&err)))?;
    // The format was sniffed above, so the readers' only error (an unknown
    // format) cannot happen; a file without settings is simply `None`.
    let parameters = read_generation_metadata(bytes).ok().flatten();
    Ok(Checked {
        width,
        height,
        thumbnails,
        parameters,
    })
}

/// The pixels as RGB; transparency is flattened onto the gallery's dark
/// grey, as generated results' thumbnails are.
fn opaque_pixels(decoded: image::DynamicImage) -> image::RgbImage {
    if decoded.color().has_alpha() {
        let rgba = decoded.to_rgba8();
        if imaging::has_transparency(&rgba) {
            return imaging::flatten(&rgba, [39, 39, 42]);
        }
    }
    decoded.to_rgb8()
}

/// The decoder's reason, without our own "the image is corrupt:" prefix.
fn reason(err: &ImagingError) -> String {
    let text = match err {
        ImagingError::Corrupt(text)
        | ImagingError::Unsupported(text)
        | ImagingError::Encode(text) => text.clone(),
        other => other.to_string(),
    };
    text.trim_end_matches('.').chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_signatures() {
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\nrest"), Some(Format::Png));
        assert_eq!(Format::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Format::Jpeg));
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(Format::sniff(b"GIF89a"), None);
        assert_eq!(Format::sniff(b""), None);
    }

    #[test]
    fn messages_name_the_file_and_the_limit() {
        let err = ImportError::TooLarge {
            limit_bytes: 50 * MIB,
        };
        assert_eq!(
            err.message_for("big.png"),
            "big.png is over the 50 MiB limit."
        );
        assert_eq!(
            ImportError::UnsupportedFormat.message_for("a.txt"),
            "a.txt is not a PNG, JPEG or WebP image."
        );
        assert_eq!(format_mib(3 * MIB / 2), "1.5 MiB");
    }
}
