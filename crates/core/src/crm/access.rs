//! Who may change a record, and whether the people and companies an input points at
//! belong to the caller's organization.

use super::records;
use crate::{CoreError, Ctx};
use kite_entity::{company, contact, deal, user};
use kite_shared::crm::notes::RecordKind;
use kite_shared::{FieldError, Permission, UserId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Managers and admins edit every record; reps edit the records they own.
pub fn require_edit(ctx: &Ctx, owner_id: Option<Uuid>) -> Result<(), CoreError> {
    let own = owner_id == Some(ctx.user_id.into_uuid());
    if ctx.role.can(Permission::EditAllRecords) || (own && ctx.role.can(Permission::EditOwnRecords)) {
        Ok(())
    } else {
        Err(CoreError::Forbidden)
    }
}

/// The owner a new or edited record gets. Reps may only own records themselves; others
/// may assign any active member of the organization.
pub async fn resolve_owner(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    requested: Option<UserId>,
    current: Option<Uuid>,
) -> Result<Option<Uuid>, CoreError> {
    let me = ctx.user_id.into_uuid();
    let Some(requested) = requested.map(UserId::into_uuid) else {
        return Ok(current.or(Some(me)));
    };
    if requested == me || Some(requested) == current {
        return Ok(Some(requested));
    }
    if !ctx.role.can(Permission::EditAllRecords) {
        return Err(CoreError::Validation(vec![FieldError::new(
            "owner_id",
            "not_allowed",
            "You can only assign records to yourself.",
        )]));
    }
    let exists = user::Entity::find_by_id(requested)
        .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(user::Column::Active.eq(true))
        .one(conn)
        .await?
        .is_some();
    if exists {
        Ok(Some(requested))
    } else {
        Err(CoreError::Validation(vec![FieldError::new(
            "owner_id",
            "unknown_user",
            "No active user of your organization has this id.",
        )]))
    }
}

/// A live company of the caller's organization, or a field error on `field`.
pub async fn check_company(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    field: &str,
    company_id: Option<Uuid>,
) -> Result<Option<company::Model>, CoreError> {
    let Some(id) = company_id else { return Ok(None) };
    company::Entity::find_by_id(id)
        .filter(company::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(company::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .map(Some)
        .ok_or_else(|| CoreError::Validation(vec![FieldError::new(field, "unknown_company", "No such company.")]))
}

/// Trims and drops empty optional text, so "" and "  " are stored as nothing.
pub fn clean(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Checks that a live contact, company or deal of the caller's organization has `id`;
/// answers 404 naming the kind otherwise (another organization's id included).
pub async fn require_record(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    kind: RecordKind,
    id: Uuid,
) -> Result<(), CoreError> {
    match kind {
        RecordKind::Contact => records::find_live::<contact::Entity>(conn, ctx, id).await.map(drop),
        RecordKind::Company => records::find_live::<company::Entity>(conn, ctx, id).await.map(drop),
        RecordKind::Deal => records::find_live::<deal::Entity>(conn, ctx, id).await.map(drop),
    }
}

/// Like [`require_record`] for an optional link in an input: a field error, not a 404.
pub async fn check_link(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    field: &str,
    kind: RecordKind,
    id: Option<Uuid>,
) -> Result<(), CoreError> {
    let Some(id) = id else { return Ok(()) };
    require_record(conn, ctx, kind, id).await.map_err(|_| {
        CoreError::Validation(vec![FieldError::new(
            field,
            "unknown_record",
            format!("No such {}.", kind.as_str()),
        )])
    })
}
