//! Bulk actions on a selection of contacts, companies or deals, and the trash they can
//! be restored from. One transaction per request; every record gets its audit row.

use super::records::{self, CrmEntity};
use super::tags;
use crate::audit::{self, Actor, Event};
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite, WriteTxn};
use chrono::Utc;
use kite_entity::{company, contact, deal, user};
use kite_shared::crm::list::{BulkAction, BulkRequest, BulkResult, MAX_BULK};
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::trash::{TrashItem, TrashQuery};
use kite_shared::page::{Page, PageQuery};
use kite_shared::{FieldError, Permission};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

pub struct BulkService<'a> {
    kite: &'a Kite,
}

impl<'a> BulkService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn apply(&self, ctx: &Ctx, kind: RecordKind, request: &BulkRequest) -> Result<BulkResult, CoreError> {
        let mut ids = request.ids.clone();
        ids.sort();
        ids.dedup();
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(CoreError::Validation(vec![FieldError::new(
                "ids",
                "count",
                format!("Select from 1 to {MAX_BULK} records."),
            )]));
        }
        let txn = self.kite.begin().await?;
        let updated = match kind {
            RecordKind::Contact => apply_to::<contact::Entity>(&txn, ctx, &ids, &request.action).await?,
            RecordKind::Company => apply_to::<company::Entity>(&txn, ctx, &ids, &request.action).await?,
            RecordKind::Deal => apply_to::<deal::Entity>(&txn, ctx, &ids, &request.action).await?,
        };
        txn.commit().await?;
        self.kite
            .counts
            .invalidate(ctx.organization_id.into_uuid(), kind.plural());
        Ok(BulkResult { updated })
    }

    /// Deleted records of one kind, most recently deleted first. Admins only.
    pub async fn trash(&self, ctx: &Ctx, query: &TrashQuery, page: &PageQuery) -> Result<Page<TrashItem>, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let request = PageRequest::parse(page)?;
        match query.kind.unwrap_or(RecordKind::Contact) {
            RecordKind::Contact => records::trash_page::<contact::Entity>(self.kite, ctx, &request).await,
            RecordKind::Company => records::trash_page::<company::Entity>(self.kite, ctx, &request).await,
            RecordKind::Deal => records::trash_page::<deal::Entity>(self.kite, ctx, &request).await,
        }
    }
}

async fn apply_to<E: CrmEntity>(
    txn: &WriteTxn,
    ctx: &Ctx,
    ids: &[Uuid],
    action: &BulkAction,
) -> Result<u64, CoreError> {
    let conn = &**txn;
    let org = ctx.organization_id.into_uuid();
    let (code, before_field): (&str, fn(&E::Model) -> serde_json::Value) = match action {
        BulkAction::AssignOwner { .. } => ("record.owner_assigned", |r| json!({"owner_id": E::owner(r)})),
        BulkAction::AddTag { .. } => ("record.tag_added", |_| json!({})),
        BulkAction::RemoveTag { .. } => ("record.tag_removed", |_| json!({})),
        BulkAction::Delete => ("record.deleted", |r| json!({"name": E::display_name(r)})),
    };
    match action {
        BulkAction::AssignOwner { .. } | BulkAction::Delete => {
            let permission = if matches!(action, BulkAction::Delete) {
                Permission::DeleteRecords
            } else {
                Permission::EditAllRecords
            };
            ctx.require(permission)?;
        }
        BulkAction::AddTag { tag } | BulkAction::RemoveTag { tag } => {
            ctx.require(Permission::EditOwnRecords)?;
            tags::check_bulk_tag(tag)?;
        }
    }
    let rows = records::find_all_live::<E>(conn, ctx, ids).await?;
    if !ctx.role.can(Permission::EditAllRecords) {
        // Reps tag only what they own, like every other edit.
        let me = Some(ctx.user_id.into_uuid());
        if rows.iter().any(|r| E::owner(r) != me) {
            return Err(CoreError::Forbidden);
        }
    }
    let (updated, after) = match action {
        BulkAction::AssignOwner { owner_id } => {
            let owner = owner_id.into_uuid();
            let active = user::Entity::find_by_id(owner)
                .filter(user::Column::OrganizationId.eq(org))
                .filter(user::Column::Active.eq(true))
                .one(conn)
                .await?
                .is_some();
            if !active {
                return Err(CoreError::field(
                    "owner_id",
                    "unknown_user",
                    "No active user of your organization has this id.",
                ));
            }
            let updated = records::set_column::<E>(conn, ids, E::owner_col(), Expr::value(Some(owner))).await?;
            (updated, json!({"owner_id": owner, "bulk": true}))
        }
        BulkAction::Delete => {
            let updated = records::set_column::<E>(conn, ids, E::deleted_col(), Expr::value(Some(Utc::now()))).await?;
            (updated, json!({"bulk": true}))
        }
        BulkAction::AddTag { tag } => {
            let tag = tags::ensure(conn, org, std::slice::from_ref(tag))
                .await?
                .pop()
                .ok_or(CoreError::NotFound("tag"))?;
            tags::link(conn, org, E::KIND, tag.id, ids).await?;
            records::touch::<E>(conn, ids).await?;
            (rows.len() as u64, json!({"tag": tag.name, "bulk": true}))
        }
        BulkAction::RemoveTag { tag } => {
            let Some(tag) = tags::find_by_name(conn, org, tag).await? else {
                return Ok(0);
            };
            let removed = tags::unlink(conn, tag.id, ids).await?;
            records::touch::<E>(conn, ids).await?;
            (removed, json!({"tag": tag.name, "bulk": true}))
        }
    };
    for row in &rows {
        audit::record(
            conn,
            &Actor::from(ctx),
            Event::new(code, E::KIND.as_str(), E::id(row))
                .before(before_field(row))
                .after(after.clone()),
        )
        .await?;
    }
    Ok(updated)
}
