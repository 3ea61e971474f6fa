//! Running one node: gathering its inputs, calling its function, and the
//! two nodes that take time (sampling steps, upscale tiles), which check
//! the interrupt flag at every step as ComfyUI's progress hook does.

use rand::Rng;

use super::super::evaluate::{self as eval, Inputs, Raised, Value};
use super::super::files::Folder;
use super::super::graph::{Node, link};
use super::super::json::J;
use super::super::save::save_images;
use super::Run;

/// Why a node did not finish.
pub(super) enum Halt {
    /// It raised.
    Raised(Raised),
    /// The interrupt flag was set.
    Interrupted,
    /// The stand-in stopped.
    Stopped,
}

impl From<Raised> for Halt {
    fn from(raised: Raised) -> Self {
        Halt::Raised(raised)
    }
}

type Computed = (Vec<Value>, Option<J>);

impl Run<'_> {
    /// The node's inputs: literals as given, links from the results so far.
    pub(super) fn resolve_inputs(&self, node: &Node) -> Inputs {
        let def = self.defs.get(&node.id);
        let values = node
            .inputs
            .iter()
            .filter(|(name, _)| def.is_some_and(|d| d.input(name).is_some()))
            .filter_map(|(name, value)| {
                let resolved = match link(value) {
                    Some((from, socket)) => self.output_of(from, socket)?,
                    None => Value::Literal(value.clone()),
                };
                Some((name.clone(), resolved))
            })
            .collect();
        Inputs(values)
    }

    /// Output `socket` of node `from`: run now, or served from the cache.
    fn output_of(&self, from: &str, socket: usize) -> Option<Value> {
        if let Some(values) = self.results.get(from) {
            return values.get(socket).cloned();
        }
        let key = self.keys.get(from)?;
        self.state
            .core()
            .cache
            .get(key)?
            .outputs
            .get(socket)
            .cloned()
    }

    /// `current_inputs` of an error: every input as `str()` shows it, then
    /// the hidden ones.
    pub(super) fn current_inputs(&self, node: &Node, inputs: &Inputs) -> J {
        let mut shown: Vec<(String, J)> = inputs
            .0
            .iter()
            .map(|(name, value)| (name.clone(), J::Arr(vec![eval::describe(value)])))
            .collect();
        if let Some(def) = self.defs.get(&node.id) {
            for (name, kind) in &def.hidden {
                let value = match *kind {
                    "PROMPT" => J::from(self.item.prompt.py_repr()),
                    "EXTRA_PNGINFO" => self.extra_pnginfo(),
                    _ => J::Null,
                };
                shown.push(((*name).to_owned(), J::Arr(vec![value])));
            }
        }
        J::Obj(shown)
    }

    fn extra_pnginfo(&self) -> J {
        self.item
            .extra_data
            .get("extra_pnginfo")
            .cloned()
            .unwrap_or(J::Null)
    }

    /// Calls the node's function.
    pub(super) async fn compute(&mut self, node: &Node, inputs: &Inputs) -> Result<Computed, Halt> {
        let files = self.state.files().clone();
        let plain = |values: Vec<Value>| (values, None);
        let computed = match node.class_type.as_str() {
            "CheckpointLoaderSimple" => plain(eval::checkpoint(inputs)?),
            "CLIPTextEncode" => plain(eval::clip_text_encode(inputs)?),
            "EmptyLatentImage" => plain(eval::empty_latent(inputs)?),
            "EmptyImage" => plain(eval::empty_image(inputs)?),
            "VAEDecode" => plain(eval::vae_decode(inputs)?),
            "VAEEncode" => plain(eval::vae_encode(inputs)?),
            "VAEEncodeForInpaint" => plain(eval::vae_encode_for_inpaint(inputs)?),
            "SetLatentNoiseMask" => plain(eval::set_latent_noise_mask(inputs)?),
            "RepeatLatentBatch" => plain(eval::repeat_latent_batch(inputs)?),
            "ImageScaleBy" => plain(eval::image_scale_by(inputs)?),
            "UpscaleModelLoader" => plain(eval::upscale_model_loader(inputs)?),
            "LoadImage" => plain(eval::load_image(&files, &inputs.text("image")?)?),
            "LoadImageMask" => plain(eval::load_image_mask(
                &files,
                &inputs.text("image")?,
                &inputs.text("channel")?,
            )?),
            "KSampler" => plain(self.ksampler(&node.id, inputs).await?),
            "ImageUpscaleWithModel" => plain(self.upscale(&node.id, inputs).await?),
            "SaveImage" => {
                let prefix = inputs.text("filename_prefix")?;
                (
                    Vec::new(),
                    Some(self.save(inputs, Folder::Output, &prefix)?),
                )
            }
            "PreviewImage" => {
                let prefix = format!("ComfyUI_temp_{}", random_suffix());
                (Vec::new(), Some(self.save(inputs, Folder::Temp, &prefix)?))
            }
            other => {
                return Err(Halt::Raised(Raised::new(
                    "NotImplementedError",
                    format!("the stand-in cannot run {other}"),
                )));
            }
        };
        Ok(computed)
    }

    fn save(&self, inputs: &Inputs, folder: Folder, prefix: &str) -> Result<J, Raised> {
        let images = inputs.images("images")?;
        save_images(
            self.state.files(),
            &images,
            folder,
            prefix,
            &self.item.prompt,
            &self.extra_pnginfo(),
        )
    }

    async fn ksampler(&mut self, id: &str, inputs: &Inputs) -> Result<Vec<Value>, Halt> {
        let seed = inputs.int("seed")?.clamp(0, i128::from(u64::MAX)) as u64;
        let steps = inputs.int("steps")?.clamp(1, 10_000) as u32;
        let denoise = inputs.float("denoise")?;
        let positive = inputs.conditioning("positive")?;
        inputs.conditioning("negative")?;
        let latent = inputs.latent("latent_image")?;
        let targets: Vec<_> = (0..latent.batch)
            .map(|i| eval::sampler_target(&positive, seed, &latent, i))
            .collect();
        let previews = self.previews_enabled();
        for step in 1..=steps {
            self.wait_step().await?;
            let jpeg = match (previews, targets.first()) {
                (true, Some(target)) => Some(eval::preview_jpeg(target, step, steps, seed)),
                _ => None,
            };
            self.progress.step(id, step, steps, jpeg);
        }
        Ok(vec![Value::Latent(eval::sampler_result(
            &latent, targets, denoise,
        ))])
    }

    async fn upscale(&mut self, id: &str, inputs: &Inputs) -> Result<Vec<Value>, Halt> {
        let (values, tiles) = eval::upscale_with_model(inputs)?;
        for tile in 1..=tiles {
            self.wait_step().await?;
            self.progress.step(id, tile, tiles, None);
        }
        Ok(values)
    }

    /// One step's time, honouring the pause control, the interrupt flag
    /// and the stand-in's stop.
    async fn wait_step(&mut self) -> Result<(), Halt> {
        let step = self.state.config().step;
        let state = self.state.clone();
        tokio::select! {
            () = async {
                state.wait_unpaused().await;
                tokio::time::sleep(step).await;
            } => {}
            _ = self.stop.changed() => return Err(Halt::Stopped),
        }
        if self.state.take_interrupt() {
            return Err(Halt::Interrupted);
        }
        Ok(())
    }

    /// `extra_data.preview_method`, else the server's `--preview-method`.
    fn previews_enabled(&self) -> bool {
        let method = self
            .item
            .extra_data
            .get("preview_method")
            .and_then(J::as_str)
            .map(str::to_owned)
            .or_else(|| self.state.config().preview_method.clone());
        method.is_some_and(|m| m != "none")
    }
}

/// PreviewImage's `"_temp_" + 5 letters` (from ComfyUI's own alphabet).
fn random_suffix() -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstupvxyz";
    let mut rng = rand::thread_rng();
    (0..5)
        .map(|_| char::from(LETTERS[rng.gen_range(0..LETTERS.len())]))
        .collect()
}
