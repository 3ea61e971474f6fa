//! Galleries, their public pages, and single-image share links. Public
//! pages are read without a session; everything else is the owner's.

use easel_domain::galleries::{
    GalleryForm, GallerySummary, PublicGallery, PublicPage, PublicShare, ShareLink, ShareRequest,
    SharingOptions,
};
use easel_domain::gallery::GalleryPage;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

use crate::AppError;

/// Images per page of a gallery.
pub const GALLERY_IMAGES_PAGE: u32 = 60;

/// A page of a gallery's images in the owner's order, and where the next
/// page starts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GalleryView {
    /// The gallery.
    pub gallery: GallerySummary,
    /// Its images.
    pub page: GalleryPage,
    /// Pass back as `after` for the next page.
    pub next_after: Option<i64>,
}

/// The user's galleries, in their order.
#[server(endpoint = "galleries/list", input = Json)]
pub async fn list_galleries() -> Result<Vec<GallerySummary>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?.engine.galleries.list(user.id).await?)
}

/// One gallery and a page of its images.
#[server(endpoint = "galleries/get", input = Json)]
pub async fn get_gallery(id: Uuid, after: Option<i64>) -> Result<GalleryView, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let galleries = ssr::app_state()?.engine.galleries;
    let gallery = galleries.get(user.id, id).await?;
    let (page, next_after) = galleries
        .images(user.id, id, after, GALLERY_IMAGES_PAGE)
        .await?;
    Ok(GalleryView {
        gallery,
        page,
        next_after,
    })
}

/// Creates a gallery.
#[server(endpoint = "galleries/create", input = Json)]
pub async fn create_gallery(form: GalleryForm) -> Result<GallerySummary, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .create(user.id, &form)
        .await?)
}

/// Renames and re-describes a gallery.
#[server(endpoint = "galleries/update", input = Json)]
pub async fn update_gallery(id: Uuid, form: GalleryForm) -> Result<GallerySummary, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .update(user.id, id, &form)
        .await?)
}

/// Deletes a gallery; its images stay in the library.
#[server(endpoint = "galleries/delete", input = Json)]
pub async fn delete_gallery(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .delete(user.id, id)
        .await?)
}

/// Puts the user's galleries in this order.
#[server(endpoint = "galleries/reorder", input = Json)]
pub async fn reorder_galleries(ids: Vec<Uuid>) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .reorder(user.id, &ids)
        .await?)
}

/// Puts a gallery's images in this order (those not named follow).
#[server(endpoint = "galleries/reorder-images", input = Json)]
pub async fn reorder_gallery_images(id: Uuid, image_ids: Vec<Uuid>) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .reorder_images(user.id, id, &image_ids)
        .await?)
}

/// Sets or clears a gallery's cover.
#[server(endpoint = "galleries/cover", input = Json)]
pub async fn set_gallery_cover(
    id: Uuid,
    image_id: Option<Uuid>,
) -> Result<GallerySummary, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .set_cover(user.id, id, image_id)
        .await?)
}

/// Publishes or unpublishes a gallery, and sets what its page shows.
#[server(endpoint = "galleries/sharing", input = Json)]
pub async fn set_gallery_sharing(
    id: Uuid,
    is_public: bool,
    sharing: SharingOptions,
) -> Result<GallerySummary, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .set_sharing(user.id, id, is_public, sharing)
        .await?)
}

/// Gives a public gallery a new URL; the old one stops working.
#[server(endpoint = "galleries/new-link", input = Json)]
pub async fn new_gallery_link(id: Uuid) -> Result<GallerySummary, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .new_link(user.id, id)
        .await?)
}

/// A public gallery page, for anyone with its token.
#[server(endpoint = "public/gallery", input = Json)]
pub async fn get_public_gallery(token: String) -> Result<PublicPage<PublicGallery>, AppError> {
    use crate::ssr;
    let mut page = ssr::app_state()?
        .engine
        .galleries
        .public_page(&token)
        .await?;
    if let PublicPage::Live { page } = &mut page {
        page.origin = ssr::site_origin().await?;
    }
    Ok(page)
}

/// A shared image, for anyone with its link.
#[server(endpoint = "public/share", input = Json)]
pub async fn get_public_share(token: String) -> Result<PublicPage<PublicShare>, AppError> {
    use crate::ssr;
    let mut page = ssr::app_state()?
        .engine
        .galleries
        .public_share(&token)
        .await?;
    if let PublicPage::Live { page } = &mut page {
        page.origin = ssr::site_origin().await?;
    }
    Ok(page)
}

/// Makes a share link for one of the user's images.
#[server(endpoint = "shares/create", input = Json)]
pub async fn create_share(request: ShareRequest) -> Result<ShareLink, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .create_share(user.id, &request)
        .await?)
}

/// The links of one of the user's images.
#[server(endpoint = "shares/list", input = Json)]
pub async fn list_shares(image_id: Uuid) -> Result<Vec<ShareLink>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .shares(user.id, image_id)
        .await?)
}

/// Revokes a share link.
#[server(endpoint = "shares/revoke", input = Json)]
pub async fn revoke_share(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .galleries
        .revoke_share(user.id, id)
        .await?)
}
