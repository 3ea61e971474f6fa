//! The public pages: `/g/:token` (a published gallery) and `/s/:token` (one
//! shared image). They sit outside the signed-in shell, are rendered whole
//! on the server (they read fully with JavaScript off), and carry
//! OpenGraph and Twitter card tags so a pasted link previews its cover.
//! They show only what the owner chose; an unknown or revoked token is a
//! 404 page, an expired share link a 410 page that says so.

mod meta;

use easel_domain::galleries::{
    PublicGallery, PublicImage, PublicPage, PublicShare, public_gallery_file, share_file,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::galleries::{get_public_gallery, get_public_share};
use crate::components::icons::Logo;
use meta::{LinkPreview, PreviewImage};

/// A published gallery.
#[component]
pub fn PublicGalleryPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let page = Resource::new_blocking(token, get_public_gallery);
    view! {
        <Suspense>
            {move || page.get().map(|result| match result {
                Ok(PublicPage::Live { page }) => view! { <GalleryView gallery=page /> }.into_any(),
                Ok(PublicPage::Expired) => view! { <Unavailable expired=true /> }.into_any(),
                Ok(PublicPage::Gone) | Err(_) => view! { <Unavailable expired=false /> }.into_any(),
            })}
        </Suspense>
    }
}

/// One shared image.
#[component]
pub fn SharePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let page = Resource::new_blocking(token, get_public_share);
    view! {
        <Suspense>
            {move || page.get().map(|result| match result {
                Ok(PublicPage::Live { page }) => view! { <ShareView share=page /> }.into_any(),
                Ok(PublicPage::Expired) => view! { <Unavailable expired=true /> }.into_any(),
                Ok(PublicPage::Gone) | Err(_) => view! { <Unavailable expired=false /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn GalleryView(gallery: PublicGallery) -> impl IntoView {
    let token = gallery.token.clone();
    let preview = gallery.cover.as_ref().map(|cover| PreviewImage {
        url: format!(
            "{}{}",
            gallery.origin,
            public_gallery_file(&token, cover.id, 512)
        ),
        width: preview_side(cover.width, cover.height, 512).0,
        height: preview_side(cover.width, cover.height, 512).1,
        alt: cover.prompt.clone().unwrap_or_else(|| gallery.name.clone()),
    });
    let description = if gallery.description.is_empty() {
        format!("{} images", gallery.images.len())
    } else {
        gallery.description.clone()
    };
    let count = gallery.images.len();
    view! {
        <LinkPreview
            title=gallery.name.clone()
            description
            url=format!("{}{}", gallery.origin, easel_domain::galleries::public_gallery_path(&token))
            image=preview
            indexable=gallery.allow_indexing
        />
        <PublicFrame>
            <header class="max-w-3xl">
                <h1 class="text-3xl font-semibold tracking-tight text-white sm:text-4xl" data-testid="public-title">{gallery.name.clone()}</h1>
                {(!gallery.description.is_empty()).then(|| view! {
                    <p class="mt-3 whitespace-pre-line text-base text-zinc-300">{gallery.description.clone()}</p>
                })}
                <p class="mt-3 text-sm text-zinc-500">
                    {format!("{count} {}", if count == 1 { "image" } else { "images" })}
                    {gallery.owner.clone().map(|owner| view! { <span>" · by "<span class="text-zinc-300" data-testid="public-owner">{owner}</span></span> })}
                </p>
            </header>
            {if gallery.images.is_empty() {
                view! { <p class="mt-12 text-sm text-zinc-400">"This gallery has no images yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-10 columns-1 gap-4 sm:columns-2 lg:columns-3" data-testid="public-grid">
                        {gallery.images.into_iter().map(|image| {
                            let full = public_gallery_file(&token, image.id, 0);
                            let thumb = public_gallery_file(&token, image.id, 512);
                            view! { <PublicTile image full thumb /> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </PublicFrame>
    }
}

#[component]
fn ShareView(share: PublicShare) -> impl IntoView {
    let token = share.token.clone();
    let image = share.image.clone();
    let title = image
        .prompt
        .clone()
        .map(|p| shorten(&p, 70))
        .unwrap_or_else(|| "A shared image".to_owned());
    let (width, height) = preview_side(image.width, image.height, 512);
    let preview = PreviewImage {
        url: format!("{}{}", share.origin, share_file(&token, 512)),
        width,
        height,
        alt: title.clone(),
    };
    view! {
        <LinkPreview
            title=title.clone()
            description=format!("{}×{} · shared from Easel", image.width, image.height)
            url=format!("{}{}", share.origin, easel_domain::galleries::share_path(&token))
            image=Some(preview)
            indexable=false
        />
        <PublicFrame>
            <figure class="mx-auto max-w-4xl" data-testid="share-image">
                <a href=share_file(&token, 0) class="block overflow-hidden rounded-2xl bg-zinc-900 ring-1 ring-white/10">
                    <img src=share_file(&token, 0) width=image.width height=image.height alt=title.clone() class="mx-auto h-auto max-h-[80vh] w-auto" />
                </a>
                <Caption image />
                {share.expires_at.map(|at| view! {
                    <p class="mt-4 text-xs text-zinc-500">{format!("This link works until {} UTC.", at.format("%Y-%m-%d %H:%M"))}</p>
                })}
            </figure>
        </PublicFrame>
    }
}

/// One image of a public gallery, with what the owner shows of it.
#[component]
fn PublicTile(image: PublicImage, full: String, thumb: String) -> impl IntoView {
    let alt = image.prompt.clone().unwrap_or_default();
    view! {
        <li class="mb-4 break-inside-avoid" data-testid="public-image">
            <figure class="overflow-hidden rounded-2xl bg-zinc-900 ring-1 ring-white/10">
                <a href=full class="block">
                    <img src=thumb width=image.width height=image.height alt=alt loading="lazy" decoding="async" class="h-auto w-full" />
                </a>
                <div class="px-4 pb-4 empty:hidden">
                    <Caption image />
                </div>
            </figure>
        </li>
    }
}

/// The prompt and parameters, when shown.
#[component]
fn Caption(image: PublicImage) -> impl IntoView {
    let prompt = image.prompt.clone();
    let negative = image.negative_prompt.clone();
    let parameters = image.parameters.clone();
    view! {
        {prompt.map(|prompt| view! { <figcaption class="pt-3 text-sm leading-relaxed text-zinc-200" data-testid="public-prompt">{prompt}</figcaption> })}
        {negative.map(|negative| view! { <p class="pt-1 text-xs text-zinc-500">"Without: "{negative}</p> })}
        {(!parameters.is_empty()).then(|| view! {
            <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs" data-testid="public-parameters">
                {parameters.into_iter().map(|(label, value)| view! {
                    <dt class="text-zinc-500">{label}</dt>
                    <dd class="truncate text-zinc-300">{value}</dd>
                }).collect_view()}
            </dl>
        })}
    }
}

/// The frame of a public page: a slim header with the product's mark.
#[component]
fn PublicFrame(children: Children) -> impl IntoView {
    view! {
        <div class="min-h-full bg-zinc-950">
            <div class="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-12">
                {children()}
                <footer class="mt-16 flex items-center gap-2 border-t border-white/5 pt-6 text-xs text-zinc-600">
                    <Logo />
                    <span>"Shared with Easel"</span>
                </footer>
            </div>
        </div>
    }
}

/// An unknown, revoked or expired link.
#[component]
fn Unavailable(expired: bool) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(if expired {
            http::StatusCode::GONE
        } else {
            http::StatusCode::NOT_FOUND
        });
    }
    let (title, text) = if expired {
        (
            "This link has expired",
            "Its owner set it to stop working after a while. Ask them for a new one.",
        )
    } else {
        (
            "Nothing to see here",
            "This link is wrong, or its owner stopped sharing it.",
        )
    };
    view! {
        <Title text=title />
        <leptos_meta::Meta name="robots" content="noindex" />
        <main class="flex min-h-full flex-col items-center justify-center px-6 py-24 text-center" data-testid="public-unavailable">
            <Logo />
            <h1 class="mt-10 text-2xl font-semibold tracking-tight text-white">{title}</h1>
            <p class="mt-3 max-w-md text-sm text-zinc-400">{text}</p>
        </main>
    }
}

/// The size of a thumbnail whose longest side is `side`.
fn preview_side(width: u32, height: u32, side: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= side {
        return (width, height);
    }
    let scale = |v: u32| ((u64::from(v) * u64::from(side) / u64::from(longest)) as u32).max(1);
    (scale(width), scale(height))
}

fn shorten(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_sizes_keep_the_aspect() {
        assert_eq!(preview_side(1024, 512, 512), (512, 256));
        assert_eq!(preview_side(300, 200, 512), (300, 200));
        assert_eq!(preview_side(768, 1024, 512), (384, 512));
    }
}
