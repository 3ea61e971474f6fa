//! What the Studio loads from the user's prompt library once: their own
//! styles, wildcard lists and templates (for the preview, the style picker
//! and the template menu).

use easel_domain::library::{PromptTemplate, UserStyle};
use easel_domain::prompt::WildcardLists;
use leptos::prelude::*;

use crate::AppError;
use crate::api::library::{list_styles, list_templates, list_wildcards};

/// The loaded library; provided by the Studio page.
#[derive(Clone, Copy)]
pub struct StudioLibrary {
    styles: Resource<Result<Vec<UserStyle>, AppError>>,
    wildcards: Resource<Result<WildcardLists, AppError>>,
    templates: Resource<Result<Vec<PromptTemplate>, AppError>>,
}

impl StudioLibrary {
    /// Starts loading and provides the library as context.
    pub fn provide() -> Self {
        let library = Self {
            styles: Resource::new(|| (), |_| list_styles()),
            wildcards: Resource::new(
                || (),
                |_| async {
                    list_wildcards().await.map(|lists| {
                        lists
                            .into_iter()
                            .map(|list| (list.name, list.entries))
                            .collect::<WildcardLists>()
                    })
                },
            ),
            templates: Resource::new(|| (), |_| list_templates()),
        };
        provide_context(library);
        library
    }

    /// The user's styles (empty until loaded, or if they failed to load).
    pub fn user_styles(&self) -> Vec<UserStyle> {
        self.styles.get().and_then(Result::ok).unwrap_or_default()
    }

    /// The user's wildcard lists.
    pub fn wildcards(&self) -> WildcardLists {
        self.wildcards
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    /// The templates the user can apply.
    pub fn templates(&self) -> Vec<PromptTemplate> {
        self.templates
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    }
}
