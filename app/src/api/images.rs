//! The user's own images: the grid with search and filters, one image's
//! detail, bulk actions (tags, stars, galleries, the trash), and delete.
//! The image bytes are served by the `/images/...` routes.

use easel_domain::galleries::{BulkAction, BulkOutcome, ImageSelection};
use easel_domain::gallery::{GalleryCursor, GalleryPage, ImageDetail, ImageQuery};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

use crate::AppError;

/// Images per gallery page.
pub const GALLERY_PAGE_SIZE: u32 = 48;

/// A page of the user's live images matching `query`, in its order. Pass
/// the previous page's `next_cursor` to continue.
#[server(endpoint = "gallery/list", input = Json)]
pub async fn list_gallery_images(
    #[server(default)] query: ImageQuery,
    cursor: Option<GalleryCursor>,
) -> Result<GalleryPage, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state
        .engine
        .images
        .list(user.id, &query, cursor, GALLERY_PAGE_SIZE)
        .await?)
}

/// How many live images match `query`.
#[server(endpoint = "gallery/count", input = Json)]
pub async fn count_gallery_images(query: ImageQuery) -> Result<i64, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.images.count(user.id, &query).await?)
}

/// A page of the trash, most recently deleted first.
#[server(endpoint = "gallery/trash", input = Json)]
pub async fn list_trash(cursor: Option<GalleryCursor>) -> Result<GalleryPage, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state
        .engine
        .images
        .list_trash(user.id, cursor, GALLERY_PAGE_SIZE)
        .await?)
}

/// One of the user's images with all its metadata. Another user's image is
/// `NotFound`.
#[server(endpoint = "gallery/image", input = Json)]
pub async fn get_image(id: Uuid) -> Result<ImageDetail, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.images.detail(user.id, id).await?)
}

/// Moves one of the user's images to the trash.
#[server(endpoint = "gallery/delete", input = Json)]
pub async fn delete_image(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.images.delete(user.id, id).await?)
}

/// Applies one action to a selection: hand-picked ids, every image a
/// query matches, or the whole trash.
#[server(endpoint = "gallery/bulk", input = Json)]
pub async fn apply_bulk_action(
    selection: ImageSelection,
    action: BulkAction,
) -> Result<BulkOutcome, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state
        .engine
        .images
        .apply_bulk(user.id, &selection, &action)
        .await?)
}

/// The user's tags with how many live images carry each, most used first.
#[server(endpoint = "gallery/tags", input = Json)]
pub async fn list_tags() -> Result<Vec<(String, i64)>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.images.tags(user.id).await?)
}
