//! The remote backends' settings: one group per backend, each switched on
//! by its base URL (or, for the hosted APIs, by its key). As flags
//! (`--openai-api-key`), variables (`EASEL_OPENAI_API_KEY`) and TOML tables
//! (`[openai] api_key = "..."`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde::Deserialize;

use super::Secret;

/// Declares one backend's settings group: the common fields (base URL,
/// key, timeout, concurrency) plus the backend's own.
macro_rules! backend_settings {
    (
        $(#[$meta:meta])*
        $name:ident, $flag:literal, $env:literal, $label:literal, $key_name:literal,
        { $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone, Args, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[arg(
                id = concat!($flag, "-base-url"),
                long = concat!($flag, "-base-url"),
                env = concat!("EASEL_", $env, "_BASE_URL"),
                value_name = "URL",
                global = true,
                help = concat!("Base URL of ", $label, ".")
            )]
            /// Base URL of the backend.
            pub base_url: Option<String>,

            #[arg(
                id = concat!($flag, "-", $key_name),
                long = concat!($flag, "-", $key_name),
                env = concat!("EASEL_", $env, "_API_KEY"),
                value_name = "SECRET",
                hide_env_values = true,
                global = true,
                help = concat!("The ", $label, " key or secret (never logged or shown).")
            )]
            /// The key or secret (`password` and `api_secret` are accepted
            /// too, as the flags spell it for AUTOMATIC1111 and Midjourney).
            #[serde(alias = "password", alias = "api_secret")]
            pub api_key: Option<Secret>,

            #[arg(
                id = concat!($flag, "-timeout-secs"),
                long = concat!($flag, "-timeout-secs"),
                env = concat!("EASEL_", $env, "_TIMEOUT_SECS"),
                value_name = "SECS",
                global = true,
                help = concat!("Longest wait for one ", $label, " request, in seconds.")
            )]
            /// Longest wait for one request.
            pub timeout_secs: Option<u64>,

            #[arg(
                id = concat!($flag, "-concurrency"),
                long = concat!($flag, "-concurrency"),
                env = concat!("EASEL_", $env, "_CONCURRENCY"),
                value_name = "N",
                global = true,
                help = concat!("Jobs this process runs on ", $label, " at once.")
            )]
            /// Jobs at once.
            pub concurrency: Option<u32>,

            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $name {
            /// These settings, with `base` filling the gaps.
            pub fn over(self, base: Self) -> Self {
                Self {
                    base_url: self.base_url.or(base.base_url),
                    api_key: self.api_key.or(base.api_key),
                    timeout_secs: self.timeout_secs.or(base.timeout_secs),
                    concurrency: self.concurrency.or(base.concurrency),
                    $( $field: merge(self.$field, base.$field), )*
                }
            }

            /// The connection settings, given the backend's defaults.
            fn remote(&self, default_url: Option<&str>, timeout: Duration, concurrency: u32) -> Option<Remote> {
                let base_url = self.base_url.clone().or(default_url.map(str::to_owned))?;
                Some(Remote {
                    base_url,
                    api_key: self.api_key.clone(),
                    timeout: self.timeout_secs.map_or(timeout, Duration::from_secs),
                    concurrency: self.concurrency.unwrap_or(concurrency).max(1),
                })
            }
        }
    };
}

/// Fills an unset value from the base (lists: an empty list is unset).
fn merge<T: Mergeable>(value: T, base: T) -> T {
    if value.is_unset() { base } else { value }
}

/// A setting that can be unset.
trait Mergeable {
    fn is_unset(&self) -> bool;
}

impl<T> Mergeable for Option<T> {
    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

impl<T> Mergeable for Vec<T> {
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

backend_settings! {
    /// OpenAI's Images API (DALL-E 2 and 3, gpt-image). On when a key is set.
    OpenAiArgs, "openai", "OPENAI", "the OpenAI API", "api-key", {
        #[arg(long = "openai-organization", env = "EASEL_OPENAI_ORGANIZATION", value_name = "ID", global = true)]
        /// OpenAI organization id, sent as OpenAI-Organization.
        #[serde(default)]
        pub organization: Option<String>,
        #[arg(long = "openai-project", env = "EASEL_OPENAI_PROJECT", value_name = "ID", global = true)]
        /// OpenAI project id, sent as OpenAI-Project.
        #[serde(default)]
        pub project: Option<String>,
        #[arg(long = "openai-models", env = "EASEL_OPENAI_MODELS", value_name = "LIST", value_delimiter = ',', global = true)]
        /// OpenAI models to offer, comma-separated. [default: dall-e-3,dall-e-2,gpt-image-1,gpt-image-1-mini]
        #[serde(default)]
        pub models: Vec<String>,
    }
}

backend_settings! {
    /// Stability AI's REST v2beta. On when a key is set.
    StabilityArgs, "stability", "STABILITY", "the Stability AI API", "api-key", {}
}

backend_settings! {
    /// An AUTOMATIC1111 web UI started with --api. On when its URL is set.
    A1111Args, "a1111", "A1111", "the AUTOMATIC1111 web UI", "password", {
        #[arg(long = "a1111-username", env = "EASEL_A1111_USERNAME", value_name = "USER", global = true)]
        /// User name for AUTOMATIC1111's --api-auth (the password is --a1111-password).
        #[serde(default)]
        pub username: Option<String>,
        #[arg(long = "a1111-upscaler", env = "EASEL_A1111_UPSCALER", value_name = "NAME", global = true)]
        /// AUTOMATIC1111 upscaler used for upscales. [default: Lanczos]
        #[serde(default)]
        pub upscaler: Option<String>,
    }
}

backend_settings! {
    /// A ComfyUI server. On when its URL is set.
    ComfyUiArgs, "comfyui", "COMFYUI", "ComfyUI", "api-key", {
        #[arg(long = "comfyui-workflows-dir", env = "EASEL_COMFYUI_WORKFLOWS_DIR", value_name = "DIR", global = true)]
        /// Folder of ComfyUI workflow files (API format plus an input map) to offer as models.
        #[serde(default)]
        pub workflows_dir: Option<PathBuf>,
    }
}

backend_settings! {
    /// A midjourney-proxy server. On when its URL is set.
    MidjourneyArgs, "midjourney", "MIDJOURNEY", "the Midjourney proxy", "api-secret", {
        #[arg(long = "midjourney-poll-millis", env = "EASEL_MIDJOURNEY_POLL_MILLIS", value_name = "MS", global = true)]
        /// How often to poll a Midjourney task, in milliseconds. [default: 2000]
        #[serde(default)]
        pub poll_millis: Option<u64>,
    }
}

/// Every backend's settings, as given (gathered from [`super::Settings`]).
#[derive(Debug, Default, Clone)]
pub struct BackendArgs {
    /// OpenAI.
    pub openai: OpenAiArgs,
    /// Stability AI.
    pub stability: StabilityArgs,
    /// AUTOMATIC1111.
    pub a1111: A1111Args,
    /// ComfyUI.
    pub comfyui: ComfyUiArgs,
    /// The Midjourney proxy.
    pub midjourney: MidjourneyArgs,
}

impl BackendArgs {
    /// The resolved backends: only those switched on.
    pub fn resolve(&self) -> anyhow::Result<Backends> {
        let check = |name: &str, remote: &Option<Remote>| -> anyhow::Result<()> {
            if let Some(remote) = remote {
                anyhow::ensure!(
                    remote.base_url.starts_with("http://")
                        || remote.base_url.starts_with("https://"),
                    "{name} base URL must start with http:// or https://"
                );
            }
            Ok(())
        };
        let hosted = |args_key: &Option<Secret>, remote: Option<Remote>| {
            if args_key.is_some() { remote } else { None }
        };
        let openai = hosted(
            &self.openai.api_key,
            self.openai.remote(
                Some("https://api.openai.com/v1"),
                Duration::from_secs(300),
                4,
            ),
        );
        let stability = hosted(
            &self.stability.api_key,
            self.stability.remote(
                Some("https://api.stability.ai"),
                Duration::from_secs(180),
                4,
            ),
        );
        let a1111 = self.a1111.remote(None, Duration::from_secs(900), 1);
        let comfyui = self.comfyui.remote(None, Duration::from_secs(900), 1);
        let midjourney = self.midjourney.remote(None, Duration::from_secs(600), 3);
        for (name, remote) in [
            ("openai", &openai),
            ("stability", &stability),
            ("a1111", &a1111),
            ("comfyui", &comfyui),
            ("midjourney", &midjourney),
        ] {
            check(name, remote)?;
        }
        Ok(Backends {
            openai: openai.map(|remote| OpenAiBackend {
                remote,
                organization: self.openai.organization.clone(),
                project: self.openai.project.clone(),
                models: self.openai.models.clone(),
            }),
            stability,
            a1111: a1111.map(|remote| A1111Backend {
                remote,
                username: self.a1111.username.clone(),
                upscaler: self.a1111.upscaler.clone(),
            }),
            comfyui: comfyui.map(|remote| ComfyUiBackend {
                remote,
                workflows_dir: self.comfyui.workflows_dir.clone(),
            }),
            midjourney: midjourney.map(|remote| MidjourneyBackend {
                remote,
                poll_interval: Duration::from_millis(
                    self.midjourney.poll_millis.unwrap_or(2000).max(10),
                ),
            }),
        })
    }
}

/// How to reach one backend.
#[derive(Debug, Clone)]
pub struct Remote {
    /// Its base URL.
    pub base_url: String,
    /// Its key, if any.
    pub api_key: Option<Secret>,
    /// Longest wait for one request.
    pub timeout: Duration,
    /// Jobs at once.
    pub concurrency: u32,
}

/// OpenAI, when switched on.
#[derive(Debug, Clone)]
pub struct OpenAiBackend {
    /// Connection.
    pub remote: Remote,
    /// OpenAI-Organization.
    pub organization: Option<String>,
    /// OpenAI-Project.
    pub project: Option<String>,
    /// Models to offer (empty: the default list).
    pub models: Vec<String>,
}

/// AUTOMATIC1111, when switched on.
#[derive(Debug, Clone)]
pub struct A1111Backend {
    /// Connection (the key is the basic-auth password).
    pub remote: Remote,
    /// Basic-auth user.
    pub username: Option<String>,
    /// Upscaler name.
    pub upscaler: Option<String>,
}

/// ComfyUI, when switched on.
#[derive(Debug, Clone)]
pub struct ComfyUiBackend {
    /// Connection.
    pub remote: Remote,
    /// Workflow files to offer.
    pub workflows_dir: Option<PathBuf>,
}

/// The Midjourney proxy, when switched on.
#[derive(Debug, Clone)]
pub struct MidjourneyBackend {
    /// Connection (the key is the mj-api-secret).
    pub remote: Remote,
    /// Polling interval.
    pub poll_interval: Duration,
}

/// The backends switched on, resolved.
#[derive(Debug, Clone, Default)]
pub struct Backends {
    /// OpenAI.
    pub openai: Option<OpenAiBackend>,
    /// Stability AI.
    pub stability: Option<Remote>,
    /// AUTOMATIC1111.
    pub a1111: Option<A1111Backend>,
    /// ComfyUI.
    pub comfyui: Option<ComfyUiBackend>,
    /// The Midjourney proxy.
    pub midjourney: Option<MidjourneyBackend>,
}
