//! Tags on contacts, companies and deals: found or created by name, replaced as a set on
//! a record, added or removed in bulk, and managed (renamed, recoloured, deleted) by
//! managers and admins.

use crate::audit::{self, Actor, Event};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{record_tag, tag};
use kite_shared::Permission;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::tags::{TagDto, TagInput, check_tag, normalize_tag};
use sea_orm::sea_query::{Expr, Func, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

fn lower_name() -> SimpleExpr {
    Func::lower(Expr::col(tag::Column::Name)).into()
}

fn duplicate_tag(name: &str) -> CoreError {
    CoreError::Conflict {
        code: "duplicate_tag",
        message: format!("A tag named \"{name}\" already exists."),
        field: Some("name"),
        details: None,
    }
}

/// The organization's tag with this name (any case).
pub(crate) async fn find_by_name(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    name: &str,
) -> Result<Option<tag::Model>, CoreError> {
    Ok(tag::Entity::find()
        .filter(tag::Column::OrganizationId.eq(organization))
        .filter(lower_name().eq(normalize_tag(name).to_lowercase()))
        .one(conn)
        .await?)
}

/// The tags named, created when missing; one per name whatever its case.
pub(crate) async fn ensure(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    names: &[String],
) -> Result<Vec<tag::Model>, CoreError> {
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    for name in names.iter().map(|n| normalize_tag(n)).filter(|n| !n.is_empty()) {
        wanted.entry(name.to_lowercase()).or_insert(name);
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let existing = |conn| {
        tag::Entity::find()
            .filter(tag::Column::OrganizationId.eq(organization))
            .filter(lower_name().is_in(wanted.keys().cloned()))
            .all(conn)
    };
    let found = existing(conn).await?;
    if found.len() == wanted.len() {
        return Ok(found);
    }
    let now = Utc::now();
    let missing: Vec<tag::ActiveModel> = wanted
        .iter()
        .filter(|(lower, _)| !found.iter().any(|t| t.name.to_lowercase() == **lower))
        .map(|(_, name)| tag::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(organization),
            name: Set(name.clone()),
            color: Set(None),
            created_at: Set(now),
        })
        .collect();
    // Another request may create the same tag at the same moment: keep whichever won.
    tag::Entity::insert_many(missing)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(existing(conn).await?)
}

/// Replaces the tags of one record with `names`; the sorted names it now carries.
pub(crate) async fn replace(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    kind: RecordKind,
    record_id: Uuid,
    names: &[String],
) -> Result<Vec<String>, CoreError> {
    let tags = ensure(conn, organization, names).await?;
    let keep: Vec<Uuid> = tags.iter().map(|t| t.id).collect();
    record_tag::Entity::delete_many()
        .filter(record_tag::Column::RecordId.eq(record_id))
        .filter(record_tag::Column::TagId.is_not_in(keep))
        .exec(conn)
        .await?;
    for tag in &tags {
        link(conn, organization, kind, tag.id, &[record_id]).await?;
    }
    let mut names: Vec<String> = tags.into_iter().map(|t| t.name).collect();
    names.sort_by_key(|n| n.to_lowercase());
    Ok(names)
}

/// Puts a tag on records (already checked to be the caller's); those that have it keep it.
pub(crate) async fn link(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    kind: RecordKind,
    tag_id: Uuid,
    record_ids: &[Uuid],
) -> Result<(), CoreError> {
    let now = Utc::now();
    for chunk in record_ids.chunks(200) {
        let rows = chunk.iter().map(|id| record_tag::ActiveModel {
            tag_id: Set(tag_id),
            record_id: Set(*id),
            organization_id: Set(organization),
            record_kind: Set(kind.as_str().to_owned()),
            created_at: Set(now),
        });
        record_tag::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([record_tag::Column::TagId, record_tag::Column::RecordId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub(crate) async fn unlink(conn: &impl ConnectionTrait, tag_id: Uuid, record_ids: &[Uuid]) -> Result<u64, CoreError> {
    Ok(record_tag::Entity::delete_many()
        .filter(record_tag::Column::TagId.eq(tag_id))
        .filter(record_tag::Column::RecordId.is_in(record_ids.iter().copied()))
        .exec(conn)
        .await?
        .rows_affected)
}

/// The sorted tag names of each record.
pub(crate) async fn names_of(
    conn: &impl ConnectionTrait,
    record_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, CoreError> {
    if record_ids.is_empty() {
        return Ok(HashMap::new());
    }
    #[derive(sea_orm::FromQueryResult)]
    struct Named {
        record_id: Uuid,
        name: String,
    }
    // One query for a whole page: list pages call this on every request.
    let query = Query::select()
        .column((record_tag::Entity, record_tag::Column::RecordId))
        .column((tag::Entity, tag::Column::Name))
        .from(record_tag::Entity)
        .inner_join(
            tag::Entity,
            Expr::col((tag::Entity, tag::Column::Id)).equals((record_tag::Entity, record_tag::Column::TagId)),
        )
        .and_where(Expr::col((record_tag::Entity, record_tag::Column::RecordId)).is_in(record_ids.iter().copied()))
        .to_owned();
    let rows = Named::find_by_statement(conn.get_database_backend().build(&query))
        .all(conn)
        .await?;
    let mut by_record: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in rows {
        by_record.entry(row.record_id).or_default().push(row.name);
    }
    for names in by_record.values_mut() {
        names.sort_by_key(|n| n.to_lowercase());
    }
    Ok(by_record)
}

/// The tag names of one record.
pub(crate) async fn names_of_one(conn: &impl ConnectionTrait, record_id: Uuid) -> Result<Vec<String>, CoreError> {
    Ok(names_of(conn, &[record_id])
        .await?
        .remove(&record_id)
        .unwrap_or_default())
}

/// A list filter: the record's id is among those carrying the tag named `name`. An
/// unknown tag matches nothing.
pub(crate) async fn filter(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    id_column: impl ColumnTrait,
    name: &str,
) -> Result<SimpleExpr, CoreError> {
    let tag_id = find_by_name(conn, organization, name)
        .await?
        .map_or(Uuid::nil(), |t| t.id);
    Ok(id_column.in_subquery(
        Query::select()
            .column(record_tag::Column::RecordId)
            .from(record_tag::Entity)
            .and_where(record_tag::Column::TagId.eq(tag_id))
            .to_owned(),
    ))
}

#[derive(FromQueryResult)]
struct Uses {
    tag_id: Uuid,
    uses: i64,
}

pub struct TagService<'a> {
    kite: &'a Kite,
}

impl<'a> TagService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Every tag of the organization by name, with how many records carry it.
    pub async fn list(&self, ctx: &Ctx) -> Result<Vec<TagDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let org = ctx.organization_id.into_uuid();
        let tags = tag::Entity::find()
            .filter(tag::Column::OrganizationId.eq(org))
            .order_by_asc(lower_name())
            .all(&self.kite.db)
            .await?;
        let uses: HashMap<Uuid, i64> = record_tag::Entity::find()
            .select_only()
            .column(record_tag::Column::TagId)
            .column_as(record_tag::Column::RecordId.count(), "uses")
            .filter(record_tag::Column::OrganizationId.eq(org))
            .group_by(record_tag::Column::TagId)
            .into_model::<Uses>()
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|u| (u.tag_id, u.uses))
            .collect();
        Ok(tags
            .into_iter()
            .map(|t| TagDto {
                uses: u64::try_from(uses.get(&t.id).copied().unwrap_or(0)).unwrap_or(0),
                id: t.id,
                name: t.name,
                color: t.color,
            })
            .collect())
    }

    pub async fn create(&self, ctx: &Ctx, input: &TagInput) -> Result<TagDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(input.validate())?;
        let org = ctx.organization_id.into_uuid();
        let name = normalize_tag(&input.name);
        let txn = self.kite.begin().await?;
        if find_by_name(&*txn, org, &name).await?.is_some() {
            return Err(duplicate_tag(&name));
        }
        let row = tag::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org),
            name: Set(name),
            color: Set(input.color.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("tag.created", "tag", row.id).after(json!({"name": row.name, "color": row.color})),
        )
        .await?;
        txn.commit().await?;
        Ok(TagDto {
            id: row.id,
            name: row.name,
            color: row.color,
            uses: 0,
        })
    }

    /// Renames or recolours a tag everywhere it is used (managers and admins).
    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &TagInput) -> Result<TagDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        CoreError::validation(input.validate())?;
        let org = ctx.organization_id.into_uuid();
        let name = normalize_tag(&input.name);
        let txn = self.kite.begin().await?;
        let before = self.find(&*txn, ctx, id).await?;
        if find_by_name(&*txn, org, &name)
            .await?
            .is_some_and(|other| other.id != id)
        {
            return Err(duplicate_tag(&name));
        }
        let mut row = before.clone().into_active_model();
        row.name = Set(name);
        row.color = Set(input.color.clone());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("tag.updated", "tag", id)
                .before(json!({"name": before.name, "color": before.color}))
                .after(json!({"name": after.name, "color": after.color})),
        )
        .await?;
        txn.commit().await?;
        self.invalidate_lists(org);
        let uses = record_tag::Entity::find()
            .filter(record_tag::Column::TagId.eq(id))
            .count(&self.kite.db)
            .await?;
        Ok(TagDto {
            id: after.id,
            name: after.name,
            color: after.color,
            uses,
        })
    }

    /// Deletes a tag and takes it off every record (managers and admins).
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        let txn = self.kite.begin().await?;
        let before = self.find(&*txn, ctx, id).await?;
        let removed = record_tag::Entity::delete_many()
            .filter(record_tag::Column::TagId.eq(id))
            .exec(&*txn)
            .await?
            .rows_affected;
        tag::Entity::delete_by_id(id).exec(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("tag.deleted", "tag", id).before(json!({"name": before.name, "records": removed})),
        )
        .await?;
        txn.commit().await?;
        self.invalidate_lists(ctx.organization_id.into_uuid());
        Ok(())
    }

    async fn find(&self, conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<tag::Model, CoreError> {
        tag::Entity::find_by_id(id)
            .filter(tag::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(conn)
            .await?
            .ok_or(CoreError::NotFound("tag"))
    }

    /// Cached totals of tag-filtered lists change with the tag.
    fn invalidate_lists(&self, organization: Uuid) {
        for kind in [RecordKind::Contact, RecordKind::Company, RecordKind::Deal] {
            self.kite.counts.invalidate(organization, kind.plural());
        }
    }
}

/// An audit snapshot with the record's tags added, so tag edits show as field changes.
pub(crate) fn annotate(mut snapshot: serde_json::Value, tags: &[String]) -> serde_json::Value {
    if let Some(object) = snapshot.as_object_mut() {
        object.insert("tags".into(), json!(tags));
    }
    snapshot
}

/// Checks a tag name given to a bulk action.
pub(crate) fn check_bulk_tag(name: &str) -> Result<(), CoreError> {
    match check_tag("tag", name) {
        Some(error) => Err(CoreError::Validation(vec![error])),
        None => Ok(()),
    }
}
