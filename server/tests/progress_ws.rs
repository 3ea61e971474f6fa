//! The progress websocket on a real server: authorization, event order
//! and sequence numbers, resume after a disconnect, and isolation between
//! users.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use easel_domain::generation::{ClientMessage, JobStatus, ProgressKind, ServerMessage};
use futures::{SinkExt, StreamExt};
use sqlx::PgPool;
use support::{builtin_request, call_json, register};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn serve(
    db: &PgPool,
) -> (
    SocketAddr,
    axum::Router,
    easel_server::serve::GenerationTasks,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config();
    config.image_dir = dir.path().to_path_buf();
    let state = easel_server::app_state(&config, db.clone());
    let tasks = easel_server::serve::start_generation(&config, &state.engine)
        .await
        .unwrap();
    let router = easel_server::router::build(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    (address, support::router(db.clone(), &config), tasks, dir)
}

async fn connect(
    address: SocketAddr,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://{address}/ws/progress")
        .into_client_request()
        .unwrap();
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

async fn next_message(socket: &mut Socket) -> ServerMessage {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(60), socket.next())
            .await
            .expect("a message within the hang guard")
            .expect("socket open")
            .expect("no socket error");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

fn http_status(err: tokio_tungstenite::tungstenite::Error) -> u16 {
    match err {
        tokio_tungstenite::tungstenite::Error::Http(response) => response.status().as_u16(),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_logged_in_same_origin_clients_connect(db: PgPool) {
    let (address, app, tasks, _dir) = serve(&db).await;
    let alice = register(&app, "alice", "correct horse battery").await;
    assert_eq!(
        http_status(connect(address, None, None).await.unwrap_err()),
        401
    );
    assert_eq!(
        http_status(
            connect(address, Some("easel_session=forged"), None)
                .await
                .unwrap_err()
        ),
        401
    );
    let evil = connect(address, Some(&alice), Some("https://evil.example"))
        .await
        .unwrap_err();
    assert_eq!(http_status(evil), 403);
    let mut socket = connect(address, Some(&alice), Some(&format!("http://{address}")))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut socket).await,
        ServerMessage::Snapshot { jobs: vec![] }
    );
    tasks.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn events_arrive_in_order_and_a_reconnect_resumes_from_a_snapshot(db: PgPool) {
    let (address, app, tasks, _dir) = serve(&db).await;
    let alice = register(&app, "alice", "correct horse battery").await;
    let bob = register(&app, "bob", "correct horse battery").await;
    let mut socket = connect(address, Some(&alice), None).await.unwrap();
    let mut bobs = connect(address, Some(&bob), None).await.unwrap();
    assert!(matches!(
        next_message(&mut socket).await,
        ServerMessage::Snapshot { .. }
    ));
    assert!(matches!(
        next_message(&mut bobs).await,
        ServerMessage::Snapshot { .. }
    ));

    let job = call_json(
        &app,
        "generation/submit",
        builtin_request("three birds over green hills", 3),
        Some(&alice),
    )
    .await
    .json()[0]
        .clone();
    let job_id: Uuid = job["id"].as_str().unwrap().parse().unwrap();
    let mut kinds = Vec::new();
    let mut last_seq = 0;
    let mut first_step_seq = None;
    loop {
        let ServerMessage::Event(event) = next_message(&mut socket).await else {
            continue;
        };
        assert_eq!(event.job_id, job_id);
        assert!(
            event.seq > last_seq,
            "sequence numbers increase: {} after {last_seq}",
            event.seq
        );
        last_seq = event.seq;
        if let ProgressKind::Step { preview_jpeg, .. } = &event.kind {
            first_step_seq.get_or_insert(event.seq);
            let bytes = base64_decode(preview_jpeg.as_deref().expect("steps carry previews"));
            assert!(
                image::load_from_memory(&bytes).is_ok(),
                "previews are real JPEGs"
            );
        }
        let done = matches!(event.kind, ProgressKind::Succeeded { .. });
        kinds.push(std::mem::discriminant(&event.kind));
        if done {
            break;
        }
    }
    assert!(kinds.len() >= 4, "queued, started, steps, succeeded");
    let first_step_seq = first_step_seq.expect("at least one step");

    // A client that saw the job up to its first step reconnects.
    drop(socket);
    let mut socket = connect(address, Some(&alice), None).await.unwrap();
    assert!(matches!(
        next_message(&mut socket).await,
        ServerMessage::Snapshot { .. }
    ));
    let resume = ClientMessage::Resume {
        known: vec![(job_id, first_step_seq)],
    };
    socket
        .send(Message::Text(
            serde_json::to_string(&resume).unwrap().into(),
        ))
        .await
        .unwrap();
    let ServerMessage::Snapshot { jobs } = next_message(&mut socket).await else {
        panic!("a snapshot answers a resume")
    };
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, JobStatus::Succeeded);
    assert_eq!(jobs[0].seq, last_seq);
    assert_eq!(jobs[0].image_ids.len(), 1);
    // Up to date: nothing to send.
    let resume = ClientMessage::Resume {
        known: vec![(job_id, last_seq)],
    };
    socket
        .send(Message::Text(
            serde_json::to_string(&resume).unwrap().into(),
        ))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut socket).await,
        ServerMessage::Snapshot { jobs: vec![] }
    );

    // Bob asks about Alice's job: nothing, and he got no events either.
    let resume = ClientMessage::Resume {
        known: vec![(job_id, 0)],
    };
    bobs.send(Message::Text(
        serde_json::to_string(&resume).unwrap().into(),
    ))
    .await
    .unwrap();
    assert_eq!(
        next_message(&mut bobs).await,
        ServerMessage::Snapshot { jobs: vec![] }
    );

    // Nonsense from the client closes the socket with 1003.
    socket
        .send(Message::Text("{not json".into()))
        .await
        .unwrap();
    let closing = tokio::time::timeout(Duration::from_secs(30), socket.next())
        .await
        .unwrap();
    match closing {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1003),
        other => panic!("expected a close frame, got {other:?}"),
    }
    tasks.stop().await;
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}
