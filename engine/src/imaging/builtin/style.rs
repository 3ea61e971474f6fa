//! Styles. Colour grades that look at one pixel at a time are a layer
//! ([`Tones`]); effects that look at neighbours ([`Filter`]) run after all
//! layers as a few passes, each over every row, each reading only what the
//! previous pass finished, so they too can be split across steps.

use std::ops::Range;

use super::canvas::Canvas;
use super::color::{Rgb, hex};
use super::draw::{Ctx, Draw};
use super::scene::Style;
use super::sdf::v2;

/// A per-pixel colour grade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tone {
    Pastel,
    Monochrome,
    Sepia,
}

impl Tone {
    /// The grade a style calls for, if it is one.
    pub(crate) fn for_style(style: Style) -> Option<Tone> {
        match style {
            Style::Pastel => Some(Tone::Pastel),
            Style::Monochrome => Some(Tone::Monochrome),
            Style::Sepia => Some(Tone::Sepia),
            _ => None,
        }
    }

    fn apply(self, c: Rgb, edge: f32) -> Rgb {
        match self {
            Tone::Pastel => c.saturate(0.6).mix(hex(0xfdf8f3), 0.35),
            Tone::Monochrome => {
                let l = c.luma();
                let l = (l - 0.5) * 1.15 + 0.5;
                Rgb { r: l, g: l, b: l }.clamped()
            }
            Tone::Sepia => {
                let l = c.luma();
                let toned = hex(0x2b1d12).mix(hex(0xf3e2c3), l.clamp(0.0, 1.0));
                toned.mix(hex(0xe9d6b0), 0.12).darken(edge * 0.35)
            }
        }
    }
}

/// The grades of a scene, as a layer.
#[derive(Debug)]
pub(crate) struct Tones {
    pub(crate) tones: Vec<Tone>,
}

impl Draw for Tones {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        let (w, h) = (canvas.width as f32, canvas.height as f32);
        canvas.paint_rows(0.0, h, |p, c| {
            let d = v2(p.x / w - 0.5, p.y / h - 0.5).length() * 1.4;
            let edge = ((d - 0.45) / 0.55).clamp(0.0, 1.0);
            self.tones
                .iter()
                .fold(c, |c, tone| tone.apply(c, edge * edge))
        });
    }
}

/// A whole-image effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Filter {
    /// Wobbly edges, pooled pigment, paper.
    Watercolor,
    /// Dark picture, glowing outlines.
    Neon,
    /// Big pixels, few colours.
    PixelArt,
    /// Soft bloom.
    Dreamy,
}

/// Scratch images the passes write.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    pub(crate) a: Vec<Rgb>,
    pub(crate) b: Vec<Rgb>,
}

impl Filter {
    /// The filter a style calls for, if it is one.
    pub(crate) fn for_style(style: Style) -> Option<Filter> {
        match style {
            Style::Watercolor => Some(Filter::Watercolor),
            Style::Neon => Some(Filter::Neon),
            Style::PixelArt => Some(Filter::PixelArt),
            Style::Dreamy => Some(Filter::Dreamy),
            _ => None,
        }
    }

    /// How many passes the filter makes.
    pub(crate) fn passes(self) -> usize {
        match self {
            Filter::Watercolor | Filter::PixelArt => 2,
            Filter::Neon | Filter::Dreamy => 3,
        }
    }

    /// Runs pass `pass` over `rows`.
    pub(crate) fn run(
        self,
        pass: usize,
        rows: Range<u32>,
        canvas: &mut Canvas,
        buffers: &mut Buffers,
        ctx: &Ctx,
    ) {
        let size = canvas.pixels.len();
        if buffers.a.len() != size {
            buffers.a = vec![Rgb::BLACK; size];
            buffers.b = vec![Rgb::BLACK; size];
        }
        match (self, pass) {
            (Filter::Watercolor, 0) => watercolor_bleed(rows, canvas, &mut buffers.a, ctx),
            (Filter::Watercolor, _) => watercolor_paper(rows, canvas, &buffers.a, ctx),
            (Filter::Neon, 0) => neon_edges(rows, canvas, &mut buffers.a),
            (Filter::Neon, 1) => box_blur_rows(
                rows,
                canvas.width,
                &buffers.a,
                &mut buffers.b,
                radius(ctx, 0.012),
            ),
            (Filter::Neon, _) => {
                let r = radius(ctx, 0.012);
                let glow = |c: Rgb, blurred: Rgb, sharp: Rgb| {
                    (c * 0.16 + hex(0x0b0820) * 0.7 + blurred * 1.8 + sharp).clamped()
                };
                combine_vertical(rows, canvas, &buffers.a, &buffers.b, r, glow);
            }
            (Filter::Dreamy, 0) => bright_pass(rows, canvas, &mut buffers.a),
            (Filter::Dreamy, 1) => box_blur_rows(
                rows,
                canvas.width,
                &buffers.a,
                &mut buffers.b,
                radius(ctx, 0.03),
            ),
            (Filter::Dreamy, _) => {
                let r = radius(ctx, 0.03);
                let bloom = |c: Rgb, blurred: Rgb, _: Rgb| {
                    c.screen(blurred * 0.9)
                        .mix(hex(0xfff6fb), 0.06)
                        .saturate(0.9)
                };
                combine_vertical(rows, canvas, &buffers.a, &buffers.b, r, bloom);
            }
            (Filter::PixelArt, 0) => pixel_blocks(rows, canvas, &mut buffers.a),
            (Filter::PixelArt, _) => pixel_paint(rows, canvas, &buffers.a),
        }
    }
}

/// A blur radius in pixels, a fraction of the shorter side.
fn radius(ctx: &Ctx, fraction: f32) -> usize {
    (ctx.unit * fraction).round().max(1.0) as usize
}

/// Bilinear sample of the canvas.
fn sample(canvas: &Canvas, x: f32, y: f32) -> Rgb {
    let (x, y) = (x - 0.5, y - 0.5);
    let (x0, y0) = (x.floor(), y.floor());
    let (tx, ty) = (x - x0, y - y0);
    let (xi, yi) = (x0 as i64, y0 as i64);
    let top = canvas.at(xi, yi).mix(canvas.at(xi + 1, yi), tx);
    let bottom = canvas.at(xi, yi + 1).mix(canvas.at(xi + 1, yi + 1), tx);
    top.mix(bottom, ty)
}

/// Watercolour, pass 1: wandering, slightly bled edges.
fn watercolor_bleed(rows: Range<u32>, canvas: &Canvas, out: &mut [Rgb], ctx: &Ctx) {
    let w = canvas.width as usize;
    let amount = ctx.unit * 0.009;
    let spread = (ctx.unit * 0.0025).max(0.75);
    let taps = [
        v2(0.0, 0.0),
        v2(spread, 0.0),
        v2(-spread, 0.0),
        v2(0.0, spread),
        v2(0.0, -spread),
    ];
    for y in rows {
        for x in 0..w {
            let p = v2(x as f32 + 0.5, y as f32 + 0.5);
            let dx = (ctx.noise_at(p, 6.0) - 0.5) * amount * 2.0;
            let dy =
                (ctx.noise_at(p + v2(ctx.unit * 3.7, ctx.unit * 1.3), 6.0) - 0.5) * amount * 2.0;
            let sum = taps.iter().fold(Rgb::BLACK, |sum, o| {
                sum + sample(canvas, p.x + dx + o.x, p.y + dy + o.y)
            });
            out[y as usize * w + x] = sum * (1.0 / taps.len() as f32);
        }
    }
}

/// Watercolour, pass 2: pigment pooled at the edges, uneven washes, paper.
fn watercolor_paper(rows: Range<u32>, canvas: &mut Canvas, bled: &[Rgb], ctx: &Ctx) {
    let (w, h) = (canvas.width as usize, canvas.height as usize);
    let paper = hex(0xfbf6ec);
    let reach = ((ctx.unit * 0.003).round() as usize).max(1);
    let at = |x: usize, y: usize| bled[y.min(h - 1) * w + x.min(w - 1)].luma();
    for y in rows.map(|y| y as usize) {
        for x in 0..w {
            let p = v2(x as f32 + 0.5, y as f32 + 0.5);
            let c = bled[y * w + x];
            let around = (at(x + reach, y)
                + at(x.saturating_sub(reach), y)
                + at(x, y + reach)
                + at(x, y.saturating_sub(reach)))
                / 4.0;
            let pooled = ((around - c.luma()) * 3.0).clamp(0.0, 0.3);
            let wash = ctx.noise.fbm(p.x / ctx.unit * 5.0, p.y / ctx.unit * 5.0, 3) - 0.5;
            let grain = ctx
                .noise
                .fbm(p.x / ctx.unit * 90.0, p.y / ctx.unit * 90.0, 2)
                - 0.5;
            let c = c
                .darken(pooled)
                .saturate(0.88)
                .mix(paper, (0.14 + wash * 0.25).max(0.0));
            canvas.pixels[y * w + x] = c
                .darken(grain.max(0.0) * 0.12)
                .lighten((-grain).max(0.0) * 0.06);
        }
    }
}

/// Neon, pass 1: coloured outlines where the picture changes.
fn neon_edges(rows: Range<u32>, canvas: &Canvas, out: &mut [Rgb]) {
    let w = canvas.width as usize;
    for y in rows {
        for x in 0..w {
            let (xi, yi) = (x as i64, i64::from(y));
            let c = canvas.at(xi, yi);
            let diff = |o: Rgb| (o.r - c.r).abs() + (o.g - c.g).abs() + (o.b - c.b).abs();
            let edge = diff(canvas.at(xi + 1, yi))
                .max(diff(canvas.at(xi, yi + 1)))
                .max(diff(canvas.at(xi - 1, yi)))
                .max(diff(canvas.at(xi, yi - 1)));
            let strength = ((edge - 0.06) * 4.0).clamp(0.0, 1.0);
            let (h, _, _) = c.to_hsl();
            out[y as usize * w + x] = Rgb::from_hsl(h, 1.0, 0.6) * strength;
        }
    }
}

/// Dreamy, pass 1: the highlights.
fn bright_pass(rows: Range<u32>, canvas: &Canvas, out: &mut [Rgb]) {
    let w = canvas.width as usize;
    for y in rows {
        for x in 0..w {
            let c = canvas.pixels[y as usize * w + x];
            let lift = ((c.luma() - 0.55) * 2.2).max(0.0);
            out[y as usize * w + x] = c * lift;
        }
    }
}

/// A horizontal box blur of `rows` with a sliding window.
fn box_blur_rows(rows: Range<u32>, width: u32, input: &[Rgb], out: &mut [Rgb], radius: usize) {
    let w = width as usize;
    let scale = 1.0 / (2 * radius + 1) as f32;
    for y in rows {
        let row = &input[y as usize * w..(y as usize + 1) * w];
        let at = |i: i64| row[i.clamp(0, w as i64 - 1) as usize];
        let mut sum = Rgb::BLACK;
        for i in -(radius as i64)..=radius as i64 {
            sum = sum + at(i);
        }
        for x in 0..w {
            out[y as usize * w + x] = sum * scale;
            let (add, remove) = (
                at(x as i64 + radius as i64 + 1),
                at(x as i64 - radius as i64),
            );
            sum = sum + add + remove * -1.0;
        }
    }
}

/// The last pass of blur filters: a vertical box blur of `blurred` at each
/// pixel, combined with the canvas and the sharp input by `combine`.
fn combine_vertical(
    rows: Range<u32>,
    canvas: &mut Canvas,
    sharp: &[Rgb],
    blurred: &[Rgb],
    radius: usize,
    combine: impl Fn(Rgb, Rgb, Rgb) -> Rgb,
) {
    let (w, h) = (canvas.width as usize, canvas.height as i64);
    let scale = 1.0 / (2 * radius + 1) as f32;
    let Some(first) = rows.clone().next() else {
        return;
    };
    let at = |x: usize, y: i64| blurred[y.clamp(0, h - 1) as usize * w + x];
    let mut sums: Vec<Rgb> = (0..w)
        .map(|x| {
            (-(radius as i64)..=radius as i64)
                .fold(Rgb::BLACK, |s, d| s + at(x, i64::from(first) + d))
        })
        .collect();
    for y in rows {
        let y64 = i64::from(y);
        for (x, sum) in sums.iter_mut().enumerate() {
            let i = y as usize * w + x;
            canvas.pixels[i] = combine(canvas.pixels[i], *sum * scale, sharp[i]);
            *sum = *sum + at(x, y64 + radius as i64 + 1) + at(x, y64 - radius as i64) * -1.0;
        }
    }
}

/// Side of a pixel-art block for a canvas.
fn block_size(canvas: &Canvas) -> usize {
    ((canvas.width.max(canvas.height) as f32 / 96.0).round() as usize).max(3)
}

/// Pixel art, pass 1: the average colour of each block, stored at the
/// block's top-left pixel; computed for blocks that start in `rows`.
fn pixel_blocks(rows: Range<u32>, canvas: &Canvas, out: &mut [Rgb]) {
    let (w, h) = (canvas.width as usize, canvas.height as usize);
    let b = block_size(canvas);
    for y0 in rows
        .filter(|y| (*y as usize).is_multiple_of(b))
        .map(|y| y as usize)
    {
        for x0 in (0..w).step_by(b) {
            let mut sum = Rgb::BLACK;
            let mut count = 0.0;
            for y in y0..(y0 + b).min(h) {
                for x in x0..(x0 + b).min(w) {
                    sum = sum + canvas.pixels[y * w + x];
                    count += 1.0;
                }
            }
            out[y0 * w + x0] = sum * (1.0 / count);
        }
    }
}

/// Pixel art, pass 2: each pixel takes its block's colour, posterised.
fn pixel_paint(rows: Range<u32>, canvas: &mut Canvas, blocks: &[Rgb]) {
    let w = canvas.width as usize;
    let b = block_size(canvas);
    let levels = 6.0;
    let posterise = |v: f32| ((v * (levels - 1.0)).round() / (levels - 1.0)).clamp(0.0, 1.0);
    for y in rows.map(|y| y as usize) {
        let y0 = y - y % b;
        for x in 0..w {
            let c = blocks[y0 * w + x - x % b].saturate(1.15);
            canvas.pixels[y * w + x] = Rgb {
                r: posterise(c.r),
                g: posterise(c.g),
                b: posterise(c.b),
            };
        }
    }
}
