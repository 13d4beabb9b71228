//! Bulk actions on a selection of contacts, companies or deals, and the trash they can
//! be restored from. One transaction per request; every record gets its audit row.

use crate::audit::{self, Actor, Event};
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{company, contact, deal, user};
use kite_shared::crm::list::{BulkAction, BulkRequest, BulkResult, MAX_BULK};
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::trash::{TrashItem, TrashQuery};
use kite_shared::page::Page;
use kite_shared::{FieldError, Permission};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

/// The same bulk update for each kind of record: find the live rows of the caller's
/// organization among `ids` (all must be there), then set `column` on them.
macro_rules! bulk_update {
    ($txn:expr, $ctx:expr, $entity:ident, $ids:expr, $column:ident, $value:expr, $action:expr, $kind:expr) => {{
        let rows = $entity::Entity::find()
            .filter($entity::Column::OrganizationId.eq($ctx.organization_id.into_uuid()))
            .filter($entity::Column::DeletedAt.is_null())
            .filter($entity::Column::Id.is_in($ids.clone()))
            .all($txn)
            .await?;
        if rows.len() != $ids.len() {
            return Err(CoreError::NotFound("record in the selection"));
        }
        let result = $entity::Entity::update_many()
            .col_expr($entity::Column::$column, Expr::value($value))
            .col_expr($entity::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter($entity::Column::Id.is_in($ids.clone()))
            .exec($txn)
            .await?;
        for row in &rows {
            audit::record(
                $txn,
                &Actor::from($ctx),
                Event::new($action, $kind.as_str(), row.id)
                    .before(json!({"owner_id": row.owner_id}))
                    .after(json!({"bulk": true})),
            )
            .await?;
        }
        result.rows_affected
    }};
}

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
        let org = ctx.organization_id.into_uuid();
        let updated = match &request.action {
            BulkAction::AssignOwner { owner_id } => {
                ctx.require(Permission::EditAllRecords)?;
                let owner = owner_id.into_uuid();
                let active = user::Entity::find_by_id(owner)
                    .filter(user::Column::OrganizationId.eq(org))
                    .filter(user::Column::Active.eq(true))
                    .one(&*txn)
                    .await?
                    .is_some();
                if !active {
                    return Err(CoreError::field(
                        "owner_id",
                        "unknown_user",
                        "No active user of your organization has this id.",
                    ));
                }
                let action = "record.owner_assigned";
                match kind {
                    RecordKind::Contact => bulk_update!(&*txn, ctx, contact, ids, OwnerId, Some(owner), action, kind),
                    RecordKind::Company => bulk_update!(&*txn, ctx, company, ids, OwnerId, Some(owner), action, kind),
                    RecordKind::Deal => bulk_update!(&*txn, ctx, deal, ids, OwnerId, Some(owner), action, kind),
                }
            }
            BulkAction::Delete => {
                ctx.require(Permission::DeleteRecords)?;
                let now = Some(Utc::now());
                let action = "record.deleted";
                match kind {
                    RecordKind::Contact => bulk_update!(&*txn, ctx, contact, ids, DeletedAt, now, action, kind),
                    RecordKind::Company => bulk_update!(&*txn, ctx, company, ids, DeletedAt, now, action, kind),
                    RecordKind::Deal => bulk_update!(&*txn, ctx, deal, ids, DeletedAt, now, action, kind),
                }
            }
        };
        txn.commit().await?;
        self.kite.counts.invalidate(org, kind.plural());
        Ok(BulkResult { updated })
    }

    /// Deleted records of one kind, most recently deleted first. Admins only.
    pub async fn trash(&self, ctx: &Ctx, query: &TrashQuery) -> Result<Page<TrashItem>, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let kind = query.kind.unwrap_or(RecordKind::Contact);
        let paging = PageRequest::new(query.page, query.per_page);
        let org = ctx.organization_id.into_uuid();
        let db = &self.kite.db;
        let (items, total) = match kind {
            RecordKind::Contact => {
                let select = contact::Entity::find()
                    .filter(contact::Column::OrganizationId.eq(org))
                    .filter(contact::Column::DeletedAt.is_not_null());
                let total = select.clone().count(db).await?;
                let rows = select
                    .order_by_desc(contact::Column::DeletedAt)
                    .offset(paging.offset())
                    .limit(paging.per_page)
                    .all(db)
                    .await?;
                let items = rows
                    .into_iter()
                    .filter_map(|c| {
                        Some(TrashItem {
                            id: c.id,
                            kind,
                            name: format!("{} {}", c.first_name, c.last_name).trim().to_owned(),
                            deleted_at: c.deleted_at?,
                        })
                    })
                    .collect();
                (items, total)
            }
            RecordKind::Company => {
                let select = company::Entity::find()
                    .filter(company::Column::OrganizationId.eq(org))
                    .filter(company::Column::DeletedAt.is_not_null());
                let total = select.clone().count(db).await?;
                let rows = select
                    .order_by_desc(company::Column::DeletedAt)
                    .offset(paging.offset())
                    .limit(paging.per_page)
                    .all(db)
                    .await?;
                let items = rows
                    .into_iter()
                    .filter_map(|c| {
                        Some(TrashItem {
                            id: c.id,
                            kind,
                            name: c.name,
                            deleted_at: c.deleted_at?,
                        })
                    })
                    .collect();
                (items, total)
            }
            RecordKind::Deal => {
                let select = deal::Entity::find()
                    .filter(deal::Column::OrganizationId.eq(org))
                    .filter(deal::Column::DeletedAt.is_not_null());
                let total = select.clone().count(db).await?;
                let rows = select
                    .order_by_desc(deal::Column::DeletedAt)
                    .offset(paging.offset())
                    .limit(paging.per_page)
                    .all(db)
                    .await?;
                let items = rows
                    .into_iter()
                    .filter_map(|d| {
                        Some(TrashItem {
                            id: d.id,
                            kind,
                            name: d.title,
                            deleted_at: d.deleted_at?,
                        })
                    })
                    .collect();
                (items, total)
            }
        };
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }
}
