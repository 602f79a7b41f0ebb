//! The store's atomic operations, with explicit times (no waiting on clocks).

mod common;

use std::time::Duration;

use referral_gate::server::{
    guard::{Limit, Policy},
    store::{Claim, LockoutActions, NewCode, Redemption, Store, ThrottleState},
};

const HOUR: i64 = 3_600_000;
const T0: i64 = 1_800_000_000_000;

/// The same tests run on SQLite and, with `TEST_DATABASE_URL`, on PostgreSQL.
async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = match common::fresh_postgres_database().await {
        Some(url) => url,
        None => format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
    };
    let store = Store::connect(&url).await.unwrap();
    store.ensure_account("s1", "one", T0).await.unwrap();
    (store, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_count_within_the_window_and_restart_after_it() {
    let (store, _dir) = store().await;
    let p = Policy::default();
    for n in 1..=3 {
        let claim = store.claim_attempt("s1", T0, p.failure_cutoff(T0), p.claim_ceiling()).await.unwrap();
        assert_eq!(claim, Claim::Granted(n));
    }
    let later = T0 + 23 * HOUR;
    assert_eq!(store.account("s1", p.failure_cutoff(later)).await.unwrap().unwrap().failures, 3);
    let much_later = T0 + 25 * HOUR;
    assert_eq!(store.account("s1", p.failure_cutoff(much_later)).await.unwrap().unwrap().failures, 0);
    let claim =
        store.claim_attempt("s1", much_later, p.failure_cutoff(much_later), p.claim_ceiling()).await.unwrap();
    assert_eq!(claim, Claim::Granted(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_stop_at_the_ceiling_and_after_a_lock() {
    let (store, _dir) = store().await;
    let p = Policy::default();
    for n in 1..=6 {
        assert_eq!(store.claim_attempt("s1", T0, 0, p.claim_ceiling()).await.unwrap(), Claim::Granted(n));
    }
    assert_eq!(store.claim_attempt("s1", T0, 0, p.claim_ceiling()).await.unwrap(), Claim::Exhausted);
    let ids = store.lock_account("s1", T0, LockoutActions { rows: vec![] }).await.unwrap();
    assert_eq!(ids, Some(vec![]));
    assert_eq!(
        store.lock_account("s1", T0, LockoutActions { rows: vec![] }).await.unwrap(),
        None,
        "locks once"
    );
    assert_eq!(store.claim_attempt("s1", T0, 0, p.claim_ceiling()).await.unwrap(), Claim::Locked);
    assert_eq!(store.claim_attempt("nobody", T0, 0, p.claim_ceiling()).await.unwrap(), Claim::Locked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_and_used_up_codes_are_refused() {
    let (store, _dir) = store().await;
    store.ensure_account("s2", "two", T0).await.unwrap();
    let code = |digest: &str, max_uses, expires_at| NewCode {
        digest: digest.into(),
        prefix: "ABCD".into(),
        note: None,
        max_uses,
        expires_at,
    };
    assert!(store.insert_code(&code("once", Some(1), None), T0).await.unwrap());
    assert!(!store.insert_code(&code("once", Some(1), None), T0).await.unwrap(), "no duplicates");
    assert!(store.insert_code(&code("old", None, Some(T0 + HOUR)), T0).await.unwrap());
    assert_eq!(
        store.redeem_code("once", "s1", T0, None).await.unwrap(),
        Redemption::Admitted { outbox: None }
    );
    assert_eq!(store.redeem_code("once", "s2", T0, None).await.unwrap(), Redemption::Refused);
    assert_eq!(store.redeem_code("old", "s2", T0 + 2 * HOUR, None).await.unwrap(), Redemption::Refused);
    assert_eq!(
        store.redeem_code("old", "s2", T0, None).await.unwrap(),
        Redemption::Admitted { outbox: None }
    );
    assert_eq!(store.redeem_code("unknown", "s2", T0, None).await.unwrap(), Redemption::Refused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_blocked_at_its_limit_and_longer_each_time() {
    let (store, _dir) = store().await;
    let limit = Limit { max: 3, window: Duration::from_secs(3600) };
    assert_eq!(store.throttle_failure("k", limit, T0).await.unwrap(), ThrottleState::Open);
    assert_eq!(store.throttle_failure("k", limit, T0).await.unwrap(), ThrottleState::Open);
    assert_eq!(store.throttle_failure("k", limit, T0).await.unwrap(), ThrottleState::Blocked(T0 + HOUR));
    assert_eq!(store.throttle_state("k", T0 + HOUR - 1).await.unwrap(), ThrottleState::Blocked(T0 + HOUR));
    assert_eq!(store.throttle_state("k", T0 + HOUR).await.unwrap(), ThrottleState::Open);
    let t1 = T0 + HOUR;
    for _ in 0..2 {
        store.throttle_failure("k", limit, t1).await.unwrap();
    }
    assert_eq!(store.throttle_failure("k", limit, t1).await.unwrap(), ThrottleState::Blocked(t1 + 2 * HOUR));
    // Failures spread wider than the window never add up to a block.
    let t2 = t1 + 10 * HOUR;
    for i in 0..5 {
        let state = store.throttle_failure("spread", limit, t2 + i * 2 * HOUR).await.unwrap();
        assert_eq!(state, ThrottleState::Open);
    }
}
