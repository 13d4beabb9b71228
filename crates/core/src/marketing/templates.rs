//! Templates: saved only when they render, previewed against a contact, sent as a test
//! to the author.

use super::context::{company_of, company_values, contact_values, deal_values, deal_with_stage, sender};
use super::render::{self, Rendered};
use super::{MarketingService, conflict};
use crate::audit::{self, Actor, Event};
use crate::crm::records;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, mail};
use chrono::Utc;
use kite_email::EmailMessage;
use kite_entity::{contact, deal, email_template, user};
use kite_shared::marketing::templates::{
    EmailTemplateDto, EmailTemplateInput, PreviewRequest, RenderedEmail, TestSent,
};
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

pub(super) fn template_dto(row: &email_template::Model) -> EmailTemplateDto {
    EmailTemplateDto {
        id: row.id,
        name: row.name.clone(),
        subject: row.subject.clone(),
        body_html: row.body_html.clone(),
        created_by: row.created_by.map(UserId::from),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The organization's live template; 404 for another organization's.
pub(super) async fn find_template(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    id: Uuid,
) -> Result<email_template::Model, CoreError> {
    email_template::Entity::find_by_id(id)
        .filter(email_template::Column::OrganizationId.eq(organization_id))
        .filter(email_template::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("email template"))
}

fn validate(input: &EmailTemplateInput) -> Result<(), CoreError> {
    CoreError::validation(input.validate())?;
    render::check(&input.subject, &input.body_html)?;
    Ok(())
}

/// Reps edit the templates they wrote; managers and admins edit all.
fn require_author(ctx: &Ctx, row: &email_template::Model) -> Result<(), CoreError> {
    ctx.require(Permission::EditOwnRecords)?;
    if row.created_by != Some(ctx.user_id.into_uuid()) {
        ctx.require(Permission::EditAllRecords)?;
    }
    Ok(())
}

impl MarketingService<'_> {
    pub async fn list_templates(&self, ctx: &Ctx, page: &PageQuery) -> Result<Page<EmailTemplateDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed(
            "email_templates",
            "name",
            email_template::Column::Name,
            false,
            email_template::Column::Id,
        )?;
        let select = email_template::Entity::find()
            .filter(email_template::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(email_template::Column::DeletedAt.is_null());
        Ok(paging::page(self.kite, select, &order, &request, Total::Exact)
            .await?
            .map(|row| template_dto(&row)))
    }

    pub async fn get_template(&self, ctx: &Ctx, id: Uuid) -> Result<EmailTemplateDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = find_template(&self.kite.db, ctx.organization_id.into_uuid(), id).await?;
        Ok(template_dto(&row))
    }

    pub async fn create_template(&self, ctx: &Ctx, input: &EmailTemplateInput) -> Result<EmailTemplateDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        validate(input)?;
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let row = email_template::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            name: Set(input.name.trim().to_owned()),
            subject: Set(input.subject.trim().to_owned()),
            body_html: Set(input.body_html.clone()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        let dto = template_dto(&row);
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("email_template.created", "email_template", row.id).after(json!(dto)),
        )
        .await?;
        txn.commit().await?;
        Ok(dto)
    }

    pub async fn update_template(
        &self,
        ctx: &Ctx,
        id: Uuid,
        input: &EmailTemplateInput,
    ) -> Result<EmailTemplateDto, CoreError> {
        validate(input)?;
        let txn = self.kite.begin().await?;
        let row = find_template(&*txn, ctx.organization_id.into_uuid(), id).await?;
        require_author(ctx, &row)?;
        let before = template_dto(&row);
        let mut active = row.into_active_model();
        active.name = Set(input.name.trim().to_owned());
        active.subject = Set(input.subject.trim().to_owned());
        active.body_html = Set(input.body_html.clone());
        active.updated_at = Set(Utc::now());
        let row = active.update(&*txn).await?;
        let dto = template_dto(&row);
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("email_template.updated", "email_template", id)
                .before(json!(before))
                .after(json!(dto)),
        )
        .await?;
        txn.commit().await?;
        Ok(dto)
    }

    /// Moves a template to the trash; a campaign that is not sent yet still needs it.
    pub async fn delete_template(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        let txn = self.kite.begin().await?;
        let row = find_template(&*txn, ctx.organization_id.into_uuid(), id).await?;
        require_author(ctx, &row)?;
        if super::campaigns::waiting_for_template(&*txn, row.organization_id, id).await? {
            return Err(conflict(
                "template_in_use",
                "A campaign that has not been sent yet uses this template.",
            ));
        }
        if super::sequences::uses_template(&*txn, row.organization_id, id).await? {
            return Err(conflict("template_in_use", "A sequence sends this template."));
        }
        let mut active = row.clone().into_active_model();
        active.deleted_at = Set(Some(Utc::now()));
        active.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("email_template.deleted", "email_template", id).before(json!(template_dto(&row))),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A draft as a contact would get it (sample data when no contact is given).
    pub async fn preview(&self, ctx: &Ctx, input: &PreviewRequest) -> Result<RenderedEmail, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let rendered = self.render_draft(ctx, input).await?;
        Ok(RenderedEmail {
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
        })
    }

    /// Sends the draft, rendered for the picked contact, to the caller's own address.
    pub async fn send_test(&self, ctx: &Ctx, input: &PreviewRequest) -> Result<TestSent, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        let rendered = self.render_draft(ctx, input).await?;
        let me = user::Entity::find_by_id(ctx.user_id.into_uuid())
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("user"))?;
        let message = EmailMessage {
            organization_id: Some(ctx.organization_id.into_uuid()),
            to: vec![me.email.clone()],
            subject: format!("[Test] {}", rendered.subject),
            text_body: rendered.text,
            html_body: Some(rendered.html),
            category: "template_test".into(),
            ..EmailMessage::default()
        };
        let txn = self.kite.begin().await?;
        mail::queue(self.kite, &*txn, &message).await?;
        txn.commit().await?;
        Ok(TestSent { to: me.email })
    }

    async fn render_draft(&self, ctx: &Ctx, input: &PreviewRequest) -> Result<Rendered, CoreError> {
        let checks = [
            kite_shared::marketing::templates::check_subject(&input.subject),
            kite_shared::marketing::templates::check_body(&input.body_html),
        ];
        CoreError::validation(checks.into_iter().flatten().collect())?;
        render::check(&input.subject, &input.body_html)?;
        let db = &self.kite.db;
        let from = sender(db, ctx.user_id.into_uuid(), ctx.organization_id.into_uuid()).await?;
        let unsubscribe = format!("{}/u/preview", self.kite.settings.public_url.trim_end_matches('/'));
        let context = match input.contact_id {
            None => render::sample_context(),
            Some(contact_id) => {
                let contact = records::find_live::<contact::Entity>(db, ctx, contact_id).await?;
                let company = company_of(db, &contact).await?;
                let deal = match input.deal_id {
                    Some(id) => {
                        let (deal, stage) =
                            deal_with_stage(db, records::find_live::<deal::Entity>(db, ctx, id).await?).await?;
                        Some(deal_values(&deal, stage.as_deref()))
                    }
                    None => None,
                };
                from.shared.context(
                    Some(contact_values(&contact)),
                    company.as_ref().map(company_values),
                    deal,
                    &unsubscribe,
                )
            }
        };
        Ok(render::render(&input.subject, &input.body_html, &context, None)?)
    }
}
