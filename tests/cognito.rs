//! The Cognito directory and SNS alerts against moto server, with the real AWS SDK.

mod common;

use common::{
    moto::{Moto, Pool, Proxy},
    spawn_app_with, Browser, TestApp,
};
use futures::future::join_all;
use referral_gate::{
    domain::{admin::Reason, GateOutcome, Username},
    server::accounts,
};
use reqwest::StatusCode;

const PASSWORD: &str = "Passw0rd-long";
const WRONG: &str = "ZZZZ-ZZZZ-ZZZZ";

async fn app_for(pool: &Pool, endpoint: &str) -> TestApp {
    let args = pool.app_args(endpoint);
    spawn_app_with(&args.iter().map(String::as_str).collect::<Vec<_>>()).await
}

async fn signed_in(app: &TestApp, name: &str) -> Browser {
    let b = app.browser();
    let res = b.sign_in(name, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    b
}

/// Waits for what the request or the outbox worker delivers (whichever claims it).
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn lock(b: &Browser) {
    for _ in 0..5 {
        assert!(matches!(b.submit_code(WRONG).await.json().await.unwrap(), GateOutcome::Rejected { .. }));
    }
    assert_eq!(b.submit_code(WRONG).await.json::<GateOutcome>().await.unwrap(), GateOutcome::Locked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_lockout_and_unlock_against_cognito() {
    let moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    pool.add_user(&moto, "alice", PASSWORD).await;
    let app = app_for(&pool, &moto.url()).await;

    // Wrong password and unknown user: one answer.
    let b = app.browser();
    let wrong = b.sign_in("alice", "Wrong-passw0rd").await;
    let (s1, t1) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = b.sign_in("nobody", "Wrong-passw0rd").await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!((s1, t1), (unknown.status(), unknown.text().await.unwrap()));

    // Another device signed in to Cognito, to see the global sign-out.
    let token = pool.access_token(&moto, "alice", PASSWORD).await;
    let b = signed_in(&app, "alice").await;
    let sub: String = sqlx::query_scalar("SELECT subject FROM accounts WHERE username = 'alice'")
        .fetch_one(app.state.store.pool())
        .await
        .unwrap();
    assert!(!sub.starts_with("local:"), "the session keeps Cognito's sub: {sub}");
    lock(&b).await;

    until("AdminDisableUser", || async { !pool.enabled(&moto, "alice").await }).await;
    until("the alert", || async { !moto.notifications().await.is_empty() }).await;
    let sent = moto.notifications().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (subject, message, event) = &sent[0];
    assert_eq!((subject.as_str(), event.as_str()), ("Account disabled", "account_disabled"));
    for part in ["alice", sub.as_str(), "6 failed", "127.0.0.1"] {
        assert!(message.contains(part), "{part} in {message}");
    }
    let cognito = moto.cognito().await;
    assert!(cognito.get_user().access_token(&token).send().await.is_err(), "signed out everywhere");

    // Signing in again is refused with the disabled message.
    let again = app.browser().sign_in("alice", PASSWORD).await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);

    accounts::unlock(&app.state, &Username::parse("alice").unwrap(), "test", &Reason::parse("test").unwrap())
        .await
        .unwrap();
    until("AdminEnableUser", || async { pool.enabled(&moto, "alice").await }).await;
    until("the unlock alert", || async { moto.notifications().await.len() == 2 }).await;
    let unlocked: Vec<_> =
        moto.notifications().await.into_iter().filter(|n| n.2 == "account_unlocked").collect();
    assert_eq!(unlocked.len(), 1);
    let b = signed_in(&app, "alice").await;
    let outcome: GateOutcome = b.submit_code(WRONG).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::Rejected { failures: 1, max_retries: 5 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_an_administrator_created_chooses_a_password_first() {
    let moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    pool.add_user_with_temporary_password(&moto, "bob", "Temporary-1").await;
    let app = app_for(&pool, &moto.url()).await;
    let b = app.browser();
    let res = b.sign_in("bob", "Temporary-1").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["location"], "/sign-in/new-password");
    let (status, html) = b.page("/sign-in/new-password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Choose a password") && html.contains("bob"), "{html}");
    let res = b.call("/api/auth/new-password", &[("new_password", PASSWORD), ("confirm", "different")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("do not match"));
    let res = b.call("/api/auth/new-password", &[("new_password", PASSWORD), ("confirm", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
    let (status, html) = b.page("/gate").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("bob"));
    // The new password is the password from now on.
    signed_in(&app, "bob").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admission_puts_the_user_in_the_admitted_group() {
    let moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    pool.add_user(&moto, "carol", PASSWORD).await;
    let app = app_for(&pool, &moto.url()).await;
    let code = app.create_code(Some(1)).await.to_string();
    let b = signed_in(&app, "carol").await;
    assert_eq!(b.submit_code(&code).await.json::<GateOutcome>().await.unwrap(), GateOutcome::Admitted);
    until("AdminAddUserToGroup", || async {
        pool.groups(&moto, "carol").await == vec!["admitted".to_owned()]
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_address_is_published_with_its_event() {
    let moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    pool.add_user(&moto, "frank", PASSWORD).await;
    let mut args = pool.app_args(&moto.url());
    args.extend(["--ip-max-failures".to_owned(), "2".to_owned()]);
    let app = spawn_app_with(&args.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let b = signed_in(&app, "frank").await;
    b.submit_code(WRONG).await;
    b.submit_code(WRONG).await;
    assert_eq!(b.submit_code(WRONG).await.status(), StatusCode::TOO_MANY_REQUESTS);
    until("the alert", || async { !moto.notifications().await.is_empty() }).await;
    let sent = moto.notifications().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].0.as_str(), sent[0].2.as_str()), ("Address blocked", "address_blocked"));
    assert!(pool.enabled(&moto, "frank").await, "an address block disables nobody");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_codes_disables_once_and_publishes_once() {
    let moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    pool.add_user(&moto, "dave", PASSWORD).await;
    let app = app_for(&pool, &moto.url()).await;
    let b = signed_in(&app, "dave").await;
    let outcomes = join_all((0..20).map(|_| b.submit_code(WRONG))).await;
    assert!(outcomes.iter().all(|r| !r.status().is_server_error()));
    app.eventually("SELECT COUNT(*) FROM outbox WHERE state = 'done'", 3).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'disable_user' AND attempts = 1").await,
        1,
        "one AdminDisableUser call"
    );
    assert!(!pool.enabled(&moto, "dave").await);
    assert_eq!(moto.notifications().await.len(), 1, "one Publish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aws_outage_delays_the_delivery_but_not_the_lock() {
    let mut moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    pool.add_user(&moto, "erin", PASSWORD).await;
    let proxy = Proxy::start(moto.port).await;
    let app = app_for(&pool, &proxy.url()).await;
    let b = signed_in(&app, "erin").await;
    let other = signed_in(&app, "erin").await;

    // AWS goes away before the lockout.
    proxy.cut();
    moto.stop();
    lock(&b).await;
    // The lock is effective in the app at once.
    assert_eq!(other.submit_code(WRONG).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'done'").await, 0);

    // The server restarts while AWS is still down.
    app.stop();
    let app = app.twin().await;

    // AWS comes back, with the pool, the user and the topic set up again.
    let moto = Moto::start().await;
    let again = Pool::set_up(&moto).await;
    assert_eq!(again.pool_id, pool.pool_id, "the same pool");
    again.add_user(&moto, "erin", PASSWORD).await;
    proxy.restore(moto.port);

    app.eventually_within("SELECT COUNT(*) FROM outbox WHERE state = 'done'", 3, 90).await;
    assert!(!pool.enabled(&moto, "erin").await, "disabled once AWS was back");
    let sent = moto.notifications().await;
    assert_eq!(sent.len(), 1, "exactly one notification: {sent:?}");
    assert_eq!(sent[0].2, "account_disabled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_of_the_admin_group_run_the_console_and_unlock_in_cognito() {
    let moto = Moto::start().await;
    let pool = Pool::set_up(&moto).await;
    for name in ["root", "plain", "locky"] {
        pool.add_user(&moto, name, PASSWORD).await;
    }
    moto.cognito()
        .await
        .admin_add_user_to_group()
        .user_pool_id(&pool.pool_id)
        .username("root")
        .group_name("admins")
        .send()
        .await
        .unwrap();
    let app = app_for(&pool, &moto.url()).await;
    let plain = signed_in(&app, "plain").await;
    assert_eq!(plain.call("/api/admin/locked", &[]).await.status(), StatusCode::FORBIDDEN);

    let victim = signed_in(&app, "locky").await;
    lock(&victim).await;
    until("AdminDisableUser", || async { !pool.enabled(&moto, "locky").await }).await;

    let root = signed_in(&app, "root").await;
    let res = root.call("/api/admin/locked/unlock", &[("username", "locky"), ("reason", "known user")]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert!(pool.enabled(&moto, "locky").await, "AdminEnableUser");
    until("the unlock alert", || async {
        moto.notifications().await.iter().any(|n| n.2 == "account_unlocked" && n.1.contains("known user"))
    })
    .await;
    signed_in(&app, "locky").await;
}
