//! Bad input to every server function: a 4xx with a message, never a 5xx.

mod common;

use common::{spawn_app, Browser, TestApp, PASSWORD, PNG};
use reqwest::{header, multipart, StatusCode};

const ENDPOINTS: [&str; 19] = [
    "/api/auth/sign-in",
    "/api/auth/sign-out",
    "/api/gate/submit",
    "/api/form/submit",
    "/api/form/receipt",
    "/api/session/snapshot",
    "/api/admin/overview",
    "/api/admin/codes",
    "/api/admin/codes/create",
    "/api/admin/codes/revoke",
    "/api/admin/locked",
    "/api/admin/locked/unlock",
    "/api/admin/addresses",
    "/api/admin/addresses/lift",
    "/api/admin/attempts",
    "/api/admin/submissions",
    "/api/admin/submission",
    "/api/admin/outbox",
    "/api/admin/outbox/retry",
];

async fn admitted(app: &TestApp, name: &str) -> Browser {
    let code = app.create_code(None).await.to_string();
    let b = app.signed_in(name).await;
    assert_eq!(b.submit_code(&code).await.status(), StatusCode::OK);
    b
}

async fn assert_4xx_with_message(res: reqwest::Response, what: &str) -> String {
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(status.is_client_error(), "{what}: {status} {body}");
    assert!(!body.trim().is_empty(), "{what}: a message");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_to_every_server_function_is_a_4xx() {
    let app = spawn_app().await;
    let b = admitted(&app, "zed").await;
    let huge = "x".repeat(200 * 1024);
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/x-www-form-urlencoded", b"%%%%&&&==".to_vec()),
        ("application/x-www-form-urlencoded", vec![0xff, 0xfe, 0x00, 0x80]),
        ("application/x-www-form-urlencoded", format!("code={huge}&username={huge}").into_bytes()),
        ("application/json", b"{\"code\": [1,2,3]}".to_vec()),
        ("text/plain", b"hello".to_vec()),
        ("multipart/form-data", b"--x\r\nnonsense".to_vec()),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\ntrunc".to_vec(),
        ),
    ];
    // The console's functions get the garbage from an administrator, past the role check.
    let admin = app.signed_in_admin("root").await;
    for endpoint in ENDPOINTS {
        let b = if endpoint.starts_with("/api/admin/") { &admin } else { &b };
        for (ct, body) in &bodies {
            let sent = b
                .client
                .post(b.url(endpoint))
                .header(header::CONTENT_TYPE, *ct)
                .body(body.clone())
                .send()
                .await;
            let res = match sent {
                Ok(res) => res,
                // Over the body limit the server answers 413 without reading the body
                // and closes the connection; the client may see the close first.
                Err(e) if body.len() > 64 * 1024 && e.is_request() => continue,
                Err(e) => panic!("{endpoint} {ct}: {e}"),
            };
            let status = res.status();
            assert!(!status.is_server_error(), "{endpoint} {ct}: {status}");
            if !status.is_success() {
                assert_4xx_with_message(res, &format!("{endpoint} {ct}")).await;
            }
        }
        // Wrong method.
        let res = b.client.get(b.url(endpoint)).send().await.unwrap();
        assert!(res.status().is_client_error(), "GET {endpoint}: {}", res.status());
    }
    // Still healthy afterwards.
    assert_eq!(b.client.get(b.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_mistakes_get_clear_messages_and_count_nothing() {
    let app = spawn_app().await;
    let b = app.signed_in("yan").await;
    for bad in ["", "   ", "abc", "ABCD-EFGH-JKM!", "ÄÖÜ"] {
        let body = assert_4xx_with_message(b.submit_code(bad).await, bad).await;
        assert!(body.contains("referral code"), "{bad}: {body}");
    }
    assert_eq!(app.scalar("SELECT failures FROM accounts").await, 0);
    let body = assert_4xx_with_message(b.sign_in("", "x").await, "empty username").await;
    assert!(body.contains("username"), "{body}");
    let body = assert_4xx_with_message(b.sign_in("x y", PASSWORD).await, "bad username").await;
    assert!(body.contains("username"), "{body}");
}

fn form(photo: Vec<u8>, name: &str) -> multipart::Form {
    multipart::Form::new()
        .text("full_name", name.to_owned())
        .text("email", "ada@example.com")
        .text("about", "Mathematician.")
        .part("photo", multipart::Part::bytes(photo).file_name("photo.png"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_takes_real_images_only() {
    let app = spawn_app().await;
    let b = admitted(&app, "xena").await;
    let send = |f: multipart::Form| b.client.post(b.url("/api/form/submit")).multipart(f).send();

    // A text file named .png is refused by its content.
    let body = assert_4xx_with_message(send(form(b"just text".to_vec(), "Ada")).await.unwrap(), "text").await;
    assert!(body.contains("JPEG, PNG or WebP"), "{body}");
    // Over 5 MiB.
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let body = assert_4xx_with_message(send(form(big, "Ada")).await.unwrap(), "big").await;
    assert!(body.contains("5 MiB"), "{body}");
    // Missing name: refused, and what was typed is kept for the page.
    let body = assert_4xx_with_message(send(form(PNG.to_vec(), "")).await.unwrap(), "no name").await;
    assert!(body.contains("Full name"), "{body}");
    let (_, html) = b.page("/form").await;
    assert!(html.contains("ada@example.com") && html.contains("Mathematician."), "draft kept");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM submissions").await, 0);

    // A real PNG is stored, bytes and all, and shown back.
    let res = send(form(PNG.to_vec(), "Ada Lovelace")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.scalar("SELECT length(photo) FROM submissions").await, PNG.len() as i64);
    let (status, html) = b.page("/form/received").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ada Lovelace") && html.contains("image/png"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_refuses_accounts_not_admitted() {
    let app = spawn_app().await;
    let signed_out = app.browser();
    let f = form(PNG.to_vec(), "Eve");
    let res = signed_out.client.post(signed_out.url("/api/form/submit")).multipart(f).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let b = app.signed_in("eve").await;
    let f = form(PNG.to_vec(), "Eve");
    let res = b.client.post(b.url("/api/form/submit")).multipart(f).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(b.call("/api/form/receipt", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM submissions").await, 0);
    let _ = PASSWORD;
}
