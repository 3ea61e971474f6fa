//! Thumbnails per second from 1024x1024 PNGs: decode with limits, resize
//! to 256 and 512, encode JPEG — what the imaging step does per image.

use std::time::Instant;

use easel_engine::imaging::builtin::{RenderRequest, render};
use easel_engine::imaging::{self, DecodeLimits, PngMetadata};

pub(super) fn run(images: usize) -> anyhow::Result<()> {
    let sources: Vec<Vec<u8>> = (0..4u64)
        .map(|seed| {
            let request = RenderRequest {
                prompt: "a lighthouse on a cliff at sunset, waves, birds".into(),
                negative_prompt: String::new(),
                width: 1024,
                height: 1024,
                seed,
                steps: 4,
                init_image: None,
                strength: 0.0,
                mask: None,
            };
            let pixels = render(&request, |_, _, _| true)
                .ok_or_else(|| anyhow::anyhow!("render cancelled"))?;
            Ok(imaging::encode_png(&pixels, &PngMetadata::default())?)
        })
        .collect::<anyhow::Result<_>>()?;
    let limits = DecodeLimits::default();
    let one = |bytes: &[u8]| -> anyhow::Result<usize> {
        let pixels = imaging::decode(bytes, &limits)?.to_rgb8();
        let mut total = 0;
        for size in easel_domain::gallery::THUMBNAIL_SIZES {
            total += imaging::encode_jpeg(&imaging::thumbnail(&pixels, size), 82)?.len();
        }
        Ok(total)
    };
    let start = Instant::now();
    let mut bytes = 0;
    for i in 0..images {
        bytes += one(&sources[i % sources.len()])?;
    }
    let elapsed = start.elapsed();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let start_parallel = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let sources = &sources;
                let one = &one;
                scope.spawn(move || -> anyhow::Result<()> {
                    for i in (t..images).step_by(threads) {
                        one(&sources[i % sources.len()])?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a thumbnail thread panicked"))??;
        }
        Ok(())
    })?;
    let parallel = start_parallel.elapsed();
    println!("thumbnails (1024x1024 PNG -> decode -> 256 + 512 JPEG), {images} images:");
    println!(
        "  one thread:  {:.1} images/s ({:.1} ms each, {} KB of thumbnails per image)",
        images as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / images as f64,
        bytes / images / 1024
    );
    println!(
        "  {threads} threads:   {:.1} images/s",
        images as f64 / parallel.as_secs_f64()
    );
    Ok(())
}
