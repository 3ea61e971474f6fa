//! What the renderer understood from a prompt: the [`Scene`] that
//! [`interpret`](super::interpret) returns and the layout draws.

use serde::Serialize;

/// What the renderer understood from a prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scene {
    /// The backdrop.
    pub setting: Setting,
    /// The light.
    pub time: TimeOfDay,
    /// The weather.
    pub weather: Weather,
    /// The season, when the prompt names one (winter is [`Scene::snowy`]).
    pub season: Option<Season>,
    /// Snow lies on the ground, trees and peaks.
    pub snowy: bool,
    /// The things to draw, named ones first, then ones the setting implies.
    pub objects: Vec<SceneObject>,
    /// A colour the prompt gave the sky ("a pink sky").
    pub sky_color: Option<NamedColor>,
    /// A colour the prompt gave the ground ("green grass").
    pub ground_color: Option<NamedColor>,
    /// Colours named without a thing to belong to; they tint the palette.
    pub tints: Vec<NamedColor>,
    /// Rendering styles, in prompt order.
    pub styles: Vec<Style>,
    /// Things the negative prompt named; never drawn.
    pub excluded_objects: Vec<ObjectKind>,
    /// Colours the negative prompt named; kept out of the palette.
    pub excluded_colors: Vec<NamedColor>,
    /// Words the renderer does not know; they still vary the picture.
    pub unknown_words: Vec<String>,
    /// A hash of the unknown words that picks palette and layout variations.
    pub variation: u64,
}

impl Scene {
    /// Whether the scene has an object of `kind`.
    pub fn has(&self, kind: ObjectKind) -> bool {
        self.objects.iter().any(|o| o.kind == kind)
    }

    /// The first object of `kind`.
    pub fn object(&self, kind: ObjectKind) -> Option<&SceneObject> {
        self.objects.iter().find(|o| o.kind == kind)
    }

    /// Whether `style` is on.
    pub fn has_style(&self, style: Style) -> bool {
        self.styles.contains(&style)
    }
}

/// A colour word and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedColor {
    /// The word as understood, with a shade prefix if any ("light blue").
    pub name: String,
    /// The sRGB value.
    pub rgb: [u8; 3],
}

/// One kind of thing in the scene, possibly several of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SceneObject {
    /// What it is.
    pub kind: ObjectKind,
    /// Its colour, when the prompt named one.
    pub color: Option<NamedColor>,
    /// How many to draw.
    pub count: u32,
    /// Size relative to the usual (`1.0`); "huge" is larger, "tiny" smaller.
    pub scale: f32,
    /// Where the prompt put it.
    pub placement: Placement,
    /// True when the setting implied it rather than the prompt naming it.
    pub implied: bool,
}

/// Where in the picture the prompt put a thing; `None` leaves it to the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Placement {
    /// Left, centre or right.
    pub horizontal: Option<Horizontal>,
    /// Top, middle or bottom.
    pub vertical: Option<Vertical>,
    /// Near or far.
    pub depth: Option<Depth>,
}

/// A horizontal position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Horizontal {
    /// The left third.
    Left,
    /// The middle.
    Center,
    /// The right third.
    Right,
}

/// A vertical position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vertical {
    /// High up.
    Top,
    /// Halfway.
    Middle,
    /// Low down.
    Bottom,
}

/// Nearness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// Near the viewer: lower and larger.
    Foreground,
    /// Far away: near the horizon and smaller.
    Background,
}

/// The backdrop of the scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// Grass, hills and sky.
    Meadow,
    /// Sand meeting the sea.
    Beach,
    /// Open water to the horizon.
    Sea,
    /// Dunes.
    Desert,
    /// Woods.
    Forest,
    /// A skyline.
    City,
    /// Snow.
    Winter,
    /// Stars and planets.
    Space,
    /// Below the waves.
    Underwater,
    /// A plain backdrop for shapes.
    Abstract,
}

/// The light of the scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    /// Full daylight.
    Day,
    /// Dawn: low sun, pinks and golds.
    Sunrise,
    /// Evening: low sun, oranges and violets.
    Sunset,
    /// Twilight after sunset.
    Dusk,
    /// Dark sky, moon and stars.
    Night,
}

/// The weather.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weather {
    /// Nothing in the air.
    Clear,
    /// More and greyer clouds.
    Cloudy,
    /// Haze that fades the distance.
    Fog,
    /// Grey clouds and rain streaks.
    Rain,
    /// Falling snow.
    Snow,
}

/// A season that changes the foliage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Season {
    /// Blossom and fresh green.
    Spring,
    /// Deep green.
    Summer,
    /// Orange, red and gold leaves.
    Autumn,
}

/// A rendering style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Flat colour, no texture.
    Flat,
    /// Soft wobbly edges, paper grain, pooled pigment.
    Watercolor,
    /// Dark ground with glowing outlines.
    Neon,
    /// Light, soft colours.
    Pastel,
    /// Shades of grey.
    Monochrome,
    /// Brown-toned, faded, vignetted.
    Sepia,
    /// Big pixels and a small palette.
    PixelArt,
    /// Stronger colours.
    Vibrant,
    /// Darker and cooler.
    Moody,
    /// A soft glow.
    Dreamy,
}

/// The things the renderer can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// The sun.
    Sun,
    /// The moon.
    Moon,
    /// A star; many make a starfield.
    Star,
    /// A cloud.
    Cloud,
    /// A rainbow.
    Rainbow,
    /// A ringed planet.
    Planet,
    /// A bird in flight.
    Bird,
    /// A hot-air balloon.
    Balloon,
    /// A butterfly.
    Butterfly,
    /// A rocket.
    Rocket,
    /// A mountain range.
    Mountain,
    /// Rolling hills or dunes.
    Hill,
    /// A leafy tree.
    Tree,
    /// A conifer.
    PineTree,
    /// A palm tree.
    PalmTree,
    /// A cactus.
    Cactus,
    /// A flower.
    Flower,
    /// Grass tufts.
    Grass,
    /// A house.
    House,
    /// A tower.
    Tower,
    /// A castle.
    Castle,
    /// A lighthouse.
    Lighthouse,
    /// City buildings.
    Building,
    /// A tent.
    Tent,
    /// The sea.
    Water,
    /// A lake.
    Lake,
    /// A river.
    River,
    /// A road.
    Road,
    /// An island.
    Island,
    /// A sailing boat.
    Boat,
    /// A car.
    Car,
    /// A cat.
    Cat,
    /// A fish.
    Fish,
    /// A snowman.
    Snowman,
    /// A circle.
    Circle,
    /// A square.
    Square,
    /// A triangle.
    Triangle,
    /// A heart.
    Heart,
}

/// Where a kind of object lives in the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    /// Up in the sky.
    Sky,
    /// Standing on the ground.
    Ground,
    /// Floating on or in water.
    Water,
    /// A feature spanning the land (mountains, hills, sea, roads).
    Terrain,
    /// Free-floating abstract shapes.
    Shape,
}

impl ObjectKind {
    /// Where it lives.
    pub(crate) fn region(self) -> Region {
        use ObjectKind::*;
        match self {
            Sun | Moon | Star | Cloud | Rainbow | Planet | Bird | Balloon | Butterfly | Rocket => {
                Region::Sky
            }
            Mountain | Hill | Water | Lake | River | Road | Island => Region::Terrain,
            Boat | Fish => Region::Water,
            Circle | Square | Triangle | Heart => Region::Shape,
            _ => Region::Ground,
        }
    }

    /// How many to draw when the prompt uses the plural without a number.
    pub(crate) fn plural_count(self) -> u32 {
        use ObjectKind::*;
        match self {
            Star => 90,
            Flower => 24,
            Grass => 30,
            Bird | Fish | Butterfly => 5,
            Tree | PineTree => 6,
            Building => 9,
            Cloud => 4,
            House => 3,
            Balloon | Boat | Cactus | PalmTree => 3,
            Mountain | Hill => 3,
            _ => 3,
        }
    }

    /// Kinds of which one scene has at most one entry (counts merge).
    pub(crate) fn is_unique(self) -> bool {
        use ObjectKind::*;
        matches!(
            self,
            Water | Mountain | Hill | Road | River | Rainbow | Grass | Building
        )
    }
}
