//! Verifying Cognito ID tokens against the pool's signing keys (JWKS).

use std::time::{Duration, Instant};

use jsonwebtoken::{decode, decode_header, jwk::JwkSet, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;

/// An unknown key id makes us fetch the keys again, but not more often than this.
const REFETCH_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    #[serde(rename = "cognito:username")]
    pub username: String,
    pub token_use: String,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
}

pub struct IdTokenVerifier {
    http: http_client::Client,
    jwks_url: String,
    issuer: String,
    audience: String,
    keys: RwLock<Option<(JwkSet, Instant)>>,
}

impl IdTokenVerifier {
    /// `issuer` stays the pool's own address even when the keys come from elsewhere.
    pub fn new(jwks_url: String, issuer: String, audience: String) -> anyhow::Result<Self> {
        let http = http_client::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self { http, jwks_url, issuer, audience, keys: RwLock::new(None) })
    }

    pub async fn verify(&self, token: &str) -> anyhow::Result<IdClaims> {
        let kid = decode_header(token)?.kid.ok_or_else(|| anyhow::anyhow!("token has no key id"))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = decode::<IdClaims>(token, &key, &validation)?.claims;
        anyhow::ensure!(claims.token_use == "id", "not an ID token");
        Ok(claims)
    }

    pub async fn reachable(&self) -> bool {
        matches!(self.http.get(&self.jwks_url).send().await, Ok(r) if r.status().is_success())
    }

    /// The key with this id: from the cache, or fetched again when unknown.
    async fn key(&self, kid: &str) -> anyhow::Result<DecodingKey> {
        if let Some((set, fetched)) = &*self.keys.read().await {
            if let Some(jwk) = set.find(kid) {
                return Ok(DecodingKey::from_jwk(jwk)?);
            }
            anyhow::ensure!(fetched.elapsed() >= REFETCH_AFTER, "unknown signing key {kid}");
        }
        let set: JwkSet = self.http.get(&self.jwks_url).send().await?.error_for_status()?.json().await?;
        let key = set.find(kid).map(DecodingKey::from_jwk).transpose()?;
        *self.keys.write().await = Some((set, Instant::now()));
        key.ok_or_else(|| anyhow::anyhow!("unknown signing key {kid}"))
    }
}
