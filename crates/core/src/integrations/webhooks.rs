//! Webhook subscriptions and their delivery log. Events reach subscriptions through the
//! domain-event outbox: [`WebhookService::fan_out`] runs in a job for each batch of
//! committed events and queues one delivery job per (event, subscription), under an
//! idempotency key, so a retried fan-out queues nothing twice. Each delivery attempt
//! is logged; a failed one queues the next attempt on a backoff schedule with jitter
//! spread over about a day; a 410 Gone pauses the subscription.

use crate::audit::{self, Actor, Event};
use crate::jobs::{JobPayload, NewJob};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, Duration, Utc};
use kite_entity::{domain_event, webhook_delivery, webhook_subscription};
use kite_shared::Permission;
use kite_shared::domain_events::DomainEventKind;
use kite_shared::integrations::webhooks::{
    DeliveryOutcome, QueuedMessage, TEST_EVENT, WebhookDeliveryDto, WebhookSubscriptionDto, WebhookSubscriptionInput,
};
use kite_shared::page::{Page, PageQuery};
use kite_webhooks::{AddressPolicy, Attempt, guard, signature};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Waits before attempts 2, 3, …, in units of the configured base (30 s in production:
/// 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h, about 24 h in all).
const RETRY_STEPS: [i32; 9] = [1, 4, 20, 60, 120, 240, 480, 960, 960];
pub const MAX_ATTEMPTS: i32 = RETRY_STEPS.len() as i32 + 1;

/// How to deliver: where outbound requests may go, how long they may take, and the
/// retry schedule's unit.
#[derive(Clone, Copy, Debug)]
pub struct WebhookSettings {
    pub policy: AddressPolicy,
    pub timeout: std::time::Duration,
    pub retry_base: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            policy: AddressPolicy::default(),
            timeout: std::time::Duration::from_secs(10),
            retry_base: Duration::seconds(30),
        }
    }
}

/// The wait before attempt `attempt + 1`, with ±20 % jitter so receivers that come back
/// are not hit by every sender at once; `None` once every attempt was made.
pub fn retry_delay(attempt: i32, base: Duration) -> Option<Duration> {
    let step = *RETRY_STEPS.get(usize::try_from(attempt - 1).ok()?)?;
    let millis = base.num_milliseconds().saturating_mul(i64::from(step));
    let jitter = 0.8 + fastrand::f64() * 0.4;
    Some(Duration::milliseconds((millis as f64 * jitter) as i64))
}

/// One message for one subscription, as the delivery job carries it. The body is fixed
/// when the message is made, so every attempt sends the same bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeliveryMessage {
    pub organization_id: Uuid,
    pub subscription_id: Uuid,
    pub message_id: Uuid,
    pub event_type: String,
    pub body: String,
    pub attempt: i32,
}

impl JobPayload for DeliveryMessage {
    const KIND: &'static str = "webhook.deliver";
}

impl DeliveryMessage {
    fn job(&self, run_at: DateTime<Utc>, key: String) -> NewJob {
        let mut job = NewJob::of(self).run_at(run_at).idempotency_key(key).max_attempts(3);
        job.organization_id = Some(self.organization_id);
        job
    }
}

fn body(message_id: Uuid, event_type: &str, at: DateTime<Utc>, data: serde_json::Value) -> String {
    json!({"id": message_id, "type": event_type, "timestamp": at, "data": data}).to_string()
}

fn events_of(row: &webhook_subscription::Model) -> Vec<DomainEventKind> {
    serde_json::from_value(row.events.clone()).unwrap_or_default()
}

fn subscription_dto(row: &webhook_subscription::Model) -> WebhookSubscriptionDto {
    WebhookSubscriptionDto {
        id: row.id,
        url: row.url.clone(),
        description: row.description.clone(),
        events: events_of(row),
        active: row.active,
        disabled_reason: row.disabled_reason.clone(),
        secret: row.secret.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn delivery_dto(row: webhook_delivery::Model) -> WebhookDeliveryDto {
    WebhookDeliveryDto {
        id: row.id,
        message_id: row.message_id,
        event_type: row.event_type,
        attempt: row.attempt,
        url: row.url,
        request_body: row.request_body,
        response_status: row.response_status,
        response_excerpt: row.response_excerpt,
        error: row.error,
        duration_ms: row.duration_ms,
        outcome: DeliveryOutcome::parse(&row.outcome).unwrap_or(DeliveryOutcome::Failed),
        next_attempt_at: row.next_attempt_at,
        created_at: row.created_at,
    }
}

pub struct WebhookService<'a> {
    kite: &'a Kite,
}

impl<'a> WebhookService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    async fn find(&self, ctx: &Ctx, id: Uuid) -> Result<webhook_subscription::Model, CoreError> {
        webhook_subscription::Entity::find_by_id(id)
            .filter(webhook_subscription::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("webhook subscription"))
    }

    /// The input's rules, then the URL's host resolved: a URL that reaches a refused
    /// address is refused now rather than at its first delivery.
    async fn check(&self, input: &WebhookSubscriptionInput) -> Result<(), CoreError> {
        CoreError::validation(input.validate())?;
        let url =
            guard::check_form(input.url.trim()).map_err(|e| CoreError::field("url", "invalid_url", &e.to_string()))?;
        guard::resolve(&url, self.kite.settings.webhooks.policy)
            .await
            .map_err(|e| CoreError::field("url", "refused_address", &format!("{e}.")))?;
        Ok(())
    }

    pub async fn list(&self, ctx: &Ctx) -> Result<Vec<WebhookSubscriptionDto>, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let rows = webhook_subscription::Entity::find()
            .filter(webhook_subscription::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .order_by_desc(webhook_subscription::Column::CreatedAt)
            .all(&self.kite.db)
            .await?;
        Ok(rows.iter().map(subscription_dto).collect())
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<WebhookSubscriptionDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        Ok(subscription_dto(&self.find(ctx, id).await?))
    }

    pub async fn create(
        &self,
        ctx: &Ctx,
        input: &WebhookSubscriptionInput,
    ) -> Result<WebhookSubscriptionDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        self.check(input).await?;
        let now = Utc::now();
        let secret = signature::generate_secret().map_err(|e| CoreError::Internal(e.to_string()))?;
        let txn = self.kite.begin().await?;
        let row = webhook_subscription::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            url: Set(input.url.trim().to_owned()),
            description: Set(input
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)),
            events: Set(json!(input.events)),
            active: Set(input.active),
            disabled_reason: Set(None),
            secret: Set(secret),
            created_by: Set(ctx.user_id.into_uuid()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("webhook.created", "webhook_subscription", row.id)
                .after(json!({"url": row.url, "events": row.events, "active": row.active})),
        )
        .await?;
        txn.commit().await?;
        Ok(subscription_dto(&row))
    }

    /// Changes the URL, events or state; turning a subscription Kite paused back on
    /// clears the reason it was paused.
    pub async fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        input: &WebhookSubscriptionInput,
    ) -> Result<WebhookSubscriptionDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let before = self.find(ctx, id).await?;
        self.check(input).await?;
        let txn = self.kite.begin().await?;
        let mut row = before.clone().into_active_model();
        row.url = Set(input.url.trim().to_owned());
        row.description = Set(input
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned));
        row.events = Set(json!(input.events));
        row.active = Set(input.active);
        if input.active {
            row.disabled_reason = Set(None);
        }
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("webhook.updated", "webhook_subscription", after.id)
                .before(json!({"url": before.url, "events": before.events, "active": before.active}))
                .after(json!({"url": after.url, "events": after.events, "active": after.active})),
        )
        .await?;
        txn.commit().await?;
        Ok(subscription_dto(&after))
    }

    /// Deletes the subscription and its log; messages still queued for it are dropped
    /// when their turn comes.
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let row = self.find(ctx, id).await?;
        let txn = self.kite.begin().await?;
        webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::SubscriptionId.eq(row.id))
            .exec(&*txn)
            .await?;
        webhook_subscription::Entity::delete_by_id(row.id).exec(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("webhook.deleted", "webhook_subscription", row.id).before(json!({"url": row.url})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The subscription's attempts, newest first.
    pub async fn deliveries(
        &self,
        ctx: &Ctx,
        id: Uuid,
        page: &PageQuery,
    ) -> Result<Page<WebhookDeliveryDto>, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let row = self.find(ctx, id).await?;
        let request = PageRequest::parse(page)?;
        let select = webhook_delivery::Entity::find().filter(webhook_delivery::Column::SubscriptionId.eq(row.id));
        let order = Ordering::fixed(
            "webhook deliveries",
            "created_at",
            webhook_delivery::Column::CreatedAt,
            true,
            webhook_delivery::Column::Id,
        )?;
        Ok(paging::page(self.kite, select, &order, &request, Total::Exact)
            .await?
            .map(delivery_dto))
    }

    async fn queue(&self, message: DeliveryMessage, key: String) -> Result<QueuedMessage, CoreError> {
        let txn = self.kite.begin().await?;
        self.kite.queue().enqueue(&*txn, message.job(Utc::now(), key)).await?;
        txn.commit().await?;
        self.kite.jobs_waiting.notify_waiters();
        Ok(QueuedMessage {
            message_id: message.message_id,
        })
    }

    /// Queues a `webhook.test` message, sent even to a paused subscription.
    pub async fn send_test(&self, ctx: &Ctx, id: Uuid) -> Result<QueuedMessage, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let row = self.find(ctx, id).await?;
        let message_id = Uuid::now_v7();
        let data = json!({"message": "A test event from Kite: this subscription's URL and signature work."});
        let message = DeliveryMessage {
            organization_id: row.organization_id,
            subscription_id: row.id,
            message_id,
            event_type: TEST_EVENT.into(),
            body: body(message_id, TEST_EVENT, Utc::now(), data),
            attempt: 1,
        };
        self.queue(message, format!("webhook-test:{message_id}")).await
    }

    /// Sends a logged message again, with the same id and body, as attempt 1 of a new
    /// round of retries.
    pub async fn redeliver(&self, ctx: &Ctx, id: Uuid, delivery_id: Uuid) -> Result<QueuedMessage, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let row = self.find(ctx, id).await?;
        let logged = webhook_delivery::Entity::find_by_id(delivery_id)
            .filter(webhook_delivery::Column::SubscriptionId.eq(row.id))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("webhook delivery"))?;
        let message = DeliveryMessage {
            organization_id: row.organization_id,
            subscription_id: row.id,
            message_id: logged.message_id,
            event_type: logged.event_type,
            body: logged.request_body,
            attempt: 1,
        };
        self.queue(message, format!("webhook-redeliver:{}", Uuid::now_v7()))
            .await
    }

    /// Queues a delivery of each event to each active subscription of its organization
    /// that chose it, in one transaction. Returns how many were queued.
    pub async fn fan_out(&self, events: &[domain_event::Model]) -> Result<usize, CoreError> {
        let organizations: Vec<Uuid> = events.iter().map(|e| e.organization_id).collect();
        let subscriptions = webhook_subscription::Entity::find()
            .filter(webhook_subscription::Column::OrganizationId.is_in(organizations))
            .filter(webhook_subscription::Column::Active.eq(true))
            .all(&self.kite.db)
            .await?;
        if subscriptions.is_empty() {
            return Ok(0);
        }
        let mut by_organization: HashMap<Uuid, Vec<(&webhook_subscription::Model, Vec<DomainEventKind>)>> =
            HashMap::new();
        for subscription in &subscriptions {
            by_organization
                .entry(subscription.organization_id)
                .or_default()
                .push((subscription, events_of(subscription)));
        }
        let txn = self.kite.begin().await?;
        let mut queued = 0;
        for event in events {
            let Some(kind) = DomainEventKind::parse(&event.kind) else {
                continue;
            };
            let data: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
            for (subscription, wanted) in by_organization.get(&event.organization_id).into_iter().flatten() {
                if !wanted.contains(&kind) {
                    continue;
                }
                let message = DeliveryMessage {
                    organization_id: event.organization_id,
                    subscription_id: subscription.id,
                    message_id: event.id,
                    event_type: kind.as_str().to_owned(),
                    body: body(event.id, kind.as_str(), event.created_at, data.clone()),
                    attempt: 1,
                };
                let key = format!("webhook:{}:{}:1", subscription.id, event.id);
                self.kite.queue().enqueue(&*txn, message.job(Utc::now(), key)).await?;
                queued += 1;
            }
        }
        txn.commit().await?;
        if queued > 0 {
            self.kite.jobs_waiting.notify_waiters();
        }
        Ok(queued)
    }

    /// The subscription a queued message is for, while it exists and (but for test
    /// events) is active.
    pub async fn target(&self, message: &DeliveryMessage) -> Result<Option<webhook_subscription::Model>, CoreError> {
        Ok(webhook_subscription::Entity::find_by_id(message.subscription_id)
            .filter(webhook_subscription::Column::OrganizationId.eq(message.organization_id))
            .one(&self.kite.db)
            .await?
            .filter(|s| s.active || message.event_type == TEST_EVENT))
    }

    /// Logs an attempt and decides what follows, in one transaction: nothing after a
    /// success, a pause after 410 Gone, the next attempt on the schedule otherwise.
    pub async fn record_attempt(
        &self,
        message: &DeliveryMessage,
        subscription: &webhook_subscription::Model,
        attempt: &Attempt,
    ) -> Result<DeliveryOutcome, CoreError> {
        let now = Utc::now();
        let outcome = if attempt.succeeded() {
            DeliveryOutcome::Succeeded
        } else if attempt.refused {
            DeliveryOutcome::Refused
        } else {
            DeliveryOutcome::Failed
        };
        let gone = attempt.status == Some(410);
        let next_at = (outcome == DeliveryOutcome::Failed && !gone)
            .then(|| retry_delay(message.attempt, self.kite.settings.webhooks.retry_base))
            .flatten()
            .map(|delay| now + delay);
        let txn = self.kite.begin().await?;
        webhook_delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(message.organization_id),
            subscription_id: Set(subscription.id),
            message_id: Set(message.message_id),
            event_type: Set(message.event_type.clone()),
            attempt: Set(message.attempt),
            url: Set(subscription.url.clone()),
            request_body: Set(message.body.clone()),
            response_status: Set(attempt.status.map(i32::from)),
            response_excerpt: Set(attempt.response_excerpt.clone()),
            error: Set(attempt.error.clone()),
            duration_ms: Set(i64::try_from(attempt.duration.as_millis()).unwrap_or(i64::MAX)),
            outcome: Set(outcome.as_str().to_owned()),
            next_attempt_at: Set(next_at),
            created_at: Set(now),
        }
        .insert(&*txn)
        .await?;
        if gone && subscription.active {
            let mut row = subscription.clone().into_active_model();
            row.active = Set(false);
            row.disabled_reason = Set(Some(format!(
                "Paused on {}: the receiver answered 410 Gone.",
                now.format("%Y-%m-%d %H:%M UTC")
            )));
            row.updated_at = Set(now);
            row.update(&*txn).await?;
        }
        if let Some(at) = next_at {
            let next = DeliveryMessage {
                attempt: message.attempt + 1,
                ..message.clone()
            };
            let key = format!(
                "webhook:{}:{}:{}:{}",
                subscription.id,
                message.message_id,
                next.attempt,
                Uuid::now_v7()
            );
            self.kite.queue().enqueue(&*txn, next.job(at, key)).await?;
        }
        txn.commit().await?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_spread_over_about_a_day_and_then_stop() {
        let base = Duration::seconds(30);
        let total: i64 = (1..MAX_ATTEMPTS)
            .map(|attempt| retry_delay(attempt, base).map_or(0, |d| d.num_seconds()))
            .sum();
        assert!((17 * 3600..30 * 3600).contains(&total), "{total} s");
        assert!(retry_delay(MAX_ATTEMPTS, base).is_none());
    }

    #[test]
    fn retry_delays_grow_and_carry_jitter() {
        let base = Duration::seconds(30);
        let first = retry_delay(1, base).map(|d| d.num_milliseconds()).unwrap_or_default();
        assert!((24_000..=36_000).contains(&first), "{first}");
        let later = retry_delay(5, base).map(|d| d.num_seconds()).unwrap_or_default();
        assert!(later > 40 * 60, "{later}");
    }
}
