//! The prompt shows in the pixels.

use super::{draw, fraction, hsv, is_red, mean_abs_diff, mean_luma};

#[test]
fn identical_requests_give_identical_bytes_and_seeds_vary_them() {
    let prompt = "a lighthouse on a rocky coast at sunset, birds";
    let a = draw(prompt, "", 320, 256, 42);
    let b = draw(prompt, "", 320, 256, 42);
    assert_eq!(a.as_raw(), b.as_raw());
    let c = draw(prompt, "", 320, 256, 43);
    assert!(
        mean_abs_diff(&a, &c) > 2.0,
        "seed changed nothing: {}",
        mean_abs_diff(&a, &c)
    );
}

#[test]
fn different_prompts_give_clearly_different_images() {
    let prompts = [
        "a red circle",
        "snowy mountains at night",
        "tropical beach with palm trees",
        "a cozy library full of old books",
        "quantum harmonica symposium",
    ];
    let images: Vec<_> = prompts.iter().map(|p| draw(p, "", 256, 256, 1)).collect();
    for i in 0..images.len() {
        for j in i + 1..images.len() {
            let d = mean_abs_diff(&images[i], &images[j]);
            assert!(d > 12.0, "{:?} vs {:?}: {d}", prompts[i], prompts[j]);
        }
    }
}

#[test]
fn a_red_circle_is_a_big_red_region() {
    let image = draw("a red circle", "", 256, 256, 3);
    let red = fraction(&image, is_red);
    assert!(red > 0.15, "red fraction {red}");
    // And it is in the middle.
    assert!(is_red(image.get_pixel(128, 128)));
}

#[test]
fn a_blue_sky_has_blue_top_rows() {
    let image = draw("a blue sky over a field", "", 256, 256, 5);
    let (mut r, mut b) = (0.0, 0.0);
    for y in 0..25 {
        for x in 0..256 {
            let p = image.get_pixel(x, y);
            r += f64::from(p[0]);
            b += f64::from(p[2]);
        }
    }
    let n = 25.0 * 256.0;
    assert!(
        b / n > 140.0 && b / n > r / n + 50.0,
        "top rows r {} b {}",
        r / n,
        b / n
    );
}

#[test]
fn a_pink_sky_has_pink_top_rows() {
    let image = draw("a pink sky", "", 256, 256, 5);
    let top = image.get_pixel(128, 10);
    let (h, s, _) = hsv(top);
    assert!(!(20.0..=290.0).contains(&h) && s > 0.2, "{top:?}");
}

/// The centroid of sun-yellow pixels (bright, warm, not white).
fn sun_centroid(prompt: &str) -> (f64, usize) {
    let image = draw(prompt, "", 384, 256, 9);
    let (mut sum, mut count) = (0.0, 0usize);
    for (x, _, p) in image.enumerate_pixels() {
        let (h, s, v) = hsv(p);
        if (35.0..65.0).contains(&h) && s > 0.45 && v > 0.85 {
            sum += f64::from(x);
            count += 1;
        }
    }
    (sum / count.max(1) as f64, count)
}

#[test]
fn a_sun_on_the_left_is_in_the_left_half_and_on_the_right_in_the_right() {
    let (left, n) = sun_centroid("a sun on the left");
    assert!(n > 300, "sun too small: {n}");
    assert!(left < 192.0 * 0.75, "left sun at {left}");
    let (right, n) = sun_centroid("a sun on the right");
    assert!(n > 300, "sun too small: {n}");
    assert!(right > 192.0 * 1.25, "right sun at {right}");
}

#[test]
fn night_is_darker_than_noon() {
    let night = mean_luma(&draw("a house at night", "", 256, 256, 2));
    let noon = mean_luma(&draw("a house at noon", "", 256, 256, 2));
    assert!(night + 50.0 < noon, "night {night} noon {noon}");
}

#[test]
fn negative_colour_is_kept_out_of_the_sun() {
    let prompt = "a red sun over the sea";
    let with_red = draw(prompt, "", 256, 256, 4);
    let without = draw(prompt, "red", 256, 256, 4);
    let red_before = fraction(&with_red, is_red);
    let red_after = fraction(&without, is_red);
    assert!(red_before > 0.01, "the red sun is missing: {red_before}");
    assert!(
        red_after < red_before / 10.0,
        "red remains: {red_after} vs {red_before}"
    );
}

#[test]
fn negative_object_is_not_drawn() {
    let with_moon = draw("a moon over the sea at night", "", 256, 256, 6);
    let without = draw("a moon over the sea at night", "moon", 256, 256, 6);
    // The moon is the brightest thing in a night sky.
    let bright = |p: &image::Rgb<u8>| p.0.iter().all(|&c| c > 200);
    let (before, after) = (fraction(&with_moon, bright), fraction(&without, bright));
    assert!(
        before > 0.002 && after < before / 5.0,
        "bright before {before}, after {after}"
    );
}

#[test]
fn monochrome_has_no_colour_and_pixel_art_has_blocks() {
    let mono = draw(
        "a red house in a green field, black and white",
        "",
        256,
        256,
        8,
    );
    assert!(mono.pixels().all(|p| p[0] == p[1] && p[1] == p[2]));
    let pixel = draw("pixel art castle", "", 384, 384, 8);
    // Blocks of 4×4 pixels (384 / 96) share one colour.
    for (x, y, p) in pixel.enumerate_pixels() {
        assert_eq!(p, pixel.get_pixel(x - x % 4, y - y % 4));
    }
}

#[test]
fn every_size_in_range_renders_at_exactly_that_size() {
    for (w, h) in [
        (256, 256),
        (256, 2048),
        (2048, 256),
        (300, 701),
        (1000, 333),
        (512, 768),
    ] {
        let image = draw("a castle by a lake", "", w, h, 1);
        assert_eq!(image.dimensions(), (w, h));
        // Not blank: real content everywhere.
        assert!(mean_luma(&image) > 20.0);
    }
    // Out-of-range sizes are clamped.
    assert_eq!(draw("a cat", "", 100, 5000, 1).dimensions(), (256, 2048));
}

#[test]
fn the_largest_size_renders() {
    let image = draw(
        "tropical beach with palm trees and a sailboat at sunset",
        "",
        2048,
        2048,
        1,
    );
    assert_eq!(image.dimensions(), (2048, 2048));
}
