//! Email that contacts send: SendGrid's Inbound Parse posts each message to the
//! organization's secret address. A reply is threaded to the email it answers (its
//! In-Reply-To or References name one of our Message-IDs), else matched on the sender's
//! address; either way it lands on the contact's timeline and takes them out of their
//! sequences. A message from nobody we know waits in the unmatched list for an admin.

use super::enrollments::exit_contacts;
use super::render;
use super::{MarketingService, message_id_host};
use crate::audit::{self, Actor, Event};
use crate::crm::records;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_entity::{contact, email, organization};
use kite_shared::Permission;
use kite_shared::marketing::emails::{EmailStatus, InboundAddress, InboundEmailDto, InboundOutcome};
use kite_shared::marketing::sequences::ExitReason;
use kite_shared::page::{Page, PageQuery};
use kite_shared::validation::normalize_email;
use mailparse::MailHeaderMap;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

/// The largest body part kept; longer ones are cut.
const MAX_BODY_CHARS: usize = 200_000;
/// The most Message-IDs of References looked at (the newest ones).
const MAX_REFERENCES: usize = 50;

/// The form fields of an Inbound Parse post, as the provider sent them.
#[derive(Clone, Debug, Default)]
pub struct InboundFields {
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub text: Option<String>,
    pub html: Option<String>,
    /// The raw header block of the message.
    pub headers: Option<String>,
}

/// Why a post is not a message Kite can keep: the field, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {message}")]
pub struct MalformedInbound {
    pub field: &'static str,
    pub message: String,
}

fn malformed(field: &'static str, message: impl Into<String>) -> MalformedInbound {
    MalformedInbound {
        field,
        message: message.into(),
    }
}

/// A message read from the fields: who sent it, and what it answers.
#[derive(Clone, Debug)]
pub struct InboundMessage {
    pub from_email: String,
    pub from_name: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// Every Message-ID it names as an ancestor, the direct parent first.
    pub ancestors: Vec<String>,
}

/// The `<…>` Message-IDs in a header value.
fn message_ids(value: &str) -> Vec<String> {
    value
        .split_whitespace()
        .filter(|token| token.starts_with('<') && token.ends_with('>') && token.len() > 2)
        .map(|token| token.chars().take(255).collect())
        .collect()
}

fn cut(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| t.chars().take(MAX_BODY_CHARS).collect())
}

impl InboundMessage {
    pub fn parse(fields: InboundFields) -> Result<Self, MalformedInbound> {
        let from = fields
            .from
            .filter(|f| !f.trim().is_empty())
            .ok_or_else(|| malformed("from", "The sender is missing."))?;
        let sender = mailparse::addrparse(&from)
            .ok()
            .and_then(|list| list.extract_single_info())
            .filter(|s| s.addr.contains('@'))
            .ok_or_else(|| malformed("from", format!("Not an email address: {from}")))?;
        let raw_headers = fields
            .headers
            .filter(|h| !h.trim().is_empty())
            .ok_or_else(|| malformed("headers", "The message's headers are missing."))?;
        let mut block = raw_headers.replace("\r\n", "\n").trim_end().to_owned();
        block.push_str("\n\n");
        let (headers, _) = mailparse::parse_headers(block.as_bytes())
            .map_err(|e| malformed("headers", format!("The headers could not be read: {e}")))?;
        if headers.is_empty() {
            return Err(malformed("headers", "The headers could not be read."));
        }
        let first_id = |name: &str| {
            headers
                .get_first_value(name)
                .and_then(|v| message_ids(&v).into_iter().next())
        };
        let in_reply_to = first_id("In-Reply-To");
        let mut ancestors: Vec<String> = in_reply_to.iter().cloned().collect();
        if let Some(references) = headers.get_first_value("References") {
            let mut ids = message_ids(&references);
            ids.reverse();
            ancestors.extend(ids.into_iter().take(MAX_REFERENCES));
        }
        let subject = fields
            .subject
            .or_else(|| headers.get_first_value("Subject"))
            .unwrap_or_default()
            .trim()
            .chars()
            .take(998)
            .collect();
        Ok(Self {
            from_email: normalize_email(&sender.addr),
            from_name: sender.display_name.filter(|n| !n.trim().is_empty()),
            to: fields.to.unwrap_or_default().chars().take(320).collect(),
            subject,
            text: cut(fields.text),
            html: cut(fields.html),
            message_id: first_id("Message-ID"),
            in_reply_to,
            ancestors,
        })
    }
}

fn inbound_dto(row: email::Model, contact_name: Option<String>) -> InboundEmailDto {
    InboundEmailDto {
        id: row.id,
        contact_id: row.contact_id,
        contact_name,
        from_email: row.from_email,
        from_name: row.from_name,
        to_email: row.to_email,
        subject: row.subject,
        text_body: row.text_body,
        received_at: row.created_at,
    }
}

fn new_secret() -> Result<String, CoreError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl MarketingService<'_> {
    /// The organization's Inbound Parse address (its secret is made the first time).
    pub async fn inbound_address(&self, ctx: &Ctx) -> Result<InboundAddress, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let db = &self.kite.db;
        let org = organization::Entity::find_by_id(ctx.organization_id.into_uuid())
            .one(db)
            .await?
            .ok_or(CoreError::NotFound("organization"))?;
        let secret = match org.inbound_secret.clone() {
            Some(secret) => secret,
            None => self.set_secret(ctx, org, "inbound.address_created").await?,
        };
        Ok(self.address(&secret))
    }

    /// A new secret: the old address stops working at once.
    pub async fn rotate_inbound_address(&self, ctx: &Ctx) -> Result<InboundAddress, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let org = organization::Entity::find_by_id(ctx.organization_id.into_uuid())
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("organization"))?;
        let secret = self.set_secret(ctx, org, "inbound.address_rotated").await?;
        Ok(self.address(&secret))
    }

    fn address(&self, secret: &str) -> InboundAddress {
        InboundAddress {
            url: format!(
                "{}/api/v1/inbound/email/{secret}",
                self.kite.settings.public_url.trim_end_matches('/')
            ),
        }
    }

    async fn set_secret(&self, ctx: &Ctx, org: organization::Model, action: &str) -> Result<String, CoreError> {
        let secret = new_secret()?;
        let txn = self.kite.begin().await?;
        let mut active = org.into_active_model();
        active.inbound_secret = Set(Some(secret.clone()));
        let org = active.update(&*txn).await?;
        audit::record(&*txn, &Actor::from(ctx), Event::new(action, "organization", org.id)).await?;
        txn.commit().await?;
        Ok(secret)
    }

    /// Keeps a message posted to an inbound address. An unknown secret is 404; the same
    /// message posted twice is kept once.
    pub async fn receive_inbound(&self, secret: &str, message: &InboundMessage) -> Result<InboundOutcome, CoreError> {
        let kite = self.kite;
        let db = &kite.db;
        if secret.len() < 16 {
            return Err(CoreError::NotFound("inbound address"));
        }
        let org = organization::Entity::find()
            .filter(organization::Column::InboundSecret.eq(secret))
            .one(db)
            .await?
            .ok_or(CoreError::NotFound("inbound address"))?;
        let answered = match message.ancestors.is_empty() {
            true => None,
            false => {
                let found = email::Entity::find()
                    .filter(email::Column::OrganizationId.eq(org.id))
                    .filter(email::Column::Direction.eq("out"))
                    .filter(email::Column::MessageId.is_in(message.ancestors.iter().map(String::as_str)))
                    .all(db)
                    .await?;
                // The closest ancestor we sent: the direct parent before older ones.
                message
                    .ancestors
                    .iter()
                    .find_map(|id| found.iter().find(|e| &e.message_id == id).cloned())
            }
        };
        let contact_id = match answered.as_ref().and_then(|e| e.contact_id) {
            Some(id) => Some(id),
            None => contact::Entity::find()
                .filter(contact::Column::OrganizationId.eq(org.id))
                .filter(contact::Column::DeletedAt.is_null())
                .filter(contact::Column::Email.eq(message.from_email.as_str()))
                .order_by_asc(contact::Column::CreatedAt)
                .one(db)
                .await?
                .map(|c| c.id),
        };
        let id = Uuid::now_v7();
        let now = Utc::now();
        let message_id = message
            .message_id
            .clone()
            .unwrap_or_else(|| format!("<{}@inbound.{}>", id.simple(), message_id_host(kite)));
        let txn = kite.begin().await?;
        let inserted = email::Entity::insert(email::ActiveModel {
            id: Set(id),
            organization_id: Set(org.id),
            contact_id: Set(contact_id),
            deal_id: Set(answered.as_ref().and_then(|e| e.deal_id)),
            campaign_id: Set(None),
            direction: Set("in".into()),
            source: Set("inbound".into()),
            to_email: Set(message.to.clone()),
            from_email: Set(message.from_email.chars().take(320).collect()),
            from_name: Set(message.from_name.clone().map(|n| n.chars().take(200).collect())),
            subject: Set(message.subject.clone()),
            html_body: Set(message.html.as_deref().map(render::sanitize)),
            text_body: Set(message.text.clone()),
            message_id: Set(message_id),
            in_reply_to: Set(message.in_reply_to.clone()),
            provider_message_id: Set(None),
            status: Set(EmailStatus::Received.as_str().into()),
            status_reason: Set(None),
            attempted_at: Set(None),
            sent_at: Set(None),
            delivered_at: Set(None),
            open_count: Set(0),
            first_opened_at: Set(None),
            last_opened_at: Set(None),
            click_count: Set(0),
            first_clicked_at: Set(None),
            last_clicked_at: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            sequence_id: Set(None),
            sequence_step_id: Set(None),
            enrollment_id: Set(None),
            replied_at: Set(None),
        })
        .on_conflict(
            // The partial unique index on inbound Message-IDs; naming it as a target
            // would need its WHERE clause on both databases.
            OnConflict::new().do_nothing().to_owned(),
        )
        .exec_without_returning(&*txn)
        .await?;
        if inserted == 0 {
            return Ok(InboundOutcome {
                email_id: None,
                contact_id,
                replied_to: None,
                duplicate: true,
            });
        }
        if let Some(answered) = &answered {
            mark_replied(&*txn, answered.id, now).await?;
        }
        let exited = match contact_id {
            Some(contact) => exit_contacts(&*txn, org.id, &[contact], ExitReason::Replied).await?,
            None => 0,
        };
        let actor = Actor {
            organization_id: Some(org.id.into()),
            user_id: None,
            label: Some(message.from_email.clone()),
            client: Default::default(),
        };
        audit::record(
            &*txn,
            &actor,
            Event::new("email.received", "email", id).after(json!({
                "contact_id": contact_id,
                "replied_to": answered.as_ref().map(|e| e.id),
                "sequences_exited": exited,
            })),
        )
        .await?;
        txn.commit().await?;
        Ok(InboundOutcome {
            email_id: Some(id),
            contact_id,
            replied_to: answered.map(|e| e.id),
            duplicate: false,
        })
    }

    /// Messages from senders no contact has, newest first.
    pub async fn list_unmatched(&self, ctx: &Ctx, page: &PageQuery) -> Result<Page<InboundEmailDto>, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed(
            "inbound",
            "created_at",
            email::Column::CreatedAt,
            true,
            email::Column::Id,
        )?;
        let select = email::Entity::find()
            .filter(email::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(email::Column::Direction.eq("in"))
            .filter(email::Column::ContactId.is_null());
        Ok(paging::page(self.kite, select, &order, &request, Total::Exact)
            .await?
            .map(|row| inbound_dto(row, None)))
    }

    /// Files an unmatched message under a contact: it joins their timeline, and counts
    /// as their reply.
    pub async fn assign_inbound(&self, ctx: &Ctx, id: Uuid, contact_id: Uuid) -> Result<InboundEmailDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        let row = email::Entity::find_by_id(id)
            .filter(email::Column::OrganizationId.eq(org))
            .filter(email::Column::Direction.eq("in"))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("email"))?;
        if row.contact_id.is_some() {
            return Err(super::conflict(
                "already_assigned",
                "This email is filed under a contact already.",
            ));
        }
        let contact = records::find_live::<contact::Entity>(&*txn, ctx, contact_id)
            .await
            .map_err(|_| CoreError::field("contact_id", "not_found", "Pick one of your contacts."))?;
        let mut active = row.into_active_model();
        active.contact_id = Set(Some(contact.id));
        active.updated_at = Set(Utc::now());
        let row = active.update(&*txn).await?;
        let exited = exit_contacts(&*txn, org, &[contact.id], ExitReason::Replied).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("email.assigned", "email", id)
                .after(json!({"contact_id": contact.id, "sequences_exited": exited})),
        )
        .await?;
        txn.commit().await?;
        let name = format!("{} {}", contact.first_name, contact.last_name)
            .trim()
            .to_owned();
        Ok(inbound_dto(row, Some(name)))
    }
}

/// The first reply to an email is when it was answered.
async fn mark_replied(conn: &impl ConnectionTrait, email_id: Uuid, at: chrono::DateTime<Utc>) -> Result<(), CoreError> {
    email::Entity::update_many()
        .col_expr(email::Column::RepliedAt, Expr::value(at))
        .filter(email::Column::Id.eq(email_id))
        .filter(email::Column::RepliedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(from: &str, headers: &str) -> InboundFields {
        InboundFields {
            from: Some(from.into()),
            to: Some("crm@acme.test".into()),
            subject: Some("Re: News".into()),
            text: Some("Sounds good".into()),
            html: None,
            headers: Some(headers.into()),
        }
    }

    #[test]
    fn a_reply_names_its_parent_first_then_its_older_ancestors() {
        let message = InboundMessage::parse(fields(
            "Ann Tester <ANN@Example.com>",
            "Message-ID: <r1@mail.example>\r\nIn-Reply-To: <b@kite>\r\nReferences: <a@kite> <b@kite>\r\nSubject: Re: News",
        ))
        .expect("parsed");
        assert_eq!(message.from_email, "ann@example.com");
        assert_eq!(message.from_name.as_deref(), Some("Ann Tester"));
        assert_eq!(message.message_id.as_deref(), Some("<r1@mail.example>"));
        assert_eq!(message.ancestors, ["<b@kite>", "<b@kite>", "<a@kite>"]);
    }

    #[test]
    fn a_post_without_a_sender_or_headers_names_the_field() {
        let no_sender = InboundMessage::parse(fields("not an address", "Subject: x")).expect_err("refused");
        assert_eq!(no_sender.field, "from");
        let no_headers = InboundMessage::parse(InboundFields {
            headers: None,
            ..fields("ann@example.com", "")
        })
        .expect_err("refused");
        assert_eq!(no_headers.field, "headers");
    }
}
