//! A one-off email from a user to one contact (a template or free text), tracked like a
//! campaign's, kept on the contact's timeline (and the deal's, when it is about one).
//! It is person-to-person, so it carries no unsubscribe footer; a suppressed address is
//! still never emailed.

use super::context::{deal_with_stage, sender};
use super::letter::{self, Letter};
use super::suppressions::reasons_for;
use super::templates::find_template;
use super::{MarketingService, render};
use crate::audit::{self, Actor, Event};
use crate::crm::records;
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_email::SendReceipt;
use kite_entity::{contact, deal, email};
use kite_shared::Permission;
use kite_shared::marketing::emails::{OneOffEmailInput, QueuedEmail};
use kite_shared::marketing::templates::{check_body, check_subject};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

impl MarketingService<'_> {
    pub async fn email_contact(
        &self,
        ctx: &Ctx,
        contact_id: Uuid,
        input: &OneOffEmailInput,
    ) -> Result<QueuedEmail, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        let kite = self.kite;
        let db = &kite.db;
        let org = ctx.organization_id.into_uuid();
        let contact = records::find_live::<contact::Entity>(db, ctx, contact_id).await?;
        let (subject, body) = match input.template_id {
            Some(id) => {
                let template = find_template(db, org, id)
                    .await
                    .map_err(|_| CoreError::field("template_id", "not_found", "Pick one of your templates."))?;
                (template.subject, template.body_html)
            }
            None => (
                input.subject.clone().unwrap_or_default(),
                input.body_html.clone().unwrap_or_default(),
            ),
        };
        CoreError::validation(
            [check_subject(&subject), check_body(&body)]
                .into_iter()
                .flatten()
                .collect(),
        )?;
        render::check(&subject, &body)?;
        let to = contact
            .email
            .clone()
            .filter(|e| !e.trim().is_empty())
            .ok_or_else(|| CoreError::field("to", "no_email", "This contact has no email address."))?;
        if let Some(reason) = reasons_for(db, org, std::slice::from_ref(&to)).await?.get(&to) {
            return Err(CoreError::Conflict {
                code: "suppressed",
                message: format!("{to} is on the suppression list ({}).", reason.label().to_lowercase()),
                field: Some("to"),
                details: None,
            });
        }
        let deal = match input.deal_id {
            Some(id) => Some(deal_with_stage(db, records::find_live::<deal::Entity>(db, ctx, id).await?).await?),
            None => None,
        };
        let from = sender(db, ctx.user_id.into_uuid(), org).await?;
        let letter = Letter {
            from: &from,
            contact: &contact,
            to: &to,
            deal: deal.as_ref(),
            subject: &subject,
            body: &body,
            automated: false,
            source: "one_off",
        };
        let txn = kite.begin().await?;
        let queued = letter::queue(kite, &*txn, &letter, |row| row).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("email.sent", "contact", contact.id)
                .after(json!({"email_id": queued.email_id, "to": to, "subject": queued.subject})),
        )
        .await?;
        txn.commit().await?;
        Ok(queued)
    }

    /// The email behind a sent message (by its idempotency key) has left.
    pub async fn record_sent(&self, key: &str, receipt: &SendReceipt) -> Result<(), CoreError> {
        let Ok(id) = Uuid::parse_str(key) else {
            return Ok(());
        };
        email::Entity::update_many()
            .col_expr(
                email::Column::Status,
                Expr::cust("CASE WHEN status IN ('queued', 'sending') THEN 'sent' ELSE status END"),
            )
            .col_expr(email::Column::SentAt, Expr::value(Utc::now()))
            .col_expr(
                email::Column::ProviderMessageId,
                Expr::value(receipt.provider_message_id.clone()),
            )
            .col_expr(email::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(email::Column::Id.eq(id))
            .exec(&self.kite.db)
            .await?;
        Ok(())
    }
}
