//! Settings: command-line flags, each with an environment variable (shown by `--help`).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Args;
use ipnet::IpNet;

use super::guard::{Policy, SprayPolicy};

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Folder for the SQLite database and the generated secret.
    #[arg(long, env = "REFERRAL_GATE_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Database address; default: SQLite file `referral-gate.db` in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Address to listen on (the cargo-leptos convention).
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub site_addr: SocketAddr,

    /// Folder with the built site (wasm, js, css), as written by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: String,

    /// Failed code attempts an account may make; the next failure disables it.
    #[arg(long, env = "REFERRAL_GATE_MAX_RETRIES", default_value_t = 5, global = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_retries: u32,

    /// Failures older than this stop counting (e.g. 24h, 30m).
    #[arg(long, env = "REFERRAL_GATE_FAILURE_WINDOW", default_value = "24h", global = true,
          value_parser = parse_duration)]
    pub failure_window: Duration,

    /// Failed code attempts from one client address (across accounts) before it is blocked.
    #[arg(long, env = "REFERRAL_GATE_IP_MAX_FAILURES", default_value_t = 20, global = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub ip_max_failures: u32,

    /// Window for counting an address's failures; also its first block's length.
    #[arg(long, env = "REFERRAL_GATE_IP_WINDOW", default_value = "1h", global = true,
          value_parser = parse_duration)]
    pub ip_window: Duration,

    /// Dry run: count, warn and alert as usual, but never lock or disable an account.
    #[arg(long, env = "REFERRAL_GATE_DRY_RUN", global = true,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub dry_run: bool,

    /// Spray alert: one address failing on at least this many accounts within the spray window.
    #[arg(long, env = "REFERRAL_GATE_SPRAY_ACCOUNTS", default_value_t = 5, global = true,
          value_parser = clap::value_parser!(u32).range(2..))]
    pub spray_accounts: u32,

    /// Spray alert: more wrong codes than this from all accounts together within the window.
    #[arg(long, env = "REFERRAL_GATE_SPRAY_MAX_FAILURES", default_value_t = 200, global = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub spray_max_failures: u32,

    /// Window of the spray alerts; at most one alert of each kind per window.
    #[arg(long, env = "REFERRAL_GATE_SPRAY_WINDOW", default_value = "1h", global = true,
          value_parser = parse_duration)]
    pub spray_window: Duration,

    /// Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed.
    #[arg(
        long,
        env = "REFERRAL_GATE_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true,
        value_parser = parse_proxy
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// Contact address shown to users who have no referral code.
    #[arg(long, env = "REFERRAL_GATE_CONTACT", default_value = "admin@example.com", global = true)]
    pub contact: String,

    /// Mark cookies Secure (set this when serving over HTTPS).
    #[arg(long, env = "REFERRAL_GATE_SECURE_COOKIES", global = true,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,

    /// Secret for hashing referral codes; default: generated into the data folder.
    /// Instances sharing a database must share it.
    #[arg(long, env = "REFERRAL_GATE_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<String>,

    /// Cognito user pool id; with the client id set, accounts live in Cognito.
    #[arg(long, env = "COGNITO_USER_POOL_ID", global = true, requires = "cognito_client_id")]
    pub cognito_user_pool_id: Option<String>,

    /// Cognito app client id (the client needs the USER_PASSWORD_AUTH flow).
    #[arg(long, env = "COGNITO_CLIENT_ID", global = true, requires = "cognito_user_pool_id")]
    pub cognito_client_id: Option<String>,

    /// Cognito app client secret, when the client has one (SECRET_HASH is sent).
    #[arg(long, env = "COGNITO_CLIENT_SECRET", hide_env_values = true, global = true)]
    pub cognito_client_secret: Option<String>,

    /// Where the pool's signing keys are fetched; default: the pool's own JWKS address.
    #[arg(long, env = "COGNITO_JWKS_URL", global = true)]
    pub cognito_jwks_url: Option<String>,

    /// Cognito group that admitted users are added to (optional).
    #[arg(long, env = "COGNITO_ADMITTED_GROUP", global = true)]
    pub cognito_admitted_group: Option<String>,

    /// Cognito group whose members are administrators (optional).
    #[arg(long, env = "COGNITO_ADMIN_GROUP", global = true)]
    pub cognito_admin_group: Option<String>,

    /// SNS topic for alerts; default: alerts go to the log and the database.
    #[arg(long, env = "SNS_TOPIC_ARN", global = true)]
    pub sns_topic_arn: Option<String>,

    /// AWS endpoint (the standard variable; e.g. a local emulator in tests).
    #[arg(long, env = "AWS_ENDPOINT_URL", global = true)]
    pub aws_endpoint_url: Option<String>,

    /// Log format: text or json.
    #[arg(long, env = "REFERRAL_GATE_LOG_FORMAT", default_value = "text", global = true,
          value_parser = ["text", "json"])]
    pub log_format: String,
}

/// The Cognito part of the settings, present when a pool and a client are set.
#[derive(Debug, Clone)]
pub struct CognitoSettings {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub jwks_url: Option<String>,
    pub admitted_group: Option<String>,
    pub admin_group: Option<String>,
}

impl Settings {
    pub fn cognito(&self) -> Option<CognitoSettings> {
        Some(CognitoSettings {
            user_pool_id: self.cognito_user_pool_id.clone()?,
            client_id: self.cognito_client_id.clone()?,
            client_secret: self.cognito_client_secret.clone(),
            jwks_url: self.cognito_jwks_url.clone(),
            admitted_group: self.cognito_admitted_group.clone(),
            admin_group: self.cognito_admin_group.clone(),
        })
    }

    pub fn policy(&self) -> Policy {
        Policy {
            max_retries: self.max_retries,
            failure_window: self.failure_window,
            ip_max_failures: self.ip_max_failures,
            ip_window: self.ip_window,
            dry_run: self.dry_run,
            spray: SprayPolicy {
                accounts: self.spray_accounts,
                max_failures: self.spray_max_failures,
                window: self.spray_window,
            },
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("referral-gate.db").display()),
        }
    }
}

/// Durations such as `24h`, `30m`, `7d`, `90s` (humantime syntax).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{e} (try e.g. 24h, 30m, 7d)"))?;
    if d.is_zero() {
        return Err("must be longer than zero".into());
    }
    Ok(d)
}

/// A proxy as an address (`10.0.0.1`) or a network (`10.0.0.0/8`).
pub fn parse_proxy(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{s}` is not an IP address or CIDR network"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_and_durations() {
        assert_eq!(parse_proxy("10.0.0.1").unwrap().to_string(), "10.0.0.1/32");
        assert_eq!(parse_proxy(" 10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert!(parse_proxy("proxy.local").is_err());
        assert_eq!(parse_duration("30m").unwrap(), Duration::from_secs(1800));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
