//! Alerts published to an SNS topic, with a Subject and an `event` attribute.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_sns::{
    error::{ProvideErrorMetadata, SdkError},
    types::MessageAttributeValue,
    Client,
};

use super::{Alert, Alerts};
use crate::server::directory::DeliveryError;

pub struct SnsAlerts {
    client: Client,
    topic_arn: String,
}

impl SnsAlerts {
    pub fn new(sdk: &aws_config::SdkConfig, topic_arn: String) -> Arc<Self> {
        Arc::new(Self { client: Client::new(sdk), topic_arn })
    }
}

fn attribute(value: &str) -> Result<MessageAttributeValue, DeliveryError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| DeliveryError::Permanent(e.to_string()))
}

#[async_trait]
impl Alerts for SnsAlerts {
    /// Standard topics cannot deduplicate, so the key travels as an attribute for
    /// subscribers; FIFO topics deduplicate on it themselves.
    async fn send(&self, key: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let mut call = self
            .client
            .publish()
            .topic_arn(&self.topic_arn)
            .subject(alert.subject_line())
            .message(alert.message())
            .message_attributes("event", attribute(alert.event.as_str())?)
            .message_attributes("dry_run", attribute(if alert.dry_run { "true" } else { "false" })?)
            .message_attributes("idempotency_key", attribute(key)?);
        if self.topic_arn.ends_with(".fifo") {
            call = call
                .message_group_id("referral-gate")
                .message_deduplication_id(key.chars().take(128).collect::<String>());
        }
        match call.send().await {
            Ok(_) => {
                tracing::info!(event = alert.event.as_str(), subject = %alert.subject, key, "alert published to SNS");
                Ok(())
            }
            Err(SdkError::ServiceError(service)) if service.err().code() == Some("InvalidParameter") => {
                Err(DeliveryError::Permanent(format!("SNS: {}", service.err().message().unwrap_or_default())))
            }
            Err(SdkError::ServiceError(service)) => Err(DeliveryError::Transient(format!(
                "SNS: {}: {}",
                service.err().code().unwrap_or("error"),
                service.err().message().unwrap_or_default()
            ))),
            Err(e) => Err(DeliveryError::Transient(format!("SNS unreachable: {e}"))),
        }
    }
}
