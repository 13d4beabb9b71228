//! Free-text notes on contacts, companies and deals, with their author.

use super::access::{require_edit, require_record};
use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::note;
use kite_shared::crm::notes::{NoteDto, NoteInput, RecordKind};
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

fn note_dto(row: &note::Model, kind: RecordKind, author_name: Option<String>) -> NoteDto {
    NoteDto {
        id: row.id,
        record_kind: kind,
        record_id: row.record_id,
        author_id: row.author_id.map(UserId),
        author_name,
        body: row.body.clone(),
        created_at: row.created_at,
    }
}

pub struct NoteService<'a> {
    kite: &'a Kite,
}

impl<'a> NoteService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Anyone who may edit their own records may note on any record they can see.
    pub async fn create(
        &self,
        ctx: &Ctx,
        kind: RecordKind,
        record_id: Uuid,
        input: &NoteInput,
    ) -> Result<NoteDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(input.validate())?;
        let txn = self.kite.begin().await?;
        require_record(&*txn, ctx, kind, record_id).await?;
        let row = note::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            record_kind: Set(kind.as_str().to_owned()),
            record_id: Set(record_id),
            author_id: Set(Some(ctx.user_id.into_uuid())),
            body: Set(input.body.trim().to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("note.created", "note", row.id).after(json!({"record_kind": kind, "record_id": record_id})),
        )
        .await?;
        txn.commit().await?;
        Ok(note_dto(&row, kind, Some(ctx.actor_label.clone())))
    }

    /// The record's notes, newest first.
    pub async fn list(
        &self,
        ctx: &Ctx,
        kind: RecordKind,
        record_id: Uuid,
        page: &PageQuery,
    ) -> Result<Page<NoteDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        require_record(&self.kite.db, ctx, kind, record_id).await?;
        let order = Ordering::fixed("notes", "created_at", note::Column::CreatedAt, true, note::Column::Id)?;
        let notes = note::Entity::find()
            .filter(note::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(note::Column::RecordId.eq(record_id));
        let rows = paging::page(self.kite, notes, &order, &request, Total::Exact).await?;
        let authors: Vec<Uuid> = rows.items.iter().filter_map(|n| n.author_id).collect();
        let names = super::timeline::user_names(&self.kite.db, authors).await?;
        Ok(rows.map(|n| {
            let author = n.author_id.and_then(|a| names.get(&a).cloned());
            note_dto(&n, kind, author)
        }))
    }

    /// Authors delete their own notes; managers and admins any.
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        let txn = self.kite.begin().await?;
        let row = note::Entity::find_by_id(id)
            .filter(note::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("note"))?;
        require_edit(ctx, row.author_id)?;
        note::Entity::delete_by_id(id).exec(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("note.deleted", "note", id).before(json!({"body": row.body})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
