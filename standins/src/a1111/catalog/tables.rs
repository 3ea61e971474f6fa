//! A1111's fixed tables: samplers (v1.10's names, aliases and options),
//! schedulers (v1.9+) and upscalers.
//!
//! Sampler `options` values are strings because the API model types them
//! `Dict[str, str]` (pydantic turns `True` into `"True"`). The
//! DDIM/PLMS/UniPC/LCM/Restart entries and the scheduler list are
//! (unverified), as PROVIDERS.md says.

/// A sampler: name, aliases, options.
#[derive(Debug, Clone, Copy)]
pub struct Sampler {
    /// Its name, e.g. `"DPM++ 2M"`.
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Its options (strings, as the API model types them).
    pub options: &'static [(&'static str, &'static str)],
}

impl Sampler {
    /// The scheduler it uses under `automatic`, if not the uniform default.
    pub fn default_scheduler(&self) -> Option<&'static str> {
        self.options
            .iter()
            .find(|(k, _)| *k == "scheduler")
            .map(|(_, v)| *v)
    }
}

const fn sampler(
    name: &'static str,
    aliases: &'static [&'static str],
    options: &'static [(&'static str, &'static str)],
) -> Sampler {
    Sampler {
        name,
        aliases,
        options,
    }
}

/// v1.10's samplers, in its order (the first is the default).
pub const SAMPLERS: &[Sampler] = &[
    sampler("DPM++ 2M", &["k_dpmpp_2m"], &[("scheduler", "karras")]),
    sampler(
        "DPM++ SDE",
        &["k_dpmpp_sde"],
        &[
            ("second_order", "True"),
            ("brownian_noise", "True"),
            ("scheduler", "karras"),
        ],
    ),
    sampler(
        "DPM++ 2M SDE",
        &["k_dpmpp_2m_sde"],
        &[("brownian_noise", "True"), ("scheduler", "exponential")],
    ),
    sampler(
        "DPM++ 2M SDE Heun",
        &["k_dpmpp_2m_sde_heun"],
        &[
            ("brownian_noise", "True"),
            ("solver_type", "heun"),
            ("scheduler", "exponential"),
        ],
    ),
    sampler(
        "DPM++ 2S a",
        &["k_dpmpp_2s_a"],
        &[
            ("uses_ensd", "True"),
            ("second_order", "True"),
            ("scheduler", "karras"),
        ],
    ),
    sampler(
        "DPM++ 3M SDE",
        &["k_dpmpp_3m_sde"],
        &[
            ("discard_next_to_last_sigma", "True"),
            ("brownian_noise", "True"),
            ("scheduler", "exponential"),
        ],
    ),
    sampler(
        "Euler a",
        &["k_euler_a", "k_euler_ancestral"],
        &[("uses_ensd", "True")],
    ),
    sampler("Euler", &["k_euler"], &[]),
    sampler("LMS", &["k_lms"], &[]),
    sampler("Heun", &["k_heun"], &[("second_order", "True")]),
    sampler(
        "DPM2",
        &["k_dpm_2"],
        &[
            ("discard_next_to_last_sigma", "True"),
            ("second_order", "True"),
        ],
    ),
    sampler(
        "DPM2 a",
        &["k_dpm_2_a"],
        &[
            ("discard_next_to_last_sigma", "True"),
            ("uses_ensd", "True"),
            ("second_order", "True"),
        ],
    ),
    sampler("DPM fast", &["k_dpm_fast"], &[("uses_ensd", "True")]),
    sampler("DPM adaptive", &["k_dpm_ad"], &[("uses_ensd", "True")]),
    sampler(
        "Restart",
        &["restart"],
        &[("scheduler", "karras"), ("second_order", "True")],
    ),
    sampler("DDIM", &["ddim"], &[]),
    sampler("DDIM CFG++", &["ddim_cfgpp"], &[]),
    sampler("PLMS", &["plms"], &[]),
    sampler("UniPC", &["unipc"], &[]),
    sampler("LCM", &["k_lcm"], &[]),
];

/// A noise schedule.
#[derive(Debug, Clone, Copy)]
pub struct Scheduler {
    /// Its name, e.g. `"karras"`.
    pub name: &'static str,
    /// Its label, e.g. `"Karras"` (what infotexts write).
    pub label: &'static str,
    /// Other names it answers to.
    pub aliases: Option<&'static [&'static str]>,
    /// Its default rho (-1: none).
    pub default_rho: f64,
    /// Whether it needs the model's sigmas.
    pub need_inner_model: bool,
}

const fn scheduler(
    name: &'static str,
    label: &'static str,
    default_rho: f64,
    need_inner_model: bool,
) -> Scheduler {
    Scheduler {
        name,
        label,
        aliases: None,
        default_rho,
        need_inner_model,
    }
}

/// v1.10's schedulers (the first, `automatic`, lets the sampler decide).
pub const SCHEDULERS: &[Scheduler] = &[
    scheduler("automatic", "Automatic", -1.0, false),
    scheduler("uniform", "Uniform", -1.0, true),
    scheduler("karras", "Karras", 7.0, false),
    scheduler("exponential", "Exponential", -1.0, false),
    scheduler("polyexponential", "Polyexponential", 1.0, false),
    Scheduler {
        name: "sgm_uniform",
        label: "SGM Uniform",
        aliases: Some(&["SGMUniform"]),
        default_rho: -1.0,
        need_inner_model: true,
    },
    scheduler("kl_optimal", "KL Optimal", -1.0, false),
    scheduler("align_your_steps", "Align Your Steps", -1.0, false),
    scheduler("simple", "Simple", -1.0, true),
    scheduler("normal", "Normal", -1.0, true),
    scheduler("ddim", "DDIM", -1.0, true),
    scheduler("beta", "Beta", -1.0, false),
];

impl Scheduler {
    fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.label, self.name]
            .into_iter()
            .chain(self.aliases.unwrap_or(&[]).iter().copied())
    }
}

/// The scheduler named `name` (by name, label or alias).
pub fn find_scheduler(name: &str) -> Option<&'static Scheduler> {
    SCHEDULERS.iter().find(|s| s.names().any(|n| n == name))
}

/// The sampler named `name` (by name, or by alias ignoring case).
pub fn find_sampler(name: &str) -> Option<&'static Sampler> {
    SAMPLERS.iter().find(|s| s.name == name).or_else(|| {
        SAMPLERS
            .iter()
            .find(|s| s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
    })
}

/// v1.9's `get_sampler_and_scheduler`: a combined name such as
/// `"DPM++ 2M Karras"` is split into sampler and scheduler. Returns the
/// sampler (`None`: "Sampler not found") and the scheduler that applies.
pub fn resolve_sampler(
    sampler_name: &str,
    scheduler_name: Option<&str>,
) -> (Option<&'static Sampler>, &'static Scheduler) {
    let mut scheduler = scheduler_name
        .and_then(find_scheduler)
        .unwrap_or(&SCHEDULERS[0]);
    let mut name = sampler_name;
    if find_sampler(name).is_none() {
        for candidate in SCHEDULERS {
            if let Some(prefix) = candidate
                .names()
                .find_map(|n| name.strip_suffix(n).and_then(|p| p.strip_suffix(' ')))
            {
                scheduler = candidate;
                name = prefix;
                break;
            }
        }
    }
    (find_sampler(name), scheduler)
}

/// An upscaler and how the stand-in imitates it.
#[derive(Debug, Clone, Copy)]
pub struct Upscaler {
    /// Its name, e.g. `"Lanczos"`.
    pub name: &'static str,
    /// Its model's name, if it has one.
    pub model_name: Option<&'static str>,
    /// Where its model comes from.
    pub model_path: Option<&'static str>,
    /// The resampling filter standing in for it (`None`: no upscaling).
    pub filter: Option<image::imageops::FilterType>,
}

/// The upscalers: the built-in ones, then model-based ones (imitated with a
/// Catmull-Rom filter).
pub const UPSCALERS: &[Upscaler] = {
    use image::imageops::FilterType::{CatmullRom, Lanczos3, Nearest};
    &[
        Upscaler {
            name: "None",
            model_name: None,
            model_path: None,
            filter: None,
        },
        Upscaler {
            name: "Lanczos",
            model_name: None,
            model_path: None,
            filter: Some(Lanczos3),
        },
        Upscaler {
            name: "Nearest",
            model_name: None,
            model_path: None,
            filter: Some(Nearest),
        },
        Upscaler {
            name: "ESRGAN_4x",
            model_name: Some("ESRGAN_4x"),
            model_path: Some("https://github.com/cszn/KAIR/releases/download/v1.0/ESRGAN.pth"),
            filter: Some(CatmullRom),
        },
        Upscaler {
            name: "R-ESRGAN 4x+",
            model_name: None,
            model_path: Some(
                "https://github.com/xinntao/Real-ESRGAN/releases/download/v0.1.0/RealESRGAN_x4plus.pth",
            ),
            filter: Some(CatmullRom),
        },
        Upscaler {
            name: "SwinIR 4x",
            model_name: Some("SwinIR 4x"),
            model_path: Some(
                "https://github.com/JingyunLiang/SwinIR/releases/download/v0.0/003_realSR_BSRGAN_DFOWMFC_s64w8_SwinIR-L_x4_GAN.pth",
            ),
            filter: Some(CatmullRom),
        },
    ]
};

/// The upscaler named `name`.
pub fn find_upscaler(name: &str) -> Option<&'static Upscaler> {
    UPSCALERS.iter().find(|u| u.name == name)
}
