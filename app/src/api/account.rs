//! The logged-in user's own account.

use easel_domain::account::AccountOverview;
use leptos::prelude::*;

use crate::AppError;

/// The account page: who you are, since when, and how many sessions are
/// signed in. Needs a session.
#[server(endpoint = "account/overview")]
pub async fn get_account_overview() -> Result<AccountOverview, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.accounts.overview(user.id).await?)
}
