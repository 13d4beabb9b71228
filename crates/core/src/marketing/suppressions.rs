//! The suppression list: addresses never emailed again. Unsubscribes, hard bounces and
//! spam reports add themselves; admins and managers add and remove entries by hand.

use super::MarketingService;
use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_entity::suppression;
use kite_shared::marketing::suppressions::{SuppressionDto, SuppressionInput, SuppressionQuery, SuppressionReason};
use kite_shared::page::{Page, PageQuery};
use kite_shared::validation::normalize_email;
use kite_shared::{Permission, UserId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

fn dto(row: suppression::Model) -> SuppressionDto {
    SuppressionDto {
        id: row.id,
        email: row.email,
        reason: SuppressionReason::parse(&row.reason),
        detail: row.detail,
        created_by: row.created_by.map(UserId::from),
        created_at: row.created_at,
    }
}

/// Adds an address (keeping the first reason it was suppressed for). True when it is new.
pub(super) async fn add(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    email: &str,
    reason: SuppressionReason,
    detail: Option<String>,
    email_id: Option<Uuid>,
    created_by: Option<Uuid>,
) -> Result<bool, CoreError> {
    let inserted = suppression::Entity::insert(suppression::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        email: Set(normalize_email(email)),
        reason: Set(reason.as_str().to_owned()),
        detail: Set(detail),
        email_id: Set(email_id),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([suppression::Column::OrganizationId, suppression::Column::Email])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    if inserted == 1 {
        super::enrollments::exit_address(conn, organization_id, &normalize_email(email), reason).await?;
    }
    Ok(inserted == 1)
}

/// Which of `emails` are suppressed, and why.
pub(super) async fn reasons_for(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    emails: &[String],
) -> Result<HashMap<String, SuppressionReason>, CoreError> {
    let mut found = HashMap::new();
    for chunk in emails.chunks(500) {
        let rows: Vec<(String, String)> = suppression::Entity::find()
            .select_only()
            .column(suppression::Column::Email)
            .column(suppression::Column::Reason)
            .filter(suppression::Column::OrganizationId.eq(organization_id))
            .filter(suppression::Column::Email.is_in(chunk.iter().map(String::as_str)))
            .into_tuple()
            .all(conn)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|(email, reason)| (email, SuppressionReason::parse(&reason))),
        );
    }
    Ok(found)
}

impl MarketingService<'_> {
    pub async fn list_suppressions(
        &self,
        ctx: &Ctx,
        query: &SuppressionQuery,
        page: &PageQuery,
    ) -> Result<Page<SuppressionDto>, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let request = PageRequest::parse(page)?;
        let mut select =
            suppression::Entity::find().filter(suppression::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            select = select.filter(suppression::Column::Email.contains(q.to_lowercase()));
        }
        if let Some(reason) = query.reason {
            select = select.filter(suppression::Column::Reason.eq(reason.as_str()));
        }
        let order = Ordering::fixed(
            "suppressions",
            "created_at",
            suppression::Column::CreatedAt,
            true,
            suppression::Column::Id,
        )?;
        Ok(paging::page(self.kite, select, &order, &request, Total::Exact)
            .await?
            .map(dto))
    }

    pub async fn add_suppression(&self, ctx: &Ctx, input: &SuppressionInput) -> Result<SuppressionDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        CoreError::validation(input.validate())?;
        let org = ctx.organization_id.into_uuid();
        let email = normalize_email(&input.email);
        let detail = input
            .detail
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        let txn = self.kite.begin().await?;
        let added = add(
            &*txn,
            org,
            &email,
            SuppressionReason::Manual,
            detail,
            None,
            Some(ctx.user_id.into_uuid()),
        )
        .await?;
        if !added {
            return Err(CoreError::Conflict {
                code: "already_suppressed",
                message: format!("{email} is already on the suppression list."),
                field: Some("email"),
                details: None,
            });
        }
        let row = suppression::Entity::find()
            .filter(suppression::Column::OrganizationId.eq(org))
            .filter(suppression::Column::Email.eq(email.as_str()))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("suppression"))?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("suppression.added", "suppression", row.id).after(json!({"email": email})),
        )
        .await?;
        txn.commit().await?;
        Ok(dto(row))
    }

    /// Takes an address off the list: it may be emailed again.
    pub async fn remove_suppression(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = suppression::Entity::find_by_id(id)
            .filter(suppression::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("suppression"))?;
        suppression::Entity::delete_by_id(id).exec(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("suppression.removed", "suppression", id)
                .before(json!({"email": row.email, "reason": row.reason})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
