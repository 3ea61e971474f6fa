//! Share links for a single image: an unguessable URL with an optional
//! expiry, that its owner can revoke. An expired link answers with its own
//! page ("this link has expired"); a revoked or unknown one is gone.

use chrono::{DateTime, Duration, Utc};
use easel_domain::galleries::{PublicPage, PublicShare, ShareLink, ShareRequest};
use uuid::Uuid;

use super::public::{PUBLIC_IMAGE_COLUMNS, PublicImageRow};
use super::{Galleries, GalleryError};
use crate::access::{is_token, new_token};

/// Most live links one image may have.
pub const MAX_SHARES_PER_IMAGE: i64 = 50;

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: Uuid,
    token: String,
    image_id: Uuid,
    show_prompt: bool,
    show_parameters: bool,
    expires_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<LinkRow> for ShareLink {
    fn from(row: LinkRow) -> Self {
        ShareLink {
            id: row.id,
            token: row.token,
            image_id: row.image_id,
            show_prompt: row.show_prompt,
            show_parameters: row.show_parameters,
            expires_at: row.expires_at,
            created_at: row.created_at,
        }
    }
}

const LINK_COLUMNS: &str =
    "id, token, image_id, show_prompt, show_parameters, expires_at, created_at";

impl Galleries {
    /// Makes a share link for one of the user's live images.
    pub async fn create_share(
        &self,
        user_id: Uuid,
        request: &ShareRequest,
    ) -> Result<ShareLink, GalleryError> {
        request.validate()?;
        let live: i64 = sqlx::query_scalar(
            "select count(*) from image_shares where image_id = $1 and user_id = $2
               and revoked_at is null and (expires_at is null or expires_at > now())",
        )
        .bind(request.image_id)
        .bind(user_id)
        .fetch_one(&self.db)
        .await?;
        if live >= MAX_SHARES_PER_IMAGE {
            return Err(easel_domain::ValidationError::new(
                "image_id",
                format!("An image can have at most {MAX_SHARES_PER_IMAGE} live links. Revoke some first."),
            )
            .into());
        }
        let expires_at = request
            .expires_in_hours
            .map(|hours| Utc::now() + Duration::hours(i64::from(hours)));
        let row: LinkRow = sqlx::query_as(&format!(
            "insert into image_shares (id, user_id, image_id, token, show_prompt, show_parameters, expires_at)
             select $1, $2, i.id, $4, $5, $6, $7 from generated_images i
             where i.id = $3 and i.user_id = $2 and i.deleted_at is null
             returning {LINK_COLUMNS}"
        ))
        .bind(Uuid::now_v7())
        .bind(user_id)
        .bind(request.image_id)
        .bind(new_token())
        .bind(request.show_prompt)
        .bind(request.show_parameters)
        .bind(expires_at)
        .fetch_optional(&self.db)
        .await?
        .ok_or(GalleryError::NotFound)?;
        tracing::info!(image_id = %request.image_id, "share link created");
        Ok(row.into())
    }

    /// The live and expired (not revoked) links of one of the user's
    /// images, newest first.
    pub async fn shares(
        &self,
        user_id: Uuid,
        image_id: Uuid,
    ) -> Result<Vec<ShareLink>, GalleryError> {
        let rows: Vec<LinkRow> = sqlx::query_as(&format!(
            "select {LINK_COLUMNS} from image_shares
             where image_id = $1 and user_id = $2 and revoked_at is null
             order by created_at desc"
        ))
        .bind(image_id)
        .bind(user_id)
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(ShareLink::from).collect())
    }

    /// Revokes a link at once.
    pub async fn revoke_share(&self, user_id: Uuid, share_id: Uuid) -> Result<(), GalleryError> {
        let done = sqlx::query(
            "update image_shares set revoked_at = now(), updated_at = now()
             where id = $1 and user_id = $2 and revoked_at is null",
        )
        .bind(share_id)
        .bind(user_id)
        .execute(&self.db)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(GalleryError::NotFound);
        }
        tracing::info!(share_id = %share_id, "share link revoked");
        Ok(())
    }

    /// What a visitor with a share link sees.
    pub async fn public_share(&self, token: &str) -> Result<PublicPage<PublicShare>, GalleryError> {
        if !is_token(token) {
            return Ok(PublicPage::Gone);
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            image: PublicImageRow,
            show_prompt: bool,
            show_parameters: bool,
            expires_at: Option<DateTime<Utc>>,
        }
        let row: Option<Row> = sqlx::query_as(&format!(
            "select {PUBLIC_IMAGE_COLUMNS}, s.show_prompt, s.show_parameters, s.expires_at
             from image_shares s
             join generated_images i on i.id = s.image_id and i.user_id = s.user_id
             where s.token = $1 and s.revoked_at is null and i.deleted_at is null"
        ))
        .bind(token)
        .fetch_optional(&self.db)
        .await?;
        Ok(match row {
            None => PublicPage::Gone,
            Some(row) if row.expires_at.is_some_and(|at| at <= Utc::now()) => PublicPage::Expired,
            Some(row) => PublicPage::Live {
                page: PublicShare {
                    token: token.to_owned(),
                    expires_at: row.expires_at,
                    origin: String::new(),
                    image: row.image.into_public(row.show_prompt, row.show_parameters),
                },
            },
        })
    }
}
