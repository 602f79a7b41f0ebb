//! Signing in: one message for unknown users and wrong passwords, throttling, session id.

mod common;

use common::{spawn_app, Browser, PASSWORD};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_user_and_wrong_password_look_the_same() {
    let app = spawn_app().await;
    app.add_user("alice").await;
    let b = app.browser();
    let wrong = b.sign_in("alice", "not the password").await;
    let (s1, t1) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = b.sign_in("nobody", "not the password").await;
    let (s2, t2) = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!((s1, &t1), (s2, &t2));
    let (_, html) = b.page("/sign-in").await;
    assert!(html.contains("Incorrect username or password."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_id_changes_at_sign_in_and_sign_out_ends_it() {
    let app = spawn_app().await;
    app.add_user("bob").await;
    let b = app.browser();
    // A session exists before sign-in (a failed attempt leaves a flash in it).
    b.sign_in("bob", "wrong password").await;
    let sessions = app.sessions_pool().await;
    let before: Vec<String> = sqlx::query_scalar(&format!("SELECT id FROM {}", app.sessions_table()))
        .fetch_all(&sessions)
        .await
        .unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(b.sign_in("bob", PASSWORD).await.status(), StatusCode::OK);
    let after: Vec<String> = sqlx::query_scalar(&format!("SELECT id FROM {}", app.sessions_table()))
        .fetch_all(&sessions)
        .await
        .unwrap();
    assert!(!after.contains(&before[0]), "the old id is gone");
    let (status, _) = b.page("/gate").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(b.call("/api/auth/sign-out", &[]).await.status(), StatusCode::OK);
    let (status, location) = b.page("/gate").await;
    assert_eq!((status, location.as_str()), (StatusCode::FOUND, "/sign-in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_per_username() {
    let app = spawn_app().await;
    app.add_user("carol").await;
    let b = app.browser();
    for _ in 0..10 {
        assert_eq!(b.sign_in("carol", "wrong password").await.status(), StatusCode::UNAUTHORIZED);
    }
    // Blocked now, even with the right password; the answer says when to retry.
    let res = b.sign_in("carol", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // Unknown names are throttled the same way, so throttling reveals nothing.
    for _ in 0..10 {
        b.sign_in("ghost", "wrong password").await;
    }
    assert_eq!(b.sign_in("ghost", "wrong password").await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_send_each_user_to_the_right_place() {
    let app = spawn_app().await;
    let anon = app.browser();
    for path in ["/", "/gate", "/form", "/form/received"] {
        let (status, location) = anon.page(path).await;
        assert_eq!((status, location.as_str()), (StatusCode::FOUND, "/sign-in"), "{path}");
    }
    let (status, html) = anon.page("/sign-in").await;
    assert_eq!(status, StatusCode::OK);
    for text in ["<title>Sign in", "Username", "Password", "Sign in</button>"] {
        assert!(html.contains(text), "{text}");
    }
    let user = app.signed_in("dan").await;
    let (status, location) = user.page("/").await;
    assert_eq!((status, location.as_str()), (StatusCode::FOUND, "/gate"));
    let (status, location) = user.page("/form").await;
    assert_eq!((status, location.as_str()), (StatusCode::FOUND, "/gate"));
    let (status, _) = anon.page("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_and_its_message_outlive_a_restart() {
    let app = spawn_app().await;
    let user = app.signed_in("erin").await;
    assert_eq!(user.submit_code("ZZZZ-ZZZZ-ZZZZ").await.status(), StatusCode::OK);
    app.stop();

    // The same browser, the server started again on the same data.
    let restarted = app.twin().await;
    let same = Browser { client: user.client.clone(), base: restarted.base.clone() };
    let (status, html) = same.page("/gate").await;
    assert_eq!(status, StatusCode::OK, "still signed in: {html}");
    // The wrong code's message was waiting in the session for this page.
    assert!(html.contains("Referral code is invalid."), "{html}");
    assert!(html.contains("Invalid attempt count: 1."), "{html}");
}
