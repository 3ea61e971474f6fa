//! The prompt vocabulary: what each word means to the renderer.

use super::color::{Rgb, named_color};
use super::scene::{
    Depth, Horizontal, ObjectKind, Season, Setting, Style, TimeOfDay, Vertical, Weather,
};

/// The meaning of one word (or merged phrase).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Word {
    /// A colour.
    Color(&'static str, Rgb),
    /// "light" / "dark" and friends: a lightness shift for the next colour.
    Shade(&'static str, f32),
    /// A thing; `true` when plural.
    Object(ObjectKind, bool),
    /// The sky, which can take a colour.
    Sky,
    /// The ground, which can take a colour.
    Ground,
    /// A backdrop.
    Setting(Setting),
    /// A time of day.
    Time(TimeOfDay),
    /// Weather.
    Weather(Weather),
    /// A season.
    Season(Season),
    /// A style.
    Style(Style),
    /// A size factor.
    Size(f32),
    /// A number of things.
    Count(u32),
    /// A horizontal position.
    Horizontal(Horizontal),
    /// A vertical position.
    Vertical(Vertical),
    /// "corner": a corner, refined by neighbouring position words.
    Corner,
    /// Near or far.
    Depth(Depth),
    /// A word that ends a clause ("and", "with").
    Break,
    /// A word with no meaning for the picture ("the", "beautiful").
    Filler,
}

/// Phrases merged into one token before classification.
pub(crate) const PHRASES: &[(&[&str], &str)] = &[
    (&["black", "and", "white"], "monochrome"),
    (&["b", "w"], "monochrome"),
    (&["pixel", "art"], "pixelart"),
    (&["8", "bit"], "pixelart"),
    (&["16", "bit"], "pixelart"),
    (&["hot", "air", "balloon"], "balloon"),
    (&["hot", "air", "balloons"], "balloons"),
    (&["outer", "space"], "space"),
    (&["golden", "hour"], "sunset"),
    (&["blue", "hour"], "dusk"),
    (&["sky", "blue"], "skyblue"),
    (&["forest", "green"], "forestgreen"),
    (&["navy", "blue"], "navy"),
    (&["palm", "tree"], "palmtree"),
    (&["palm", "trees"], "palmtrees"),
    (&["pine", "tree"], "pinetree"),
    (&["pine", "trees"], "pinetrees"),
    (&["christmas", "tree"], "pinetree"),
    (&["fir", "tree"], "pinetree"),
    (&["in", "the", "distance"], "background"),
    (&["far", "away"], "background"),
    (&["close", "up"], "foreground"),
    (&["up", "close"], "foreground"),
    (&["a", "few"], "few"),
    (&["lots", "of"], "many"),
    (&["a", "lot", "of"], "many"),
    (&["ice", "cream"], "icecream"),
    (&["coral", "reef"], "reef"),
    (&["coral", "reefs"], "reef"),
];

/// Classifies a lowercase word, trying singular forms of plurals.
pub(crate) fn classify(word: &str) -> Option<Word> {
    if let Some(meaning) = lookup(word) {
        return Some(meaning);
    }
    let singulars = [
        word.strip_suffix("ies").map(|stem| format!("{stem}y")),
        word.strip_suffix("es").map(str::to_owned),
        word.strip_suffix('s').map(str::to_owned),
    ];
    singulars
        .into_iter()
        .flatten()
        .find_map(|singular| match lookup(&singular)? {
            Word::Object(kind, _) => Some(Word::Object(kind, true)),
            _ => None,
        })
}

/// The table itself; plural forms that are not a plain `-s` are listed.
fn lookup(word: &str) -> Option<Word> {
    use ObjectKind as O;
    if let Some(rgb) = named_color(word) {
        let name = super::color::NAMED_COLORS
            .iter()
            .find(|(n, _)| *n == word)
            .map_or("", |(n, _)| n);
        return Some(Word::Color(name, rgb));
    }
    if let Ok(n) = word.parse::<u32>() {
        return (1..=50).contains(&n).then_some(Word::Count(n));
    }
    let object = |kind, plural| Some(Word::Object(kind, plural));
    match word {
        "sun" | "sunshine" => object(O::Sun, false),
        "suns" => object(O::Sun, true),
        "moon" | "crescent" | "moonlight" | "moonlit" => object(O::Moon, false),
        "star" => object(O::Star, false),
        "stars" | "starry" | "starfield" | "starlight" => object(O::Star, true),
        "cloud" => object(O::Cloud, false),
        "clouds" | "cloudy" => object(O::Cloud, true),
        "rainbow" => object(O::Rainbow, false),
        "planet" | "saturn" | "jupiter" | "mars" => object(O::Planet, false),
        "bird" | "seagull" | "gull" | "crow" | "eagle" => object(O::Bird, false),
        "birds" | "flock" | "seagulls" | "geese" => object(O::Bird, true),
        "balloon" => object(O::Balloon, false),
        "butterfly" => object(O::Butterfly, false),
        "rocket" | "spaceship" | "rocketship" => object(O::Rocket, false),
        "mountain" | "peak" | "volcano" | "alps" => object(O::Mountain, false),
        "mountains" | "mountainous" | "peaks" | "range" => object(O::Mountain, true),
        "hill" | "dune" => object(O::Hill, false),
        "hills" | "dunes" | "hilly" | "rolling" => object(O::Hill, true),
        "tree" | "oak" | "maple" => object(O::Tree, false),
        "trees" | "woods" | "woodland" | "orchard" => object(O::Tree, true),
        "pinetree" | "pine" | "conifer" | "spruce" | "fir" => object(O::PineTree, false),
        "pinetrees" | "pines" | "conifers" => object(O::PineTree, true),
        "palmtree" | "palm" => object(O::PalmTree, false),
        "palmtrees" | "palms" => object(O::PalmTree, true),
        "cactus" => object(O::Cactus, false),
        "cacti" | "cactuses" => object(O::Cactus, true),
        "flower" | "rose" | "tulip" | "daisy" | "sunflower" | "poppy" | "blossom" => {
            object(O::Flower, false)
        }
        "flowers" | "roses" | "tulips" | "daisies" | "sunflowers" | "poppies" | "blossoms"
        | "wildflowers" | "bouquet" | "garden" | "gardens" => object(O::Flower, true),
        "grass" | "grassy" | "lawn" => object(O::Grass, true),
        "house" | "cottage" | "cabin" | "home" | "hut" | "barn" | "farmhouse" => {
            object(O::House, false)
        }
        "houses" | "village" | "cottages" | "cabins" | "homes" => object(O::House, true),
        "tower" | "skyscraper" | "spire" => object(O::Tower, false),
        "towers" | "skyscrapers" => object(O::Tower, true),
        "castle" | "palace" | "fortress" | "citadel" => object(O::Castle, false),
        "lighthouse" => object(O::Lighthouse, false),
        "building" | "buildings" | "skyline" | "downtown" => object(O::Building, true),
        "tent" | "camp" | "campsite" | "camping" => object(O::Tent, false),
        "sea" | "ocean" | "water" | "waves" | "wave" | "seascape" | "bay" => {
            object(O::Water, false)
        }
        "lake" | "pond" | "lagoon" => object(O::Lake, false),
        "river" | "stream" | "creek" => object(O::River, false),
        "road" | "path" | "street" | "highway" | "trail" => object(O::Road, false),
        "island" | "islet" => object(O::Island, false),
        "boat" | "ship" | "sailboat" | "yacht" | "sail" => object(O::Boat, false),
        "boats" | "ships" | "sailboats" | "yachts" | "fleet" => object(O::Boat, true),
        "car" | "truck" | "van" | "taxi" => object(O::Car, false),
        "cat" | "kitten" | "kitty" => object(O::Cat, false),
        "cats" | "kittens" => object(O::Cat, true),
        "fish" | "goldfish" => object(O::Fish, false),
        "fishes" | "school" => object(O::Fish, true),
        "snowman" => object(O::Snowman, false),
        "snowmen" => object(O::Snowman, true),
        "circle" | "ball" | "orb" | "sphere" | "dot" | "disc" | "disk" => object(O::Circle, false),
        "square" | "box" | "cube" | "block" | "rectangle" => object(O::Square, false),
        "triangle" | "pyramid" => object(O::Triangle, false),
        "heart" | "love" => object(O::Heart, false),
        _ => other_word(word),
    }
}

/// Everything that is not a thing or a colour.
fn other_word(word: &str) -> Option<Word> {
    use Setting as S;
    use TimeOfDay as T;
    Some(match word {
        "sky" | "skies" => Word::Sky,
        "ground" | "field" | "fields" | "meadow" | "meadows" | "land" | "earth" | "prairie"
        | "pasture" | "countryside" | "valley" | "park" | "farm" | "landscape" => match word {
            "ground" | "land" | "earth" => Word::Ground,
            _ => Word::Setting(S::Meadow),
        },
        "beach" | "coast" | "shore" | "seaside" | "coastal" | "tropical" | "sand" | "sandy" => {
            Word::Setting(S::Beach)
        }
        "desert" | "sahara" | "arid" => Word::Setting(S::Desert),
        "forest" | "jungle" | "rainforest" | "forests" => Word::Setting(S::Forest),
        "city" | "town" | "urban" | "metropolis" | "cityscape" | "street-level" | "cyberpunk" => {
            Word::Setting(S::City)
        }
        "winter" | "arctic" | "frozen" | "icy" | "ice" | "snowy" | "wintry" => {
            Word::Setting(S::Winter)
        }
        "space" | "galaxy" | "cosmos" | "universe" | "nebula" | "cosmic" | "astronaut" => {
            Word::Setting(S::Space)
        }
        "underwater" | "undersea" | "reef" | "coral" | "aquarium" | "submarine" => {
            Word::Setting(S::Underwater)
        }
        "abstract" | "geometric" | "shapes" | "pattern" => Word::Setting(S::Abstract),
        "day" | "daytime" | "noon" | "midday" | "afternoon" | "sunny" | "daylight" => {
            Word::Time(T::Day)
        }
        "sunrise" | "dawn" | "daybreak" | "morning" => Word::Time(T::Sunrise),
        "sunset" | "sundown" | "evening" | "sunsets" => Word::Time(T::Sunset),
        "dusk" | "twilight" | "gloaming" => Word::Time(T::Dusk),
        "night" | "midnight" | "nighttime" | "nightfall" | "nocturnal" => Word::Time(T::Night),
        "fog" | "foggy" | "mist" | "misty" | "haze" | "hazy" => Word::Weather(Weather::Fog),
        "rain" | "rainy" | "storm" | "stormy" | "raining" | "thunderstorm" | "drizzle" => {
            Word::Weather(Weather::Rain)
        }
        "snow" | "snowing" | "snowfall" | "blizzard" | "snowflakes" => Word::Weather(Weather::Snow),
        "overcast" | "gloomy" => Word::Weather(Weather::Cloudy),
        "spring" | "springtime" | "blooming" => Word::Season(Season::Spring),
        "summer" | "summertime" => Word::Season(Season::Summer),
        "autumn" | "fall" | "autumnal" | "fallen" => Word::Season(Season::Autumn),
        _ => return style_or_modifier(word),
    })
}

/// Styles, sizes, counts and positions.
fn style_or_modifier(word: &str) -> Option<Word> {
    Some(match word {
        "flat" | "minimal" | "minimalist" | "simple" | "vector" | "clean" => {
            Word::Style(Style::Flat)
        }
        "watercolor" | "watercolour" | "watercolors" | "aquarelle" | "gouache" => {
            Word::Style(Style::Watercolor)
        }
        "neon" | "glowing" | "synthwave" | "vaporwave" | "retrowave" => Word::Style(Style::Neon),
        "pastel" | "pastels" => Word::Style(Style::Pastel),
        "monochrome" | "grayscale" | "greyscale" | "noir" | "monochromatic" => {
            Word::Style(Style::Monochrome)
        }
        "sepia" | "vintage" | "retro" | "antique" | "faded" => Word::Style(Style::Sepia),
        "pixelart" | "pixel" | "pixelated" | "pixels" => Word::Style(Style::PixelArt),
        "vibrant" | "vivid" | "colorful" | "colourful" | "saturated" => Word::Style(Style::Vibrant),
        "moody" | "gloom" | "somber" | "sombre" | "ominous" => Word::Style(Style::Moody),
        "dreamy" | "soft" | "ethereal" | "magical" | "glow" => Word::Style(Style::Dreamy),
        "light" | "pale" | "pastelly" => Word::Shade("light", 0.35),
        "dark" | "deep" | "darker" | "dim" => Word::Shade("dark", -0.35),
        "bright" | "brilliant" => Word::Shade("bright", 0.15),
        "tiny" | "minuscule" => Word::Size(0.5),
        "small" | "little" | "mini" => Word::Size(0.72),
        "big" | "large" | "tall" | "great" => Word::Size(1.4),
        "huge" | "giant" | "enormous" | "massive" | "gigantic" | "colossal" => Word::Size(1.85),
        "a" | "an" | "one" | "single" | "lone" | "lonely" | "solitary" => Word::Count(1),
        "two" | "pair" | "couple" | "twin" => Word::Count(2),
        "three" => Word::Count(3),
        "four" => Word::Count(4),
        "five" => Word::Count(5),
        "six" => Word::Count(6),
        "seven" => Word::Count(7),
        "eight" => Word::Count(8),
        "nine" => Word::Count(9),
        "ten" => Word::Count(10),
        "few" | "some" | "several" => Word::Count(3),
        "many" | "numerous" | "dozens" | "countless" | "lots" | "hundreds" => Word::Count(12),
        "left" | "leftmost" => Word::Horizontal(Horizontal::Left),
        "right" | "rightmost" => Word::Horizontal(Horizontal::Right),
        "center" | "centre" | "middle" | "central" | "centered" | "centred" => {
            Word::Horizontal(Horizontal::Center)
        }
        "top" | "upper" | "high" | "above" | "overhead" => Word::Vertical(Vertical::Top),
        "bottom" | "lower" | "low" | "below" | "beneath" => Word::Vertical(Vertical::Bottom),
        "corner" | "corners" => Word::Corner,
        "foreground" | "front" | "closeup" => Word::Depth(Depth::Foreground),
        "background" | "distant" | "far" | "distance" | "horizon" | "behind" => {
            Word::Depth(Depth::Background)
        }
        "and" | "with" | "while" | "but" | "plus" | "beside" | "next" | "then" => Word::Break,
        "the" | "of" | "in" | "on" | "at" | "over" | "under" | "by" | "from" | "to" | "is"
        | "are" | "its" | "it" | "their" | "this" | "that" | "very" | "beautiful" | "pretty"
        | "lovely" | "nice" | "scene" | "picture" | "image" | "illustration" | "view" | "art"
        | "style" | "detailed" | "highly" | "quality" | "best" | "masterpiece" | "hd" | "4k"
        | "8k" | "painting" | "painted" | "near" | "nearby" | "into" | "onto" | "across"
        | "around" | "through" | "for" | "as" | "side" | "hand" | "corner's" | "up" | "down"
        | "sitting" | "standing" | "flying" | "floating" | "rising" | "setting" | "shining"
        | "glittering" => Word::Filler,
        _ => return None,
    })
}
