//! Precedence, defaults, validation and redaction of the configuration.

use super::*;
use crate::cli::Cli;
use clap::{CommandFactory, Parser};

fn parse(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("easel").chain(args.iter().copied())).unwrap()
}

#[test]
fn the_cli_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn help_documents_every_setting_and_its_variable() {
    let help = Cli::command().render_long_help().to_string();
    for arg in Cli::command().get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        assert!(
            help.contains(&format!("--{long}")),
            "--{long} missing from help"
        );
        assert!(
            arg.get_long_help().or(arg.get_help()).is_some(),
            "--{long} has no description"
        );
        if long != "help" && long != "version" {
            assert!(
                arg.get_env().is_some(),
                "--{long} has no environment variable"
            );
        }
    }
    assert!(help.contains("DATABASE_URL"));
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let config = parse(&[]).settings.resolve().unwrap();
    assert_eq!(config.bind, "127.0.0.1:3000".parse().unwrap());
    assert_eq!(config.data_dir, PathBuf::from("./data"));
    assert_eq!(config.registration, Registration::Open);
    assert_eq!(config.session_ttl, Duration::from_secs(30 * 86_400));
    // The test command itself sets DATABASE_URL, which clap reads.
    assert_eq!(
        config.database_url.is_some(),
        std::env::var_os("DATABASE_URL").is_some()
    );
    assert!(!config.trust_proxy);
}

#[test]
fn flags_override_the_file_and_the_file_overrides_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("easel.toml");
    std::fs::write(
        &path,
        "bind = \"0.0.0.0:8080\"\ndata_dir = \"/srv/easel\"\nregistration = \"closed\"\npostgres_settings = [\"fsync=off\"]\n",
    )
    .unwrap();
    let cli = parse(&[
        "--config",
        path.to_str().unwrap(),
        "--bind",
        "127.0.0.1:9999",
        "--trust-proxy",
    ]);
    let config = cli.settings.resolve().unwrap();
    assert_eq!(config.bind, "127.0.0.1:9999".parse().unwrap());
    assert_eq!(config.data_dir, PathBuf::from("/srv/easel"));
    assert_eq!(config.registration, Registration::Closed);
    assert_eq!(config.postgres_settings, vec!["fsync=off".to_string()]);
    assert!(config.trust_proxy);
}

#[test]
fn unknown_keys_in_the_file_are_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("easel.toml");
    std::fs::write(&path, "bnid = \"0.0.0.0:80\"\n").unwrap();
    let err = Settings::from_file(&path).unwrap_err();
    assert!(format!("{err:#}").contains("bnid"), "{err:#}");
}

#[test]
fn nonsense_values_are_refused() {
    let zero = Settings {
        session_days: Some(0),
        ..Settings::default()
    };
    assert!(
        zero.finish()
            .unwrap_err()
            .to_string()
            .contains("session_days")
    );
    let ftp = Settings {
        public_url: Some("ftp://x".into()),
        ..Settings::default()
    };
    assert!(ftp.finish().is_err());
    assert!(Cli::try_parse_from(["easel", "--bind", "not-an-address"]).is_err());
}

#[test]
fn the_database_password_never_shows_in_debug_output() {
    let cli = parse(&["--database-url", "postgres://easel:hunter2@db/easel"]);
    let config = cli.settings.resolve().unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("[redacted]"));
    assert_eq!(
        config.database_url.unwrap().expose(),
        "postgres://easel:hunter2@db/easel"
    );
}

#[test]
fn https_public_urls_make_cookies_secure() {
    let config = parse(&["--public-url", "https://easel.example.com/"])
        .settings
        .resolve()
        .unwrap();
    assert!(config.public_https());
    assert_eq!(
        config.public_url.as_deref(),
        Some("https://easel.example.com")
    );
}

#[test]
fn backends_switch_on_from_the_file_and_flags_without_showing_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("easel.toml");
    std::fs::write(
        &path,
        "[openai]\napi_key = \"sk-live-secret\"\nmodels = [\"dall-e-3\"]\n\n[midjourney]\nbase_url = \"http://mj.lan\"\napi_secret = \"mj-secret\"\n\n[comfyui]\nbase_url = \"http://gpu.lan:8188\"\nconcurrency = 2\n",
    )
    .unwrap();
    let config = parse(&[
        "--config",
        path.to_str().unwrap(),
        "--a1111-base-url",
        "http://127.0.0.1:7860",
        "--a1111-username",
        "me",
        "--a1111-password",
        "pa55word",
        "--comfyui-timeout-secs",
        "60",
    ])
    .settings
    .resolve()
    .unwrap();
    let backends = &config.backends;
    let openai = backends.openai.as_ref().expect("a key switches OpenAI on");
    assert_eq!(openai.remote.base_url, "https://api.openai.com/v1");
    assert_eq!(openai.models, ["dall-e-3"]);
    let comfyui = backends
        .comfyui
        .as_ref()
        .expect("a URL switches ComfyUI on");
    assert_eq!(comfyui.remote.concurrency, 2);
    assert_eq!(comfyui.remote.timeout, Duration::from_secs(60));
    let a1111 = backends.a1111.as_ref().expect("on");
    assert_eq!(a1111.username.as_deref(), Some("me"));
    assert!(backends.stability.is_none(), "no key, no Stability");
    let midjourney = backends.midjourney.as_ref().expect("on");
    assert_eq!(
        midjourney.remote.api_key.as_ref().map(|k| k.expose()),
        Some("mj-secret")
    );
    let shown = format!("{config:?}");
    assert!(!shown.contains("sk-live-secret"), "{shown}");
    assert!(!shown.contains("pa55word"), "{shown}");
    assert!(!shown.contains("mj-secret"), "{shown}");
}

#[test]
fn backend_urls_must_be_http() {
    let err = parse(&["--comfyui-base-url", "gpu.lan:8188"])
        .settings
        .resolve()
        .unwrap_err();
    assert!(err.to_string().contains("comfyui"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("easel.toml");
    std::fs::write(&path, "[openai]\napi_kee = \"x\"\n").unwrap();
    let err = Settings::from_file(&path).unwrap_err();
    assert!(format!("{err:#}").contains("api_kee"), "{err:#}");
}

#[test]
fn trash_retention_defaults_to_30_days_and_comes_from_the_file_or_the_flag() {
    let config = parse(&[]).settings.resolve().unwrap();
    assert_eq!(config.trash_retention, Duration::from_secs(30 * 86_400));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("easel.toml");
    std::fs::write(&path, "trash_retention_days = 7\n").unwrap();
    let from_file = parse(&["--config", path.to_str().unwrap()])
        .settings
        .resolve()
        .unwrap();
    assert_eq!(from_file.trash_retention, Duration::from_secs(7 * 86_400));
    let flag = parse(&[
        "--config",
        path.to_str().unwrap(),
        "--trash-retention-days",
        "90",
    ])
    .settings
    .resolve()
    .unwrap();
    assert_eq!(flag.trash_retention, Duration::from_secs(90 * 86_400));
    assert!(
        parse(&["--trash-retention-days", "0"])
            .settings
            .resolve()
            .is_err()
    );
}
