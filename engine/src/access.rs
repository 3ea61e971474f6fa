//! Who may read an image: the one decision behind every image route and
//! server function.
//!
//! An image can be reached three ways, and each names what the visitor
//! holds:
//!
//! | way | who gets it | what they see |
//! | --- | --- | --- |
//! | [`Via::Owner`] (`/images/{id}`) | the owner, signed in | everything |
//! | [`Via::Gallery`] (`/g/{token}/images/{id}`) | anyone with the token of a public gallery that holds the image | what the gallery's sharing options allow |
//! | [`Via::Share`] (`/s/{token}`) | anyone with a live share link | what the link allows |
//!
//! Everything else is [`Access::Denied`], which the web layer answers as
//! 404, never 403: a stranger cannot tell a private image from none. A
//! share link past its expiry is [`Access::Expired`], so its page can say
//! so. The public ways apply the same visibility to the owner, so what the
//! owner checks is what visitors get. An image in the trash is reachable
//! only by its owner.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// How a visitor asks for an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via<'a> {
    /// By id, as its owner.
    Owner {
        /// The image.
        image_id: Uuid,
    },
    /// Through a public gallery's token.
    Gallery {
        /// The gallery's public token.
        token: &'a str,
        /// The image.
        image_id: Uuid,
    },
    /// Through a single-image share link.
    Share {
        /// The link's token.
        token: &'a str,
    },
}

/// What a granted visitor may see besides the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// The prompts.
    pub prompt: bool,
    /// The parameters, and the metadata chunks inside the file.
    pub parameters: bool,
    /// Whether the response may be cached by shared caches.
    pub public: bool,
}

impl Visibility {
    /// The owner's view: everything, cached privately.
    pub const OWNER: Visibility = Visibility {
        prompt: true,
        parameters: true,
        public: false,
    };
}

/// The files of an image, and what is needed to serve them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImageFiles {
    /// The image's id.
    pub id: Uuid,
    /// The original's store key.
    pub image_path: String,
    /// The 256 px thumbnail's key.
    pub thumbnail_path: String,
    /// The 512 px thumbnail's key.
    pub thumbnail_large_path: String,
    /// The original's media type.
    pub media_type: String,
    /// Width of the original.
    pub width: i32,
    /// Height of the original.
    pub height: i32,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Granted: the files, and what may be shown.
    Granted {
        /// The image's files.
        files: ImageFiles,
        /// What may be shown.
        visibility: Visibility,
    },
    /// A share link past its expiry.
    Expired,
    /// Nobody may read it this way (or it does not exist).
    Denied,
}

const FILE_COLUMNS: &str =
    "i.id, i.image_path, i.thumbnail_path, i.thumbnail_large_path, i.media_type, i.width, i.height";

/// Decides whether `viewer` (a signed-in user's id, or `None`) may read the
/// image `via` names.
pub async fn decide(
    db: &PgPool,
    viewer: Option<Uuid>,
    via: Via<'_>,
) -> Result<Access, sqlx::Error> {
    match via {
        Via::Owner { image_id } => {
            let Some(viewer) = viewer else {
                return Ok(Access::Denied);
            };
            let files = sqlx::query_as::<_, ImageFiles>(&format!(
                "select {FILE_COLUMNS} from generated_images i where i.id = $1 and i.user_id = $2"
            ))
            .bind(image_id)
            .bind(viewer)
            .fetch_optional(db)
            .await?;
            Ok(granted(files, Visibility::OWNER))
        }
        Via::Gallery { token, image_id } => gallery(db, token, image_id).await,
        Via::Share { token } => share(db, token).await,
    }
}

async fn gallery(db: &PgPool, token: &str, image_id: Uuid) -> Result<Access, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        files: ImageFiles,
        show_prompts: bool,
        show_parameters: bool,
    }
    let row = sqlx::query_as::<_, Row>(&format!(
        "select {FILE_COLUMNS}, g.show_prompts, g.show_parameters
         from image_galleries g
         join gallery_images gi on gi.gallery_id = g.id
         join generated_images i on i.id = gi.image_id and i.user_id = g.user_id
         where g.public_token = $1 and g.is_public and gi.image_id = $2
           and i.deleted_at is null"
    ))
    .bind(token)
    .bind(image_id)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(row) => Access::Granted {
            files: row.files,
            visibility: Visibility {
                prompt: row.show_prompts,
                parameters: row.show_parameters,
                public: true,
            },
        },
        None => Access::Denied,
    })
}

async fn share(db: &PgPool, token: &str) -> Result<Access, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        files: ImageFiles,
        show_prompt: bool,
        show_parameters: bool,
        expires_at: Option<DateTime<Utc>>,
    }
    let row = sqlx::query_as::<_, Row>(&format!(
        "select {FILE_COLUMNS}, s.show_prompt, s.show_parameters, s.expires_at
         from image_shares s
         join generated_images i on i.id = s.image_id and i.user_id = s.user_id
         where s.token = $1 and s.revoked_at is null and i.deleted_at is null"
    ))
    .bind(token)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Access::Denied,
        Some(row) if row.expires_at.is_some_and(|at| at <= Utc::now()) => Access::Expired,
        Some(row) => Access::Granted {
            files: row.files,
            visibility: Visibility {
                prompt: row.show_prompt,
                parameters: row.show_parameters,
                public: true,
            },
        },
    })
}

fn granted(files: Option<ImageFiles>, visibility: Visibility) -> Access {
    match files {
        Some(files) => Access::Granted { files, visibility },
        None => Access::Denied,
    }
}

/// A new public token: 128 random bits, base64url (22 characters).
pub fn new_token() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `text` has the shape of a token (so a malformed one costs no
/// database round trip).
pub fn is_token(text: &str) -> bool {
    text.len() == 22
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_128_bits_and_differ() {
        let a = new_token();
        let b = new_token();
        assert!(is_token(&a) && is_token(&b));
        assert_ne!(a, b);
        assert!(!is_token("short"));
        assert!(!is_token("../../../../etc/passwd.."));
    }
}
