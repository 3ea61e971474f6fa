//! `easel-standins`: serves every backend stand-in on loopback, and prints
//! the settings that point Easel at them. For trying the whole UI offline:
//!
//! ```sh
//! cargo run -p easel-standins          # terminal 1
//! make run-standins                    # or: source the printed settings, then `easel serve`
//! ```

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Parser;
use easel_standins::{a1111, comfyui, midjourney, openai, stability};

/// Serves local stand-ins for OpenAI, Stability, AUTOMATIC1111, ComfyUI and
/// the Midjourney proxy, faithful to their documented protocols.
#[derive(Debug, Parser)]
#[command(name = "easel-standins", version)]
struct Cli {
    /// Address to listen on. Keep it on loopback: the stand-ins accept any
    /// configured key and are for testing only.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Port of the OpenAI stand-in.
    #[arg(long, default_value_t = 4010)]
    openai_port: u16,
    /// Port of the Stability stand-in.
    #[arg(long, default_value_t = 4011)]
    stability_port: u16,
    /// Port of the AUTOMATIC1111 stand-in.
    #[arg(long, default_value_t = 7860)]
    a1111_port: u16,
    /// Port of the ComfyUI stand-in.
    #[arg(long, default_value_t = 8188)]
    comfyui_port: u16,
    /// Port of the Midjourney proxy stand-in.
    #[arg(long, default_value_t = 4012)]
    midjourney_port: u16,
    /// How long each simulated generation step takes, in milliseconds.
    #[arg(long, default_value_t = 150)]
    step_millis: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    let at = |port| SocketAddr::new(cli.host, port);
    let step = std::time::Duration::from_millis(cli.step_millis);

    let openai = openai::OpenAiStandIn::start(openai::Options {
        bind: at(cli.openai_port),
        step,
        ..openai::Options::default()
    })
    .await?;
    let stability = stability::StabilityStandIn::start(stability::Options {
        bind: at(cli.stability_port),
        step,
        ..stability::Options::default()
    })
    .await?;
    let a1111 = a1111::A1111StandIn::start(a1111::Options {
        bind: at(cli.a1111_port),
        step,
        ..a1111::Options::default()
    })
    .await?;
    let comfyui = comfyui::ComfyUiStandIn::start(comfyui::Options {
        bind: at(cli.comfyui_port),
        step,
        ..comfyui::Options::default()
    })
    .await?;
    let midjourney = midjourney::MidjourneyStandIn::start(midjourney::Options {
        bind: at(cli.midjourney_port),
        step,
        ..midjourney::Options::default()
    })
    .await?;

    println!("Stand-ins are up. Point Easel at them with:");
    println!();
    println!("export EASEL_OPENAI_BASE_URL={}", openai.base_url());
    println!("export EASEL_OPENAI_API_KEY={}", openai::STANDIN_KEY);
    println!("export EASEL_STABILITY_BASE_URL={}", stability.base_url());
    println!("export EASEL_STABILITY_API_KEY={}", stability::STANDIN_KEY);
    println!("export EASEL_A1111_BASE_URL={}", a1111.base_url());
    println!("export EASEL_COMFYUI_BASE_URL={}", comfyui.base_url());
    println!("export EASEL_MIDJOURNEY_BASE_URL={}", midjourney.base_url());
    println!(
        "export EASEL_MIDJOURNEY_API_SECRET={}",
        midjourney::STANDIN_SECRET
    );
    println!();
    println!("Faults: POST /_standin/faults on any of them, e.g.");
    println!(
        "  curl -X POST {}/_standin/faults -H 'content-type: application/json' -d '{{\"fault\":{{\"kind\":\"rate_limited\",\"retry_after_secs\":5}}}}'",
        comfyui.base_url()
    );
    println!("Ctrl-C stops them.");

    tokio::signal::ctrl_c().await?;
    drop((openai, stability, a1111, comfyui, midjourney));
    Ok(())
}
