//! A real AWS-protocol emulator (moto server) for the Cognito and SNS tests, and a
//! TCP proxy in front of it to cut the connection as an outage would.

use std::{
    net::TcpListener as StdListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicU16, Ordering},
        Arc, Once,
    },
    time::Duration,
};

use aws_sdk_cognitoidentityprovider::{
    types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType, PasswordPolicyType, UserPoolPolicyType},
    Client as Cognito,
};
use tokio::net::{TcpListener, TcpStream};

pub const POOL_NAME: &str = "referral-gate-test";

/// The moto_server binary: `$MOTO_SERVER`, or where scripts/setup installs it.
fn moto_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("MOTO_SERVER") {
        return path.into();
    }
    let home = std::env::var_os("HOME").expect("HOME");
    let path = PathBuf::from(home).join(".cache/referral-gate-tools/moto/bin/moto_server");
    assert!(path.exists(), "moto server not found: run scripts/test.sh (it installs it) or set MOTO_SERVER");
    path
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Dummy credentials and a region for the SDK (the emulator ignores them). Set once,
/// before any test of this binary reads the environment.
pub fn aws_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (key, value) in [
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ] {
            if std::env::var_os(key).is_none() {
                std::env::set_var(key, value);
            }
        }
    });
}

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub async fn start() -> Self {
        aws_env();
        let port = free_port();
        let child = Command::new(moto_bin())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Pool ids derived from the pool's name: a restarted emulator set up again
            // has the same pool, as a real pool outlives an outage.
            .env("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto server starts");
        let moto = Self { child, port };
        for _ in 0..100 {
            if reqwest::get(format!("{}/moto-api/data.json", moto.url())).await.is_ok() {
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto server did not come up on port {port}");
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub async fn cognito(&self) -> Cognito {
        Cognito::new(&sdk(&self.url()).await)
    }

    /// The Publish calls the emulator received: (subject, message, event attribute).
    pub async fn notifications(&self) -> Vec<(String, String, String)> {
        let data: serde_json::Value =
            reqwest::get(format!("{}/moto-api/data.json", self.url())).await.unwrap().json().await.unwrap();
        let mut out = Vec::new();
        for topic in data["sns"]["Topic"].as_array().into_iter().flatten() {
            for n in topic["sent_notifications"].as_array().into_iter().flatten() {
                out.push((
                    n[2].as_str().unwrap_or_default().to_owned(),
                    n[1].as_str().unwrap_or_default().to_owned(),
                    n[3]["event"]["Value"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        out
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

pub async fn sdk(endpoint: &str) -> aws_config::SdkConfig {
    aws_env();
    aws_config::defaults(aws_config::BehaviorVersion::latest()).endpoint_url(endpoint).load().await
}

/// A user pool with an app client (with a secret), two groups and an alert topic.
pub struct Pool {
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub topic_arn: String,
}

impl Pool {
    pub async fn set_up(moto: &Moto) -> Self {
        let cognito = moto.cognito().await;
        let policy = PasswordPolicyType::builder().minimum_length(8).require_symbols(false).build();
        let pool = cognito
            .create_user_pool()
            .pool_name(POOL_NAME)
            .policies(UserPoolPolicyType::builder().password_policy(policy).build())
            .send()
            .await
            .unwrap();
        let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap().to_owned();
        let client = cognito
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("referral-gate")
            .generate_secret(true)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .unwrap();
        let client = client.user_pool_client().unwrap();
        for group in ["admitted", "admins"] {
            cognito.create_group().user_pool_id(&pool_id).group_name(group).send().await.unwrap();
        }
        let sns = aws_sdk_sns::Client::new(&sdk(&moto.url()).await);
        let topic = sns.create_topic().name("referral-gate-alerts").send().await.unwrap();
        Self {
            pool_id,
            client_id: client.client_id().unwrap().to_owned(),
            client_secret: client.client_secret().unwrap().to_owned(),
            topic_arn: topic.topic_arn().unwrap().to_owned(),
        }
    }

    /// The app's settings for this pool, talking to AWS at `endpoint`.
    pub fn app_args(&self, endpoint: &str) -> Vec<String> {
        vec![
            "--cognito-user-pool-id".into(),
            self.pool_id.clone(),
            "--cognito-client-id".into(),
            self.client_id.clone(),
            "--cognito-client-secret".into(),
            self.client_secret.clone(),
            "--cognito-jwks-url".into(),
            format!("{endpoint}/{}/.well-known/jwks.json", self.pool_id),
            "--cognito-admitted-group".into(),
            "admitted".into(),
            "--cognito-admin-group".into(),
            "admins".into(),
            "--sns-topic-arn".into(),
            self.topic_arn.clone(),
            "--aws-endpoint-url".into(),
            endpoint.into(),
        ]
    }

    /// A confirmed user with a permanent password.
    pub async fn add_user(&self, moto: &Moto, name: &str, password: &str) {
        let cognito = moto.cognito().await;
        self.add_user_with_temporary_password(moto, name, "Temporary-1").await;
        cognito
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(name)
            .password(password)
            .permanent(true)
            .send()
            .await
            .unwrap();
    }

    /// A user as an administrator creates one: a new password is required first.
    pub async fn add_user_with_temporary_password(&self, moto: &Moto, name: &str, temporary: &str) {
        moto.cognito()
            .await
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(name)
            .temporary_password(temporary)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }

    pub async fn enabled(&self, moto: &Moto, name: &str) -> bool {
        let cognito = moto.cognito().await;
        cognito.admin_get_user().user_pool_id(&self.pool_id).username(name).send().await.unwrap().enabled()
    }

    pub async fn groups(&self, moto: &Moto, name: &str) -> Vec<String> {
        let cognito = moto.cognito().await;
        let out = cognito
            .admin_list_groups_for_user()
            .user_pool_id(&self.pool_id)
            .username(name)
            .send()
            .await
            .unwrap();
        out.groups().iter().filter_map(|g| g.group_name().map(str::to_owned)).collect()
    }

    /// Signs in as another device would, returning its access token.
    pub async fn access_token(&self, moto: &Moto, name: &str, password: &str) -> String {
        let cognito = moto.cognito().await;
        let out = cognito
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .unwrap();
        out.authentication_result().and_then(|r| r.access_token()).unwrap().to_owned()
    }
}

/// A TCP proxy the test can cut (connections dropped at once) and point elsewhere.
pub struct Proxy {
    pub port: u16,
    target: Arc<AtomicU16>,
    up: Arc<AtomicBool>,
}

impl Proxy {
    pub async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let target = Arc::new(AtomicU16::new(target));
        let up = Arc::new(AtomicBool::new(true));
        let (t, u) = (target.clone(), up.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !u.load(Ordering::SeqCst) {
                    continue; // dropped: the caller sees the connection close
                }
                let port = t.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", port)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Self { port, target, up }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
    }

    pub fn restore(&self, target: u16) {
        self.target.store(target, Ordering::SeqCst);
        self.up.store(true, Ordering::SeqCst);
    }
}
