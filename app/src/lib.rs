//! Easel's Leptos app: the routes, pages and components, and the server
//! functions they call.
//!
//! Built twice: with `ssr` into the server (rendering pages, running server
//! functions), and with `hydrate` into the browser bundle. Never both at
//! once (see the workspace's `default-members`).

pub mod api;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use error::AppError;

use easel_domain::account::SessionUser;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ProtectedParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{SsrMode, path};

use crate::api::auth::{Login, Logout, Register, current_user};
use crate::components::layout::AppLayout;
use crate::pages::{
    GalleriesPage, GalleryDetailPage, GalleryPage, HistoryPage, ImageDetailPage, LoginPage,
    NotFoundPage, PublicGalleryPage, RegisterPage, SettingsPage, SharePage, StudioPage,
    TemplatesPage, TrashPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" class="h-full bg-zinc-950">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark" />
                <meta name="theme-color" content="#09090b" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="h-full text-zinc-100 antialiased">
                <App />
            </body>
        </html>
    }
}

/// Who is logged in, and the actions that change it. Provided at the root;
/// read it with `expect_context::<AuthContext>()`.
#[derive(Clone, Copy)]
pub struct AuthContext {
    /// Log in.
    pub login: ServerAction<Login>,
    /// Register.
    pub register: ServerAction<Register>,
    /// Log out.
    pub logout: ServerAction<Logout>,
    /// The logged-in user; refetched whenever one of the actions completes.
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
}

impl AuthContext {
    fn new() -> Self {
        let login = ServerAction::<Login>::new();
        let register = ServerAction::<Register>::new();
        let logout = ServerAction::<Logout>::new();
        // Blocking: the server knows the user before it sends any HTML, so
        // it can answer a protected page with a redirect instead of a flash
        // of the wrong page.
        let user = Resource::new_blocking(
            move || {
                (
                    login.version().get(),
                    register.version().get(),
                    logout.version().get(),
                )
            },
            |_| current_user(),
        );
        Self {
            login,
            register,
            logout,
            user,
        }
    }

    /// The user, once known (`None` while loading or when logged out).
    pub fn current(&self) -> Option<SessionUser> {
        self.user.get().and_then(Result::ok).flatten()
    }
}

/// The app: routes and the auth context.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let auth = AuthContext::new();
    provide_context(auth);

    // Marks the document once the WebAssembly has taken over, so tests (and
    // curious people) can tell a hydrated page from server-rendered HTML.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    let logged_in = move || auth.user.get().map(|user| matches!(user, Ok(Some(_))));
    view! {
        <Stylesheet id="leptos" href="/pkg/easel.css" />
        <Title formatter=|title: String| if title.is_empty() { "Easel".to_string() } else { format!("{title} · Easel") } />
        <Router>
            <Routes fallback=NotFoundPage>
                // Async rendering: these pages may answer with a redirect, which
                // must be decided before the first byte (and header) is sent.
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                // Public pages: outside the signed-in shell, whole on the
                // server (head tags for link previews, no JavaScript needed).
                <Route path=path!("/g/:token") view=PublicGalleryPage ssr=SsrMode::Async />
                <Route path=path!("/s/:token") view=SharePage ssr=SsrMode::Async />
                <ProtectedParentRoute
                    path=path!("")
                    view=AppLayout
                    condition=logged_in
                    redirect_path=login_redirect
                    ssr=SsrMode::Async
                >
                    <Route path=path!("") view=StudioPage />
                    <Route path=path!("gallery") view=GalleryPage />
                    <Route path=path!("gallery/trash") view=TrashPage />
                    <Route path=path!("gallery/:id") view=ImageDetailPage />
                    <Route path=path!("galleries") view=GalleriesPage />
                    <Route path=path!("galleries/:id") view=GalleryDetailPage />
                    <Route path=path!("templates") view=TemplatesPage />
                    <Route path=path!("history") view=HistoryPage />
                    <Route path=path!("settings") view=SettingsPage />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}

/// `/login?next=<where the user was going>`.
fn login_redirect() -> String {
    let location = use_location();
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    let target = if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    };
    if target == "/" {
        "/login".to_string()
    } else {
        format!("/login?next={}", encode_query_value(&target))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters and `/`
/// pass through).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/gallery?page=2&q=a b"),
            "/gallery%3Fpage%3D2%26q%3Da%20b"
        );
        assert_eq!(encode_query_value("/settings"), "/settings");
    }
}
