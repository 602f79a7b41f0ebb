//! The administrators' console over HTTP, and its command-line twins.

mod common;

use common::{spawn_app, spawn_app_with, Browser, TestApp, PASSWORD, PNG};
use referral_gate::{
    domain::{
        admin::{Admin, AttemptsPage, CodeView, LockedView},
        GateOutcome,
    },
    server::guard::Limit,
};
use reqwest::{multipart, StatusCode};

const WRONG: &str = "ZZZZ-ZZZZ-ZZZZ";

/// Every admin server function, with arguments it would accept from an administrator.
const ADMIN_CALLS: [(&str, &[(&str, &str)]); 13] = [
    ("/api/admin/overview", &[]),
    ("/api/admin/codes", &[]),
    (
        "/api/admin/codes/create",
        &[("max_uses", "1"), ("expires_in", ""), ("note", "x"), ("code", ""), ("count", "2")],
    ),
    ("/api/admin/codes/revoke", &[("id", "1")]),
    ("/api/admin/locked", &[]),
    ("/api/admin/locked/unlock", &[("username", "locky"), ("reason", "because")]),
    ("/api/admin/addresses", &[]),
    ("/api/admin/addresses/lift", &[("address", "10.9.9.9")]),
    ("/api/admin/attempts", &[("filter[account]", ""), ("page", "0")]),
    ("/api/admin/submissions", &[("page", "0")]),
    ("/api/admin/submission", &[("id", "1")]),
    ("/api/admin/outbox", &[]),
    ("/api/admin/outbox/retry", &[("id", "1")]),
];

/// Locks `name` (the app runs with `--max-retries 1`).
async fn lock(app: &TestApp, name: &str) {
    let b = app.signed_in(name).await;
    for _ in 0..2 {
        b.submit_code(WRONG).await;
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM accounts WHERE username = '{name}' AND locked_at IS NOT NULL"
        ))
        .await,
        1
    );
}

async fn state_fingerprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM codes",
        "SELECT COUNT(*) FROM codes WHERE revoked_at IS NOT NULL",
        "SELECT COUNT(*) FROM accounts WHERE locked_at IS NOT NULL",
        "SELECT COUNT(*) FROM throttle WHERE blocked_until IS NOT NULL",
        "SELECT COUNT(*) FROM admin_actions",
        "SELECT COUNT(*) FROM outbox",
        "SELECT COALESCE(SUM(attempts), 0) FROM outbox",
    ] {
        out.push(app.scalar(sql).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_function_refuses_others_with_403_and_changes_nothing() {
    let app = spawn_app_with(&["--max-retries", "1"]).await;
    app.create_code(Some(1)).await;
    lock(&app, "locky").await;
    let now = app.state.clock.now();
    let limit = Limit { max: 1, window: std::time::Duration::from_secs(3600) };
    app.state.store.throttle_failure("gate:addr:10.9.9.9", limit, now).await.unwrap();
    let before = state_fingerprint(&app).await;

    let user = app.signed_in("plain").await;
    let nobody = app.browser();
    for (who, b) in [("a signed-in user", &user), ("a signed-out client", &nobody)] {
        for (endpoint, args) in ADMIN_CALLS {
            let res = b.call(endpoint, args).await;
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint} by {who}: {body}");
            assert!(body.contains("Forbidden"), "{endpoint}: {body}");
        }
        for path in ["/admin/attempts.csv", "/admin/submissions/1/photo"] {
            let res = b.client.get(b.url(path)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} by {who}");
        }
        let (status, html) = b.page("/admin/codes").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "/admin/codes page by {who}");
        assert!(html.contains("This is for administrators only."), "{html}");
    }
    assert_eq!(state_fingerprint(&app).await, before, "nothing changed");
}

async fn admin_json<T: serde::de::DeserializeOwned>(b: &Browser, endpoint: &str, args: &[(&str, &str)]) -> T {
    let res = b.call(endpoint, args).await;
    assert_eq!(res.status(), StatusCode::OK, "{endpoint}");
    res.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_unlocks_an_account_with_a_reason() {
    let app = spawn_app_with(&["--max-retries", "1"]).await;
    lock(&app, "locky").await;
    app.eventually("SELECT COUNT(*) FROM local_users WHERE username = 'locky' AND enabled = 0", 1).await;
    let admin = app.signed_in_admin("root").await;

    let locked: Admin<LockedView> = admin_json(&admin, "/api/admin/locked", &[]).await;
    let row = locked.data.accounts.iter().find(|a| a.username == "locky").expect("listed");
    assert_eq!(row.failures, 2);
    assert_eq!(row.last_address.as_deref(), Some("127.0.0.1"));
    assert_eq!((row.disable.state.as_str(), row.alert.state.as_str()), ("done", "done"));

    // No reason, no unlock.
    let res = admin.call("/api/admin/locked/unlock", &[("username", "locky"), ("reason", "  ")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("Please give a reason."));

    let res = admin
        .call("/api/admin/locked/unlock", &[("username", "locky"), ("reason", "Verified by phone")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Twice (a double click): refused, still one alert.
    let res = admin.call("/api/admin/locked/unlock", &[("username", "locky"), ("reason", "again")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("locky is not locked."));

    app.eventually("SELECT COUNT(*) FROM alerts WHERE event = 'account_unlocked'", 1).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE event = 'account_unlocked' AND message LIKE '%by root, reason: Verified by phone%'").await, 1);
    assert_eq!(app.scalar("SELECT failures FROM accounts WHERE username = 'locky'").await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM admin_actions WHERE action = 'unlock' AND actor = 'root' AND target = 'locky' AND reason = 'Verified by phone'").await,
        1
    );
    // The page shows who and why.
    let (status, html) = admin.page("/admin/locked").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Verified by phone") && html.contains("root"), "{html}");

    // The user signs in again and starts from zero.
    let again = app.browser();
    assert_eq!(again.sign_in("locky", PASSWORD).await.status(), StatusCode::OK);
    let outcome: GateOutcome = again.submit_code(WRONG).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::Rejected { failures: 1, max_retries: 1 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_cancels_a_disable_not_yet_delivered() {
    let app = spawn_app_with(&["--max-retries", "1"]).await;
    lock(&app, "slow").await;
    // Pretend the disable never went through (AWS down): back to pending.
    sqlx::query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = 9000000000000 WHERE kind = 'disable_user'",
    )
    .execute(app.state.store.pool())
    .await
    .unwrap();
    let admin = app.signed_in_admin("root").await;
    let res = admin.call("/api/admin/locked/unlock", &[("username", "slow"), ("reason", "mistake")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'disable_user' AND state = 'cancelled'").await,
        1
    );
    let b = app.browser();
    assert_eq!(b.sign_in("slow", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_created_listed_and_revoked_from_the_console() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin("root").await;
    let args =
        [("max_uses", "2"), ("expires_in", "30d"), ("note", "spring batch"), ("code", ""), ("count", "3")];
    let codes: Vec<String> = admin_json(&admin, "/api/admin/codes/create", &args).await;
    assert_eq!(codes.len(), 3);
    // Shown once: the page after the action lists them, the next one does not.
    let (_, html) = admin.page("/admin/codes").await;
    assert!(codes.iter().all(|c| html.contains(c.as_str())), "new codes shown");
    let (_, html) = admin.page("/admin/codes").await;
    assert!(codes.iter().all(|c| !html.contains(c.as_str())), "shown only once");

    // Bad input: a message each, nothing created.
    for (field, value, message) in [
        ("max_uses", "0", "Max uses"),
        ("expires_in", "soon", "Expires in"),
        ("count", "5000", "How many"),
        ("code", "no!", "Custom code"),
    ] {
        let mut args = vec![("max_uses", ""), ("expires_in", ""), ("note", ""), ("code", ""), ("count", "1")];
        args.retain(|(k, _)| *k != field);
        args.push((field, value));
        let res = admin.call("/api/admin/codes/create", &args).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{field}");
        assert!(res.text().await.unwrap().contains(message), "{field}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM codes").await, 3);

    // A user redeems one; the console shows the use.
    let user = app.signed_in("newbie").await;
    assert_eq!(user.submit_code(&codes[0]).await.json::<GateOutcome>().await.unwrap(), GateOutcome::Admitted);
    let list: Admin<Vec<CodeView>> = admin_json(&admin, "/api/admin/codes", &[]).await;
    let used: Vec<&CodeView> = list.data.iter().filter(|c| c.uses == 1).collect();
    assert_eq!(used.len(), 1);
    assert_eq!(
        (used[0].max_uses, used[0].note.as_str(), used[0].status.as_str()),
        (Some(2), "spring batch", "active")
    );

    let id = used[0].id.to_string();
    assert_eq!(admin.call("/api/admin/codes/revoke", &[("id", &id)]).await.status(), StatusCode::OK);
    let list: Admin<Vec<CodeView>> = admin_json(&admin, "/api/admin/codes", &[]).await;
    assert_eq!(list.data.iter().find(|c| c.id.to_string() == id).unwrap().status, "revoked");
    assert_eq!(admin.call("/api/admin/codes/revoke", &[("id", &id)]).await.status(), StatusCode::BAD_REQUEST);

    // A custom code, once.
    let custom =
        [("max_uses", ""), ("expires_in", ""), ("note", ""), ("code", "welcome-2027"), ("count", "1")];
    let made: Vec<String> = admin_json(&admin, "/api/admin/codes/create", &custom).await;
    // Crockford base32: L reads as 1 and O as 0, so it is typed either way.
    assert_eq!(made, vec!["WE1C-0ME2-027".to_owned()]);
    let res = admin.call("/api/admin/codes/create", &custom).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_addresses_are_listed_and_lifted_from_the_console_and_the_command_line() {
    let app = spawn_app_with(&["--ip-max-failures", "2"]).await;
    let b = app.signed_in("noisy").await;
    for _ in 0..2 {
        b.submit_code(WRONG).await;
    }
    assert_eq!(b.submit_code(WRONG).await.status(), StatusCode::TOO_MANY_REQUESTS);
    let admin = app.signed_in_admin("root").await;
    let list: Admin<Vec<referral_gate::domain::admin::BlockedAddress>> =
        admin_json(&admin, "/api/admin/addresses", &[]).await;
    assert_eq!(list.data.len(), 1);
    assert_eq!((list.data[0].address.as_str(), list.data[0].scope.as_str()), ("127.0.0.1", "referral codes"));

    let res = admin.call("/api/admin/addresses/lift", &[("address", "not-an-ip")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        admin.call("/api/admin/addresses/lift", &[("address", "127.0.0.1")]).await.status(),
        StatusCode::OK
    );
    let outcome: GateOutcome = b.submit_code(WRONG).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::Rejected { failures: 3, max_retries: 5 });

    // Blocked again, and lifted from the command line.
    b.submit_code(WRONG).await;
    let out = app.cli(&["addresses", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("127.0.0.1"), "{out:?}");
    let out = app.cli(&["addresses", "lift", "127.0.0.1"]);
    assert!(out.status.success(), "{out:?}");
    let out = app.cli(&["addresses", "lift", "127.0.0.1"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not blocked"), "{out:?}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM admin_actions WHERE action = 'lift_block'").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_unlocks_with_a_reason() {
    let app = spawn_app_with(&["--max-retries", "1"]).await;
    lock(&app, "locky").await;
    let out = app.cli(&["users", "unlock", "locky"]);
    assert!(!out.status.success(), "the reason is required");
    let out = app.cli(&["users", "unlock", "locky", "--reason", "Ticket 42"]);
    assert!(out.status.success(), "{out:?}");
    app.eventually(
        "SELECT COUNT(*) FROM alerts WHERE event = 'account_unlocked' AND message LIKE '%Ticket 42%'",
        1,
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM admin_actions WHERE reason = 'Ticket 42'").await, 1);
}

/// 10,000 attempts of one account plus others the filter must leave out.
async fn seed_attempts(app: &TestApp) {
    app.state.store.ensure_account("local:bulk", "bulk", 0).await.unwrap();
    for (subject, outcome, n) in
        [("local:bulk", "invalid", 10_000), ("local:bulk", "admitted", 7), ("local:other", "invalid", 300)]
    {
        let sql = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
             INSERT INTO attempts (subject, address, user_agent, outcome, at)
             SELECT '{subject}', '10.1.2.3', '=cmd|calc', '{outcome}', 1764547200000 + i FROM n"
        );
        sqlx::query(&sql).execute(app.state.store.pool()).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_exports_exactly_the_filtered_rows_and_never_a_code() {
    let app = spawn_app().await;
    seed_attempts(&app).await;
    // Real attempts with codes typed by a user: none of them may appear anywhere.
    let code = app.create_code(None).await.to_string();
    let user = app.signed_in("typist").await;
    user.submit_code("QQQQ-RRRR-SSSS").await;
    user.submit_code(&code).await;
    let admin = app.signed_in_admin("root").await;

    let res =
        admin.client.get(admin.url("/admin/attempts.csv?account=bulk&outcome=invalid")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "id,time_utc,account,subject,address,user_agent,outcome");
    assert_eq!(lines.len(), 10_001, "header and exactly the filtered rows");
    assert!(
        lines[1..].iter().all(|l| l.contains(",bulk,local:bulk,10.1.2.3,'=cmd|calc,invalid")),
        "{}",
        lines[1]
    );
    let ids: std::collections::HashSet<&str> =
        lines[1..].iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), 10_000, "no row twice");

    // Time filter: the first 100 of the bulk rows.
    let res = admin
        .client
        .get(admin.url("/admin/attempts.csv?account=bulk&outcome=invalid&to=2025-12-01T00:00:00.101Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap().lines().count(), 101);

    // Everything, the user's real attempts included: no code in it.
    let all = admin.client.get(admin.url("/admin/attempts.csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(all.lines().count(), 1 + 10_000 + 7 + 300 + 2);
    for secret in ["QQQQ-RRRR-SSSS", "QQQQRRRRSSSS", code.as_str(), &code.replace('-', "")] {
        assert!(!all.contains(secret), "a submitted code leaked into the export");
    }
    // The command line exports the same rows.
    let out = app.cli(&["attempts", "export", "--account", "bulk", "--outcome", "invalid"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), csv);

    // The page: filtered, paginated, a bad filter gets a message.
    let page: Admin<AttemptsPage> = admin_json(
        &admin,
        "/api/admin/attempts",
        &[("filter[account]", "bulk"), ("filter[outcome]", "admitted"), ("page", "0")],
    )
    .await;
    assert_eq!((page.data.total, page.data.rows.len()), (7, 7));
    let res = admin.call("/api/admin/attempts", &[("filter[from]", "yesterday"), ("page", "0")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("From"));
    let res = admin.client.get(admin.url("/admin/attempts.csv?outcome=bogus")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_counts_and_alerts_but_never_locks() {
    let app = spawn_app_with(&["--dry-run"]).await;
    let b = app.signed_in("tester").await;
    for k in 1..=5 {
        let outcome: GateOutcome = b.submit_code(WRONG).await.json().await.unwrap();
        assert_eq!(outcome, GateOutcome::Rejected { failures: k, max_retries: 5 });
    }
    let outcome: GateOutcome = b.submit_code(WRONG).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::DryRunLocked { failures: 6 });
    let (_, html) = b.page("/gate").await;
    assert!(html.contains("You have exceeded the maximum number of retries."), "{html}");
    assert!(html.contains("Dry run"), "{html}");
    let outcome: GateOutcome = b.submit_code(WRONG).await.json().await.unwrap();
    assert_eq!(outcome, GateOutcome::DryRunLocked { failures: 7 });

    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts WHERE locked_at IS NOT NULL").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM local_users WHERE enabled = 0").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'disable_user'").await, 0);
    app.eventually("SELECT COUNT(*) FROM alerts", 1).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alerts WHERE event = 'account_disabled' AND message LIKE 'Dry run:%would have been disabled%'").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attempts WHERE outcome = 'dry_run_locked'").await, 2);
    // Still signed in, and signing in again works.
    assert_eq!(app.browser().sign_in("tester", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_failing_across_accounts_raises_one_spray_alert_per_window() {
    let app = spawn_app_with(&["--spray-accounts", "3", "--spray-window", "3s"]).await;
    let mut browsers = Vec::new();
    for i in 0..5 {
        browsers.push(app.signed_in(&format!("victim{i}")).await);
    }
    for b in &browsers {
        b.submit_code(WRONG).await;
    }
    let spray = "SELECT COUNT(*) FROM alerts WHERE event = 'spray_suspected'";
    app.eventually(spray, 1).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alerts WHERE message LIKE '%127.0.0.1 failed referral codes on 3 different accounts%'").await,
        1
    );
    for b in &browsers {
        b.submit_code(WRONG).await;
    }
    assert_eq!(app.scalar(spray).await, 1, "one alert per window");
    // The next window: one more.
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    for b in &browsers[..3] {
        b.submit_code(WRONG).await;
    }
    app.eventually(spray, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_of_all_accounts_together_raise_one_spray_alert() {
    let app = spawn_app_with(&["--spray-max-failures", "3", "--spray-accounts", "50"]).await;
    for i in 0..3 {
        let b = app.signed_in(&format!("user{i}")).await;
        for _ in 0..2 {
            b.submit_code(WRONG).await;
        }
    }
    app.eventually("SELECT COUNT(*) FROM alerts WHERE event = 'spray_suspected'", 1).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alerts WHERE message LIKE '%wrong referral codes from all accounts together%'").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_and_their_photos_are_shown_to_administrators() {
    let app = spawn_app().await;
    let code = app.create_code(None).await.to_string();
    let user = app.signed_in("ada").await;
    user.submit_code(&code).await;
    let form = multipart::Form::new()
        .text("full_name", "Ada Lovelace")
        .text("email", "ada@example.com")
        .text("about", "Mathematician.")
        .part("photo", multipart::Part::bytes(PNG.to_vec()).file_name("me.png"));
    let res = user.client.post(user.url("/api/form/submit")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let admin = app.signed_in_admin("root").await;
    let list: Admin<Vec<referral_gate::domain::admin::SubmissionSummary>> =
        admin_json(&admin, "/api/admin/submissions", &[("page", "0")]).await;
    assert_eq!(list.data.len(), 1);
    assert_eq!((list.data[0].username.as_str(), list.data[0].full_name.as_str()), ("ada", "Ada Lovelace"));
    let id = list.data[0].id;
    let (status, html) = admin.page(&format!("/admin/submissions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Mathematician.") && html.contains(&format!("/admin/submissions/{id}/photo")));
    let photo = admin.client.get(admin.url(&format!("/admin/submissions/{id}/photo"))).send().await.unwrap();
    assert_eq!(photo.headers()["content-type"], "image/png");
    assert_eq!(photo.bytes().await.unwrap().as_ref(), PNG);
    let res = admin.call("/api/admin/submission", &[("id", "999")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = admin.client.get(admin.url("/admin/submissions/abc/photo")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_land_on_the_console() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin("root").await;
    let (status, location) = admin.page("/").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location, "/admin");
    let (status, html) = admin.page("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("locked accounts") && html.contains("Signed in as"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taking_the_role_away_takes_effect_at_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin("root").await;
    assert_eq!(admin.call("/api/admin/overview", &[]).await.status(), StatusCode::OK);
    app.add_local_user("root", false).await; // `users add root` without --admin
    assert_eq!(admin.call("/api/admin/overview", &[]).await.status(), StatusCode::FORBIDDEN);
}
