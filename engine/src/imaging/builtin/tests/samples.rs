//! Not a test: renders sample prompts to `/tmp/easel-samples` and prints
//! timings. Run with `cargo test --release -p easel-engine --lib samples -- --ignored --nocapture`.

use std::time::Instant;

use super::super::{RenderRequest, render};

const PROMPTS: &[&str] = &[
    "a purple castle on a hill under a starry sky",
    "three red balloons over a green valley",
    "a yellow taxi on a city street at dusk",
    "an island with a palm tree in a turquoise sea",
    "autumn forest with a river",
    "a heart and a star, minimal",
    "rainy city at night",
    "a tent by a lake under the mountains at sunset",
    "a white cat on a rooftop at night",
    "vaporwave sunset with palm trees",
    "a field of sunflowers, vibrant",
    "dreamy pastel clouds with a rainbow",
    "a snowman in a winter forest",
    "a fleet of ships on a stormy sea",
    "an astronaut floating near a planet",
    "a butterfly garden in spring, watercolor",
];

#[test]
#[ignore = "writes sample images and prints timings"]
fn write_samples() {
    let dir = std::path::Path::new("/tmp/easel-samples");
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut sheet = image::RgbImage::new(1024, 256 * PROMPTS.len().div_ceil(4) as u32);
    for (i, prompt) in PROMPTS.iter().enumerate() {
        let request = RenderRequest::new(*prompt, 512, 512, 7, 20);
        let started = Instant::now();
        let image = render(&request, |_, _, _| true).expect("not cancelled");
        println!(
            "{:>6.1} ms  {prompt}",
            started.elapsed().as_secs_f64() * 1000.0
        );
        image.save(dir.join(format!("{i:02}.png"))).expect("save");
        let small = crate::imaging::thumbnail(&image, 256);
        image::imageops::replace(
            &mut sheet,
            &small,
            (i % 4) as i64 * 256,
            (i / 4) as i64 * 256,
        );
    }
    sheet.save(dir.join("sheet.png")).expect("save");
    let checks: &[(&str, &str)] = &[
        ("a moon over the sea at night", ""),
        ("a red sun over the sea", ""),
        ("a red sun over the sea", "red"),
        ("a sun on the left", ""),
        ("a house at night", ""),
        ("a house at noon", ""),
        ("a blue sky over a field", ""),
        ("a pink sky", ""),
    ];
    let mut sheet = image::RgbImage::new(1024, 512);
    for (i, (prompt, negative)) in checks.iter().enumerate() {
        let mut request = RenderRequest::new(*prompt, 256, 256, 4, 8);
        request.negative_prompt = (*negative).to_owned();
        let image = render(&request, |_, _, _| true).expect("not cancelled");
        image::imageops::replace(
            &mut sheet,
            &image,
            (i % 4) as i64 * 256,
            (i / 4) as i64 * 256,
        );
    }
    sheet.save(dir.join("checks.png")).expect("save");
    let big = image::RgbImage::from_fn(1024, 1024, |x, y| {
        image::Rgb([x as u8, y as u8, (x ^ y) as u8])
    });
    let started = Instant::now();
    let small = crate::imaging::thumbnail(&big, 512);
    println!(
        "{:>6.1} ms  thumbnail 1024² -> {}²",
        started.elapsed().as_secs_f64() * 1000.0,
        small.width()
    );
    for steps in [20, 150] {
        let request = RenderRequest::new(PROMPTS[7], 2048, 2048, 7, steps);
        let started = Instant::now();
        let mut slowest = 0.0f64;
        let mut last = Instant::now();
        render(&request, |_, _, _| {
            slowest = slowest.max(last.elapsed().as_secs_f64());
            last = Instant::now();
            true
        })
        .expect("not cancelled");
        println!(
            "{:>6.1} ms  2048² {steps} steps (slowest step {:.1} ms)",
            started.elapsed().as_secs_f64() * 1000.0,
            slowest * 1000.0
        );
    }
    for (w, h) in [(2048, 2048), (2048, 1024), (256, 256)] {
        let request = RenderRequest::new(PROMPTS[1], w, h, 7, 20);
        let started = Instant::now();
        let image = render(&request, |_, _, _| true).expect("not cancelled");
        println!(
            "{:>6.1} ms  {w}x{h}",
            started.elapsed().as_secs_f64() * 1000.0
        );
        image
            .save(dir.join(format!("big-{w}x{h}.png")))
            .expect("save");
    }
}
