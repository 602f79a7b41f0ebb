//! The audit trail as CSV, produced in batches so 10,000 rows (or a million) are
//! streamed without being held in memory. The submitted code is never stored, so it
//! cannot appear here.

use std::time::{Duration, UNIX_EPOCH};

use futures_util::Stream;

use super::store::{admin::AttemptRow, AttemptQuery, Store};

const BATCH: u32 = 1000;
pub const HEADER: [&str; 7] = ["id", "time_utc", "account", "subject", "address", "user_agent", "outcome"];

/// The header line.
pub fn header() -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(HEADER);
    w.into_inner().unwrap_or_default()
}

/// The next batch of rows, newest first, with ids below `before`; the bytes and where
/// the following batch starts (`None` at the end).
pub async fn batch(store: &Store, q: &AttemptQuery, before: i64) -> sqlx::Result<(Vec<u8>, Option<i64>)> {
    let rows = store.attempts(q, before, BATCH, 0).await?;
    let next = (rows.len() == BATCH as usize).then(|| rows.last().map(|r| r.id)).flatten();
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 120));
    for r in &rows {
        let _ = w.write_record(record(r));
    }
    Ok((w.into_inner().unwrap_or_default(), next))
}

fn record(r: &AttemptRow) -> [String; 7] {
    let at = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_millis(r.at.max(0) as u64));
    [
        r.id.to_string(),
        at.to_string(),
        cell(&r.username),
        cell(&r.subject),
        cell(&r.address),
        cell(r.user_agent.as_deref().unwrap_or("")),
        r.outcome.clone(),
    ]
}

/// A spreadsheet runs a cell that starts like a formula; user agents are chosen by
/// clients, so such cells get a leading apostrophe (the OWASP advice).
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// The whole export: header, then batches until the end.
pub fn stream(store: Store, q: AttemptQuery) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    futures_util::stream::unfold(Some(None), move |next: Option<Option<i64>>| {
        let (store, q) = (store.clone(), q.clone());
        async move {
            match next? {
                None => Some((Ok(header()), Some(Some(i64::MAX)))),
                Some(before) => match batch(&store, &q, before).await {
                    Ok((bytes, following)) => Some((Ok(bytes), following.map(Some))),
                    Err(e) => {
                        tracing::error!(error = %e, "attempts export failed midway");
                        Some((Err(std::io::Error::other("export failed")), None))
                    }
                },
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("Mozilla/5.0"), "Mozilla/5.0");
        assert_eq!(cell(""), "");
    }
}
