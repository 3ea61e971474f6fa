//! What the renderer understands from prompts.

use super::super::{
    Depth, Horizontal, ObjectKind, Setting, Style, TimeOfDay, Vertical, Weather, interpret,
};

fn color_of(scene: &super::super::Scene, kind: ObjectKind) -> Option<String> {
    scene
        .object(kind)
        .and_then(|o| o.color.as_ref())
        .map(|c| c.name.clone())
}

#[test]
fn colours_attach_to_the_nearest_following_thing() {
    let scene = interpret("a red house and a blue moon", "");
    assert_eq!(color_of(&scene, ObjectKind::House).as_deref(), Some("red"));
    assert_eq!(color_of(&scene, ObjectKind::Moon).as_deref(), Some("blue"));
    assert!(scene.tints.is_empty());
}

#[test]
fn colours_after_a_thing_attach_backwards_and_stray_colours_tint() {
    let scene = interpret("the sun is orange, purple and teal", "");
    assert_eq!(color_of(&scene, ObjectKind::Sun).as_deref(), Some("orange"));
    let tints: Vec<_> = scene.tints.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(tints, ["purple", "teal"]);
}

#[test]
fn sky_and_ground_take_colours_and_shades_modify_them() {
    let scene = interpret("a pink sky over light green grass", "");
    assert_eq!(
        scene.sky_color.as_ref().map(|c| c.name.as_str()),
        Some("pink")
    );
    assert_eq!(
        color_of(&scene, ObjectKind::Grass).as_deref(),
        Some("light green")
    );
}

#[test]
fn positions_sizes_and_counts_attach() {
    let scene = interpret(
        "a huge sun on the left, three tiny birds in the top right corner, a tree in the foreground",
        "",
    );
    let sun = scene.object(ObjectKind::Sun).expect("sun");
    assert_eq!(sun.placement.horizontal, Some(Horizontal::Left));
    assert!(sun.scale > 1.5);
    let birds = scene.object(ObjectKind::Bird).expect("birds");
    assert_eq!(birds.count, 3);
    assert!(birds.scale < 0.6);
    assert_eq!(birds.placement.horizontal, Some(Horizontal::Right));
    assert_eq!(birds.placement.vertical, Some(Vertical::Top));
    let tree = scene.object(ObjectKind::Tree).expect("tree");
    assert_eq!(tree.placement.depth, Some(Depth::Foreground));
    let scene = interpret("on the right, a castle", "");
    assert_eq!(
        scene
            .object(ObjectKind::Castle)
            .expect("castle")
            .placement
            .horizontal,
        Some(Horizontal::Right)
    );
}

#[test]
fn plurals_mean_several() {
    let scene = interpret("stars and clouds and flowers", "");
    assert!(scene.object(ObjectKind::Star).expect("stars").count > 12);
    assert!(scene.object(ObjectKind::Cloud).expect("clouds").count > 1);
    assert!(scene.object(ObjectKind::Flower).expect("flowers").count > 5);
    assert_eq!(
        interpret("a cat", "")
            .object(ObjectKind::Cat)
            .expect("cat")
            .count,
        1
    );
    assert_eq!(
        interpret("a fish", "")
            .object(ObjectKind::Fish)
            .expect("fish")
            .count,
        1
    );
    assert!(
        interpret("underwater with fish", "")
            .object(ObjectKind::Fish)
            .expect("fish")
            .count
            > 1
    );
}

#[test]
fn settings_times_weather_and_styles_are_read() {
    let scene = interpret("misty forest at dawn, watercolor", "");
    assert_eq!(scene.setting, Setting::Forest);
    assert_eq!(scene.time, TimeOfDay::Sunrise);
    assert_eq!(scene.weather, Weather::Fog);
    assert_eq!(scene.styles, [Style::Watercolor]);
    assert!(scene.has(ObjectKind::PineTree) || scene.has(ObjectKind::Tree));
    let scene = interpret("black and white 8-bit city at night", "");
    assert_eq!(scene.setting, Setting::City);
    assert_eq!(scene.time, TimeOfDay::Night);
    assert_eq!(scene.styles, [Style::Monochrome, Style::PixelArt]);
    assert!(scene.has(ObjectKind::Building) && scene.has(ObjectKind::Moon));
}

#[test]
fn settings_are_inferred_from_things() {
    assert_eq!(interpret("a sailboat", "").setting, Setting::Sea);
    assert_eq!(interpret("a cactus", "").setting, Setting::Desert);
    assert_eq!(
        interpret("a red circle and a blue square", "").setting,
        Setting::Abstract
    );
    assert_eq!(interpret("a ringed planet", "").setting, Setting::Space);
    assert_eq!(
        interpret("a house with a tree", "").setting,
        Setting::Meadow
    );
    assert_eq!(interpret("a moon", "").time, TimeOfDay::Night);
    let beach = interpret("beach", "");
    assert!(beach.has(ObjectKind::Water) && beach.has(ObjectKind::Sun));
}

#[test]
fn negative_prompt_removes_things_colours_and_styles() {
    let scene = interpret(
        "a red sun over the sea with clouds, neon",
        "red, clouds, neon, sun",
    );
    assert!(!scene.has(ObjectKind::Sun));
    assert!(!scene.has(ObjectKind::Cloud));
    assert!(scene.styles.is_empty());
    assert_eq!(scene.excluded_colors[0].name, "red");
    assert!(scene.excluded_objects.contains(&ObjectKind::Cloud));
    let scene = interpret("a red sun over the sea", "red");
    assert!(scene.has(ObjectKind::Sun));
    assert_eq!(color_of(&scene, ObjectKind::Sun), None);
    let forest = interpret("a forest", "trees, pine trees");
    assert!(!forest.has(ObjectKind::Tree) && !forest.has(ObjectKind::PineTree));
}

#[test]
fn unknown_words_vary_the_scene_deterministically() {
    let a = interpret("a cozy library full of old books", "");
    let b = interpret("a cozy library full of old books", "");
    let c = interpret("quantum harmonica symposium", "");
    assert_eq!(a, b);
    assert_ne!(a.variation, 0);
    assert_ne!(a.variation, c.variation);
    assert!(a.unknown_words.contains(&"library".to_owned()));
    assert_eq!(interpret("a red house", "").variation, 0);
}

#[test]
fn prompt_weights_and_odd_input_are_harmless() {
    let scene = interpret("(castle:1.2), [mountains], ((blue sky))", "");
    assert!(scene.has(ObjectKind::Castle) && scene.has(ObjectKind::Mountain));
    assert_eq!(scene.object(ObjectKind::Castle).expect("castle").count, 1);
    assert_eq!(
        scene.sky_color.as_ref().map(|c| c.name.as_str()),
        Some("blue")
    );
    for text in ["", ",,,", "🙂 ☀", "a a a a", "left right top bottom", "red"] {
        let _ = interpret(text, text);
    }
}
