//! The image nodes: loading, saving, previewing, blank images, scaling.

use super::{combo, input, link};
use crate::comfyui::json::jobj;
use crate::comfyui::nodes::{InputKind, Lists, NodeDef};

pub(super) fn save_image() -> NodeDef {
    let mut node = NodeDef::new("SaveImage", "Save Image", "image");
    node.description = "Saves the input images to your ComfyUI output directory.";
    node.required = vec![
        link("images", "IMAGE", Some("The images to save.")),
        input(
            "filename_prefix",
            InputKind::Text,
            Some(jobj! {
                "default" => "ComfyUI",
                "tooltip" => "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.",
            }),
        ),
    ];
    node.hidden = vec![("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO")];
    node.output_node = true;
    node
}

pub(super) fn preview_image() -> NodeDef {
    let mut node = NodeDef::new("PreviewImage", "Preview Image", "image");
    node.description = "Saves the input images to your ComfyUI output directory.";
    node.required = vec![link("images", "IMAGE", None)];
    node.hidden = vec![("prompt", "PROMPT"), ("extra_pnginfo", "EXTRA_PNGINFO")];
    node.output_node = true;
    node
}

pub(super) fn load_image(lists: &Lists) -> NodeDef {
    let mut node = NodeDef::new("LoadImage", "Load Image", "image");
    node.required = vec![input(
        "image",
        InputKind::Combo(lists.input_images.clone()),
        Some(jobj! {"image_upload" => true}),
    )];
    node.outputs = vec!["IMAGE", "MASK"];
    node.validates_image = true;
    node
}

pub(super) fn load_image_mask(lists: &Lists) -> NodeDef {
    let mut node = NodeDef::new("LoadImageMask", "Load Image (as Mask)", "mask");
    node.required = vec![
        input(
            "image",
            InputKind::Combo(lists.input_images.clone()),
            Some(jobj! {"image_upload" => true}),
        ),
        input("channel", combo(&["alpha", "red", "green", "blue"]), None),
    ];
    node.outputs = vec!["MASK"];
    node.validates_image = true;
    node
}

pub(super) fn empty_image() -> NodeDef {
    let mut node = NodeDef::new("EmptyImage", "EmptyImage", "image");
    let side = || jobj! {"default" => 512i64, "min" => 1i64, "max" => 16384i64, "step" => 1i64};
    node.required = vec![
        input("width", InputKind::Int, Some(side())),
        input("height", InputKind::Int, Some(side())),
        input(
            "batch_size",
            InputKind::Int,
            Some(jobj! {"default" => 1i64, "min" => 1i64, "max" => 4096i64}),
        ),
        input(
            "color",
            InputKind::Int,
            Some(jobj! {
                "default" => 0i64, "min" => 0i64, "max" => 16777215i64, "step" => 1i64, "display" => "color",
            }),
        ),
    ];
    node.outputs = vec!["IMAGE"];
    node
}

pub(super) fn image_scale_by() -> NodeDef {
    let mut node = NodeDef::new("ImageScaleBy", "Upscale Image By", "image/upscaling");
    node.required = vec![
        link("image", "IMAGE", None),
        input(
            "upscale_method",
            combo(&["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]),
            None,
        ),
        input(
            "scale_by",
            InputKind::Float,
            Some(jobj! {"default" => 1.0, "min" => 0.01, "max" => 8.0, "step" => 0.01}),
        ),
    ];
    node.outputs = vec!["IMAGE"];
    node
}

pub(super) fn upscale_model_loader(lists: &Lists) -> NodeDef {
    let mut node = NodeDef::new("UpscaleModelLoader", "Load Upscale Model", "loaders");
    node.python_module = "comfy_extras.nodes_upscale_model";
    node.required = vec![input(
        "model_name",
        InputKind::Combo(lists.upscale_models.clone()),
        None,
    )];
    node.outputs = vec!["UPSCALE_MODEL"];
    node
}

pub(super) fn image_upscale_with_model() -> NodeDef {
    let mut node = NodeDef::new(
        "ImageUpscaleWithModel",
        "Upscale Image (using Model)",
        "image/upscaling",
    );
    node.python_module = "comfy_extras.nodes_upscale_model";
    node.required = vec![
        link("upscale_model", "UPSCALE_MODEL", None),
        link("image", "IMAGE", None),
    ];
    node.outputs = vec!["IMAGE"];
    node
}
