//! The brute-force policy: pure decisions over the numbers the store counts atomically.
//! No I/O here, and time comes in as an argument, so every rule is unit-tested.

use std::time::Duration;

use super::clock::Millis;

/// The longest an address is ever blocked.
pub const MAX_BLOCK: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failed code attempts an account may make; the next failure locks it.
    pub max_retries: u32,
    /// Failures older than this stop counting.
    pub failure_window: Duration,
    pub ip_max_failures: u32,
    pub ip_window: Duration,
    /// Count, warn and alert as usual, but never lock (for trying the policy out).
    pub dry_run: bool,
    pub spray: SprayPolicy,
}

/// When failures look like one source trying codes across many accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SprayPolicy {
    /// Accounts one address fails on within the window.
    pub accounts: u32,
    /// Wrong codes of all accounts together within the window (more is suspicious).
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for SprayPolicy {
    fn default() -> Self {
        Self { accounts: 5, max_failures: 200, window: Duration::from_secs(3600) }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            failure_window: Duration::from_secs(24 * 3600),
            ip_max_failures: 20,
            ip_window: Duration::from_secs(3600),
            dry_run: false,
            spray: SprayPolicy::default(),
        }
    }
}

/// A failure limit for one key (an address, a username): `max` within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// Sign-in failures allowed per username and per address (local directory only;
/// Cognito has its own lockout).
pub const SIGN_IN_PER_USER: Limit = Limit { max: 10, window: Duration::from_secs(15 * 60) };
pub const SIGN_IN_PER_ADDRESS: Limit = Limit { max: 50, window: Duration::from_secs(15 * 60) };

/// What follows a wrong code, given the account's count including this failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Tell the user; `left` more failures are allowed before the lock.
    Warn { failures: u32, left: u32 },
    /// One failure past the limit: lock the account.
    Lock,
    /// Past the limit in dry-run mode: nothing is locked; the `first` time raises the
    /// alert the lock would have raised.
    WouldLock { failures: u32, first: bool },
}

impl Policy {
    pub fn address_limit(&self) -> Limit {
        Limit { max: self.ip_max_failures, window: self.ip_window }
    }

    /// The highest count an attempt may claim and still be evaluated: the attempt
    /// that would be failure `max_retries + 1` is the last one looked at.
    /// In dry-run mode nothing locks, so counting goes on.
    pub fn claim_ceiling(&self) -> u32 {
        if self.dry_run {
            u32::MAX / 2
        } else {
            self.max_retries + 1
        }
    }

    /// Failures before this instant no longer count.
    pub fn failure_cutoff(&self, now: Millis) -> Millis {
        cutoff(now, self.failure_window)
    }

    pub fn after_wrong_code(&self, failures: u32) -> Verdict {
        if failures > self.max_retries && self.dry_run {
            Verdict::WouldLock { failures, first: failures == self.max_retries + 1 }
        } else if failures > self.max_retries {
            Verdict::Lock
        } else {
            Verdict::Warn { failures, left: self.max_retries - failures }
        }
    }

    /// How long an address is blocked the `(prior_blocks + 1)`th time: the address
    /// window, doubling on each repeat, at most a day.
    pub fn address_block(&self, prior_blocks: u32) -> Duration {
        block_duration(self.ip_window, prior_blocks)
    }
}

pub fn cutoff(now: Millis, window: Duration) -> Millis {
    now.saturating_sub(window.as_millis() as Millis)
}

/// `base × 2^prior`, capped at [`MAX_BLOCK`].
pub fn block_duration(base: Duration, prior_blocks: u32) -> Duration {
    let factor = 1u32.checked_shl(prior_blocks.min(31)).unwrap_or(u32::MAX);
    base.checked_mul(factor).map_or(MAX_BLOCK, |d| d.min(MAX_BLOCK))
}

/// A block long past (a quiet day since it ended) no longer makes the next one longer.
pub fn prior_blocks(blocks: u32, blocked_until: Option<Millis>, now: Millis) -> u32 {
    match blocked_until {
        Some(until) if until >= cutoff(now, MAX_BLOCK) => blocks,
        _ => 0,
    }
}

/// Seconds until `until`, rounded up, at least one (for Retry-After).
pub fn retry_after_secs(until: Millis, now: Millis) -> u64 {
    (until.saturating_sub(now).max(1) as u64).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::clock::{Clock, ManualClock};

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn five_failures_warn_and_the_sixth_locks() {
        let p = Policy::default();
        assert_eq!(p.after_wrong_code(1), Verdict::Warn { failures: 1, left: 4 });
        assert_eq!(p.after_wrong_code(5), Verdict::Warn { failures: 5, left: 0 });
        assert_eq!(p.after_wrong_code(6), Verdict::Lock);
        assert_eq!(p.claim_ceiling(), 6);
    }

    #[test]
    fn dry_run_never_locks_and_alerts_once() {
        let p = Policy { dry_run: true, ..Policy::default() };
        assert_eq!(p.after_wrong_code(5), Verdict::Warn { failures: 5, left: 0 });
        assert_eq!(p.after_wrong_code(6), Verdict::WouldLock { failures: 6, first: true });
        assert_eq!(p.after_wrong_code(7), Verdict::WouldLock { failures: 7, first: false });
        assert!(p.claim_ceiling() > 1_000_000);
    }

    #[test]
    fn configured_limit_is_used() {
        let p = Policy { max_retries: 2, ..Policy::default() };
        assert_eq!(p.after_wrong_code(2), Verdict::Warn { failures: 2, left: 0 });
        assert_eq!(p.after_wrong_code(3), Verdict::Lock);
    }

    #[test]
    fn failures_leave_the_window() {
        let clock = ManualClock::at(1_000_000_000);
        let p = Policy::default();
        let failed_at = clock.now();
        clock.advance(23 * HOUR);
        assert!(failed_at >= p.failure_cutoff(clock.now()), "still counts after 23 h");
        clock.advance(2 * HOUR);
        assert!(failed_at < p.failure_cutoff(clock.now()), "stops counting after 25 h");
    }

    #[test]
    fn address_blocks_double_up_to_a_day() {
        let p = Policy::default();
        assert_eq!(p.address_block(0), HOUR);
        assert_eq!(p.address_block(1), 2 * HOUR);
        assert_eq!(p.address_block(3), 8 * HOUR);
        assert_eq!(p.address_block(5), MAX_BLOCK);
        assert_eq!(p.address_block(200), MAX_BLOCK);
    }

    #[test]
    fn old_blocks_are_forgiven() {
        let clock = ManualClock::at(10 * 24 * 3_600_000);
        let now = clock.now();
        assert_eq!(prior_blocks(3, Some(now - 1000), now), 3);
        assert_eq!(prior_blocks(3, Some(now - 25 * 3_600_000), now), 0);
        assert_eq!(prior_blocks(3, None, now), 0);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(10_001, 0), 11);
        assert_eq!(retry_after_secs(5, 10), 1);
    }
}
