//! The gate over HTTP: counting, lockout, codes, throttling.

mod common;

use common::{spawn_app, spawn_app_with, PASSWORD};
use futures::future::join_all;
use referral_gate::domain::GateOutcome;
use reqwest::StatusCode;

const WRONG: &str = "ZZZZ-ZZZZ-ZZZZ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_parallel_wrong_codes_lock_exactly_once() {
    let app = spawn_app().await;
    let browser = app.signed_in("mallory").await;

    let responses = join_all((0..20).map(|_| browser.submit_code(WRONG))).await;
    let (mut locked, mut answered, mut refused, mut disabled) = (0, 0, 0, 0);
    for res in responses {
        let status = res.status();
        assert!(status.is_success() || status.is_client_error(), "status {status}");
        if status.is_success() {
            answered += 1;
            if res.json::<GateOutcome>().await.unwrap() == GateOutcome::Locked {
                locked += 1;
            }
        } else {
            refused += 1;
            // Refused as a locked account (403), or, once the lockout has ended the
            // session they all share, as signed out (401: no account to attribute).
            match status {
                StatusCode::FORBIDDEN => disabled += 1,
                StatusCode::UNAUTHORIZED => {}
                other => panic!("refused with {other}"),
            }
        }
    }
    assert_eq!(locked, 1, "exactly one request locks the account");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts WHERE locked_at IS NOT NULL").await, 1);
    for kind in ["disable_user", "sign_out_everywhere", "alert"] {
        let n = app.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}'")).await;
        assert_eq!(n, 1, "one {kind} row");
    }
    // Six codes were looked at (five warnings and the one that locked); the rest were
    // refused without evaluation (by the claim, or earlier by the session check).
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE outcome IN ('invalid', 'locked')").await, 6);
    assert_eq!((answered, refused), (6, 14));
    // Every refusal of the locked account is in the audit trail.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE outcome = 'refused_locked'").await, disabled);

    // The lockout request delivered at once: disabled in the directory, one alert.
    app.eventually("SELECT COUNT(*) FROM outbox WHERE state = 'done'", 3).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM local_users WHERE username = 'mallory' AND enabled = 0").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE event = 'account_disabled'").await, 1);

    // Signing in again is refused with the disabled message.
    let again = app.browser();
    let res = again.sign_in("mallory", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("AccountDisabled"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_browser_does_not_reset_the_count() {
    let app = spawn_app().await;
    let first = app.signed_in("carol").await;
    for k in 1..=3 {
        let outcome: GateOutcome = first.submit_code(WRONG).await.json().await.unwrap();
        assert_eq!(outcome, GateOutcome::Rejected { failures: k, max_retries: 5 });
    }
    // Cookies cleared: a new browser, a new session.
    let second = app.browser();
    assert_eq!(second.sign_in("carol", PASSWORD).await.status(), StatusCode::OK);
    let outcome: GateOutcome = second.submit_code(WRONG).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::Rejected { failures: 4, max_retries: 5 });
    let (status, html) = second.page("/gate").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Invalid attempt count: 4. You have 1 attempts left."), "{html}");
    assert!(html.contains("Referral code is invalid. If you do not have a referral code, please write to us at invites@example.org."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_count_down_and_warn_before_the_lock() {
    let app = spawn_app().await;
    let b = app.signed_in("dave").await;
    for _ in 0..5 {
        b.submit_code(WRONG).await;
    }
    let (_, html) = b.page("/gate").await;
    assert!(html.contains("Invalid attempt count: 5. You have 0 attempts left."), "{html}");
    assert!(html.contains("One more invalid code will disable your account."));
    assert!(html.contains("You have 5 retries to enter the correct referral code."));
    let res = b.submit_code(WRONG).await;
    assert_eq!(res.json::<GateOutcome>().await.unwrap(), GateOutcome::Locked);
    let (_, html) = b.page("/sign-in").await;
    assert!(html.contains("You have exceeded the maximum number of retries."), "{html}");
    assert!(html.contains("Your account has been disabled. Please contact the administrator."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lockout_refuses_the_accounts_other_sessions_at_once() {
    let app = spawn_app().await;
    let attacker = app.signed_in("erin").await;
    let other = app.browser();
    assert_eq!(other.sign_in("erin", PASSWORD).await.status(), StatusCode::OK);
    for _ in 0..6 {
        attacker.submit_code(WRONG).await;
    }
    let res = other.submit_code(WRONG).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, location) = other.page("/gate").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location, "/sign-in");
    // Nothing past the lock was evaluated.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE outcome IN ('invalid', 'locked')").await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_with_one_use_left_admits_exactly_one_account() {
    let app = spawn_app().await;
    let code = app.create_code(Some(1)).await.to_string();
    let a = app.signed_in("frank").await;
    let b = app.signed_in("grace").await;
    let (ra, rb) = tokio::join!(a.submit_code(&code), b.submit_code(&code));
    let outcomes = [ra.json::<GateOutcome>().await.unwrap(), rb.json::<GateOutcome>().await.unwrap()];
    assert_eq!(outcomes.iter().filter(|o| **o == GateOutcome::Admitted).count(), 1, "{outcomes:?}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM admissions").await, 1);
    assert_eq!(app.scalar("SELECT uses FROM codes").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_code_admits_for_good_and_clears_failures() {
    let app = spawn_app().await;
    let code = app.create_code(None).await;
    let b = app.signed_in("heidi").await;
    b.submit_code(WRONG).await;
    // Typed in lower case with spaces: still the same code.
    let typed = code.to_string().to_lowercase().replace('-', " ");
    let res = b.submit_code(&typed).await;
    assert!(res.headers().contains_key("serverfnredirect"));
    assert_eq!(res.json::<GateOutcome>().await.unwrap(), GateOutcome::Admitted);
    assert_eq!(app.scalar("SELECT failures FROM accounts WHERE username = 'heidi'").await, 0);
    let (status, html) = b.page("/form").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Referral code is correct. Please enter your details below."), "{html}");
    // A new session goes straight to the form.
    let later = app.browser();
    let res = later.sign_in("heidi", PASSWORD).await;
    assert_eq!(res.headers().get("location").unwrap(), "/form");
    let (status, location) = later.page("/gate").await;
    assert_eq!((status, location.as_str()), (StatusCode::FOUND, "/form"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_expired_and_used_up_codes_are_refused() {
    let app = spawn_app().await;
    let revoked = app.create_code(None).await;
    referral_gate::server::codes::revoke(
        &app.state.store,
        &app.state.secret,
        &revoked.to_string(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let b = app.signed_in("ivan").await;
    let outcome: GateOutcome = b.submit_code(&revoked.to_string()).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::Rejected { failures: 1, max_retries: 5 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_with_too_many_failures_is_blocked_with_429() {
    let app = spawn_app_with(&["--ip-max-failures", "3"]).await;
    let code = app.create_code(None).await.to_string();
    for name in ["u1", "u2", "u3"] {
        let b = app.signed_in(name).await;
        assert_eq!(b.submit_code(WRONG).await.status(), StatusCode::OK);
    }
    let b = app.signed_in("u4").await;
    // Even the right code is not looked at while the address is blocked.
    let res = b.submit_code(&code).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 3000 && retry <= 3600, "{retry}");
    let (status, html) = b.page("/gate").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Too many invalid codes have come from your network."), "{html}");
    // The address block never locks anyone.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts WHERE locked_at IS NOT NULL").await, 0);
    // One alert for the new block, however many requests meet it.
    b.submit_code(WRONG).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE event = 'address_blocked'").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_wrong_code_lands_on_the_gate_with_its_messages() {
    let app = spawn_app().await;
    let b = app.signed_in("judy").await;
    let res = b.post_page("/api/gate/submit", "/gate", &[("code", WRONG)]).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(res.headers()["location"].to_str().unwrap().starts_with(&b.url("/gate")));
    let (_, html) = b.page("/gate").await;
    assert!(html.contains("Referral code is invalid."));
    assert!(html.contains("Invalid attempt count: 1. You have 4 attempts left."));
    // The flash is shown once; the count stays.
    let (_, html) = b.page("/gate").await;
    assert!(!html.contains("Referral code is invalid."));
    assert!(html.contains("Invalid attempt count: 1."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_is_never_stored() {
    let app = spawn_app().await;
    let b = app.signed_in("kim").await;
    b.submit_code("SECR-ETGU-ESS1").await;
    let rows: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT subject, address, outcome, user_agent FROM attempts")
            .fetch_all(app.state.store.pool())
            .await
            .unwrap();
    assert!(!format!("{rows:?}").contains("SECR"));
    let sessions: Vec<Vec<u8>> = sqlx::query_scalar(&format!("SELECT data FROM {}", app.sessions_table()))
        .fetch_all(&app.sessions_pool().await)
        .await
        .unwrap();
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|s| !String::from_utf8_lossy(s).contains("ETGU")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_refusal_lands_back_on_its_page_without_error_noise() {
    let app = spawn_app().await;
    let b = app.signed_in("leo").await;
    let res = b.post_page("/api/gate/submit", "/gate?x=1", &[("code", "!!")]).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/gate");
    let (_, html) = b.page("/gate").await;
    assert!(html.contains("A referral code has 6 to 32 letters and digits"), "{html}");
    // A foreign Referer never becomes the redirect target.
    let res = b.post_page("/api/gate/submit", "//evil.example/", &[("code", "!!")]).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with('/') && !location.starts_with("//"), "{location}");
}
