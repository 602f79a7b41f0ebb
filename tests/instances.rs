//! Two instances sharing one database (SQLite file, or PostgreSQL with
//! `TEST_DATABASE_URL`): the counting stays exact across them.

mod common;

use std::time::Duration;

use common::{spawn_app, PASSWORD};
use futures::future::join_all;
use referral_gate::{
    domain::GateOutcome,
    server::{
        alerts::{Alert, AlertEvent},
        store::{NewOutboxRow, OutboxKind},
    },
};
use reqwest::StatusCode;

const WRONG: &str = "ZZZZ-ZZZZ-ZZZZ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attacker_alternating_instances_is_locked_at_the_sixth_failure_in_total() {
    let a = spawn_app().await;
    let b = a.twin().await;
    let on_a = a.signed_in("mallory").await;
    // The session started on one instance works on the other.
    let mut on_b = on_a.clone();
    on_b.base = b.base.clone();
    let (status, html) = on_b.page("/gate").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("mallory"));
    for k in 1..=5u32 {
        let browser = if k % 2 == 1 { &on_a } else { &on_b };
        let outcome: GateOutcome = browser.submit_code(WRONG).await.json().await.unwrap();
        assert_eq!(outcome, GateOutcome::Rejected { failures: k, max_retries: 5 });
    }
    assert_eq!(on_b.submit_code(WRONG).await.json::<GateOutcome>().await.unwrap(), GateOutcome::Locked);
    // The same browser's session ended with the lock, on both instances.
    let refused = on_a.submit_code(WRONG).await.status();
    assert!(refused == StatusCode::UNAUTHORIZED || refused == StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(a.scalar("SELECT COUNT(*) FROM attempts WHERE outcome IN ('invalid', 'locked')").await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_split_across_instances_locks_disables_and_alerts_once() {
    let a = spawn_app().await;
    let b = a.twin().await;
    let on_a = a.signed_in("trudy").await;
    let mut on_b = on_a.clone();
    on_b.base = b.base.clone();
    let calls = (0..40).map(|i| if i % 2 == 0 { on_a.submit_code(WRONG) } else { on_b.submit_code(WRONG) });
    let responses = join_all(calls).await;
    let mut locked = 0;
    for res in responses {
        assert!(!res.status().is_server_error(), "{}", res.status());
        if res.status() == StatusCode::OK && res.json::<GateOutcome>().await.unwrap() == GateOutcome::Locked {
            locked += 1;
        }
    }
    assert_eq!(locked, 1);
    assert_eq!(a.scalar("SELECT COUNT(*) FROM attempts WHERE outcome IN ('invalid', 'locked')").await, 6);
    for kind in ["disable_user", "sign_out_everywhere", "alert"] {
        assert_eq!(
            a.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}'")).await,
            1,
            "{kind}"
        );
    }
    a.eventually("SELECT COUNT(*) FROM outbox WHERE state = 'done'", 3).await;
    assert_eq!(a.scalar("SELECT COUNT(*) FROM alerts").await, 1);
    assert_eq!(a.scalar("SELECT COUNT(*) FROM local_users WHERE enabled = 0").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_use_code_redeemed_through_both_instances_admits_once() {
    let a = spawn_app().await;
    let b = a.twin().await;
    let code = a.create_code(Some(1)).await.to_string();
    let first = a.signed_in("u1").await;
    let mut second = a.signed_in("u2").await;
    second.base = b.base.clone();
    let (r1, r2) = tokio::join!(first.submit_code(&code), second.submit_code(&code));
    let outcomes = [r1.json::<GateOutcome>().await.unwrap(), r2.json::<GateOutcome>().await.unwrap()];
    assert_eq!(outcomes.iter().filter(|o| **o == GateOutcome::Admitted).count(), 1, "{outcomes:?}");
    assert_eq!(a.scalar("SELECT COUNT(*) FROM admissions").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_delivery_leaves_the_work_to_the_other_once() {
    let a = spawn_app().await;
    a.add_user("victor").await;
    // Instance A queues the lockout's actions and claims them under a short lease,
    // then dies before it can deliver (here: its worker is stopped first).
    a.stop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let now = a.state.clock.now();
    let alert = Alert {
        event: AlertEvent::AccountDisabled,
        subject: "local:victor".into(),
        username: "victor".into(),
        failures: 6,
        address: "192.0.2.7".into(),
        user_agent: None,
        at: "now".into(),
        instance: "a".into(),
        ..Alert::default()
    };
    for (kind, payload) in [
        (OutboxKind::DisableUser, serde_json::json!({ "subject": "local:victor", "username": "victor" })),
        (OutboxKind::Alert, serde_json::to_value(&alert).unwrap()),
    ] {
        let row = NewOutboxRow { idempotency_key: format!("killed:{}", kind.as_str()), kind, payload };
        a.state.store.enqueue(row, now).await.unwrap();
    }
    let claimed = a.state.store.claim_outbox(now, Duration::from_secs(2), None, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);

    // Instance B takes over once the lease runs out, and delivers each action once.
    let b = a.twin().await;
    b.eventually_within("SELECT COUNT(*) FROM outbox WHERE state = 'done'", 2, 30).await;
    assert_eq!(b.scalar("SELECT COUNT(*) FROM outbox WHERE attempts = 2").await, 2, "A's claim, then B's");
    assert_eq!(b.scalar("SELECT COUNT(*) FROM alerts").await, 1);
    assert_eq!(
        b.scalar("SELECT COUNT(*) FROM local_users WHERE username = 'victor' AND enabled = 0").await,
        1
    );
    let _ = PASSWORD;
}
