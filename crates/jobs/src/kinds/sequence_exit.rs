//! Takes the contacts of a won deal out of their sequences.

use crate::{JobError, JobHandler, JobRun};
use kite_core::domain_events::EventBatch;
use kite_shared::domain_events::DomainEventKind;
use serde_json::json;

pub struct ExitOnDealWon;

#[async_trait::async_trait]
impl JobHandler for ExitOnDealWon {
    fn kind(&self) -> &'static str {
        "sequences.exit_on_deal_won"
    }

    fn subscribes_to(&self) -> &'static [DomainEventKind] {
        &[DomainEventKind::DealWon]
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let batch: EventBatch = run.payload()?;
        let events = run.kite.domain_events().load(&batch).await?;
        let exited = run.kite.marketing().exit_for_won_deals(&events).await?;
        Ok(json!({"exited": exited}))
    }
}
