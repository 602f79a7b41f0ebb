//! Types shared by the server and the browser. No I/O here.

mod account;
pub mod admin;
mod flash;
mod referral_code;
mod submission;

pub use account::{Password, Username};
pub use flash::{Flash, FormDraft, GateOutcome, Page, Snapshot, UserView};
pub use referral_code::{CodeError, ReferralCode, CROCKFORD, GENERATED_LEN};
pub use submission::{About, Email, FullName, PhotoKind, Receipt, MAX_PHOTO_BYTES};

/// "3 minutes", "1 hour", "45 seconds": how long a user must wait.
pub fn wait_text(secs: u64) -> String {
    let (n, unit) = match secs {
        0..=59 => (secs.max(1), "second"),
        60..=3599 => (secs.div_ceil(60), "minute"),
        _ => (secs.div_ceil(3600), "hour"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    #[test]
    fn wait_text() {
        assert_eq!(super::wait_text(0), "1 second");
        assert_eq!(super::wait_text(61), "2 minutes");
        assert_eq!(super::wait_text(3600), "1 hour");
        assert_eq!(super::wait_text(7201), "3 hours");
    }
}
