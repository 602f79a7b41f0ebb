//! Security headers, same-origin posts, client addresses, oversized images, health and
//! metrics.

mod common;

use common::{spawn_app, spawn_app_with, PNG};
use reqwest::{header, multipart, StatusCode};

const WRONG: &str = "ZZZZ-ZZZZ-ZZZZ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let anon = app.browser();
    let user = app.signed_in("hana").await;
    let admin = app.signed_in_admin("root").await;
    for (browser, path) in [
        (&anon, "/sign-in"),
        (&user, "/gate"),
        (&anon, "/no-such-page"),
        (&anon, "/healthz"),
        (&admin, "/admin/codes"),
        (&user, "/admin/locked"),
        (&admin, "/admin/attempts.csv"),
    ] {
        let res = browser.client.get(browser.url(path)).send().await.unwrap();
        let h = res.headers().clone();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain HTTP");
        assert!(!h["x-request-id"].is_empty(), "{path}: a request id for the logs");
    }
    // A page's inline scripts carry the nonce its policy names.
    let res = anon.client.get(anon.url("/sign-in")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce").to_owned();
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
    let again = anon.client.get(anon.url("/sign-in")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"].to_str().unwrap().contains(&nonce),
        "fresh per response"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_when_cookies_are_secure() {
    let app = spawn_app_with(&["--secure-cookies"]).await;
    let b = app.browser();
    let res = b.client.get(b.url("/sign-in")).send().await.unwrap();
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let b = app.signed_in("ivo").await;
    for origin in ["https://evil.example", "null"] {
        let res = b
            .client
            .post(b.url("/api/gate/submit"))
            .header(header::ORIGIN, origin)
            .form(&[("code", WRONG)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
        assert!(res.text().await.unwrap().contains("another site"));
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts").await, 0);
    // The same site is fine.
    let res = b
        .client
        .post(b.url("/api/gate/submit"))
        .header(header::ORIGIN, &b.base)
        .form(&[("code", WRONG)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn address_of_last_attempt(app: &common::TestApp) -> String {
    sqlx::query_scalar("SELECT address FROM attempts ORDER BY id DESC LIMIT 1")
        .fetch_one(app.state.store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let app = spawn_app().await;
    let b = app.signed_in("jo").await;
    let forged = |b: &common::Browser| {
        b.client
            .post(b.url("/api/gate/submit"))
            .header("x-forwarded-for", "203.0.113.5")
            .form(&[("code", WRONG)])
            .send()
    };
    forged(&b).await.unwrap();
    assert_eq!(address_of_last_attempt(&app).await, "127.0.0.1", "forged header ignored");

    let behind_proxy = spawn_app_with(&["--trusted-proxies", "127.0.0.1"]).await;
    let b = behind_proxy.signed_in("jo").await;
    forged(&b).await.unwrap();
    assert_eq!(address_of_last_attempt(&behind_proxy).await, "203.0.113.5");
}

/// A PNG header claiming 100000 × 100000 pixels.
fn png_bomb() -> Vec<u8> {
    let mut png = PNG.to_vec();
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    png
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_claiming_huge_dimensions_is_refused() {
    let app = spawn_app().await;
    let code = app.create_code(None).await.to_string();
    let b = app.signed_in("kai").await;
    b.submit_code(&code).await;
    let form = multipart::Form::new()
        .text("full_name", "Kai")
        .text("email", "kai@example.com")
        .text("about", "Hello.")
        .part("photo", multipart::Part::bytes(png_bomb()).file_name("bomb.png"));
    let res = b.client.post(b.url("/api/form/submit")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("dimensions are too large"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM submissions").await, 0);
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_attempts_and_lockouts() {
    let app = spawn_app().await;
    let b = app.signed_in("lea").await;
    let scrape = || async { b.client.get(b.url("/metrics")).send().await.unwrap().text().await.unwrap() };
    let before = scrape().await;
    for _ in 0..6 {
        b.submit_code(WRONG).await;
    }
    let after = scrape().await;
    let invalid = r#"referral_gate_attempts_total{outcome="invalid"}"#;
    assert!(metric(&after, invalid) >= metric(&before, invalid) + 5.0, "{after}");
    assert!(
        metric(&after, "referral_gate_lockouts_total")
            >= metric(&before, "referral_gate_lockouts_total") + 1.0
    );
    assert!(after.contains("referral_gate_outbox_depth"));
    assert!(after.contains("referral_gate_http_request_duration_seconds_bucket"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    let b = app.browser();
    let mut ready = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        ready = b.client.get(b.url("/readyz")).send().await.unwrap().status();
        if ready == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ready, StatusCode::OK);
    app.state.store.pool().close().await;
    let res = b.client.get(b.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().await.unwrap().contains("database unreachable"));
    assert_eq!(b.client.get(b.url("/healthz")).send().await.unwrap().status(), StatusCode::OK, "still alive");
}

/// Bad requests to every page and file route: only 4xx (or a page), never a 5xx, and
/// the server stays healthy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_to_pages_and_files_never_get_a_5xx() {
    let app = spawn_app().await;
    let user = app.signed_in("pat").await;
    let admin = app.signed_in_admin("root").await;
    let anon = app.browser();
    let paths = [
        "/",
        "/sign-in",
        "/sign-in/new-password",
        "/gate",
        "/form",
        "/form/received",
        "/admin",
        "/admin/codes",
        "/admin/locked",
        "/admin/addresses",
        "/admin/attempts",
        "/admin/submissions",
        "/admin/submissions/1",
        "/admin/outbox",
        "/admin/attempts.csv",
        "/admin/submissions/1/photo",
        "/pkg/referral-gate.css",
        "/favicon.svg",
        "/metrics",
        "/readyz",
    ];
    let odd = [
        "?%FF%FE=%C0%80",
        "?page=-1&from=%00&to=9999-99-99&outcome=%27%3B--",
        "?page=99999999999999999999",
        "/%FF",
        "/..%2F..%2Fetc%2Fpasswd",
    ];
    let methods =
        [reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::PATCH, reqwest::Method::POST];
    for b in [&anon, &user, &admin] {
        for path in paths {
            for suffix in odd {
                let res = b
                    .client
                    .get(b.url(&format!("{path}{suffix}")))
                    .timeout(std::time::Duration::from_secs(10))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("GET {path}{suffix}: {e}"));
                assert!(!res.status().is_server_error(), "GET {path}{suffix}: {}", res.status());
            }
            for method in &methods {
                let res = b
                    .client
                    .request(method.clone(), b.url(path))
                    .header("content-type", "text/plain")
                    .body(vec![0xff, 0xfe, 0x00])
                    .timeout(std::time::Duration::from_secs(10))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
                assert!(!res.status().is_server_error(), "{method} {path}: {}", res.status());
            }
        }
        let id = "/admin/submissions/99999999999999999999999999";
        assert!(!b.client.get(b.url(id)).send().await.unwrap().status().is_server_error(), "{id}");
    }
    // A forged or garbled session cookie is a signed-out visitor, not an error.
    for cookie in ["referral_gate_session=%FF%FE", "referral_gate_session=AAAA", "referral_gate_session="] {
        let client = reqwest::Client::new();
        let res = client
            .get(anon.url("/gate"))
            .header("cookie", cookie)
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await
            .expect(cookie);
        assert!(!res.status().is_server_error(), "cookie {cookie}: {}", res.status());
    }
    assert_eq!(anon.client.get(anon.url("/healthz")).send().await.unwrap().status(), reqwest::StatusCode::OK);
}
