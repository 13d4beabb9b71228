//! A one-off email from a user to one contact (a template or free text), tracked like a
//! campaign's, kept on the contact's timeline (and the deal's, when it is about one).
//! It is person-to-person, so it carries no unsubscribe footer; a suppressed address is
//! still never emailed.

use super::context::{Shared, company_values, contact_values, deal_values};
use super::suppressions::reasons_for;
use super::templates::find_template;
use super::{MarketingService, outgoing, render, tokens};
use crate::audit::{self, Actor, Event};
use crate::crm::records;
use crate::{CoreError, Ctx, mail};
use chrono::Utc;
use kite_email::{EmailMessage, Mailbox, SendReceipt};
use kite_entity::{company, contact, deal, email, organization, stage, user};
use kite_shared::Permission;
use kite_shared::marketing::emails::{OneOffEmailInput, QueuedEmail};
use kite_shared::marketing::templates::{check_body, check_subject};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
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
            Some(id) => {
                let deal = records::find_live::<deal::Entity>(db, ctx, id).await?;
                let stage = stage::Entity::find_by_id(deal.stage_id).one(db).await?.map(|s| s.name);
                Some((deal, stage))
            }
            None => None,
        };
        let company = match contact.company_id {
            Some(id) => {
                company::Entity::find_by_id(id)
                    .filter(company::Column::OrganizationId.eq(org))
                    .one(db)
                    .await?
            }
            None => None,
        };
        let sender = user::Entity::find_by_id(ctx.user_id.into_uuid())
            .one(db)
            .await?
            .ok_or(CoreError::NotFound("user"))?;
        let org_name = organization::Entity::find_by_id(org)
            .one(db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();

        let id = Uuid::now_v7();
        let now = Utc::now();
        let base = kite.settings.public_url.trim_end_matches('/');
        let tracking = tokens::tracking(base, &kite.settings.jwt_secret, id, now, false);
        let context = Shared::new(&sender, &org_name).context(
            Some(contact_values(&contact)),
            company.as_ref().map(company_values),
            deal.as_ref().map(|(d, s)| deal_values(d, s.as_deref())),
            &tracking.unsubscribe_url,
        );
        let rendered = render::render(&subject, &body, &context, Some(&tracking))?;

        let txn = kite.begin().await?;
        email::ActiveModel {
            deal_id: Set(deal.as_ref().map(|(d, _)| d.id)),
            html_body: Set(Some(rendered.html.clone())),
            text_body: Set(Some(rendered.text.clone())),
            ..outgoing(kite, id, contact.id, &to, &sender, &rendered.subject, now)
        }
        .insert(&*txn)
        .await?;
        let message = EmailMessage {
            organization_id: Some(org),
            to: vec![to.clone()],
            subject: rendered.subject.clone(),
            text_body: rendered.text,
            html_body: Some(rendered.html),
            category: "one_off".into(),
            from: Some(Mailbox {
                email: sender.email.clone(),
                name: Some(sender.name.clone()),
            }),
            reply_to: Some(sender.email.clone()),
            idempotency_key: Some(id.to_string()),
            ..EmailMessage::default()
        };
        mail::queue(kite, &*txn, &message).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("email.sent", "contact", contact.id)
                .after(json!({"email_id": id, "to": to, "subject": rendered.subject})),
        )
        .await?;
        txn.commit().await?;
        Ok(QueuedEmail {
            email_id: id,
            to,
            subject: rendered.subject,
        })
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
