//! `SaveImage` and `PreviewImage`: file naming (`folder_paths.
//! get_save_image_path`), the escape check, and the PNG text chunks.

use image::RgbImage;

use super::evaluate::Raised;
use super::files::{self, Files, Folder};
use super::json::{J, jobj};
use crate::common;

/// Saves `images` under `prefix` in `folder`; returns the node's UI output
/// (`{"images": [{filename, subfolder, type}]}`).
pub fn save_images(
    files: &Files,
    images: &[RgbImage],
    folder: Folder,
    prefix: &str,
    prompt: &J,
    extra_pnginfo: &J,
) -> Result<J, Raised> {
    let (width, height) = images.first().map_or((0, 0), RgbImage::dimensions);
    let target = save_path(files, prefix, &folder.path(), width, height)?;
    let mut text = vec![("prompt".to_owned(), prompt.to_string())];
    for (key, value) in extra_pnginfo.pairs().unwrap_or_default() {
        text.push((key.clone(), value.to_string()));
    }
    let chunks: Vec<(&str, &str)> = text.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut results = Vec::new();
    for (batch, image) in images.iter().enumerate() {
        let base = target.filename.replace("%batch_num%", &batch.to_string());
        let name = format!("{base}_{:05}_.png", target.counter + batch as u64);
        files.write(
            &files::join(&target.folder, &name),
            common::png(image, &chunks),
        );
        results.push(jobj! {"filename" => name, "subfolder" => target.subfolder.as_str(), "type" => folder.as_str()});
    }
    Ok(jobj! {"images" => J::Arr(results)})
}

struct SavePath {
    folder: String,
    filename: String,
    counter: u64,
    subfolder: String,
}

fn save_path(
    files: &Files,
    prefix: &str,
    output_dir: &str,
    width: u32,
    height: u32,
) -> Result<SavePath, Raised> {
    let prefix = if prefix.contains('%') {
        prefix
            .replace("%width%", &width.to_string())
            .replace("%height%", &height.to_string())
    } else {
        prefix.to_owned()
    };
    let normalized = files::normpath(&prefix);
    let subfolder = files::dirname(&normalized).to_owned();
    let filename = files::basename(&normalized).to_owned();
    let folder = files::join(output_dir, &subfolder);
    let absolute = files::normpath(&folder);
    let common_path = files::commonpath(output_dir, &absolute);
    if common_path != output_dir {
        let message = format!(
            "**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: {absolute}\n         output_dir: {output_dir}\n         commonpath: {common_path}"
        );
        return Err(Raised::new("Exception", message));
    }
    let counter = files
        .list(&absolute)
        .iter()
        .filter_map(|existing| counter_of(existing, &filename))
        .max()
        .map_or(1, |n| n + 1);
    Ok(SavePath {
        folder: absolute,
        filename,
        counter,
        subfolder,
    })
}

/// `map_filename` plus the filter: the counter of `existing` when it was
/// saved under `filename`.
fn counter_of(existing: &str, filename: &str) -> Option<u64> {
    let chars: Vec<char> = existing.chars().collect();
    let prefix_len = filename.chars().count();
    if chars.len() < prefix_len + 1 {
        return None;
    }
    let prefix: String = chars[..=prefix_len].iter().collect();
    let (stem, last) = prefix.split_at(prefix.len() - 1);
    if stem != filename || last != "_" {
        return None;
    }
    let rest: String = chars[prefix_len + 1..].iter().collect();
    Some(
        rest.split('_')
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_continue_per_prefix() {
        let files = Files::default();
        let out = Folder::Output.path();
        files.write(&format!("{out}/tiny_00001_.png"), vec![]);
        files.write(&format!("{out}/tiny_00007_.png"), vec![]);
        files.write(&format!("{out}/tinyx_00009_.png"), vec![]);
        let path = save_path(&files, "tiny", &out, 8, 8).expect("inside");
        assert_eq!(path.counter, 8);
        let sub = save_path(&files, "sub/dir/name", &out, 8, 8).expect("inside");
        assert_eq!((sub.subfolder.as_str(), sub.counter), ("sub/dir", 1));
    }

    #[test]
    fn escaping_prefixes_fail_as_comfyui_does() {
        let files = Files::default();
        let err = save_path(&files, "../escape", &Folder::Output.path(), 8, 8)
            .err()
            .expect("refused");
        assert_eq!(err.kind, "Exception");
        assert_eq!(
            err.message,
            "**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: /srv/ComfyUI\n         output_dir: /srv/ComfyUI/output\n         commonpath: /srv/ComfyUI"
        );
    }
}
