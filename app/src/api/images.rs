//! The user's own images: the grid, one image's detail, and delete.
//! The image bytes are served by the `/images/...` routes.

use easel_domain::gallery::{GalleryCursor, GalleryPage, ImageDetail};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

use crate::AppError;

/// Images per gallery page.
pub const GALLERY_PAGE_SIZE: u32 = 48;

/// A page of the user's images, newest first. Pass the previous page's
/// `next_cursor` to continue.
#[server(endpoint = "gallery/list", input = Json)]
pub async fn list_gallery_images(cursor: Option<GalleryCursor>) -> Result<GalleryPage, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state
        .engine
        .gallery
        .list(user.id, cursor, GALLERY_PAGE_SIZE)
        .await?)
}

/// One of the user's images with all its metadata. Another user's image is
/// `NotFound`.
#[server(endpoint = "gallery/image", input = Json)]
pub async fn get_image(id: Uuid) -> Result<ImageDetail, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.gallery.detail(user.id, id).await?)
}

/// Deletes one of the user's images: the row, then its files (unless
/// another image shares the same bytes).
#[server(endpoint = "gallery/delete", input = Json)]
pub async fn delete_image(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.gallery.delete(user.id, id).await?)
}
