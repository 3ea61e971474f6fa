//! Signed distance functions, in pixels: negative inside, positive outside.
//! Shapes are drawn by turning distance into coverage, which anti-aliases
//! every edge for free.

use std::ops::{Add, Mul, Sub};

/// A 2D point or vector.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct V2 {
    pub(crate) x: f32,
    pub(crate) y: f32,
}

/// Shorthand constructor.
pub(crate) const fn v2(x: f32, y: f32) -> V2 {
    V2 { x, y }
}

impl V2 {
    pub(crate) fn dot(self, o: V2) -> f32 {
        self.x * o.x + self.y * o.y
    }
    pub(crate) fn length(self) -> f32 {
        self.dot(self).sqrt()
    }
    /// Rotated by `angle` radians (clockwise on screen, as y points down).
    pub(crate) fn rotate(self, angle: f32) -> V2 {
        let (s, c) = angle.sin_cos();
        v2(self.x * c - self.y * s, self.x * s + self.y * c)
    }
}

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        v2(self.x + o.x, self.y + o.y)
    }
}

impl Sub for V2 {
    type Output = V2;
    fn sub(self, o: V2) -> V2 {
        v2(self.x - o.x, self.y - o.y)
    }
}

impl Mul<f32> for V2 {
    type Output = V2;
    fn mul(self, k: f32) -> V2 {
        v2(self.x * k, self.y * k)
    }
}

/// A disc.
pub(crate) fn circle(p: V2, centre: V2, radius: f32) -> f32 {
    (p - centre).length() - radius
}

/// An axis-aligned ellipse (a close approximation of the true distance).
pub(crate) fn ellipse(p: V2, centre: V2, rx: f32, ry: f32) -> f32 {
    let d = p - centre;
    let k0 = v2(d.x / rx, d.y / ry).length();
    let k1 = v2(d.x / (rx * rx), d.y / (ry * ry)).length();
    if k1 < 1e-6 {
        return -rx.min(ry);
    }
    k0 * (k0 - 1.0) / k1
}

/// A box with rounded corners: centre, half extents, corner radius.
pub(crate) fn rounded_box(p: V2, centre: V2, half: V2, radius: f32) -> f32 {
    let d = p - centre;
    let q = v2(d.x.abs() - half.x + radius, d.y.abs() - half.y + radius);
    v2(q.x.max(0.0), q.y.max(0.0)).length() + q.x.max(q.y).min(0.0) - radius
}

/// A segment thickened to `radius` (a capsule).
pub(crate) fn capsule(p: V2, a: V2, b: V2, radius: f32) -> f32 {
    let pa = p - a;
    let ba = b - a;
    let h = (pa.dot(ba) / ba.dot(ba).max(1e-6)).clamp(0.0, 1.0);
    (pa - ba * h).length() - radius
}

/// A segment whose radius goes from `ra` at `a` to `rb` at `b`.
pub(crate) fn tapered(p: V2, a: V2, b: V2, ra: f32, rb: f32) -> f32 {
    let pa = p - a;
    let ba = b - a;
    let h = (pa.dot(ba) / ba.dot(ba).max(1e-6)).clamp(0.0, 1.0);
    (pa - ba * h).length() - (ra + (rb - ra) * h)
}

/// A polygon given by its vertices in order (any winding, may be concave).
pub(crate) fn polygon(p: V2, vertices: &[V2]) -> f32 {
    let Some(&first) = vertices.first() else {
        return f32::MAX;
    };
    let mut distance = (p - first).dot(p - first);
    let mut sign = 1.0;
    let mut j = vertices.len() - 1;
    for i in 0..vertices.len() {
        let (vi, vj) = (vertices[i], vertices[j]);
        let e = vj - vi;
        let w = p - vi;
        let b = w - e * (w.dot(e) / e.dot(e).max(1e-9)).clamp(0.0, 1.0);
        distance = distance.min(b.dot(b));
        let c = [p.y >= vi.y, p.y < vj.y, e.x * w.y > e.y * w.x];
        if c.iter().all(|&x| x) || c.iter().all(|&x| !x) {
            sign = -sign;
        }
        j = i;
    }
    sign * distance.sqrt()
}

/// A heart whose widest half-width is about `size`, centred at `centre`.
pub(crate) fn heart(p: V2, centre: V2, size: f32) -> f32 {
    // Inigo Quilez's heart, in a unit frame with its point at the origin.
    let s = size * 1.6;
    let q = v2((p.x - centre.x).abs() / s, (centre.y - p.y) / s + 0.55);
    let d = if q.y + q.x > 1.0 {
        (q - v2(0.25, 0.75)).length() - std::f32::consts::SQRT_2 / 4.0
    } else {
        let a = (q - v2(0.0, 1.0)).dot(q - v2(0.0, 1.0));
        let m = 0.5 * (q.x + q.y).max(0.0);
        let b = (q - v2(m, m)).dot(q - v2(m, m));
        a.min(b).sqrt() * (q.x - q.y).signum()
    };
    d * s
}

/// The vertices of a star with `points` tips, outer radius `radius`, inner
/// radius `radius * inner`, first tip up; draw it with [`polygon`].
pub(crate) fn star_points(centre: V2, radius: f32, inner: f32, points: usize) -> Vec<V2> {
    (0..points * 2)
        .map(|i| {
            let angle =
                std::f32::consts::PI * (i as f32 / points as f32) - std::f32::consts::FRAC_PI_2;
            let r = if i % 2 == 0 { radius } else { radius * inner };
            centre + v2(angle.cos(), angle.sin()) * r
        })
        .collect()
}

/// A smooth union of two distances, blending over `k` pixels.
pub(crate) fn smooth_union(a: f32, b: f32, k: f32) -> f32 {
    let h = (0.5 + 0.5 * (b - a) / k).clamp(0.0, 1.0);
    b + (a - b) * h - k * h * (1.0 - h)
}
