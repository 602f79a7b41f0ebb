//! The command line: `serve` (the default), `users …`, `codes …`, `outbox …`,
//! `addresses …`, `attempts export`: the console's actions, for terminals and scripts.

use std::{
    io::{BufRead, Write},
    process::ExitCode,
    time::Duration,
};

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use super::{
    accounts,
    admin::{self, AdminError},
    audit_csv,
    clock::format_utc,
    codes::{self, CodeSpec},
    config::{parse_duration, Settings},
    directory::local::hash_password,
    startup::{build_state, Application},
    state::AppState,
};
use crate::domain::{
    admin::{AttemptFilter, Reason},
    Password, ReferralCode, Username,
};

#[derive(Debug, Parser)]
#[command(
    name = "referral-gate",
    version,
    about = "An invite-only gate: sign in, enter a referral code, reach a protected form."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (the default).
    Serve,
    /// Bring the database schema up to date (serve does this too) and exit.
    Migrate,
    /// Manage accounts of the local directory.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage referral codes.
    #[command(subcommand)]
    Codes(CodesCommand),
    /// Deliveries to the directory and the alerts that have not gone through.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Client addresses blocked for too many wrong codes or sign-ins.
    #[command(subcommand)]
    Addresses(AddressesCommand),
    /// The audit trail of referral code attempts.
    #[command(subcommand)]
    Attempts(AttemptsCommand),
}

#[derive(Debug, Subcommand)]
pub enum AddressesCommand {
    /// List the blocks in force, with their expiry.
    List,
    /// Lift the blocks on an address.
    Lift { address: String },
}

#[derive(Debug, Subcommand)]
pub enum AttemptsCommand {
    /// Write the attempts (newest first) as CSV to stdout; the filters combine.
    Export {
        /// Only this account (username).
        #[arg(long)]
        account: Option<String>,
        /// Only this client address.
        #[arg(long)]
        address: Option<String>,
        /// Only this outcome (admitted, invalid, locked, dry_run_locked, refused_locked, refused_address).
        #[arg(long)]
        outcome: Option<String>,
        /// From this UTC time on, e.g. 2026-12-01 or 2026-12-01T08:00.
        #[arg(long)]
        from: Option<String>,
        /// Before this UTC time.
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List pending and given-up deliveries with their last error.
    List,
    /// Try a delivery again now.
    Retry { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user (or reset its password); the password is read from stdin.
    Add {
        name: String,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Re-enable a locked account, clear its failures and notify the administrators.
    Unlock {
        name: String,
        /// Why (recorded with who did it, and sent with the alert).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Create codes and print each on its own line.
    Create {
        /// How many accounts each code may admit (default: unlimited).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        max_uses: Option<u32>,
        /// Expiry, e.g. 30d, 12h.
        #[arg(long, value_parser = parse_duration)]
        expires_in: Option<Duration>,
        /// A note for administrators.
        #[arg(long)]
        note: Option<String>,
        /// Use this code instead of a generated one (6–32 letters and digits).
        #[arg(long, conflicts_with = "count")]
        code: Option<String>,
        /// How many codes to create.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        count: u32,
    },
    /// List codes (prefix, uses, expiry, status).
    List,
    /// Revoke a code, given in full or by the prefix `codes list` shows.
    Revoke { code_or_prefix: String },
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.settings.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Application::build(&settings).await?.run_until_stopped().await,
        Command::Migrate => {
            std::fs::create_dir_all(&settings.data_dir)?;
            super::store::Store::connect(&settings.database_url()).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Users(cmd) => users(&build_state(&settings).await?, cmd).await,
        Command::Codes(cmd) => codes_cmd(&build_state(&settings).await?, cmd).await,
        Command::Outbox(cmd) => outbox_cmd(&build_state(&settings).await?, cmd).await,
        Command::Addresses(cmd) => addresses_cmd(&build_state(&settings).await?, cmd).await,
        Command::Attempts(cmd) => attempts_cmd(&build_state(&settings).await?, cmd).await,
    }
}

/// Who acts from the command line, as the audit records it.
fn operator() -> String {
    format!("command line ({})", std::env::var("USER").unwrap_or_else(|_| "unknown user".into()))
}

fn explain(e: AdminError) -> anyhow::Error {
    match e {
        AdminError::Refused(m) => anyhow::anyhow!(m),
        AdminError::Internal(e) => e,
    }
}

async fn addresses_cmd(state: &AppState, cmd: AddressesCommand) -> anyhow::Result<()> {
    match cmd {
        AddressesCommand::List => {
            println!("{:<40} {:<16} {:<22} {:>6}", "ADDRESS", "BLOCKED FROM", "UNTIL", "BLOCKS");
            for b in admin::blocked_addresses(state).await.map_err(explain)? {
                println!("{:<40} {:<16} {:<22} {:>6}", b.address, b.scope, b.until, b.blocks);
            }
            Ok(())
        }
        AddressesCommand::Lift { address } => {
            let ip = admin::lift_block(state, &operator(), &address).await.map_err(explain)?;
            println!("the block on {ip} is lifted");
            Ok(())
        }
    }
}

async fn attempts_cmd(state: &AppState, cmd: AttemptsCommand) -> anyhow::Result<()> {
    let AttemptsCommand::Export { account, address, outcome, from, to } = cmd;
    let filter = AttemptFilter {
        account: account.unwrap_or_default(),
        address: address.unwrap_or_default(),
        outcome: outcome.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
    };
    let q = admin::attempt_query(&filter).map_err(explain)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&audit_csv::header())?;
    let mut before = Some(i64::MAX);
    while let Some(b) = before {
        let (bytes, next) = audit_csv::batch(&state.store, &q, b).await?;
        out.write_all(&bytes)?;
        before = next;
    }
    out.flush()?;
    Ok(())
}

async fn users(state: &AppState, cmd: UsersCommand) -> anyhow::Result<()> {
    match cmd {
        UsersCommand::Add { name, admin } => {
            anyhow::ensure!(
                state.directory.is_local(),
                "accounts live in Cognito here: add users in the user pool (e.g. AdminCreateUser)"
            );
            let name = Username::parse(&name).map_err(anyhow::Error::msg)?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']).to_owned();
            anyhow::ensure!(
                password.chars().count() >= 8,
                "the password (read from stdin) must have at least 8 characters"
            );
            let password = Password::parse(password).map_err(anyhow::Error::msg)?;
            let hash = hash_password(&password)?;
            state.store.upsert_local_user(name.as_str(), &hash, admin, state.clock.now()).await?;
            println!("user {name} saved{}", if admin { " (administrator)" } else { "" });
            Ok(())
        }
        UsersCommand::Unlock { name, reason } => {
            let name = Username::parse(&name).map_err(anyhow::Error::msg)?;
            let reason = Reason::parse(&reason).map_err(anyhow::Error::msg)?;
            accounts::unlock(state, &name, &operator(), &reason).await.map_err(explain)?;
            println!("user {name} unlocked");
            Ok(())
        }
    }
}

async fn outbox_cmd(state: &AppState, cmd: OutboxCommand) -> anyhow::Result<()> {
    match cmd {
        OutboxCommand::List => {
            println!(
                "{:>6}  {:<20} {:<8} {:>8}  {:<22} LAST ERROR",
                "ID", "KIND", "STATE", "ATTEMPTS", "NEXT TRY"
            );
            for row in state.store.undelivered().await? {
                println!(
                    "{:>6}  {:<20} {:<8} {:>8}  {:<22} {}",
                    row.id,
                    row.kind,
                    row.state,
                    row.attempts,
                    if row.state == "failed" { "given up".into() } else { format_utc(row.next_attempt_at) },
                    row.last_error.unwrap_or_default()
                );
            }
            Ok(())
        }
        OutboxCommand::Retry { id } => {
            anyhow::ensure!(state.store.retry_now(id, state.clock.now()).await?, "no undelivered row {id}");
            let delivered = state.outbox.deliver(Some(&[id])).await;
            println!("{}", if delivered == 1 { "delivered" } else { "still failing; see `outbox list`" });
            Ok(())
        }
    }
}

async fn codes_cmd(state: &AppState, cmd: CodesCommand) -> anyhow::Result<()> {
    let now = state.clock.now();
    match cmd {
        CodesCommand::Create { max_uses, expires_in, note, code, count } => {
            let spec = CodeSpec { max_uses, expires_in, note };
            let custom = code.map(|c| ReferralCode::parse(&c)).transpose()?;
            if let Some(code) = custom {
                println!("{}", codes::create(&state.store, &state.secret, Some(code), &spec, now).await?);
                return Ok(());
            }
            for _ in 0..count {
                println!("{}", codes::create(&state.store, &state.secret, None, &spec, now).await?);
            }
            Ok(())
        }
        CodesCommand::List => {
            println!("{:<10} {:>6} {:>8}  {:<22} {:<8} NOTE", "PREFIX", "USES", "MAX", "EXPIRES", "STATUS");
            for c in state.store.list_codes().await? {
                let status = codes::status(&c, now);
                println!(
                    "{:<10} {:>6} {:>8}  {:<22} {:<8} {}",
                    format!("{}-…", c.prefix),
                    c.uses,
                    c.max_uses.map_or("∞".into(), |m| m.to_string()),
                    c.expires_at.map_or("never".into(), format_utc),
                    status,
                    c.note.unwrap_or_default()
                );
            }
            Ok(())
        }
        CodesCommand::Revoke { code_or_prefix } => {
            let n = codes::revoke(&state.store, &state.secret, &code_or_prefix, now).await?;
            println!("revoked {n} code{}", if n == 1 { "" } else { "s" });
            Ok(())
        }
    }
}
