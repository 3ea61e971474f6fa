//! Benchmarks through a live server on a real port: per-generation
//! overhead (submit → image stored and row committed → event on a
//! websocket client) with the instant provider, and fan-out of progress
//! events to many websocket clients.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use easel_domain::account::LoginForm;
use easel_domain::generation::{
    GenerationRequest, ProgressEvent, ProgressKind, Seed, ServerMessage,
};
use easel_engine::providers::ProviderRegistry;
use easel_engine::providers::instant::InstantProvider;
use easel_engine::{ClientMeta, Engine};
use futures::StreamExt;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

use super::BenchArgs;
use crate::config::Config;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(super) async fn run(
    config: &Config,
    db: &PgPool,
    args: &BenchArgs,
    overhead: bool,
    fanout: bool,
) -> anyhow::Result<()> {
    let images = tempfile::tempdir()?;
    let mut config = config.clone();
    config.image_dir = images.path().to_path_buf();
    let mut setup = crate::generation_setup(&config);
    setup.providers = ProviderRegistry::new().with(Arc::new(InstantProvider::new(8)));
    let state = crate::app_state_with(&config, db.clone(), setup);
    let engine = state.engine.clone();
    let tasks = crate::serve::start_generation(&config, &engine).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = crate::router::build(state);
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let (user_id, cookie) = log_in(&engine, "live-bench").await?;
    let result = async {
        if overhead {
            measure_overhead(&engine, address, user_id, &cookie, args.samples).await?;
        }
        if fanout {
            measure_fanout(
                &engine,
                address,
                user_id,
                &cookie,
                args.clients,
                args.events,
            )
            .await?;
        }
        anyhow::Ok(())
    }
    .await;
    tasks.stop().await;
    server.abort();
    result
}

async fn log_in(engine: &Engine, name: &str) -> anyhow::Result<(Uuid, String)> {
    let password = "bench-password-1";
    let user = engine.accounts.create_user(name, password, false).await?;
    let form = LoginForm {
        username: name.into(),
        password: password.into(),
        next: None,
    };
    let client = ClientMeta::new([127, 0, 0, 1].into(), Some("easel-bench"));
    let (_, session) = engine.accounts.login(&form, &client).await?;
    Ok((user.id, format!("easel_session={}", session.token.as_str())))
}

async fn connect(address: SocketAddr, cookie: &str) -> anyhow::Result<Socket> {
    let mut request = format!("ws://{address}/ws/progress").into_client_request()?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("websocket connect")?;
    // The first message is the snapshot.
    socket.next().await.context("no snapshot")??;
    Ok(socket)
}

fn parse(message: Message) -> Option<ServerMessage> {
    match message {
        Message::Text(text) => serde_json::from_str(&text).ok(),
        _ => None,
    }
}

async fn measure_overhead(
    engine: &Engine,
    address: SocketAddr,
    user_id: Uuid,
    cookie: &str,
    samples: usize,
) -> anyhow::Result<()> {
    let mut socket = connect(address, cookie).await?;
    let request = GenerationRequest {
        model: "instant:image".into(),
        prompt: "overhead".into(),
        negative_prompt: String::new(),
        width: 256,
        height: 256,
        count: 1,
        seed: Seed::Random,
        steps: None,
        ..GenerationRequest::default()
    };
    let mut to_event = Vec::with_capacity(samples);
    let mut to_row = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        let submitted_at: chrono::DateTime<chrono::Utc> = chrono::Utc::now();
        let job = engine.generation.submit(user_id, request.clone()).await?;
        loop {
            let message = socket.next().await.context("socket closed")??;
            if let Some(ServerMessage::Event(ProgressEvent {
                job_id,
                kind: ProgressKind::Succeeded { .. },
                ..
            })) = parse(message)
                && job_id == job.id
            {
                break;
            }
        }
        to_event.push(start.elapsed());
        let committed: chrono::DateTime<chrono::Utc> =
            sqlx::query_scalar("select finished_at from generation_jobs where id = $1")
                .bind(job.id)
                .fetch_one(&engine.db)
                .await?;
        to_row.push((committed - submitted_at).to_std().unwrap_or_default());
    }
    println!(
        "per-generation overhead (instant provider, 256x256 PNG + 2 thumbnails, fsync'd), {samples} generations:"
    );
    println!(
        "  submit -> job row succeeded:        {}",
        super::summary(&mut to_row)
    );
    println!(
        "  submit -> event on websocket client: {}",
        super::summary(&mut to_event)
    );
    Ok(())
}

async fn measure_fanout(
    engine: &Engine,
    address: SocketAddr,
    user_id: Uuid,
    cookie: &str,
    clients: usize,
    events: usize,
) -> anyhow::Result<()> {
    let sent: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let mut sockets = Vec::with_capacity(clients);
    for _ in 0..clients {
        sockets.push(connect(address, cookie).await?);
    }
    let job_id = Uuid::now_v7();
    let mut readers = tokio::task::JoinSet::new();
    let ready = Arc::new(tokio::sync::Barrier::new(clients + 1));
    for mut socket in sockets {
        let sent = Arc::clone(&sent);
        let ready = Arc::clone(&ready);
        readers.spawn(async move {
            ready.wait().await;
            let mut delays = Vec::with_capacity(events);
            while delays.len() < events {
                let Some(Ok(message)) = socket.next().await else {
                    break;
                };
                if let Some(ServerMessage::Event(event)) = parse(message)
                    && event.job_id == job_id
                {
                    let at = sent
                        .lock()
                        .map(|sent| sent.get(&event.seq).copied())
                        .ok()
                        .flatten();
                    if let Some(at) = at {
                        delays.push(at.elapsed());
                    }
                }
            }
            let _ = socket.close(None).await;
            delays
        });
    }
    ready.wait().await;
    for seq in 1..=events as i64 {
        if let Ok(mut sent) = sent.lock() {
            sent.insert(seq, Instant::now());
        }
        engine.hub.publish(
            user_id,
            ProgressEvent {
                job_id,
                seq,
                kind: ProgressKind::Step {
                    step: seq as u32,
                    total: events as u32,
                    preview_jpeg: None,
                },
            },
        );
        // One event per 50 ms, as a busy job sends them.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut delays = Vec::with_capacity(clients * events);
    let mut complete = 0;
    while let Some(result) = readers.join_next().await {
        let client = result?;
        if client.len() == events {
            complete += 1;
        }
        delays.extend(client);
    }
    println!("fan-out: {clients} websocket clients of one user, {events} events each:");
    println!(
        "  delivered {} of {} messages; {complete} clients got all",
        delays.len(),
        clients * events
    );
    println!("  publish -> received: {}", super::summary(&mut delays));
    Ok(())
}
