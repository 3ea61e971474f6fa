//! Image-to-image and inpainting.

use image::{GrayImage, Luma, Rgb, RgbImage};

use super::super::{RenderRequest, render};
use super::mean_abs_diff;

fn init(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 200) as u8 + 30, (y % 180) as u8 + 40, 120])
    })
}

fn run(
    prompt: &str,
    init_image: Option<RgbImage>,
    strength: f32,
    mask: Option<GrayImage>,
) -> RgbImage {
    let mut request = RenderRequest::new(prompt, 320, 256, 3, 6);
    request.init_image = init_image;
    request.strength = strength;
    request.mask = mask;
    render(&request, |_, _, _| true).expect("not cancelled")
}

#[test]
fn strength_moves_from_the_init_image_to_the_prompt() {
    let start = init(320, 256);
    let plain = run("a red house under a blue sky", None, 1.0, None);
    let at = |s: f32| run("a red house under a blue sky", Some(start.clone()), s, None);
    assert_eq!(at(0.0), start);
    assert_eq!(at(1.0), plain);
    let from_init: Vec<f64> = [0.25, 0.5, 0.75]
        .iter()
        .map(|&s| mean_abs_diff(&at(s), &start))
        .collect();
    let full = mean_abs_diff(&plain, &start);
    assert!(
        from_init[0] > 0.15 * full
            && from_init[0] < from_init[1]
            && from_init[1] < from_init[2]
            && from_init[2] < full,
        "{from_init:?} {full}"
    );
}

#[test]
fn init_images_of_any_size_are_resized() {
    let image = run("a boat", Some(init(1000, 90)), 0.5, None);
    assert_eq!(image.dimensions(), (320, 256));
}

#[test]
fn inpainting_keeps_black_mask_pixels_exactly() {
    let start = init(320, 256);
    let mask = GrayImage::from_fn(320, 256, |x, _| {
        Luma([if x < 160 {
            0
        } else if x < 200 {
            128
        } else {
            255
        }])
    });
    let plain = run("a yellow sun over the sea", None, 1.0, None);
    let image = run(
        "a yellow sun over the sea",
        Some(start.clone()),
        1.0,
        Some(mask),
    );
    for (x, y, p) in image.enumerate_pixels() {
        if x < 160 {
            assert_eq!(p, start.get_pixel(x, y), "kept pixel {x},{y} changed");
        } else if x >= 200 {
            assert_eq!(p, plain.get_pixel(x, y), "repainted pixel {x},{y}");
        } else {
            let (a, b, c) = (start.get_pixel(x, y), plain.get_pixel(x, y), p);
            for i in 0..3 {
                let (lo, hi) = (a[i].min(b[i]), a[i].max(b[i]));
                assert!(
                    c[i] + 1 >= lo && c[i] <= hi + 1,
                    "grey blends: {a:?} {b:?} {c:?}"
                );
            }
        }
    }
}

#[test]
fn a_mask_without_an_init_image_is_ignored() {
    let mask = GrayImage::from_pixel(320, 256, Luma([0]));
    assert_eq!(
        run("a tree", None, 1.0, Some(mask)),
        run("a tree", None, 1.0, None)
    );
}

#[test]
fn a_mask_of_another_size_is_resized() {
    let start = init(320, 256);
    let mask = GrayImage::from_fn(32, 32, |x, _| Luma([if x < 16 { 0 } else { 255 }]));
    let image = run("a tree", Some(start.clone()), 1.0, Some(mask));
    // The left third is far from the mask's edge: untouched.
    for y in 0..256 {
        for x in 0..100 {
            assert_eq!(image.get_pixel(x, y), start.get_pixel(x, y));
        }
    }
}
