//! The drawable layers of a scene. Each layer paints itself onto the
//! canvas's current band of rows; the layout (see [`super::compose`])
//! decides which layers there are, where, and in which order.

pub(crate) mod atmosphere;
pub(crate) mod buildings;
pub(crate) mod critters;
pub(crate) mod land;
pub(crate) mod plants;
pub(crate) mod shapes;
pub(crate) mod sky;
pub(crate) mod vehicles;
pub(crate) mod water;

use super::canvas::{Canvas, Rect};
use super::color::Rgb;
use super::palette::Palette;
use super::rng::Noise;
use super::scene::{ObjectKind, Setting};
use super::sdf::{V2, ellipse, v2};

/// What every layer may consult while painting.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// The scene's colours.
    pub(crate) palette: Palette,
    /// A seeded noise texture for organic detail.
    pub(crate) noise: Noise,
    /// The shorter side of the canvas in pixels.
    pub(crate) unit: f32,
    /// The horizon's row in pixels (the canvas height when there is none).
    pub(crate) horizon: f32,
    /// Direction the light comes from (unit vector, pointing at the light).
    pub(crate) light: V2,
    /// Flat style: no texture, fewer gradients.
    pub(crate) flat: bool,
}

impl Ctx {
    /// A colour lighter on the side facing the light and darker on the
    /// other: `side` is the surface normal's direction (unit vector).
    pub(crate) fn shade(&self, color: Rgb, side: V2, amount: f32) -> Rgb {
        let facing = side.dot(self.light);
        if facing >= 0.0 {
            color.lighten(facing * amount * 0.6)
        } else {
            color.darken(-facing * amount)
        }
    }

    /// Noise in `[0, 1)` at a point measured in canvas units, `scale`
    /// lattice cells per unit.
    pub(crate) fn noise_at(&self, p: V2, scale: f32) -> f32 {
        self.noise
            .sample(p.x / self.unit * scale, p.y / self.unit * scale)
    }
}

/// A layer of the picture.
pub(crate) trait Draw: std::fmt::Debug {
    /// Paints the layer onto the canvas's current band.
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx);
}

/// A soft oval shadow on the ground under a thing standing at `base`.
pub(crate) fn ground_shadow(canvas: &mut Canvas, ctx: &Ctx, base: V2, half_width: f32) {
    let offset = -ctx.light.x * half_width * 0.35;
    let centre = v2(base.x + offset, base.y);
    let ry = half_width * 0.22;
    let shadow = Rgb::BLACK.mix(ctx.palette.ground[1], 0.3);
    canvas.fill_soft(
        Rect::around(centre, half_width * 1.2, ry * 1.5),
        0.28 * (1.0 - 0.5 * ctx.palette.night),
        half_width * 0.25,
        |p| ellipse(p, centre, half_width, ry),
        |_| shadow,
    );
}

/// One thing standing in (or floating over) the scene: a tree, a house, a
/// cat, a shape. Drawn relative to its `base` (bottom centre; the centre
/// for things in the air and for shapes) in units of its `size` (height).
#[derive(Debug, Clone)]
pub(crate) struct Thing {
    pub(crate) kind: ObjectKind,
    pub(crate) base: V2,
    pub(crate) size: f32,
    /// The main colour (a named colour, else a palette choice).
    pub(crate) color: Rgb,
    /// A secondary colour (roofs, sails, petals' centres).
    pub(crate) accent: Rgb,
    /// Mirrored left to right.
    pub(crate) flip: bool,
    /// A seeded choice among a thing's variants.
    pub(crate) variant: u32,
    /// The scene's setting, for things that change with it.
    pub(crate) setting: Setting,
    /// Snow lies on it.
    pub(crate) snowy: bool,
    /// Speckles of a second colour: blossom on a tree.
    pub(crate) dots: Option<Rgb>,
}

impl Thing {
    /// The canvas point at `(dx, dy)` size units from the base, `dy` up.
    pub(crate) fn at(&self, dx: f32, dy: f32) -> V2 {
        let sx = if self.flip { -1.0 } else { 1.0 };
        v2(
            self.base.x + dx * self.size * sx,
            self.base.y - dy * self.size,
        )
    }

    /// A rectangle around the thing: `half_width` and `height` in size units.
    pub(crate) fn bounds(&self, half_width: f32, height: f32) -> Rect {
        Rect::new(
            self.base.x - half_width * self.size,
            self.base.y - height * self.size,
            self.base.x + half_width * self.size,
            self.base.y + self.size * 0.05,
        )
    }
}

impl Draw for Thing {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        use ObjectKind as O;
        match self.kind {
            O::Tree => plants::tree(canvas, ctx, self),
            O::PineTree => plants::pine(canvas, ctx, self),
            O::PalmTree => plants::palm(canvas, ctx, self),
            O::Cactus => plants::cactus(canvas, ctx, self),
            O::Flower => plants::flower(canvas, ctx, self),
            O::Grass => plants::grass(canvas, ctx, self),
            O::House => buildings::house(canvas, ctx, self),
            O::Tower => buildings::tower(canvas, ctx, self),
            O::Castle => buildings::castle(canvas, ctx, self),
            O::Lighthouse => buildings::lighthouse(canvas, ctx, self),
            O::Tent => buildings::tent(canvas, ctx, self),
            O::Bird => critters::bird(canvas, ctx, self),
            O::Butterfly => critters::butterfly(canvas, ctx, self),
            O::Balloon => vehicles::balloon(canvas, ctx, self),
            O::Rocket => vehicles::rocket(canvas, ctx, self),
            O::Boat => vehicles::boat(canvas, ctx, self),
            O::Car => vehicles::car(canvas, ctx, self),
            O::Cat => critters::cat(canvas, ctx, self),
            O::Fish => critters::fish(canvas, ctx, self),
            O::Snowman => critters::snowman(canvas, ctx, self),
            O::Circle | O::Square | O::Triangle | O::Heart | O::Star => {
                shapes::shape(canvas, ctx, self)
            }
            // Drawn as layers of their own by the layout.
            O::Sun
            | O::Moon
            | O::Cloud
            | O::Rainbow
            | O::Planet
            | O::Mountain
            | O::Hill
            | O::Building
            | O::Water
            | O::Lake
            | O::River
            | O::Road
            | O::Island => {}
        }
    }
}
