//! Sending a campaign: its emails are made when sending starts (one per reachable
//! contact, unique per campaign), then a chain of jobs hands them to the provider one
//! batch at a time, paced by the campaign's rate.
//!
//! Exactly once: a batch marks its emails `sending` and commits before any of them
//! leaves, and records each outcome after. An email still `sending` when the next
//! batch runs was interrupted (a crash, a lost answer): the sender is asked whether it
//! took it (the outbox can tell), the provider's events settle it (its `processed`
//! event names the email), and only when neither has within the reconciliation window
//! is it queued again.

use super::audience;
use super::campaigns::{audience_of, lock_campaign};
use super::context::{self, From, company_values, contact_values};
use super::render;
use super::templates::find_template;
use super::tokens;
use super::{MarketingService, outgoing};
use crate::events::Envelope;
use crate::jobs::{JobPayload, NewJob};
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use kite_email::{EmailMessage, Mailbox};
use kite_entity::{campaign, company, contact, email};
use kite_shared::FieldError;
use kite_shared::jobs::ServerEvent;
use kite_shared::marketing::campaigns::CampaignStatus;
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::marketing::suppressions::SuppressionReason;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub const SEND_BATCH: &str = "campaigns.send_batch";
/// The most emails one batch hands over.
const MAX_BATCH: usize = 500;
/// A wait shorter than this is slept by the batch itself; a longer one is the job's
/// `run_at`, so no worker idles through it.
const SLEEP_AT_MOST: i64 = 5;

/// One batch of a campaign's chain of sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendBatch {
    pub campaign_id: Uuid,
    pub organization_id: Uuid,
    /// Its place in the chain: the key that makes each batch one job.
    pub batch: u32,
    /// The chain (a resumed campaign starts a new one).
    pub chain: Uuid,
    /// Not to hand anything over before this (the campaign's rate).
    pub not_before: Option<DateTime<Utc>>,
}

impl JobPayload for SendBatch {
    const KIND: &'static str = SEND_BATCH;
}

/// What a batch did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BatchOutcome {
    pub sent: u64,
    pub failed: u64,
    pub retried: u64,
    pub unconfirmed: u64,
    pub finished: bool,
}

pub(super) fn batch_job(payload: &SendBatch) -> NewJob {
    let mut job = NewJob::of(payload)
        .idempotency_key(format!(
            "campaign:{}:{}:{}",
            payload.campaign_id, payload.chain, payload.batch
        ))
        .max_attempts(20);
    job.organization_id = Some(payload.organization_id);
    job
}

/// One second's worth of the rate, at most [`MAX_BATCH`].
fn batch_size(rate_per_minute: i32) -> usize {
    usize::try_from(rate_per_minute / 60).unwrap_or(1).clamp(1, MAX_BATCH)
}

/// How long `size` emails take at the rate.
fn interval(rate_per_minute: i32, size: usize) -> Duration {
    let rate = i64::from(rate_per_minute.max(1));
    Duration::milliseconds(i64::try_from(size).unwrap_or(1) * 60_000 / rate)
}

/// The next job of a chain, due at `at`.
fn next_job(payload: &SendBatch, at: DateTime<Utc>) -> NewJob {
    let now = Utc::now();
    let next = SendBatch {
        batch: payload.batch + 1,
        not_before: (at > now).then_some(at),
        ..payload.clone()
    };
    let job = batch_job(&next);
    if at - now > Duration::seconds(SLEEP_AT_MOST) {
        job.run_at(at)
    } else {
        job
    }
}

/// Makes the campaign's emails and the first batch job, in the caller's transaction.
/// With `must_reach` an audience that reaches nobody is refused (a user pressed send);
/// otherwise (the scheduler) such a campaign simply ends.
pub(super) async fn start(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    row: campaign::Model,
    must_reach: bool,
) -> Result<campaign::Model, CoreError> {
    let template = find_template(conn, row.organization_id, row.template_id)
        .await
        .map_err(|_| CoreError::field("template_id", "not_found", "The campaign's template was deleted."))?;
    render::check(&template.subject, &template.body_html)?;
    let resolved = audience::resolve(kite, conn, ctx, &audience_of(&row)).await?;
    if resolved.recipients.is_empty() && must_reach {
        return Err(CoreError::Validation(vec![FieldError::new(
            "audience",
            "no_recipients",
            format!(
                "No contact of this audience can be emailed ({} matched, {} left out).",
                resolved.matched,
                resolved.excluded.total()
            ),
        )]));
    }
    let now = Utc::now();
    let sender = context::sender(conn, row.sender_user_id, row.organization_id)
        .await?
        .user;
    for chunk in resolved.recipients.chunks(500) {
        let rows = chunk.iter().map(|(contact_id, address)| email::ActiveModel {
            campaign_id: Set(Some(row.id)),
            source: Set("campaign".into()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            ..outgoing(
                kite,
                Uuid::now_v7(),
                *contact_id,
                address,
                &sender,
                &template.subject,
                now,
            )
        });
        email::Entity::insert_many(rows).exec_without_returning(conn).await?;
    }
    let reached = !resolved.recipients.is_empty();
    let mut active = row.into_active_model();
    active.status = Set(if reached {
        CampaignStatus::Sending
    } else {
        CampaignStatus::Sent
    }
    .as_str()
    .to_owned());
    active.subject = Set(Some(template.subject));
    active.body_html = Set(Some(template.body_html));
    active.recipient_count = Set(i32::try_from(resolved.recipients.len()).unwrap_or(i32::MAX));
    active.excluded = Set(json!(resolved.excluded).to_string());
    active.started_at = Set(Some(now));
    active.finished_at = Set((!reached).then_some(now));
    active.updated_at = Set(now);
    let row = active.update(conn).await?;
    if reached {
        let first = SendBatch {
            campaign_id: row.id,
            organization_id: row.organization_id,
            batch: 0,
            chain: Uuid::now_v7(),
            not_before: None,
        };
        kite.queue().enqueue(conn, batch_job(&first)).await?;
    }
    Ok(row)
}

/// Tells the organization's open report pages to reload.
pub(super) async fn announce(kite: &Kite, row: &campaign::Model) {
    let envelope = Envelope {
        organization_id: row.organization_id,
        user_id: None,
        event: ServerEvent::CampaignProgress {
            campaign_id: row.id,
            status: CampaignStatus::parse(&row.status),
        },
    };
    kite.events.publish(&kite.db, envelope).await;
}

/// Moves emails to `status` unless they are already further along.
pub(super) async fn advance(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    status: EmailStatus,
    reason: Option<&str>,
) -> Result<u64, CoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let below: Vec<&str> = EmailStatus::ALL
        .into_iter()
        .filter(|s| s.rank() < status.rank() && *s != EmailStatus::Received)
        .map(EmailStatus::as_str)
        .collect();
    let mut update = email::Entity::update_many()
        .col_expr(email::Column::Status, Expr::value(status.as_str()))
        .col_expr(email::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(email::Column::Id.is_in(ids.iter().copied()))
        .filter(email::Column::Status.is_in(below));
    if let Some(reason) = reason {
        update = update.col_expr(email::Column::StatusReason, Expr::value(reason));
    }
    Ok(update.exec(conn).await?.rows_affected)
}

/// Puts emails back in the queue (they surely did not leave).
async fn requeue(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), CoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    email::Entity::update_many()
        .col_expr(email::Column::Status, Expr::value(EmailStatus::Queued.as_str()))
        .col_expr(email::Column::AttemptedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(email::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(email::Column::Id.is_in(ids.iter().copied()))
        .filter(email::Column::Status.eq(EmailStatus::Sending.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

enum Outcome {
    /// Taken, with the provider's id and the subject as the recipient got it.
    Sent(Option<String>, String),
    Failed(String),
    /// Surely not taken; worth another try.
    Retry,
    /// May have been taken: the provider's events will say.
    Unknown,
}

impl MarketingService<'_> {
    /// Starts every scheduled campaign whose time has come. Each instance's clock
    /// calls this; the campaign's lock and status make a start happen once.
    pub async fn start_due(&self, now: DateTime<Utc>) -> Result<u64, CoreError> {
        let due: Vec<campaign::Model> = campaign::Entity::find()
            .filter(campaign::Column::Status.eq(CampaignStatus::Scheduled.as_str()))
            .filter(campaign::Column::ScheduledAt.lte(now))
            .limit(20)
            .all(&self.kite.db)
            .await?;
        let mut started = 0;
        for candidate in due {
            let txn = self.kite.begin().await?;
            let row = lock_campaign(&*txn, candidate.organization_id, candidate.id).await?;
            if CampaignStatus::parse(&row.status) != CampaignStatus::Scheduled {
                continue;
            }
            let ctx = match Ctx::of_user(&*txn, row.organization_id, Some(row.sender_user_id), "sender_user_id").await {
                Ok(ctx) => ctx,
                Err(error) => {
                    tracing::warn!(%error, campaign = %row.id, "a scheduled campaign's sender is gone; it stays scheduled");
                    continue;
                }
            };
            let row = start(self.kite, &*txn, &ctx, row, false).await?;
            crate::audit::record(
                &*txn,
                &crate::audit::Actor::from(&ctx),
                crate::audit::Event::new("campaign.sent", "campaign", row.id)
                    .after(json!({"recipients": row.recipient_count, "scheduled": true})),
            )
            .await?;
            txn.commit().await?;
            announce(self.kite, &row).await;
            started += 1;
        }
        Ok(started)
    }

    /// Hands one batch of the campaign to the provider and queues the next.
    pub async fn send_batch(&self, payload: &SendBatch) -> Result<BatchOutcome, CoreError> {
        let kite = self.kite;
        let Some(row) = campaign::Entity::find_by_id(payload.campaign_id)
            .filter(campaign::Column::OrganizationId.eq(payload.organization_id))
            .one(&kite.db)
            .await?
        else {
            return Ok(BatchOutcome::default());
        };
        if CampaignStatus::parse(&row.status) != CampaignStatus::Sending {
            return Ok(BatchOutcome::default());
        }
        if let Some(wait) = payload.not_before.and_then(|at| (at - Utc::now()).to_std().ok()) {
            tokio::time::sleep(wait.min(std::time::Duration::from_secs(SLEEP_AT_MOST as u64 + 1))).await;
        }
        let started = Utc::now();
        let mut outcome = BatchOutcome::default();
        self.settle_interrupted(&row, started).await?;

        let size = batch_size(row.rate_per_minute);
        let batch = self.claim(&row, size, started).await?;
        // The rate is kept from the moment a batch starts leaving.
        let leaving = Utc::now();
        let results = self.hand_over(&row, &batch, started).await?;

        let txn = kite.begin().await?;
        let mut retry = Vec::new();
        for (email_id, result) in results {
            match result {
                Outcome::Sent(provider_id, subject) => {
                    outcome.sent += 1;
                    email::Entity::update_many()
                        .col_expr(
                            email::Column::Status,
                            Expr::cust("CASE WHEN status = 'sending' THEN 'sent' ELSE status END"),
                        )
                        .col_expr(email::Column::SentAt, Expr::value(Utc::now()))
                        .col_expr(email::Column::ProviderMessageId, Expr::value(provider_id))
                        .col_expr(email::Column::Subject, Expr::value(subject))
                        .col_expr(email::Column::UpdatedAt, Expr::value(Utc::now()))
                        .filter(email::Column::Id.eq(email_id))
                        .exec(&*txn)
                        .await?;
                }
                Outcome::Failed(reason) => {
                    outcome.failed += 1;
                    advance(&*txn, &[email_id], EmailStatus::Failed, Some(&reason)).await?;
                }
                Outcome::Retry => retry.push(email_id),
                Outcome::Unknown => outcome.unconfirmed += 1,
            }
        }
        outcome.retried = retry.len() as u64;
        requeue(&*txn, &retry).await?;
        let current = lock_campaign(&*txn, row.organization_id, row.id).await?;
        let all_failed_for_now = !batch.is_empty() && retry.len() == batch.len();
        if CampaignStatus::parse(&current.status) == CampaignStatus::Sending && !all_failed_for_now {
            let queued = email::Entity::find()
                .filter(email::Column::CampaignId.eq(row.id))
                .filter(email::Column::Status.eq(EmailStatus::Queued.as_str()))
                .count(&*txn)
                .await?;
            let oldest_unconfirmed: Option<Option<DateTime<Utc>>> = email::Entity::find()
                .select_only()
                .column(email::Column::AttemptedAt)
                .filter(email::Column::CampaignId.eq(row.id))
                .filter(email::Column::Status.eq(EmailStatus::Sending.as_str()))
                .order_by_asc(email::Column::AttemptedAt)
                .into_tuple()
                .one(&*txn)
                .await?;
            if queued > 0 {
                let job = next_job(payload, leaving + interval(row.rate_per_minute, size));
                kite.queue().enqueue(&*txn, job).await?;
            } else if let Some(oldest) = oldest_unconfirmed {
                let at = oldest.unwrap_or(started) + kite.settings.email_reconcile_after + Duration::seconds(1);
                kite.queue().enqueue(&*txn, next_job(payload, at)).await?;
            } else {
                let mut active = current.clone().into_active_model();
                active.status = Set(CampaignStatus::Sent.as_str().to_owned());
                active.finished_at = Set(Some(Utc::now()));
                active.updated_at = Set(Utc::now());
                active.update(&*txn).await?;
                outcome.finished = true;
            }
        }
        txn.commit().await?;
        let latest = campaign::Entity::find_by_id(row.id).one(&kite.db).await?.unwrap_or(row);
        announce(kite, &latest).await;
        if all_failed_for_now {
            return Err(CoreError::Internal(
                "the email provider took none of the batch; trying again".into(),
            ));
        }
        Ok(outcome)
    }

    /// Emails an earlier attempt left `sending`: sent if the sender says so, queued
    /// again if it says not or the reconciliation window passed without word.
    async fn settle_interrupted(&self, row: &campaign::Model, now: DateTime<Utc>) -> Result<(), CoreError> {
        let kite = self.kite;
        let pending: Vec<(Uuid, Option<DateTime<Utc>>)> = email::Entity::find()
            .select_only()
            .column(email::Column::Id)
            .column(email::Column::AttemptedAt)
            .filter(email::Column::CampaignId.eq(row.id))
            .filter(email::Column::Status.eq(EmailStatus::Sending.as_str()))
            .limit(5000)
            .into_tuple()
            .all(&kite.db)
            .await?;
        if pending.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = pending.iter().map(|(id, _)| id.to_string()).collect();
        let (sent, resend): (Vec<Uuid>, Vec<Uuid>) = match kite.email.already_sent(&keys).await? {
            Some(taken) => pending
                .iter()
                .map(|(id, _)| *id)
                .partition(|id| taken.contains(&id.to_string())),
            None => {
                let stale = now - kite.settings.email_reconcile_after;
                let resend = pending
                    .iter()
                    .filter(|(_, at)| at.is_none_or(|at| at <= stale))
                    .map(|(id, _)| *id)
                    .collect();
                (Vec::new(), resend)
            }
        };
        let txn = kite.begin().await?;
        advance(&*txn, &sent, EmailStatus::Sent, None).await?;
        requeue(&*txn, &resend).await?;
        txn.commit().await?;
        if !resend.is_empty() {
            tracing::warn!(campaign = %row.id, emails = resend.len(), "emails never confirmed are sent again");
        }
        Ok(())
    }

    /// Marks the next batch `sending` (and leaves out addresses suppressed since the
    /// campaign started), committed before anything leaves.
    async fn claim(
        &self,
        row: &campaign::Model,
        size: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<email::Model>, CoreError> {
        let txn = self.kite.begin().await?;
        let candidates: Vec<email::Model> = email::Entity::find()
            .filter(email::Column::CampaignId.eq(row.id))
            .filter(email::Column::Status.eq(EmailStatus::Queued.as_str()))
            .order_by_asc(email::Column::Id)
            .limit(size as u64)
            .all(&*txn)
            .await?;
        let addresses: Vec<String> = candidates.iter().map(|e| e.to_email.clone()).collect();
        let suppressed = super::suppressions::reasons_for(&*txn, row.organization_id, &addresses).await?;
        let (left_out, batch): (Vec<email::Model>, Vec<email::Model>) = candidates
            .into_iter()
            .partition(|e| suppressed.contains_key(&e.to_email));
        for email in &left_out {
            let reason = suppressed
                .get(&email.to_email)
                .copied()
                .unwrap_or(SuppressionReason::Manual);
            advance(
                &*txn,
                &[email.id],
                EmailStatus::Excluded,
                Some(&format!("On the suppression list ({}).", reason.label().to_lowercase())),
            )
            .await?;
        }
        let ids: Vec<Uuid> = batch.iter().map(|e| e.id).collect();
        if ids.is_empty() {
            txn.commit().await?;
            return Ok(Vec::new());
        }
        // Only the emails this update moved are ours: another chain (a resume while a
        // batch slept, a worker that lost its lease) may have taken some meanwhile.
        let mut claimed = email::Entity::update_many()
            .col_expr(email::Column::Status, Expr::value(EmailStatus::Sending.as_str()))
            .col_expr(email::Column::AttemptedAt, Expr::value(now))
            .col_expr(email::Column::UpdatedAt, Expr::value(now))
            .filter(email::Column::Id.is_in(ids))
            .filter(email::Column::Status.eq(EmailStatus::Queued.as_str()))
            .exec_with_returning(&*txn)
            .await?;
        txn.commit().await?;
        claimed.sort_by_key(|e| e.id);
        Ok(claimed)
    }

    /// Renders each email for its contact and hands it over, several at once.
    async fn hand_over(
        &self,
        row: &campaign::Model,
        batch: &[email::Model],
        now: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, Outcome)>, CoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let kite = self.kite;
        let db = &kite.db;
        let contact_ids: Vec<Uuid> = batch.iter().filter_map(|e| e.contact_id).collect();
        let contacts: HashMap<Uuid, contact::Model> = contact::Entity::find()
            .filter(contact::Column::Id.is_in(contact_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let company_ids: Vec<Uuid> = contacts.values().filter_map(|c| c.company_id).collect();
        let companies: HashMap<Uuid, company::Model> = company::Entity::find()
            .filter(company::Column::Id.is_in(company_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let From { user: sender, shared } = context::sender(db, row.sender_user_id, row.organization_id).await?;
        let subject = row.subject.clone().unwrap_or_default();
        let body = row.body_html.clone().unwrap_or_default();
        let base = kite.settings.public_url.trim_end_matches('/').to_owned();
        let secret = kite.settings.jwt_secret.clone();

        let mut messages = Vec::with_capacity(batch.len());
        let mut outcomes = Vec::with_capacity(batch.len());
        for email in batch {
            let contact = email.contact_id.and_then(|id| contacts.get(&id));
            let company = contact.and_then(|c| c.company_id).and_then(|id| companies.get(&id));
            let tracking = tokens::tracking(&base, &secret, email.id, now, true);
            let unsubscribe_url = tracking.unsubscribe_url.clone();
            let context = shared.context(
                contact.map(contact_values),
                company.map(company_values),
                None,
                &unsubscribe_url,
            );
            match render::render(&subject, &body, &context, Some(&tracking)) {
                Ok(rendered) => {
                    let mut headers = BTreeMap::new();
                    headers.insert("Message-ID".to_owned(), email.message_id.clone());
                    headers.insert("List-Unsubscribe".to_owned(), format!("<{unsubscribe_url}>"));
                    headers.insert(
                        "List-Unsubscribe-Post".to_owned(),
                        "List-Unsubscribe=One-Click".to_owned(),
                    );
                    messages.push((
                        email.id,
                        EmailMessage {
                            organization_id: Some(row.organization_id),
                            to: vec![email.to_email.clone()],
                            subject: rendered.subject,
                            text_body: rendered.text,
                            html_body: Some(rendered.html),
                            category: "campaign".into(),
                            attachments: Vec::new(),
                            from: Some(Mailbox {
                                email: sender.email.clone(),
                                name: Some(sender.name.clone()),
                            }),
                            reply_to: Some(sender.email.clone()),
                            headers,
                            idempotency_key: Some(email.id.to_string()),
                        },
                    ));
                }
                Err(error) => outcomes.push((email.id, Outcome::Failed(format!("Could not render: {error}")))),
            }
        }
        let sender_impl = kite.email.clone();
        let sent: Vec<(Uuid, Outcome)> = futures_util::stream::iter(messages)
            .map(|(id, message)| {
                let sender = sender_impl.clone();
                async move {
                    let outcome = match sender.send(&message).await {
                        Ok(receipt) => Outcome::Sent(receipt.provider_message_id, message.subject.clone()),
                        Err(error) if error.is_permanent() => Outcome::Failed(error.to_string()),
                        Err(error) if error.surely_not_sent() => Outcome::Retry,
                        Err(error) => {
                            tracing::warn!(%error, email = %id, "no answer from the provider; its events will tell");
                            Outcome::Unknown
                        }
                    };
                    (id, outcome)
                }
            })
            .buffer_unordered(kite.settings.email_send_concurrency.max(1))
            .collect()
            .await;
        outcomes.extend(sent);
        Ok(outcomes)
    }
}
