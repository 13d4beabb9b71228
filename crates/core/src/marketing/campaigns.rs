//! Campaigns: their lifecycle (draft → scheduled → sending → sent, or paused and
//! cancelled on the way), and their report.

use super::MarketingService;
use super::sending::{self, SendBatch};
use super::templates::find_template;
use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_entity::{campaign, contact, email, email_event, email_template, user};
use kite_shared::marketing::campaigns::{
    Audience, CampaignDto, CampaignInput, CampaignReport, CampaignStats, CampaignStatus, DEFAULT_RATE_PER_MINUTE,
    Exclusions, LinkClicks, RecipientDto, RecipientQuery, SenderDto,
};
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{FieldError, Permission, UserId};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, ExprTrait, IntoActiveModel,
    QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) fn audience_of(row: &campaign::Model) -> Audience {
    serde_json::from_str(&row.audience).unwrap_or_default()
}

pub(super) fn exclusions_of(row: &campaign::Model) -> Exclusions {
    serde_json::from_str(&row.excluded).unwrap_or_default()
}

/// The campaign of the caller's organization, locked on PostgreSQL until the
/// transaction ends (SQLite's writers take turns anyway); 404 for another's.
pub(super) async fn lock_campaign(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    id: Uuid,
) -> Result<campaign::Model, CoreError> {
    let mut select = campaign::Entity::find_by_id(id).filter(campaign::Column::OrganizationId.eq(organization_id));
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        select = select.lock_exclusive();
    }
    select.one(conn).await?.ok_or(CoreError::NotFound("campaign"))
}

/// Whether a campaign that has not been sent yet still needs the template.
pub(super) async fn waiting_for_template(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    template_id: Uuid,
) -> Result<bool, CoreError> {
    Ok(campaign::Entity::find()
        .filter(campaign::Column::OrganizationId.eq(organization_id))
        .filter(campaign::Column::TemplateId.eq(template_id))
        .filter(campaign::Column::Status.is_in([CampaignStatus::Draft.as_str(), CampaignStatus::Scheduled.as_str()]))
        .one(conn)
        .await?
        .is_some())
}

fn status_of(row: &campaign::Model) -> CampaignStatus {
    CampaignStatus::parse(&row.status)
}

fn not_in(row: &campaign::Model, what: &str) -> CoreError {
    let status = status_of(row);
    CoreError::Conflict {
        code: "campaign_status",
        message: format!(
            "This campaign is {}: it cannot be {what}.",
            status.label().to_lowercase()
        ),
        field: None,
        details: Some(json!({"status": status.as_str()})),
    }
}

pub(super) async fn stats(conn: &impl ConnectionTrait, campaign_id: Uuid) -> Result<CampaignStats, CoreError> {
    let by_status: Vec<(String, i64)> = email::Entity::find()
        .select_only()
        .column(email::Column::Status)
        .column_as(Expr::col(email::Column::Id).count(), "n")
        .filter(email::Column::CampaignId.eq(campaign_id))
        .group_by(email::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let (delivered, opened, clicked, opens, clicks): (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>) =
        email::Entity::find()
            .select_only()
            .column_as(Expr::col(email::Column::DeliveredAt).count(), "delivered")
            .column_as(Expr::cust("SUM(CASE WHEN open_count > 0 THEN 1 ELSE 0 END)"), "opened")
            .column_as(
                Expr::cust("SUM(CASE WHEN click_count > 0 THEN 1 ELSE 0 END)"),
                "clicked",
            )
            .column_as(Expr::cust("SUM(open_count)"), "opens")
            .column_as(Expr::cust("SUM(click_count)"), "clicks")
            .filter(email::Column::CampaignId.eq(campaign_id))
            .into_tuple()
            .one(conn)
            .await?
            .unwrap_or_default();
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    let mut stats = CampaignStats {
        delivered: n(delivered),
        opened: n(opened.unwrap_or(0)),
        clicked: n(clicked.unwrap_or(0)),
        total_opens: n(opens.unwrap_or(0)),
        total_clicks: n(clicks.unwrap_or(0)),
        ..CampaignStats::default()
    };
    for (status, count) in by_status {
        let count = n(count);
        let Some(status) = EmailStatus::parse(&status) else {
            continue;
        };
        stats.recipients += count;
        if status.was_sent() {
            stats.sent += count;
        }
        match status {
            EmailStatus::Queued | EmailStatus::Sending => stats.queued += count,
            EmailStatus::Bounced => stats.bounced += count,
            EmailStatus::Dropped => stats.dropped += count,
            EmailStatus::Failed => stats.failed += count,
            EmailStatus::SpamReport => stats.spam_reports += count,
            EmailStatus::Unsubscribed => stats.unsubscribed += count,
            EmailStatus::Excluded => stats.excluded += count,
            _ => {}
        }
    }
    Ok(stats)
}

impl MarketingService<'_> {
    async fn campaign_dto(&self, conn: &impl ConnectionTrait, row: &campaign::Model) -> Result<CampaignDto, CoreError> {
        let template_name = email_template::Entity::find_by_id(row.template_id)
            .one(conn)
            .await?
            .map(|t| t.name);
        let sender = user::Entity::find_by_id(row.sender_user_id)
            .one(conn)
            .await?
            .map(|u| SenderDto {
                id: UserId::from(u.id),
                name: u.name,
                email: u.email,
            });
        Ok(CampaignDto {
            id: row.id,
            name: row.name.clone(),
            template_id: row.template_id,
            template_name,
            audience: audience_of(row),
            sender,
            status: status_of(row),
            scheduled_at: row.scheduled_at,
            rate_per_minute: u32::try_from(row.rate_per_minute).unwrap_or(DEFAULT_RATE_PER_MINUTE),
            excluded: exclusions_of(row),
            stats: stats(conn, row.id).await?,
            created_by: row.created_by.map(UserId::from),
            created_at: row.created_at,
            updated_at: row.updated_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        })
    }

    /// Checks what the input names: the template and an active sender of the organization.
    async fn check_input(
        &self,
        conn: &impl ConnectionTrait,
        ctx: &Ctx,
        input: &CampaignInput,
    ) -> Result<Uuid, CoreError> {
        let mut errors = input.validate();
        let org = ctx.organization_id.into_uuid();
        if find_template(conn, org, input.template_id).await.is_err() {
            errors.push(FieldError::new(
                "template_id",
                "not_found",
                "Pick one of your templates.",
            ));
        }
        let sender_id = input.sender_user_id.map_or(ctx.user_id.into_uuid(), UserId::into_uuid);
        let sender_ok = user::Entity::find_by_id(sender_id)
            .one(conn)
            .await?
            .is_some_and(|u| u.organization_id == org && u.active);
        if !sender_ok {
            errors.push(FieldError::new(
                "sender_user_id",
                "not_found",
                "Pick an active user of your organization.",
            ));
        }
        if input.scheduled_at.is_some_and(|at| at <= Utc::now()) {
            errors.push(FieldError::new("scheduled_at", "in_past", "Pick a time in the future."));
        }
        CoreError::validation(errors)?;
        Ok(sender_id)
    }

    pub async fn list_campaigns(&self, ctx: &Ctx, page: &PageQuery) -> Result<Page<CampaignDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed(
            "campaigns",
            "created_at",
            campaign::Column::CreatedAt,
            true,
            campaign::Column::Id,
        )?;
        let select =
            campaign::Entity::find().filter(campaign::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        let rows = paging::page(self.kite, select, &order, &request, Total::Exact).await?;
        let mut items = Vec::with_capacity(rows.items.len());
        for row in &rows.items {
            items.push(self.campaign_dto(&self.kite.db, row).await?);
        }
        Ok(Page {
            items,
            next_cursor: rows.next_cursor,
            total: rows.total,
        })
    }

    pub async fn get_campaign(&self, ctx: &Ctx, id: Uuid) -> Result<CampaignDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = campaign::Entity::find_by_id(id)
            .filter(campaign::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("campaign"))?;
        self.campaign_dto(&self.kite.db, &row).await
    }

    pub async fn create_campaign(&self, ctx: &Ctx, input: &CampaignInput) -> Result<CampaignDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let sender_id = self.check_input(&*txn, ctx, input).await?;
        let now = Utc::now();
        let row = campaign::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            name: Set(input.name.trim().to_owned()),
            template_id: Set(input.template_id),
            subject: Set(None),
            body_html: Set(None),
            audience: Set(json!(input.audience).to_string()),
            sender_user_id: Set(sender_id),
            status: Set(if input.scheduled_at.is_some() {
                CampaignStatus::Scheduled
            } else {
                CampaignStatus::Draft
            }
            .as_str()
            .to_owned()),
            scheduled_at: Set(input.scheduled_at),
            rate_per_minute: Set(
                i32::try_from(input.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE)).unwrap_or(i32::MAX)
            ),
            recipient_count: Set(0),
            excluded: Set(json!(Exclusions::default()).to_string()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
            started_at: Set(None),
            finished_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        let dto = self.campaign_dto(&*txn, &row).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("campaign.created", "campaign", row.id).after(json!({"name": dto.name, "status": dto.status})),
        )
        .await?;
        txn.commit().await?;
        Ok(dto)
    }

    /// Edits a draft or scheduled campaign; once sending has started it is 409.
    pub async fn update_campaign(&self, ctx: &Ctx, id: Uuid, input: &CampaignInput) -> Result<CampaignDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = lock_campaign(&*txn, ctx.organization_id.into_uuid(), id).await?;
        if !status_of(&row).editable() {
            return Err(not_in(&row, "edited"));
        }
        let sender_id = self.check_input(&*txn, ctx, input).await?;
        let mut active = row.into_active_model();
        active.name = Set(input.name.trim().to_owned());
        active.template_id = Set(input.template_id);
        active.audience = Set(json!(input.audience).to_string());
        active.sender_user_id = Set(sender_id);
        active.scheduled_at = Set(input.scheduled_at);
        active.status = Set(if input.scheduled_at.is_some() {
            CampaignStatus::Scheduled
        } else {
            CampaignStatus::Draft
        }
        .as_str()
        .to_owned());
        active.rate_per_minute =
            Set(i32::try_from(input.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE)).unwrap_or(i32::MAX));
        active.updated_at = Set(Utc::now());
        let row = active.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("campaign.updated", "campaign", id).after(json!({"name": row.name, "status": row.status})),
        )
        .await?;
        let dto = self.campaign_dto(&*txn, &row).await?;
        txn.commit().await?;
        Ok(dto)
    }

    /// Deletes a campaign that never started sending.
    pub async fn delete_campaign(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = lock_campaign(&*txn, ctx.organization_id.into_uuid(), id).await?;
        if !status_of(&row).editable() {
            return Err(not_in(&row, "deleted"));
        }
        campaign::Entity::delete_by_id(id).exec(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("campaign.deleted", "campaign", id).before(json!({"name": row.name})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Starts sending now. A second click (or a campaign already started) is 409.
    pub async fn send_campaign(&self, ctx: &Ctx, id: Uuid) -> Result<CampaignDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = lock_campaign(&*txn, ctx.organization_id.into_uuid(), id).await?;
        if !status_of(&row).editable() {
            return Err(CoreError::Conflict {
                code: "campaign_already_started",
                message: "This campaign has already been sent or is sending.".into(),
                field: None,
                details: Some(json!({"status": row.status})),
            });
        }
        let row = sending::start(self.kite, &*txn, ctx, row, true).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("campaign.sent", "campaign", id).after(json!({"recipients": row.recipient_count})),
        )
        .await?;
        let dto = self.campaign_dto(&*txn, &row).await?;
        txn.commit().await?;
        Ok(dto)
    }

    pub async fn pause_campaign(&self, ctx: &Ctx, id: Uuid) -> Result<CampaignDto, CoreError> {
        self.transition(ctx, id, "paused", &[CampaignStatus::Sending], CampaignStatus::Paused)
            .await
    }

    pub async fn resume_campaign(&self, ctx: &Ctx, id: Uuid) -> Result<CampaignDto, CoreError> {
        self.transition(ctx, id, "resumed", &[CampaignStatus::Paused], CampaignStatus::Sending)
            .await
    }

    /// Stops a campaign for good; emails not handed over yet are never sent.
    pub async fn cancel_campaign(&self, ctx: &Ctx, id: Uuid) -> Result<CampaignDto, CoreError> {
        self.transition(
            ctx,
            id,
            "cancelled",
            &[
                CampaignStatus::Draft,
                CampaignStatus::Scheduled,
                CampaignStatus::Sending,
                CampaignStatus::Paused,
            ],
            CampaignStatus::Cancelled,
        )
        .await
    }

    async fn transition(
        &self,
        ctx: &Ctx,
        id: Uuid,
        what: &str,
        from: &[CampaignStatus],
        to: CampaignStatus,
    ) -> Result<CampaignDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = lock_campaign(&*txn, ctx.organization_id.into_uuid(), id).await?;
        if !from.contains(&status_of(&row)) {
            return Err(not_in(&row, what));
        }
        let now = Utc::now();
        let mut active = row.clone().into_active_model();
        active.status = Set(to.as_str().to_owned());
        active.updated_at = Set(now);
        if to == CampaignStatus::Cancelled {
            active.finished_at = Set(Some(now));
            email::Entity::update_many()
                .col_expr(email::Column::Status, Expr::value(EmailStatus::Excluded.as_str()))
                .col_expr(email::Column::StatusReason, Expr::value("The campaign was cancelled."))
                .col_expr(email::Column::UpdatedAt, Expr::value(now))
                .filter(email::Column::CampaignId.eq(id))
                .filter(email::Column::Status.eq(EmailStatus::Queued.as_str()))
                .exec(&*txn)
                .await?;
        }
        let row = active.update(&*txn).await?;
        if to == CampaignStatus::Sending {
            let payload = SendBatch {
                campaign_id: id,
                organization_id: row.organization_id,
                batch: 0,
                chain: Uuid::now_v7(),
                not_before: None,
            };
            self.kite.queue().enqueue(&*txn, sending::batch_job(&payload)).await?;
        }
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new(&format!("campaign.{what}"), "campaign", id).after(json!({"status": to.as_str()})),
        )
        .await?;
        let dto = self.campaign_dto(&*txn, &row).await?;
        txn.commit().await?;
        sending::announce(self.kite, &row).await;
        Ok(dto)
    }

    /// The campaign with its clicks per link.
    pub async fn campaign_report(&self, ctx: &Ctx, id: Uuid) -> Result<CampaignReport, CoreError> {
        let campaign = self.get_campaign(ctx, id).await?;
        let emails_of_campaign = Query::select()
            .column(email::Column::Id)
            .from(email::Entity)
            .and_where(Expr::col(email::Column::CampaignId).eq(id))
            .to_owned();
        let rows: Vec<(Option<String>, i64, i64)> = email_event::Entity::find()
            .select_only()
            .column(email_event::Column::Url)
            .column_as(Expr::col(email_event::Column::Id).count(), "clicks")
            .column_as(Expr::cust("COUNT(DISTINCT email_id)"), "unique_clicks")
            .filter(email_event::Column::Kind.eq("click"))
            .filter(email_event::Column::EmailId.in_subquery(emails_of_campaign))
            .group_by(email_event::Column::Url)
            .into_tuple()
            .all(&self.kite.db)
            .await?;
        let mut links: Vec<LinkClicks> = rows
            .into_iter()
            .filter_map(|(url, clicks, unique)| {
                Some(LinkClicks {
                    url: url?,
                    clicks: u64::try_from(clicks).unwrap_or(0),
                    unique_clicks: u64::try_from(unique).unwrap_or(0),
                })
            })
            .collect();
        links.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.url.cmp(&b.url)));
        Ok(CampaignReport { campaign, links })
    }

    /// The campaign's recipients in the order they were queued.
    pub async fn campaign_recipients(
        &self,
        ctx: &Ctx,
        id: Uuid,
        query: &RecipientQuery,
        page: &PageQuery,
    ) -> Result<Page<RecipientDto>, CoreError> {
        self.get_campaign(ctx, id).await?;
        let request = PageRequest::parse(page)?;
        let mut select = email::Entity::find()
            .filter(email::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(email::Column::CampaignId.eq(id));
        if let Some(status) = query.status {
            select = select.filter(email::Column::Status.eq(status.as_str()));
        }
        let order = Ordering::fixed(
            "campaign_recipients",
            "created_at",
            email::Column::CreatedAt,
            false,
            email::Column::Id,
        )?;
        let rows = paging::page(self.kite, select, &order, &request, Total::Exact).await?;
        let contact_ids: Vec<Uuid> = rows.items.iter().filter_map(|e| e.contact_id).collect();
        let names: HashMap<Uuid, String> = contact::Entity::find()
            .filter(contact::Column::Id.is_in(contact_ids))
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|c| (c.id, format!("{} {}", c.first_name, c.last_name).trim().to_owned()))
            .collect();
        Ok(rows.map(|e| RecipientDto {
            email_id: e.id,
            contact_id: e.contact_id,
            contact_name: e.contact_id.and_then(|c| names.get(&c).cloned()),
            email: e.to_email,
            status: EmailStatus::parse(&e.status).unwrap_or(EmailStatus::Queued),
            status_reason: e.status_reason,
            sent_at: e.sent_at,
            delivered_at: e.delivered_at,
            open_count: u32::try_from(e.open_count).unwrap_or(0),
            first_opened_at: e.first_opened_at,
            last_opened_at: e.last_opened_at,
            click_count: u32::try_from(e.click_count).unwrap_or(0),
            first_clicked_at: e.first_clicked_at,
            last_clicked_at: e.last_clicked_at,
        }))
    }
}
