//! Sends one queued email through the EmailSender (SendGrid or the outbox). A message
//! that stands for an email row (a one-off email to a contact) marks it sent, and a
//! retried send first asks the sender whether it already took the message.

use crate::{JobError, JobHandler, JobRun};
use kite_core::jobs::JobPayload;
use kite_email::{EmailMessage, SendReceipt};
use serde_json::json;

pub struct SendEmail;

#[async_trait::async_trait]
impl JobHandler for SendEmail {
    fn kind(&self) -> &'static str {
        EmailMessage::KIND
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let message: EmailMessage = run.payload()?;
        if let Some(key) = &message.idempotency_key
            && run.job.attempts > 1
            && let Ok(Some(taken)) = run.kite.email.already_sent(std::slice::from_ref(key)).await
            && taken.contains(key)
        {
            run.kite.marketing().record_sent(key, &SendReceipt::default()).await?;
            return Ok(json!({"sent_to": message.to.len(), "already_sent": true}));
        }
        match run.kite.email.send(&message).await {
            Ok(receipt) => {
                if let Some(key) = &message.idempotency_key {
                    run.kite.marketing().record_sent(key, &receipt).await?;
                }
                Ok(json!({"sent_to": message.to.len()}))
            }
            Err(error) if error.is_permanent() => Err(JobError::Fail(error.to_string())),
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }
}
