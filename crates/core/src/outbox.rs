//! What the outbox EmailSender kept, for admins to read in development.

use crate::dto::outbox_dto;
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite};
use kite_entity::outbox_message;
use kite_shared::Permission;
use kite_shared::outbox::{OutboxMessageDto, OutboxQuery};
use kite_shared::page::Page;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

pub struct OutboxService<'a> {
    kite: &'a Kite,
}

impl<'a> OutboxService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn list(&self, ctx: &Ctx, query: &OutboxQuery) -> Result<Page<OutboxMessageDto>, CoreError> {
        ctx.require(Permission::ViewOutbox)?;
        let paging = PageRequest::new(query.page, query.per_page);
        let mut select = outbox_message::Entity::find()
            .filter(outbox_message::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        if let Some(category) = &query.category {
            select = select.filter(outbox_message::Column::Category.eq(category.as_str()));
        }
        if let Some(to) = query.to.as_deref().filter(|t| !t.is_empty()) {
            // Addresses are stored as a JSON array; a quoted match finds the exact address.
            select = select.filter(outbox_message::Column::ToAddresses.like(format!("%\"{}\"%", to.to_lowercase())));
        }
        let total = select.clone().count(&self.kite.db).await?;
        let rows = select
            .order_by_desc(outbox_message::Column::CreatedAt)
            .order_by_desc(outbox_message::Column::Id)
            .offset(paging.offset())
            .limit(paging.per_page)
            .all(&self.kite.db)
            .await?;
        Ok(Page {
            items: rows.into_iter().map(outbox_dto).collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }
}
