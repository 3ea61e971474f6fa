//! Steps, previews and cancelling.

use image::RgbImage;

use super::super::{RenderRequest, render};
use super::mean_abs_diff;
use crate::imaging::thumbnail;

fn previews(request: &RenderRequest) -> (RgbImage, Vec<RgbImage>, Vec<(u32, u32)>) {
    let mut previews = Vec::new();
    let mut calls = Vec::new();
    let image = render(request, |step, total, preview| {
        calls.push((step, total));
        previews.push(preview.clone());
        true
    })
    .expect("not cancelled");
    (image, previews, calls)
}

#[test]
fn previews_converge_on_the_final_image() {
    for prompt in [
        "a lighthouse on a rocky coast at sunset",
        "watercolor forest with a cabin",
        "neon city at night",
    ] {
        let request = RenderRequest::new(prompt, 512, 384, 11, 20);
        let (image, previews, calls) = previews(&request);
        assert_eq!(calls, (1..=20).map(|s| (s, 20)).collect::<Vec<_>>());
        let last = previews.last().expect("previews");
        assert_eq!(last, &thumbnail(&image, 256));
        assert_eq!(last.dimensions(), (256, 192));
        let distances: Vec<f64> = previews.iter().map(|p| mean_abs_diff(p, last)).collect();
        assert!(
            distances[0] > 15.0,
            "{prompt}: first preview already final: {distances:?}"
        );
        assert!(
            distances[0] > distances[9] && distances[9] > distances[18],
            "{prompt}: {distances:?}"
        );
        let rises = distances.windows(2).filter(|w| w[1] > w[0] + 0.5).count();
        assert!(rises <= 1, "{prompt}: distances rise: {distances:?}");
    }
}

#[test]
fn the_final_image_does_not_depend_on_the_step_count() {
    let one = render(
        &RenderRequest::new("a castle with flags, pixel art", 300, 260, 5, 1),
        |_, _, _| true,
    );
    let many = render(
        &RenderRequest::new("a castle with flags, pixel art", 300, 260, 5, 37),
        |_, _, _| true,
    );
    assert_eq!(one.expect("one"), many.expect("many"));
}

#[test]
fn every_step_does_a_share_of_the_work() {
    // Work is split into equal shares, so the previews keep changing
    // until the end instead of jumping at one step.
    let request = RenderRequest::new(
        "snowy mountains with pine trees and a cabin",
        384,
        384,
        2,
        10,
    );
    let (_, previews, _) = previews(&request);
    for pair in previews.windows(2) {
        assert!(mean_abs_diff(&pair[0], &pair[1]) > 0.3);
    }
}

#[test]
fn returning_false_cancels() {
    let mut calls = 0;
    let request = RenderRequest::new("a cat", 256, 256, 1, 10);
    let result = render(&request, |step, _, _| {
        calls += 1;
        step < 3
    });
    assert!(result.is_none());
    assert_eq!(calls, 3);
}

#[test]
fn steps_are_clamped() {
    let mut calls = 0;
    let request = RenderRequest::new("a cat", 256, 256, 1, 0);
    assert!(
        render(&request, |_, total, _| {
            calls += 1;
            total == 1
        })
        .is_some()
    );
    assert_eq!(calls, 1);
    let mut total_seen = 0;
    let request = RenderRequest::new("a cat", 256, 256, 1, 10_000);
    render(&request, |_, total, _| {
        total_seen = total;
        true
    });
    assert_eq!(total_seen, super::super::MAX_STEPS);
}
