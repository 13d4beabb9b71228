//! SendGrid's Event Webhook: signed batches of what happened to sent emails. A batch is
//! verified before anything is read, and each event is kept once (by `sg_event_id`),
//! so SendGrid's retries and floods change nothing twice.

use super::MarketingService;
use super::sending::advance;
use super::tracking::{Engagement, announce_email, count_engagement, record_event, suppress};
use crate::{AuthFailure, CoreError};
use chrono::{DateTime, Utc};
use kite_email::events::ProviderEvent;
use kite_entity::email;
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::marketing::suppressions::SuppressionReason;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The most events one request may carry (SendGrid batches far fewer).
pub const MAX_EVENTS: usize = 5000;

#[derive(Clone, Debug, Default, Serialize)]
pub struct ProviderEventsOutcome {
    pub received: usize,
    pub recorded: usize,
    pub duplicates: usize,
    /// Events for no email Kite knows (another system's mail on the same account).
    pub unknown: usize,
}

impl MarketingService<'_> {
    /// Checks the batch's signature; without a configured key nothing is accepted.
    pub fn verify_provider_signature(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(), CoreError> {
        let key = self
            .kite
            .settings
            .sendgrid_events_key
            .as_ref()
            .ok_or(CoreError::Unauthenticated(AuthFailure::InvalidSignature))?;
        match (timestamp, signature) {
            (Some(timestamp), Some(signature)) if key.verify(timestamp, body, signature) => Ok(()),
            _ => Err(CoreError::Unauthenticated(AuthFailure::InvalidSignature)),
        }
    }

    /// Applies a verified batch.
    pub async fn record_provider_events(&self, events: &[ProviderEvent]) -> Result<ProviderEventsOutcome, CoreError> {
        let mut outcome = ProviderEventsOutcome {
            received: events.len(),
            ..ProviderEventsOutcome::default()
        };
        let ids: Vec<Uuid> = events
            .iter()
            .filter_map(|e| e.email_id.as_deref().and_then(|id| Uuid::parse_str(id).ok()))
            .collect();
        let emails: HashMap<Uuid, email::Model> = email::Entity::find()
            .filter(email::Column::Id.is_in(ids))
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let txn = self.kite.begin().await?;
        let mut touched: HashMap<Uuid, email::Model> = HashMap::new();
        for event in events {
            let Some(email) = event
                .email_id
                .as_deref()
                .and_then(|id| Uuid::parse_str(id).ok())
                .and_then(|id| emails.get(&id))
            else {
                outcome.unknown += 1;
                continue;
            };
            let at = event
                .timestamp
                .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
                .unwrap_or_else(Utc::now);
            let kind = event.event.as_str();
            let recorded = record_event(
                &*txn,
                email,
                &Engagement {
                    kind,
                    source: "sendgrid",
                    provider_event_id: event.sg_event_id.clone(),
                    url: event.url.clone(),
                    detail: event.reason.clone(),
                    at,
                },
            )
            .await?;
            if !recorded {
                outcome.duplicates += 1;
                continue;
            }
            outcome.recorded += 1;
            touched.insert(email.id, email.clone());
            let ids = [email.id];
            match kind {
                "processed" => {
                    advance(&*txn, &ids, EmailStatus::Sent, None).await?;
                }
                "delivered" => {
                    email::Entity::update_many()
                        .col_expr(
                            email::Column::DeliveredAt,
                            Expr::col(email::Column::DeliveredAt).if_null(at),
                        )
                        .filter(email::Column::Id.eq(email.id))
                        .exec(&*txn)
                        .await?;
                    advance(&*txn, &ids, EmailStatus::Delivered, None).await?;
                }
                "open" => count_engagement(&*txn, email.id, false, at).await?,
                "click" => count_engagement(&*txn, email.id, true, at).await?,
                "bounce" if event.bounce_type.as_deref() == Some("blocked") => {
                    advance(&*txn, &ids, EmailStatus::Bounced, event.reason.as_deref()).await?;
                }
                "bounce" => {
                    suppress(&*txn, email, SuppressionReason::Bounce, event.reason.clone()).await?;
                    advance(&*txn, &ids, EmailStatus::Bounced, event.reason.as_deref()).await?;
                }
                "dropped" => {
                    advance(&*txn, &ids, EmailStatus::Dropped, event.reason.as_deref()).await?;
                }
                "spamreport" => {
                    suppress(&*txn, email, SuppressionReason::SpamReport, None).await?;
                }
                "unsubscribe" | "group_unsubscribe" => {
                    suppress(
                        &*txn,
                        email,
                        SuppressionReason::Unsubscribe,
                        Some("Unsubscribed at the provider".into()),
                    )
                    .await?;
                }
                _ => {}
            }
        }
        txn.commit().await?;
        let mut announced = std::collections::HashSet::new();
        for email in touched.values() {
            if email.campaign_id.is_some_and(|c| announced.insert(c)) {
                announce_email(self.kite, email).await;
            }
        }
        Ok(outcome)
    }
}
