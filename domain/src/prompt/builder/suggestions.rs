//! The chips the builder offers, by category.

/// Subjects.
pub(super) const SUBJECT: &[&str] = &[
    "a red fox in the snow",
    "a lighthouse on a cliff",
    "a cat asleep on a windowsill",
    "a cottage in a pine forest",
    "a sailing boat at sea",
    "a mountain lake at dawn",
    "a flock of birds over the sea",
    "an old fisherman mending nets",
    "a robot tending a garden",
    "a dragon curled around a tower",
    "a bowl of ramen",
    "a vintage car on a coastal road",
    "a bustling night market",
    "an astronaut floating in space",
    "an owl perched on a branch",
];

/// Media.
pub(super) const MEDIUM: &[&str] = &[
    "photograph",
    "oil painting",
    "watercolour",
    "gouache",
    "charcoal sketch",
    "pencil drawing",
    "ink wash",
    "digital painting",
    "3D render",
    "pixel art",
    "vector illustration",
    "linocut print",
    "claymation",
    "paper cut-out",
    "stained glass",
];

/// Styles and movements.
pub(super) const STYLE: &[&str] = &[
    "impressionist",
    "art nouveau",
    "art deco",
    "ukiyo-e",
    "surrealist",
    "cubist",
    "pop art",
    "bauhaus",
    "anime",
    "film noir",
    "synthwave",
    "cyberpunk",
    "steampunk",
    "minimalist",
    "storybook whimsy",
    "baroque",
    "children's book illustration",
];

/// Lighting.
pub(super) const LIGHTING: &[&str] = &[
    "golden hour",
    "blue hour",
    "soft window light",
    "rim lighting",
    "neon glow",
    "dramatic chiaroscuro",
    "overcast diffuse light",
    "candlelight",
    "moonlight",
    "studio softbox",
    "backlit silhouette",
    "volumetric light rays",
    "harsh midday sun",
    "bioluminescent glow",
    "firelight",
];

/// Lens, shot and angle.
pub(super) const CAMERA: &[&str] = &[
    "35mm lens",
    "85mm portrait lens",
    "wide-angle lens",
    "macro lens",
    "telephoto lens",
    "shallow depth of field",
    "bokeh",
    "close-up",
    "extreme close-up",
    "full-body shot",
    "wide establishing shot",
    "low angle",
    "bird's-eye view",
    "Dutch angle",
    "over-the-shoulder shot",
    "long exposure",
];

/// Palettes.
pub(super) const COLOUR: &[&str] = &[
    "warm palette",
    "cool palette",
    "pastel colours",
    "muted earth tones",
    "vibrant saturated colours",
    "monochrome",
    "black and white",
    "sepia",
    "teal and orange",
    "complementary colours",
    "neon pink and cyan",
    "jewel tones",
    "autumn colours",
    "duotone blue",
];

/// Moods.
pub(super) const MOOD: &[&str] = &[
    "serene",
    "cosy",
    "melancholic",
    "mysterious",
    "whimsical",
    "epic",
    "eerie",
    "joyful",
    "nostalgic",
    "dreamy",
    "tense",
    "romantic",
    "lonely",
    "hopeful",
];
