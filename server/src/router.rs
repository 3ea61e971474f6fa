//! The axum router: pages, server functions, health checks and static
//! files, behind request ids, tracing and compression.

mod archive;
mod health;
mod images;
mod progress;
mod server_fns;
mod styles;
mod upload;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use easel_app::ssr::{AppState, session_middleware};
use easel_app::{App, shell};
use http::HeaderName;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The header carrying each request's id (taken from the client or proxy
/// when present, else generated) and echoed in the response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole router. Tests drive it with `tower::ServiceExt::oneshot`.
pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    // Pages and server functions need to know who is asking. Server
    // functions go through our own handler (limits, status codes), so the
    // pages are registered on their own rather than with
    // `leptos_routes_with_context`, which would claim the server-function
    // paths too.
    let render_page = leptos_axum::render_route_with_context::<AppState, _>(
        routes.clone(),
        context.clone(),
        render_shell.clone(),
    );
    let app_routes = app_routes(&state)
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        })
        .leptos_routes_with_handler(routes, get(render_page))
        .layer(from_fn_with_state(state.clone(), session_middleware));

    // Anything else is a static file from the site root, or the app's 404
    // page (which needs the session too, for the shell's header).
    let not_found = Router::new()
        .fallback(leptos_axum::render_app_to_stream_with_context(
            context,
            render_shell,
        ))
        .layer(from_fn_with_state(state.clone(), session_middleware))
        .with_state(state.clone());
    let static_files = ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(app_routes)
        .fallback_service(static_files)
        .layer(DefaultBodyLimit::max(state.web.max_request_bytes))
        // gzip only (the one compression feature enabled): fast, and static
        // assets come precompressed with brotli from `--precompress`.
        // Zips of images are already compressed: gzip would only cost CPU.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/zip")),
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
        .with_state(state)
}

/// Every route besides the pages, the health checks and the static files,
/// as a table: `build` registers exactly these, and the access-matrix test
/// walks the same list, so a route added here without a matrix entry fails
/// that test.
fn app_routes(state: &AppState) -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/{*fn_name}", post(server_fns::handle)),
        ("/ws/progress", get(progress::progress_socket)),
        (
            easel_domain::gallery::upload::UPLOAD_PATH,
            // Its own body limit: many image files, not a small form.
            post(upload::upload_images)
                .layer(DefaultBodyLimit::max(upload::body_limit(&state.web))),
        ),
        (
            "/images/archive",
            get(archive::download_matching).post(archive::download_selected),
        ),
        ("/images/{id}", get(images::original)),
        ("/images/{id}/download", get(images::download)),
        ("/images/{id}/thumb/{size}", get(images::thumbnail)),
        ("/g/{token}/images/{id}", get(images::gallery_original)),
        (
            "/g/{token}/images/{id}/thumb/{size}",
            get(images::gallery_thumbnail),
        ),
        ("/s/{token}/image", get(images::share_original)),
        ("/s/{token}/thumb/{size}", get(images::share_thumbnail)),
        ("/styles/user/{file}", get(styles::user_preview)),
        ("/styles/{file}", get(styles::builtin_preview)),
    ]
}

/// The paths of [`app_routes`], for the access-matrix test.
pub fn route_paths(state: &AppState) -> Vec<&'static str> {
    app_routes(state)
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

/// One span per request. The query string is left out: it may carry
/// secrets; `user_id` is filled in by the session middleware.
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
        user_id = tracing::field::Empty,
    )
}
