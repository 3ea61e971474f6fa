//! The prompt library: templates, the user's style presets, wildcard
//! lists and prompt history. Every call acts for the logged-in user only;
//! another user's private rows are "not found".

use easel_domain::library::{
    HistoryEntry, HistoryPage, HistoryQuery, PromptTemplate, StyleInput, TemplateInput, UserStyle,
    WildcardList,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

use crate::AppError;

/// The user's templates and everyone's public ones.
#[server(endpoint = "templates/list")]
pub async fn list_templates() -> Result<Vec<PromptTemplate>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .list_templates(user.id)
        .await?)
}

/// Saves a new template.
#[server(endpoint = "templates/create", input = Json)]
pub async fn create_template(input: TemplateInput) -> Result<PromptTemplate, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .create_template(user.id, input)
        .await?)
}

/// Changes one of the user's templates.
#[server(endpoint = "templates/update", input = Json)]
pub async fn update_template(id: Uuid, input: TemplateInput) -> Result<PromptTemplate, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .update_template(user.id, id, input)
        .await?)
}

/// Deletes one of the user's templates.
#[server(endpoint = "templates/delete", input = Json)]
pub async fn delete_template(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .delete_template(user.id, id)
        .await?)
}

/// The user's own style presets.
#[server(endpoint = "styles/list")]
pub async fn list_styles() -> Result<Vec<UserStyle>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .list_styles(user.id)
        .await?)
}

/// Saves a new style preset.
#[server(endpoint = "styles/create", input = Json)]
pub async fn create_style(input: StyleInput) -> Result<UserStyle, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .create_style(user.id, input)
        .await?)
}

/// Deletes one of the user's style presets.
#[server(endpoint = "styles/delete", input = Json)]
pub async fn delete_style(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .delete_style(user.id, id)
        .await?)
}

/// The user's wildcard lists.
#[server(endpoint = "wildcards/list")]
pub async fn list_wildcards() -> Result<Vec<WildcardList>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .list_wildcards(user.id)
        .await?)
}

/// Creates or replaces one of the user's wildcard lists.
#[server(endpoint = "wildcards/save", input = Json)]
pub async fn save_wildcards(list: WildcardList) -> Result<WildcardList, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .save_wildcards(user.id, list)
        .await?)
}

/// Deletes one of the user's wildcard lists.
#[server(endpoint = "wildcards/delete", input = Json)]
pub async fn delete_wildcards(name: String) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .delete_wildcards(user.id, &name)
        .await?)
}

/// A page of the user's prompt history.
#[server(endpoint = "history/search", input = Json)]
pub async fn search_history(query: HistoryQuery) -> Result<HistoryPage, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .search_history(user.id, &query)
        .await?)
}

/// Stars or unstars a history entry.
#[server(endpoint = "history/star", input = Json)]
pub async fn star_history(id: Uuid, starred: bool) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .star_history(user.id, id, starred)
        .await?)
}

/// Deletes a history entry (its images stay in the gallery).
#[server(endpoint = "history/delete", input = Json)]
pub async fn delete_history(id: Uuid) -> Result<(), AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .delete_history(user.id, id)
        .await?)
}

/// One template the user may see (their own or a public one).
#[server(endpoint = "templates/get", input = Json)]
pub async fn get_template(id: Uuid) -> Result<PromptTemplate, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .get_template(user.id, id)
        .await?)
}

/// One of the user's history entries.
#[server(endpoint = "history/get", input = Json)]
pub async fn get_history(id: Uuid) -> Result<HistoryEntry, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    Ok(ssr::app_state()?
        .engine
        .library
        .get_history(user.id, id)
        .await?)
}
