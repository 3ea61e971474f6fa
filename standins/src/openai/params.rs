//! The parameters of an images request, read from JSON or from a multipart
//! form into one shape (numbers and booleans travel as text parts in
//! multipart). Type errors become OpenAI's `invalid_type` 400s.

use serde_json::Value;

use super::errors::ApiError;
use crate::openai::form::ReceivedRequest;

/// The three image endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/images/generations`.
    Generations,
    /// `POST /v1/images/edits`.
    Edits,
    /// `POST /v1/images/variations`.
    Variations,
}

impl Endpoint {
    /// The keys the endpoint accepts (others are refused as OpenAI does).
    fn known_keys(self) -> &'static [&'static str] {
        match self {
            Endpoint::Generations => &[
                "prompt",
                "model",
                "n",
                "size",
                "quality",
                "style",
                "response_format",
                "output_format",
                "output_compression",
                "background",
                "moderation",
                "stream",
                "partial_images",
                "user",
            ],
            Endpoint::Edits => &[
                "prompt",
                "model",
                "n",
                "size",
                "quality",
                "response_format",
                "output_format",
                "output_compression",
                "background",
                "moderation",
                "input_fidelity",
                "stream",
                "partial_images",
                "user",
                "image",
                "image[]",
                "images",
                "mask",
            ],
            Endpoint::Variations => &["model", "n", "size", "response_format", "user", "image"],
        }
    }
}

/// One request's parameters, whatever the encoding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    /// `model` as sent (`None`: the endpoint's default).
    pub model: Option<String>,
    /// `prompt`.
    pub prompt: Option<String>,
    /// `n`.
    pub n: Option<i64>,
    /// `size`.
    pub size: Option<String>,
    /// `quality`.
    pub quality: Option<String>,
    /// `style` (dall-e-3).
    pub style: Option<String>,
    /// `response_format` (DALL-E).
    pub response_format: Option<String>,
    /// `output_format` (gpt-image).
    pub output_format: Option<String>,
    /// `output_compression` (gpt-image).
    pub output_compression: Option<i64>,
    /// `background` (gpt-image).
    pub background: Option<String>,
    /// `moderation` (gpt-image).
    pub moderation: Option<String>,
    /// `input_fidelity` (gpt-image edits).
    pub input_fidelity: Option<String>,
    /// `stream` (gpt-image).
    pub stream: Option<bool>,
    /// `partial_images` (with `stream`).
    pub partial_images: Option<i64>,
    /// `user`.
    pub user: Option<String>,
    /// The input images' bytes (edits, variations), in order.
    pub images: Vec<Vec<u8>>,
    /// The mask's bytes (edits).
    pub mask: Option<Vec<u8>>,
}

/// Reads the parameters from a received body.
pub fn read(endpoint: Endpoint, body: &ReceivedRequest) -> Result<Params, ApiError> {
    check_known_keys(endpoint, body)?;
    let source = Source { body };
    let mut params = Params {
        model: source.string("model")?,
        prompt: source.string("prompt")?,
        n: source.int("n")?,
        size: source.string("size")?,
        quality: source.string("quality")?,
        style: source.string("style")?,
        response_format: source.string("response_format")?,
        output_format: source.string("output_format")?,
        output_compression: source.int("output_compression")?,
        background: source.string("background")?,
        moderation: source.string("moderation")?,
        input_fidelity: source.string("input_fidelity")?,
        stream: source.bool("stream")?,
        partial_images: source.int("partial_images")?,
        user: source.string("user")?,
        ..Params::default()
    };
    if let Some(json) = &body.json {
        read_json_images(json, &mut params)?;
    } else {
        params.images = body
            .files
            .iter()
            .filter(|f| f.field == "image" || f.field == "image[]")
            .map(|f| f.bytes.clone())
            .collect();
        params.mask = body.file("mask").map(|f| f.bytes.clone());
    }
    Ok(params)
}

fn check_known_keys(endpoint: Endpoint, body: &ReceivedRequest) -> Result<(), ApiError> {
    let known = endpoint.known_keys();
    let json_keys: Vec<String> = match &body.json {
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        Some(_) => {
            return Err(ApiError::invalid_type("body", "an object"));
        }
        None => Vec::new(),
    };
    let names = json_keys
        .iter()
        .map(String::as_str)
        .chain(body.fields.iter().map(|(n, _)| n.as_str()))
        .chain(body.files.iter().map(|f| f.field.as_str()));
    for name in names {
        if !known.contains(&name) {
            return Err(ApiError::invalid(
                name,
                Some("unknown_parameter"),
                format!("Unrecognized request argument supplied: {name}"),
            ));
        }
    }
    Ok(())
}

/// The JSON edit body's `images` (1..16 of `{image_url}` / `{file_id}`)
/// and `mask`: only `data:` URLs can be read here.
fn read_json_images(json: &Value, params: &mut Params) -> Result<(), ApiError> {
    if let Some(images) = json.get("images") {
        let list = images
            .as_array()
            .ok_or_else(|| ApiError::invalid_type("images", "an array"))?;
        for (index, item) in list.iter().enumerate() {
            params
                .images
                .push(image_reference(item, &format!("images[{index}]"))?);
        }
    }
    if let Some(mask) = json.get("mask") {
        params.mask = Some(image_reference(mask, "mask")?);
    }
    Ok(())
}

fn image_reference(item: &Value, param: &str) -> Result<Vec<u8>, ApiError> {
    let object = item
        .as_object()
        .ok_or_else(|| ApiError::invalid_type(param, "an object"))?;
    match (object.get("image_url"), object.get("file_id")) {
        (Some(Value::String(url)), None) => decode_data_url(url).ok_or_else(|| {
            ApiError::invalid(
                &format!("{param}.image_url"),
                Some("invalid_image_url"),
                "The image URL could not be downloaded (this stand-in reads only data: URLs).",
            )
        }),
        (None, Some(Value::String(id))) => Err(ApiError::invalid(
            &format!("{param}.file_id"),
            Some("invalid_value"),
            format!("No such File object: {id}"),
        )),
        _ => Err(ApiError::invalid(
            param,
            Some("invalid_value"),
            "Exactly one of image_url or file_id must be provided.",
        )),
    }
}

fn decode_data_url(url: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let rest = url.strip_prefix("data:")?;
    let (_, data) = rest.split_once(";base64,")?;
    base64::engine::general_purpose::STANDARD.decode(data).ok()
}

/// Typed reads over either encoding.
struct Source<'a> {
    body: &'a ReceivedRequest,
}

enum Raw<'a> {
    Json(&'a Value),
    Text(String),
}

impl Source<'_> {
    fn raw(&self, name: &str) -> Option<Raw<'_>> {
        match &self.body.json {
            Some(json) => json.get(name).filter(|v| !v.is_null()).map(Raw::Json),
            None => self
                .body
                .fields
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| Raw::Text(v.clone())),
        }
    }

    fn string(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Raw::Json(Value::String(s))) => Ok(Some(s.clone())),
            Some(Raw::Json(_)) => Err(ApiError::invalid_type(name, "a string")),
            Some(Raw::Text(s)) => Ok(Some(s)),
        }
    }

    fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Raw::Json(v)) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| ApiError::invalid_type(name, "an integer")),
            Some(Raw::Text(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid_type(name, "an integer")),
        }
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Raw::Json(v)) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| ApiError::invalid_type(name, "a boolean")),
            Some(Raw::Text(s)) => match s.trim() {
                "true" | "True" | "1" => Ok(Some(true)),
                "false" | "False" | "0" => Ok(Some(false)),
                _ => Err(ApiError::invalid_type(name, "a boolean")),
            },
        }
    }
}
