//! Deliveries that outlive requests and restarts; unlocking.

mod common;

use common::{database_args, settings, spawn_app, spawn_app_in, PASSWORD};
use referral_gate::{
    domain::{admin::Reason, Username},
    server::{
        accounts,
        alerts::{Alert, AlertEvent},
        startup::build_state,
        store::{NewOutboxRow, OutboxKind},
    },
};
use reqwest::StatusCode;

fn alert(subject: &str) -> Alert {
    Alert {
        event: AlertEvent::AccountDisabled,
        subject: subject.into(),
        username: "someone".into(),
        failures: 6,
        address: "192.0.2.1".into(),
        user_agent: None,
        at: "now".into(),
        instance: "test".into(),
        ..Alert::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_actions_survive_a_restart_and_are_delivered_once() {
    let data = tempfile::tempdir().unwrap();
    let args = database_args().await;
    // Queued by a process that stops before delivering.
    {
        let state = build_state(&settings(data.path(), &args)).await.unwrap();
        let row = NewOutboxRow {
            idempotency_key: "restart-test:alert".into(),
            kind: OutboxKind::Alert,
            payload: serde_json::to_value(alert("local:someone")).unwrap(),
        };
        state.store.enqueue(row, state.clock.now()).await.unwrap();
    }
    let app = spawn_app_in(data.path(), &args).await;
    app.eventually("SELECT COUNT(*) FROM outbox WHERE state = 'done'", 1).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alerts WHERE idempotency_key = 'restart-test:alert'").await,
        1
    );
    // Delivering again finds nothing due and sends nothing twice.
    assert_eq!(app.state.outbox.deliver(None).await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_that_cannot_succeed_is_given_up_with_its_error() {
    let app = spawn_app().await;
    let row = NewOutboxRow {
        idempotency_key: "ghost:disable".into(),
        kind: OutboxKind::DisableUser,
        payload: serde_json::json!({ "subject": "local:ghost", "username": "ghost" }),
    };
    let id = app.state.store.enqueue(row, app.state.clock.now()).await.unwrap();
    // Delivered here or by the worker, whichever claims it first.
    app.state.outbox.deliver(Some(&[id])).await;
    app.eventually("SELECT COUNT(*) FROM outbox WHERE state = 'failed'", 1).await;
    let error: String =
        sqlx::query_scalar("SELECT last_error FROM outbox").fetch_one(app.state.store.pool()).await.unwrap();
    assert!(error.contains("no local user"), "{error}");
    // Operators see it, with its error, and can try again.
    let undelivered = app.state.store.undelivered().await.unwrap();
    assert_eq!(undelivered.len(), 1);
    assert_eq!(undelivered[0].state, "failed");
    assert!(app.state.store.retry_now(id, app.state.clock.now()).await.unwrap());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_lets_the_user_back_in_with_a_clean_count_and_one_alert() {
    let app = spawn_app().await;
    let b = app.signed_in("olga").await;
    for _ in 0..6 {
        b.submit_code("ZZZZ-ZZZZ-ZZZZ").await;
    }
    assert_eq!(app.browser().sign_in("olga", PASSWORD).await.status(), StatusCode::FORBIDDEN);
    accounts::unlock(&app.state, &Username::parse("olga").unwrap(), "test", &Reason::parse("test").unwrap())
        .await
        .unwrap();
    let again = app.browser();
    assert_eq!(again.sign_in("olga", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(app.scalar("SELECT failures FROM accounts WHERE username = 'olga'").await, 0);
    app.eventually("SELECT COUNT(*) FROM alerts WHERE event = 'account_unlocked'", 1).await;
    let res = again.submit_code("ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!(
        res.json::<referral_gate::domain::GateOutcome>().await.unwrap(),
        referral_gate::domain::GateOutcome::Rejected { failures: 1, max_retries: 5 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_survive_a_restart() {
    let first = spawn_app().await;
    let b = first.signed_in("pia").await;
    let (status, _) = b.page("/gate").await;
    assert_eq!(status, StatusCode::OK);
    first.stop();
    let second = first.twin().await;
    let mut b2 = b.clone();
    b2.base = second.base.clone();
    let (status, html) = b2.page("/gate").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("pia"));
}
