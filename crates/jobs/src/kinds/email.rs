//! Sends one queued email through the EmailSender (SendGrid or the outbox).

use crate::{JobError, JobHandler, JobRun};
use kite_core::jobs::JobPayload;
use kite_email::EmailMessage;
use serde_json::json;

pub struct SendEmail;

#[async_trait::async_trait]
impl JobHandler for SendEmail {
    fn kind(&self) -> &'static str {
        EmailMessage::KIND
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let message: EmailMessage = run.payload()?;
        match run.kite.email.send(&message).await {
            Ok(_) => Ok(json!({"sent_to": message.to.len()})),
            Err(error) if error.is_permanent() => Err(JobError::Fail(error.to_string())),
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }
}
