//! Request models, checked the way FastAPI with pydantic v1 checks A1111's
//! generated models: every field is `Optional` (so `null` is fine), values
//! are coerced where pydantic v1 coerces (`"20"` is a valid integer, `20.7`
//! becomes 20), and every wrong type is reported at once in a 422.

use serde_json::{Map, Value, json};

use super::errors::{FieldError, Invalid};

/// A field's type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `str`.
    Str,
    /// `bool`.
    Bool,
    /// `List[str]`.
    StrList,
    /// `list` of anything.
    List,
    /// `dict`.
    Dict,
}

/// A field: name, type, default.
type Field = (&'static str, Kind, Value);

/// The fields every generation request has (§3.3).
fn common_fields() -> Vec<Field> {
    use Kind::*;
    vec![
        ("prompt", Str, json!("")),
        ("negative_prompt", Str, json!("")),
        ("styles", StrList, json!([])),
        ("seed", Int, json!(-1)),
        ("subseed", Int, json!(-1)),
        ("subseed_strength", Float, json!(0.0)),
        ("seed_resize_from_h", Int, json!(-1)),
        ("seed_resize_from_w", Int, json!(-1)),
        ("sampler_name", Str, Value::Null),
        ("scheduler", Str, Value::Null),
        ("batch_size", Int, json!(1)),
        ("n_iter", Int, json!(1)),
        ("steps", Int, json!(50)),
        ("cfg_scale", Float, json!(7.0)),
        ("width", Int, json!(512)),
        ("height", Int, json!(512)),
        ("restore_faces", Bool, Value::Null),
        ("tiling", Bool, Value::Null),
        ("do_not_save_samples", Bool, json!(false)),
        ("do_not_save_grid", Bool, json!(false)),
        ("eta", Float, Value::Null),
        ("s_min_uncond", Float, Value::Null),
        ("s_churn", Float, Value::Null),
        ("s_tmax", Float, Value::Null),
        ("s_tmin", Float, Value::Null),
        ("s_noise", Float, Value::Null),
        ("override_settings", Dict, json!({})),
        ("override_settings_restore_afterwards", Bool, json!(true)),
        ("refiner_checkpoint", Str, Value::Null),
        ("refiner_switch_at", Float, Value::Null),
        ("disable_extra_networks", Bool, json!(false)),
        ("comments", Dict, Value::Null),
        ("sampler_index", Str, json!("Euler")),
        ("script_name", Str, Value::Null),
        ("script_args", List, json!([])),
        ("send_images", Bool, json!(true)),
        ("save_images", Bool, json!(false)),
        ("alwayson_scripts", Dict, json!({})),
        ("force_task_id", Str, Value::Null),
        ("infotext", Str, Value::Null),
    ]
}

/// txt2img's hires-fix fields.
fn txt2img_fields() -> Vec<Field> {
    use Kind::*;
    vec![
        ("enable_hr", Bool, json!(false)),
        ("denoising_strength", Float, json!(0.75)),
        ("firstphase_width", Int, json!(0)),
        ("firstphase_height", Int, json!(0)),
        ("hr_scale", Float, json!(2.0)),
        ("hr_upscaler", Str, Value::Null),
        ("hr_second_pass_steps", Int, json!(0)),
        ("hr_resize_x", Int, json!(0)),
        ("hr_resize_y", Int, json!(0)),
        ("hr_checkpoint_name", Str, Value::Null),
        ("hr_sampler_name", Str, Value::Null),
        ("hr_scheduler", Str, Value::Null),
        ("hr_prompt", Str, json!("")),
        ("hr_negative_prompt", Str, json!("")),
    ]
}

/// img2img's fields (§3.4).
fn img2img_fields() -> Vec<Field> {
    use Kind::*;
    vec![
        ("init_images", List, Value::Null),
        ("resize_mode", Int, json!(0)),
        ("denoising_strength", Float, json!(0.75)),
        ("image_cfg_scale", Float, Value::Null),
        ("mask", Str, Value::Null),
        ("mask_blur_x", Int, json!(4)),
        ("mask_blur_y", Int, json!(4)),
        ("mask_blur", Int, Value::Null),
        ("mask_round", Bool, json!(true)),
        ("inpainting_fill", Int, json!(0)),
        ("inpaint_full_res", Bool, json!(true)),
        ("inpaint_full_res_padding", Int, json!(0)),
        ("inpainting_mask_invert", Int, json!(0)),
        ("initial_noise_multiplier", Float, Value::Null),
        ("latent_mask", Str, Value::Null),
        ("include_init_images", Bool, json!(false)),
    ]
}

/// `ExtrasSingleImageRequest` (§3.6).
fn extras_fields() -> Vec<Field> {
    use Kind::*;
    vec![
        ("resize_mode", Int, json!(0)),
        ("show_extras_results", Bool, json!(true)),
        ("gfpgan_visibility", Float, json!(0.0)),
        ("codeformer_visibility", Float, json!(0.0)),
        ("codeformer_weight", Float, json!(0.0)),
        ("upscaling_resize", Float, json!(2.0)),
        ("upscaling_resize_w", Int, json!(512)),
        ("upscaling_resize_h", Int, json!(512)),
        ("upscaling_crop", Bool, json!(true)),
        ("upscaler_1", Str, json!("None")),
        ("upscaler_2", Str, json!("None")),
        ("extras_upscaler_2_visibility", Float, json!(0.0)),
        ("upscale_first", Bool, json!(false)),
        ("image", Str, json!("")),
    ]
}

/// Which request model a body is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// `StableDiffusionTxt2ImgProcessingAPI`.
    Txt2img,
    /// `StableDiffusionImg2ImgProcessingAPI`.
    Img2img,
    /// `ExtrasSingleImageRequest`.
    Extras,
    /// `PNGInfoRequest`.
    PngInfo,
}

fn fields(model: Model) -> Vec<Field> {
    match model {
        Model::Txt2img => [common_fields(), txt2img_fields()].concat(),
        Model::Img2img => [common_fields(), img2img_fields()].concat(),
        Model::Extras => extras_fields(),
        Model::PngInfo => vec![("image", Kind::Str, Value::Null)],
    }
}

/// A checked request: every known field, defaults filled in, values
/// coerced (this is also the `parameters` echo).
#[derive(Debug, Clone)]
pub struct Checked {
    /// The body exactly as received.
    pub raw: Value,
    /// Known fields, coerced, with defaults.
    pub fields: Map<String, Value>,
}

impl Checked {
    /// A string field (`None` when null).
    pub fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    /// A string field, or `""`.
    pub fn text(&self, key: &str) -> String {
        self.str(key).unwrap_or_default().to_owned()
    }

    /// An integer field.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.fields.get(key).and_then(Value::as_i64)
    }

    /// A float field.
    pub fn float(&self, key: &str) -> Option<f64> {
        self.fields.get(key).and_then(Value::as_f64)
    }

    /// A boolean field.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.fields.get(key).and_then(Value::as_bool)
    }
}

/// Parses and checks a body against `model`: 422 on bad JSON or wrong types.
pub fn check(model: Model, body: &[u8]) -> Result<Checked, Invalid> {
    let object = json_object(body)?;
    let mut errors = Vec::new();
    let mut out = Map::new();
    for (name, kind, default) in fields(model) {
        let value = match object.get(name) {
            None => default,
            Some(Value::Null) => Value::Null,
            Some(value) => match coerce(kind, value, name, &mut errors) {
                Some(value) => value,
                None => continue,
            },
        };
        out.insert(name.to_owned(), value);
    }
    if errors.is_empty() {
        Ok(Checked {
            raw: Value::Object(object),
            fields: out,
        })
    } else {
        Err(Invalid(errors))
    }
}

/// The body as a JSON object, or FastAPI's 422 for a body that is not.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Invalid(vec![FieldError {
            loc: vec![json!("body")],
            msg: "value is not a valid dict".into(),
            kind: "type_error.dict".into(),
        }])),
        Err(err) => Err(Invalid(vec![FieldError {
            loc: vec![json!("body"), json!(err.column().saturating_sub(1))],
            msg: format!(
                "Expecting value: line {} column {}",
                err.line(),
                err.column()
            ),
            kind: "value_error.jsondecode".into(),
        }])),
    }
}

fn coerce(kind: Kind, value: &Value, name: &str, errors: &mut Vec<FieldError>) -> Option<Value> {
    let fail = |errors: &mut Vec<FieldError>, msg: &str, kind: &str| {
        errors.push(FieldError {
            loc: vec![json!("body"), json!(name)],
            msg: msg.into(),
            kind: kind.into(),
        });
        None
    };
    match kind {
        Kind::Int => match int_value(value) {
            Some(v) => Some(json!(v)),
            None => fail(errors, "value is not a valid integer", "type_error.integer"),
        },
        Kind::Float => match float_value(value) {
            Some(v) => Some(json!(v)),
            None => fail(errors, "value is not a valid float", "type_error.float"),
        },
        Kind::Str => match value {
            Value::String(_) => Some(value.clone()),
            Value::Number(n) => Some(json!(n.to_string())),
            _ => fail(errors, "str type expected", "type_error.str"),
        },
        Kind::Bool => match bool_value(value) {
            Some(v) => Some(json!(v)),
            None => fail(
                errors,
                "value could not be parsed to a boolean",
                "type_error.bool",
            ),
        },
        Kind::StrList | Kind::List => match value {
            Value::Array(items) => {
                if kind == Kind::StrList {
                    for (index, item) in items.iter().enumerate() {
                        if !item.is_string() {
                            errors.push(FieldError {
                                loc: vec![json!("body"), json!(name), json!(index)],
                                msg: "str type expected".into(),
                                kind: "type_error.str".into(),
                            });
                        }
                    }
                }
                Some(value.clone())
            }
            _ => fail(errors, "value is not a valid list", "type_error.list"),
        },
        Kind::Dict => match value {
            Value::Object(_) => Some(value.clone()),
            _ => fail(errors, "value is not a valid dict", "type_error.dict"),
        },
    }
}

fn int_value(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64)),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn float_value(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bool_value(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Some(false),
            Some(1.0) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
            _ => None,
        },
        _ => None,
    }
}
