//! Filling in what the prompt left open: the setting, the time, the things a
//! setting implies (a beach has the sea, a night has a moon), and then
//! removing whatever the negative prompt names.

use super::color::Rgb;
use super::interpret::{Exclusions, Reading};
use super::scene::{
    Depth, NamedColor, ObjectKind, Placement, Region, Scene, SceneObject, Season, Setting,
    TimeOfDay, Weather,
};

/// Every setting, for prompts that name none and nothing to infer one from.
const ALL_SETTINGS: [Setting; 10] = [
    Setting::Meadow,
    Setting::Sea,
    Setting::Desert,
    Setting::Abstract,
    Setting::Beach,
    Setting::Forest,
    Setting::Winter,
    Setting::City,
    Setting::Space,
    Setting::Underwater,
];

/// Builds the scene from a reading, its exclusions and the variation hash.
pub(crate) fn complete(reading: Reading, exclusions: Exclusions, variation: u64) -> Scene {
    let weather = reading
        .weather
        .filter(|w| !exclusions.weather.contains(w))
        .unwrap_or(Weather::Clear);
    let setting = reading
        .setting
        .unwrap_or_else(|| infer_setting(&reading, weather, variation));
    let time = match reading.time {
        Some(time) => time,
        None => {
            let inferred = infer_time(&reading, setting, variation);
            if exclusions.times.contains(&inferred) {
                if inferred == TimeOfDay::Day {
                    TimeOfDay::Sunset
                } else {
                    TimeOfDay::Day
                }
            } else {
                inferred
            }
        }
    };
    let excluded = |color: &NamedColor| is_excluded(color, &exclusions.colors);
    let mut styles = reading.styles;
    styles.retain(|s| !exclusions.styles.contains(s));
    let mut scene = Scene {
        setting,
        time,
        weather,
        season: reading.season,
        snowy: reading.snowy || setting == Setting::Winter || weather == Weather::Snow,
        objects: merge_unique(reading.objects),
        sky_color: reading
            .sky_color
            .filter(|c| !excluded(c) && !exclusions.sky),
        ground_color: reading.ground_color.filter(|c| !excluded(c)),
        tints: reading.tints.into_iter().filter(|c| !excluded(c)).collect(),
        styles,
        excluded_objects: Vec::new(),
        excluded_colors: Vec::new(),
        unknown_words: reading.unknown_words,
        variation,
    };
    add_implied(&mut scene);
    scene
        .objects
        .retain(|o| !exclusions.objects.contains(&o.kind));
    for object in &mut scene.objects {
        object.color = object.color.take().filter(|c| !excluded(c));
    }
    scene.excluded_objects = exclusions.objects;
    scene.excluded_colors = exclusions.colors;
    scene
}

/// Whether a colour is one the negative prompt names (by name, or so close
/// in value that nobody could tell them apart).
pub(crate) fn is_excluded(color: &NamedColor, excluded: &[NamedColor]) -> bool {
    let value = Rgb::from_bytes(color.rgb);
    excluded.iter().any(|e| {
        let base = color.name.rsplit(' ').next().unwrap_or(&color.name);
        let other = Rgb::from_bytes(e.rgb);
        let distance =
            (value.r - other.r).abs() + (value.g - other.g).abs() + (value.b - other.b).abs();
        base == e.name || distance < 0.15
    })
}

/// Merges repeated entries of kinds a scene holds once (the sea, a road).
fn merge_unique(objects: Vec<SceneObject>) -> Vec<SceneObject> {
    let mut out: Vec<SceneObject> = Vec::with_capacity(objects.len());
    for object in objects {
        match out
            .iter_mut()
            .find(|o| o.kind == object.kind && o.kind.is_unique())
        {
            Some(existing) => {
                existing.color = existing.color.take().or(object.color);
                existing.count = existing.count.max(object.count);
            }
            None => out.push(object),
        }
    }
    out
}

/// The setting the named things suggest.
fn infer_setting(reading: &Reading, weather: Weather, variation: u64) -> Setting {
    let has = |kind| reading.objects.iter().any(|o| o.kind == kind);
    let any_in = |region| reading.objects.iter().any(|o| o.kind.region() == region);
    let landish = any_in(Region::Ground) || any_in(Region::Terrain);
    if has(ObjectKind::Water) || has(ObjectKind::Island) || has(ObjectKind::Boat) {
        return if has(ObjectKind::PalmTree) {
            Setting::Beach
        } else {
            Setting::Sea
        };
    }
    if weather == Weather::Snow || has(ObjectKind::Snowman) {
        return Setting::Winter;
    }
    if has(ObjectKind::Cactus) {
        return Setting::Desert;
    }
    if has(ObjectKind::Building) {
        return Setting::City;
    }
    if (has(ObjectKind::Planet) || has(ObjectKind::Rocket)) && !landish {
        return Setting::Space;
    }
    if has(ObjectKind::Fish) && !landish {
        return Setting::Underwater;
    }
    if landish {
        return Setting::Meadow;
    }
    if any_in(Region::Shape) {
        return Setting::Abstract;
    }
    if any_in(Region::Sky) {
        let choices = [
            Setting::Meadow,
            Setting::Sea,
            Setting::Meadow,
            Setting::Desert,
        ];
        return choices[(variation % 4) as usize];
    }
    if variation == 0 {
        return match reading.time {
            Some(TimeOfDay::Sunset | TimeOfDay::Sunrise) => Setting::Sea,
            _ => Setting::Meadow,
        };
    }
    ALL_SETTINGS[(variation % ALL_SETTINGS.len() as u64) as usize]
}

/// The time the named things suggest.
fn infer_time(reading: &Reading, setting: Setting, variation: u64) -> TimeOfDay {
    let has = |kind| reading.objects.iter().any(|o| o.kind == kind);
    let starfield = reading
        .objects
        .iter()
        .any(|o| o.kind == ObjectKind::Star && o.count > 1);
    match setting {
        Setting::Space => return TimeOfDay::Night,
        Setting::Underwater => return TimeOfDay::Day,
        _ => {}
    }
    if !has(ObjectKind::Sun) && (has(ObjectKind::Moon) || starfield) {
        return TimeOfDay::Night;
    }
    if reading.objects.is_empty() && variation != 0 {
        let choices = [
            TimeOfDay::Day,
            TimeOfDay::Sunset,
            TimeOfDay::Day,
            TimeOfDay::Night,
            TimeOfDay::Sunrise,
            TimeOfDay::Dusk,
        ];
        return choices[((variation >> 16) % choices.len() as u64) as usize];
    }
    TimeOfDay::Day
}

/// An implied object.
fn implied(kind: ObjectKind, count: u32) -> SceneObject {
    SceneObject {
        kind,
        color: None,
        count,
        scale: 1.0,
        placement: Placement::default(),
        implied: true,
    }
}

/// Adds `object` unless the scene has one of its kind.
fn add(scene: &mut Scene, object: SceneObject) {
    if !scene.has(object.kind) {
        scene.objects.push(object);
    }
}

/// Adds what the setting, time and weather imply, unless already present.
fn add_implied(scene: &mut Scene) {
    let variation = scene.variation;
    match scene.setting {
        Setting::Space => {
            add(scene, implied(ObjectKind::Star, 140));
            if !scene.has(ObjectKind::Moon) {
                add(scene, implied(ObjectKind::Planet, 1));
            }
        }
        Setting::Underwater => {
            add(scene, implied(ObjectKind::Fish, 5));
            add(scene, implied(ObjectKind::Grass, 14));
        }
        Setting::Abstract => {
            if scene.objects.is_empty() {
                let shapes = [ObjectKind::Circle, ObjectKind::Triangle, ObjectKind::Square];
                add(scene, implied(shapes[(variation % 3) as usize], 1));
                add(scene, implied(shapes[((variation >> 8) % 3) as usize], 3));
            }
        }
        _ => add_landscape(scene),
    }
    if matches!(
        scene.setting,
        Setting::Space | Setting::Underwater | Setting::Abstract
    ) {
        return;
    }
    add_sky(scene);
}

/// The sun or moon and stars of the time of day, and the weather's clouds.
fn add_sky(scene: &mut Scene) {
    let has_sun = scene.has(ObjectKind::Sun);
    let has_moon = scene.has(ObjectKind::Moon);
    let weather = scene.weather;
    match scene.time {
        TimeOfDay::Night => {
            if !has_sun {
                add(scene, implied(ObjectKind::Moon, 1));
            }
            if weather != Weather::Fog && weather != Weather::Rain {
                add(scene, implied(ObjectKind::Star, 90));
            }
        }
        TimeOfDay::Dusk => add(scene, implied(ObjectKind::Star, 30)),
        TimeOfDay::Sunset | TimeOfDay::Sunrise if !has_moon => {
            let mut sun = implied(ObjectKind::Sun, 1);
            sun.placement.depth = Some(Depth::Background);
            add(scene, sun);
        }
        TimeOfDay::Day if !has_moon && matches!(weather, Weather::Clear | Weather::Snow) => {
            add(scene, implied(ObjectKind::Sun, 1));
        }
        _ => {}
    }
    let clouds = match (weather, scene.time) {
        (Weather::Cloudy, _) => 7,
        (Weather::Rain, _) => 8,
        (Weather::Fog, _) => 0,
        (_, TimeOfDay::Night) => 2,
        (Weather::Snow, _) => 4,
        _ => 2 + (scene.variation % 3) as u32,
    };
    if clouds > 0 {
        add(scene, implied(ObjectKind::Cloud, clouds));
    }
}

/// The terrain and plants of the land settings.
fn add_landscape(scene: &mut Scene) {
    let named_ground = scene
        .objects
        .iter()
        .any(|o| o.kind.region() == Region::Ground);
    let variation = scene.variation;
    let leafy = matches!(scene.season, Some(Season::Spring | Season::Autumn));
    match scene.setting {
        Setting::Meadow => {
            add(scene, implied(ObjectKind::Hill, 3));
            add(scene, implied(ObjectKind::Grass, 30));
            if scene.season == Some(Season::Spring) {
                add(scene, implied(ObjectKind::Flower, 20));
            }
            if !named_ground && (variation % 2 == 1 || leafy) {
                add(scene, implied(ObjectKind::Tree, 2));
            }
        }
        Setting::Beach => {
            add(scene, implied(ObjectKind::Water, 1));
            if !named_ground {
                add(scene, implied(ObjectKind::PalmTree, 2));
            }
        }
        Setting::Sea => add(scene, implied(ObjectKind::Water, 1)),
        Setting::Desert => {
            add(scene, implied(ObjectKind::Hill, 3));
            if !named_ground {
                add(scene, implied(ObjectKind::Cactus, 2));
            }
        }
        Setting::Forest => {
            let named_trees = scene
                .objects
                .iter_mut()
                .filter(|o| matches!(o.kind, ObjectKind::Tree | ObjectKind::PineTree))
                .map(|o| o.count = o.count.max(12))
                .count();
            if named_trees == 0 {
                let deciduous = !scene.snowy && (leafy || variation % 3 == 1);
                let kind = if deciduous {
                    ObjectKind::Tree
                } else {
                    ObjectKind::PineTree
                };
                add(scene, implied(kind, 14));
            }
            add(scene, implied(ObjectKind::Hill, 2));
        }
        Setting::City => add(scene, implied(ObjectKind::Building, 9)),
        Setting::Winter => {
            add(scene, implied(ObjectKind::Hill, 3));
            add(
                scene,
                implied(ObjectKind::PineTree, if named_ground { 4 } else { 5 }),
            );
        }
        Setting::Space | Setting::Underwater | Setting::Abstract => {}
    }
}
