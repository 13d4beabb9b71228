//! What contacts, companies and deals share: the tenant and trash filters, soft delete,
//! restore, the trash listing and bulk updates, written once over [`CrmEntity`].

use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, Utc};
use kite_entity::{company, contact, deal};
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::trash::TrashItem;
use kite_shared::page::Page;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) trait CrmEntity: EntityTrait<Model: Send + Sync> {
    const KIND: RecordKind;
    fn id_col() -> Self::Column;
    fn organization_col() -> Self::Column;
    fn deleted_col() -> Self::Column;
    fn owner_col() -> Self::Column;
    fn updated_col() -> Self::Column;
    /// Which import created the record, if one did.
    fn import_col() -> Self::Column;
    fn id(row: &Self::Model) -> Uuid;
    fn owner(row: &Self::Model) -> Option<Uuid>;
    fn deleted_at(row: &Self::Model) -> Option<DateTime<Utc>>;
    /// How people call the record in the trash, the audit log and merge screens.
    fn display_name(row: &Self::Model) -> String;
}

macro_rules! crm_entity {
    ($module:ident, $kind:expr, $name:expr) => {
        impl CrmEntity for $module::Entity {
            const KIND: RecordKind = $kind;
            fn id_col() -> Self::Column {
                $module::Column::Id
            }
            fn organization_col() -> Self::Column {
                $module::Column::OrganizationId
            }
            fn deleted_col() -> Self::Column {
                $module::Column::DeletedAt
            }
            fn owner_col() -> Self::Column {
                $module::Column::OwnerId
            }
            fn updated_col() -> Self::Column {
                $module::Column::UpdatedAt
            }
            fn import_col() -> Self::Column {
                $module::Column::ImportId
            }
            fn id(row: &Self::Model) -> Uuid {
                row.id
            }
            fn owner(row: &Self::Model) -> Option<Uuid> {
                row.owner_id
            }
            fn deleted_at(row: &Self::Model) -> Option<DateTime<Utc>> {
                row.deleted_at
            }
            fn display_name(row: &Self::Model) -> String {
                let name: fn(&$module::Model) -> String = $name;
                name(row)
            }
        }
    };
}

crm_entity!(contact, RecordKind::Contact, |c| format!(
    "{} {}",
    c.first_name, c.last_name
)
.trim()
.to_owned());
crm_entity!(company, RecordKind::Company, |c| c.name.clone());
crm_entity!(deal, RecordKind::Deal, |d| d.title.clone());

/// The caller's organization's live rows: where every list starts.
pub(crate) fn live<E: CrmEntity>(ctx: &Ctx) -> Select<E> {
    scoped::<E>(ctx, false)
}

/// The caller's organization's rows, live or in the trash.
fn scoped<E: CrmEntity>(ctx: &Ctx, trashed: bool) -> Select<E> {
    let select = E::find().filter(E::organization_col().eq(ctx.organization_id.into_uuid()));
    if trashed {
        select.filter(E::deleted_col().is_not_null())
    } else {
        select.filter(E::deleted_col().is_null())
    }
}

pub(crate) async fn find_live<E: CrmEntity>(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    id: Uuid,
) -> Result<E::Model, CoreError> {
    scoped::<E>(ctx, false)
        .filter(E::id_col().eq(id))
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound(E::KIND.as_str()))
}

/// The display names of records by id (trashed ones included: links still show a name).
pub(crate) async fn names<E: CrmEntity>(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, CoreError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(E::find()
        .filter(E::id_col().is_in(ids))
        .all(conn)
        .await?
        .iter()
        .map(|row| (E::id(row), E::display_name(row)))
        .collect())
}

/// Every one of `ids` as a live record of the caller's organization, or 404: a bulk
/// action applies to the whole selection or not at all.
pub(crate) async fn find_all_live<E: CrmEntity>(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    ids: &[Uuid],
) -> Result<Vec<E::Model>, CoreError> {
    let rows = scoped::<E>(ctx, false)
        .filter(E::id_col().is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    if rows.len() == ids.len() {
        Ok(rows)
    } else {
        Err(CoreError::NotFound("record in the selection"))
    }
}

/// Sets one column on the given rows (already checked to be the caller's) and touches
/// `updated_at`.
pub(crate) async fn set_column<E: CrmEntity>(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    column: E::Column,
    value: SimpleExpr,
) -> Result<u64, CoreError> {
    Ok(E::update_many()
        .col_expr(column, value)
        .col_expr(E::updated_col(), Expr::value(Utc::now()))
        .filter(E::id_col().is_in(ids.iter().copied()))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Marks rows as changed now, for edits that live in other tables (tags).
pub(crate) async fn touch<E: CrmEntity>(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<u64, CoreError> {
    Ok(E::update_many()
        .col_expr(E::updated_col(), Expr::value(Utc::now()))
        .filter(E::id_col().is_in(ids.iter().copied()))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Moves a record to the trash (managers and admins); `snapshot` is what the audit row
/// keeps of it.
pub(crate) async fn soft_delete<E: CrmEntity>(
    kite: &Kite,
    ctx: &Ctx,
    id: Uuid,
    snapshot: impl Fn(&E::Model) -> Value,
) -> Result<(), CoreError> {
    ctx.require(kite_shared::Permission::DeleteRecords)?;
    let txn = kite.begin().await?;
    let before = find_live::<E>(&*txn, ctx, id).await?;
    set_column::<E>(&*txn, &[id], E::deleted_col(), Expr::value(Some(Utc::now()))).await?;
    let action = format!("{}.deleted", E::KIND.as_str());
    audit::record(
        &*txn,
        &Actor::from(ctx),
        Event::new(&action, E::KIND.as_str(), id).before(snapshot(&before)),
    )
    .await?;
    txn.commit().await?;
    kite.counts
        .invalidate(ctx.organization_id.into_uuid(), E::KIND.plural());
    Ok(())
}

/// Brings a record back from the trash (admins).
pub(crate) async fn restore<E: CrmEntity>(kite: &Kite, ctx: &Ctx, id: Uuid) -> Result<E::Model, CoreError> {
    ctx.require(kite_shared::Permission::ManageOrganization)?;
    let txn = kite.begin().await?;
    let trashed = scoped::<E>(ctx, true)
        .filter(E::id_col().eq(id))
        .one(&*txn)
        .await?
        .ok_or(CoreError::NotFound("record in the trash"))?;
    set_column::<E>(
        &*txn,
        &[id],
        E::deleted_col(),
        Expr::value(Option::<DateTime<Utc>>::None),
    )
    .await?;
    let action = format!("{}.restored", E::KIND.as_str());
    audit::record(
        &*txn,
        &Actor::from(ctx),
        Event::new(&action, E::KIND.as_str(), id).after(json!({"name": E::display_name(&trashed)})),
    )
    .await?;
    txn.commit().await?;
    kite.counts
        .invalidate(ctx.organization_id.into_uuid(), E::KIND.plural());
    Ok(trashed)
}

/// The trashed records of one kind, most recently deleted first.
pub(crate) async fn trash_page<E: CrmEntity>(
    kite: &Kite,
    ctx: &Ctx,
    request: &PageRequest,
) -> Result<Page<TrashItem>, CoreError> {
    // One list per kind: a cursor of the contacts' trash does not continue the deals'.
    let list = match E::KIND {
        RecordKind::Contact => "trash_contacts",
        RecordKind::Company => "trash_companies",
        RecordKind::Deal => "trash_deals",
    };
    let order = Ordering::fixed(list, "deleted_at", E::deleted_col(), true, E::id_col())?;
    let rows = paging::page(kite, scoped::<E>(ctx, true), &order, request, Total::Exact).await?;
    Ok(Page {
        items: rows
            .items
            .iter()
            .filter_map(|row| {
                Some(TrashItem {
                    id: E::id(row),
                    kind: E::KIND,
                    name: E::display_name(row),
                    deleted_at: E::deleted_at(row)?,
                })
            })
            .collect(),
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}
