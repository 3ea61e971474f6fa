//! What a visitor sees at a public gallery's URL: only the live images of
//! a gallery that is public under that exact token, with only the fields
//! its owner chose to show. Nothing here names the owner's id, their other
//! galleries, or images outside this gallery.

use easel_domain::galleries::{PublicGallery, PublicImage, PublicPage};
use sqlx::PgPool;
use uuid::Uuid;

use super::{Galleries, GalleryError};
use crate::access::is_token;

/// Most images one public page lists.
pub const MAX_PUBLIC_IMAGES: i64 = 1_000;

/// The columns a public image is built from, on the alias `i`.
pub(crate) const PUBLIC_IMAGE_COLUMNS: &str =
    "i.id, i.width, i.height, i.prompt, i.negative_prompt,
    i.model, i.seed, i.operation, i.parameters";

/// An image row as a public page may use it.
#[derive(sqlx::FromRow)]
pub(crate) struct PublicImageRow {
    id: Uuid,
    width: i32,
    height: i32,
    prompt: String,
    negative_prompt: String,
    model: String,
    seed: i64,
    operation: String,
    parameters: serde_json::Value,
}

impl PublicImageRow {
    /// Keeps only what the owner chose to show.
    pub(crate) fn into_public(self, show_prompt: bool, show_parameters: bool) -> PublicImage {
        let parameters = if show_parameters {
            parameter_list(&self)
        } else {
            Vec::new()
        };
        PublicImage {
            id: self.id,
            width: self.width.max(0) as u32,
            height: self.height.max(0) as u32,
            prompt: show_prompt.then_some(self.prompt),
            negative_prompt: (show_prompt && !self.negative_prompt.is_empty())
                .then_some(self.negative_prompt),
            parameters,
        }
    }
}

/// Model, seed, size and the sampling settings, as label and value.
fn parameter_list(row: &PublicImageRow) -> Vec<(String, String)> {
    let mut list = vec![
        ("Model".to_owned(), row.model.clone()),
        ("Seed".to_owned(), row.seed.to_string()),
        ("Size".to_owned(), format!("{}×{}", row.width, row.height)),
    ];
    let number = |key: &str| {
        row.parameters
            .get(key)
            .filter(|v| v.is_number())
            .map(|v| v.to_string())
    };
    if let Some(steps) = number("steps") {
        list.push(("Steps".to_owned(), steps));
    }
    if let Some(cfg) = number("cfg") {
        list.push(("CFG scale".to_owned(), cfg));
    }
    if let Some(sampler) = row.parameters.get("sampler").and_then(|v| v.as_str()) {
        list.push(("Sampler".to_owned(), sampler.to_owned()));
    }
    if row.operation != "txt2img" {
        list.push(("Made by".to_owned(), row.operation.clone()));
    }
    list
}

impl Galleries {
    /// The public page behind `token`: `Gone` when no gallery is public
    /// under it (never public, made private, or given a new link).
    pub async fn public_page(
        &self,
        token: &str,
    ) -> Result<PublicPage<PublicGallery>, GalleryError> {
        if !is_token(token) {
            return Ok(PublicPage::Gone);
        }
        load_public(&self.db, token).await
    }
}

async fn load_public(db: &PgPool, token: &str) -> Result<PublicPage<PublicGallery>, GalleryError> {
    #[derive(sqlx::FromRow)]
    struct GalleryRow {
        id: Uuid,
        name: String,
        description: String,
        owner: String,
        cover_image_id: Option<Uuid>,
        show_prompts: bool,
        show_parameters: bool,
        show_owner: bool,
        allow_indexing: bool,
    }
    let Some(gallery) = sqlx::query_as::<_, GalleryRow>(
        "select g.id, g.name, g.description, u.username as owner, g.cover_image_id,
                g.show_prompts, g.show_parameters, g.show_owner, g.allow_indexing
         from image_galleries g join users u on u.id = g.user_id
         where g.public_token = $1 and g.is_public",
    )
    .bind(token)
    .fetch_optional(db)
    .await?
    else {
        return Ok(PublicPage::Gone);
    };
    let rows: Vec<PublicImageRow> = sqlx::query_as(&format!(
        "select {PUBLIC_IMAGE_COLUMNS}
         from gallery_images gi
         join generated_images i on i.id = gi.image_id
         join image_galleries g on g.id = gi.gallery_id and i.user_id = g.user_id
         where gi.gallery_id = $1 and i.deleted_at is null
         order by gi.position, gi.image_id
         limit $2"
    ))
    .bind(gallery.id)
    .bind(MAX_PUBLIC_IMAGES)
    .fetch_all(db)
    .await?;
    let images: Vec<PublicImage> = rows
        .into_iter()
        .map(|row| row.into_public(gallery.show_prompts, gallery.show_parameters))
        .collect();
    let cover = gallery
        .cover_image_id
        .and_then(|id| images.iter().find(|image| image.id == id))
        .or_else(|| images.first())
        .cloned();
    Ok(PublicPage::Live {
        page: PublicGallery {
            token: token.to_owned(),
            name: gallery.name,
            description: gallery.description,
            owner: gallery.show_owner.then_some(gallery.owner),
            allow_indexing: gallery.allow_indexing,
            origin: String::new(),
            cover,
            images,
        },
    })
}
