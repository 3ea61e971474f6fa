//! The head tags of a public page: title, description, robots, and the
//! OpenGraph and Twitter card tags that chat apps and social sites read to
//! preview a pasted link.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// The image a link preview shows: absolute URL, in JPEG (every previewer
/// reads it; not all read WebP), with its size.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewImage {
    /// Absolute URL.
    pub url: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its alt text.
    pub alt: String,
}

/// Title, description, canonical URL, robots and the card tags.
#[component]
pub fn LinkPreview(
    title: String,
    description: String,
    url: String,
    image: Option<PreviewImage>,
    indexable: bool,
) -> impl IntoView {
    let description: String = description.chars().take(300).collect();
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        {(!indexable).then(|| view! { <Meta name="robots" content="noindex" /> })}
        <Link rel="canonical" href=url.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:site_name" content="Easel" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=url />
        <Meta name="twitter:card" content=if image.is_some() { "summary_large_image" } else { "summary" } />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:description" content=description />
        {image.map(|image| view! {
            <Meta property="og:image" content=image.url.clone() />
            <Meta property="og:image:type" content="image/jpeg" />
            <Meta property="og:image:width" content=image.width.to_string() />
            <Meta property="og:image:height" content=image.height.to_string() />
            <Meta property="og:image:alt" content=image.alt.clone() />
            <Meta name="twitter:image" content=image.url />
            <Meta name="twitter:image:alt" content=image.alt />
        })}
    }
}
