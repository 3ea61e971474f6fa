//! Deterministic randomness: a SplitMix64 generator, stable string hashes,
//! and a tileable value-noise texture. Nothing here depends on the platform,
//! the thread or the time, so the same inputs give the same pixels.

/// SplitMix64's output function: a strong 64-bit mixer.
pub(crate) fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a, then mixed).
pub(crate) fn hash_str(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix64(h)
}

/// Combines two hashes.
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    mix64(
        a ^ b
            .wrapping_add(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(a << 6)
            .wrapping_add(a >> 2),
    )
}

/// A hash of a lattice point, as a float in `[0, 1)`.
pub(crate) fn lattice(seed: u64, x: i64, y: i64) -> f32 {
    let h = mix64(seed ^ mix64((x as u64).wrapping_mul(0x9e37_79b9) ^ (y as u64) << 32));
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// A small, fast, seedable generator (SplitMix64).
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            state: mix64(seed ^ 0x5851_f42d_4c95_7f2d),
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    /// A float in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A float in `[low, high)`.
    pub(crate) fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }

    /// An integer in `low..=high`.
    pub(crate) fn int(&mut self, low: u32, high: u32) -> u32 {
        if high <= low {
            return low;
        }
        low + (self.next_u64() % u64::from(high - low + 1)) as u32
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
}

/// Side of the noise lattice; the texture tiles with this period.
const NOISE_SIZE: usize = 64;

/// Tileable value noise on a 64 × 64 lattice, sampled with smooth
/// interpolation; `fbm` sums octaves. Coordinates are in lattice cells.
#[derive(Debug, Clone)]
pub(crate) struct Noise {
    grid: Vec<f32>,
}

impl Noise {
    /// A noise texture from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        let grid = (0..NOISE_SIZE * NOISE_SIZE)
            .map(|i| lattice(seed, (i % NOISE_SIZE) as i64, (i / NOISE_SIZE) as i64))
            .collect();
        Self { grid }
    }

    /// Smooth noise in `[0, 1)`.
    pub(crate) fn sample(&self, x: f32, y: f32) -> f32 {
        let (fx, fy) = (x.floor(), y.floor());
        let (tx, ty) = (x - fx, y - fy);
        let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
        let m = NOISE_SIZE as i64;
        let xi = (fx as i64).rem_euclid(m) as usize;
        let yi = (fy as i64).rem_euclid(m) as usize;
        let (x1, y1) = ((xi + 1) % NOISE_SIZE, (yi + 1) % NOISE_SIZE);
        let at = |x: usize, y: usize| self.grid[y * NOISE_SIZE + x];
        let top = at(xi, yi) + (at(x1, yi) - at(xi, yi)) * sx;
        let bottom = at(xi, y1) + (at(x1, y1) - at(xi, y1)) * sx;
        top + (bottom - top) * sy
    }

    /// Fractal noise: `octaves` layers, each twice the frequency and half the
    /// amplitude; result in `[0, 1)`.
    pub(crate) fn fbm(&self, x: f32, y: f32, octaves: u32) -> f32 {
        let (mut sum, mut amplitude, mut total, mut frequency) = (0.0, 1.0, 0.0, 1.0);
        for octave in 0..octaves {
            // Offset each octave so their lattices do not line up.
            let shift = octave as f32 * 17.31;
            sum += amplitude * self.sample(x * frequency + shift, y * frequency - shift);
            total += amplitude;
            amplitude *= 0.5;
            frequency *= 2.0;
        }
        sum / total
    }
}
