//! Accounts in an AWS Cognito user pool: USER_PASSWORD_AUTH sign-in with the ID token
//! verified against the pool's keys; disable, global sign-out, enable and groups with
//! the admin API.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::{
    error::{ProvideErrorMetadata, SdkError},
    types::{AuthFlowType, AuthenticationResultType, ChallengeNameType},
    Client,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{id_token::IdTokenVerifier, AuthError, DeliveryError, Directory, Identity, SignInStep};
use crate::{
    domain::{Password, Username},
    server::config::CognitoSettings,
};

pub struct CognitoDirectory {
    client: Client,
    settings: CognitoSettings,
    verifier: IdTokenVerifier,
}

impl CognitoDirectory {
    pub fn new(sdk: &aws_config::SdkConfig, settings: CognitoSettings) -> anyhow::Result<Arc<Self>> {
        let region = settings
            .user_pool_id
            .split_once('_')
            .map(|(region, _)| region.to_owned())
            .ok_or_else(|| anyhow::anyhow!("COGNITO_USER_POOL_ID should look like us-east-1_AbC123"))?;
        let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{}", settings.user_pool_id);
        let jwks_url = settings.jwks_url.clone().unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
        let verifier = IdTokenVerifier::new(jwks_url, issuer, settings.client_id.clone())?;
        Ok(Arc::new(Self { client: Client::new(sdk), settings, verifier }))
    }

    fn secret_hash(&self, username: &str) -> Option<String> {
        self.settings
            .client_secret
            .as_deref()
            .map(|secret| secret_hash(username, &self.settings.client_id, secret))
    }

    async fn identity(&self, result: Option<&AuthenticationResultType>) -> Result<Identity, AuthError> {
        let token = result
            .and_then(|r| r.id_token())
            .ok_or_else(|| AuthError::Unavailable(anyhow::anyhow!("Cognito returned no ID token")))?;
        let claims = self.verifier.verify(token).await.map_err(AuthError::Unavailable)?;
        let is_admin =
            self.settings.admin_group.as_ref().is_some_and(|g| claims.groups.iter().any(|c| c == g));
        Ok(Identity { subject: claims.sub, username: claims.username, is_admin })
    }
}

/// SECRET_HASH: Base64(HMAC-SHA256(client secret, username ‖ client id)).
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Sign-in failures: Cognito's "User is disabled." is the disabled message; every other
/// refusal (wrong password, unknown user) is the one invalid-credentials answer.
fn auth_error<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    err: SdkError<E, R>,
) -> AuthError {
    let SdkError::ServiceError(service) = &err else {
        return AuthError::Unavailable(anyhow::anyhow!("Cognito unreachable: {err}"));
    };
    let e = service.err();
    match (e.code().unwrap_or_default(), e.message().unwrap_or_default()) {
        ("NotAuthorizedException", "User is disabled.") => AuthError::Disabled,
        ("NotAuthorizedException" | "UserNotFoundException" | "UserNotConfirmedException", _)
        | ("PasswordResetRequiredException", _) => AuthError::InvalidCredentials,
        ("InvalidPasswordException", message) => AuthError::PasswordRejected(message.to_owned()),
        ("CodeMismatchException" | "ExpiredCodeException", _) => AuthError::ChallengeExpired,
        (code, message) => AuthError::Unavailable(anyhow::anyhow!("Cognito: {code}: {message}")),
    }
}

/// Admin call failures: the user or pool being gone cannot be fixed by retrying;
/// everything else (network, throttling, permissions being fixed) may be.
fn delivery_error<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    err: SdkError<E, R>,
) -> DeliveryError {
    if let SdkError::ServiceError(service) = &err {
        let e = service.err();
        let text = format!("{}: {}", e.code().unwrap_or("error"), e.message().unwrap_or_default());
        return match e.code() {
            Some("UserNotFoundException" | "ResourceNotFoundException" | "InvalidParameterException") => {
                DeliveryError::Permanent(text)
            }
            _ => DeliveryError::Transient(text),
        };
    }
    DeliveryError::Transient(format!("Cognito unreachable: {err}"))
}

#[async_trait]
impl Directory for CognitoDirectory {
    fn is_local(&self) -> bool {
        false
    }

    /// The pool's public keys answer without credentials.
    async fn reachable(&self) -> bool {
        self.verifier.reachable().await
    }

    async fn authenticate(&self, username: &Username, password: &Password) -> Result<SignInStep, AuthError> {
        let mut call = self
            .client
            .initiate_auth()
            .client_id(&self.settings.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", username.as_str())
            .auth_parameters("PASSWORD", password.expose());
        if let Some(hash) = self.secret_hash(username.as_str()) {
            call = call.auth_parameters("SECRET_HASH", hash);
        }
        let out = call.send().await.map_err(auth_error)?;
        if out.challenge_name() == Some(&ChallengeNameType::NewPasswordRequired) {
            let session = out.session().unwrap_or_default().to_owned();
            return Ok(SignInStep::NewPasswordRequired { session });
        }
        Ok(SignInStep::Done(self.identity(out.authentication_result()).await?))
    }

    async fn complete_new_password(
        &self,
        username: &Username,
        session: &str,
        new_password: &Password,
    ) -> Result<Identity, AuthError> {
        let mut call = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.settings.client_id)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(session)
            .challenge_responses("USERNAME", username.as_str())
            .challenge_responses("NEW_PASSWORD", new_password.expose());
        if let Some(hash) = self.secret_hash(username.as_str()) {
            call = call.challenge_responses("SECRET_HASH", hash);
        }
        let out = call.send().await.map_err(auth_error)?;
        self.identity(out.authentication_result()).await
    }

    fn records_admissions(&self) -> bool {
        self.settings.admitted_group.is_some()
    }

    async fn record_admission(&self, _subject: &str, username: &str) -> Result<(), DeliveryError> {
        let Some(group) = &self.settings.admitted_group else { return Ok(()) };
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.settings.user_pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(delivery_error)?;
        Ok(())
    }

    async fn disable(&self, _subject: &str, username: &str) -> Result<(), DeliveryError> {
        self.client
            .admin_disable_user()
            .user_pool_id(&self.settings.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(delivery_error)?;
        Ok(())
    }

    async fn sign_out_everywhere(&self, _subject: &str, username: &str) -> Result<(), DeliveryError> {
        self.client
            .admin_user_global_sign_out()
            .user_pool_id(&self.settings.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(delivery_error)?;
        Ok(())
    }

    async fn enable(&self, _subject: &str, username: &str) -> Result<(), DeliveryError> {
        self.client
            .admin_enable_user()
            .user_pool_id(&self.settings.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(delivery_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_hash_matches_the_reference_vector() {
        // Computed independently with Python's hmac module.
        assert_eq!(
            super::secret_hash("alice", "client-id", "client-secret"),
            "qROqM+PMKX09MK8ulDVm8LCWdCRqQQEUG9HcF+N7/S4="
        );
    }
}
