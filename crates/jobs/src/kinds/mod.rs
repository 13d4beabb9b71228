//! The kinds of job Kite runs.

mod approval_reminder;
mod calendar_reminder;
mod campaign_batch;
mod email;
mod import;
mod insights;
mod live_stream;
mod scheduled_export;
mod sequence_exit;
mod sequence_step;
mod webhooks;

use crate::JobHandler;
use kite_core::domain_events::Subscriber;
use std::sync::Arc;

/// Every handler a server process registers.
pub fn all() -> Vec<Arc<dyn JobHandler>> {
    vec![
        Arc::new(email::SendEmail),
        Arc::new(import::RunImport),
        Arc::new(scheduled_export::RunScheduledExport),
        Arc::new(live_stream::PublishChanges),
        Arc::new(approval_reminder::RemindApprovers),
        Arc::new(calendar_reminder::RemindOwners),
        Arc::new(campaign_batch::SendCampaignBatch),
        Arc::new(sequence_step::AdvanceSequences),
        Arc::new(sequence_exit::ExitOnDealWon),
        Arc::new(insights::TrainModels),
        Arc::new(insights::RescoreChanged),
        Arc::new(webhooks::FanOut),
        Arc::new(webhooks::Deliver),
    ]
}

/// The kinds that run for domain events, and for which.
pub fn subscribers() -> Vec<Subscriber> {
    all()
        .iter()
        .filter(|h| !h.subscribes_to().is_empty())
        .map(|h| Subscriber {
            job_kind: h.kind(),
            events: h.subscribes_to(),
        })
        .collect()
}
