//! What the outbox EmailSender kept, for admins to read in development.

use crate::dto::outbox_dto;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use kite_entity::outbox_message;
use kite_shared::Permission;
use kite_shared::outbox::{OutboxMessageDto, OutboxQuery};
use kite_shared::page::{Page, PageQuery};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub struct OutboxService<'a> {
    kite: &'a Kite,
}

impl<'a> OutboxService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The messages kept, newest first.
    pub async fn list(
        &self,
        ctx: &Ctx,
        query: &OutboxQuery,
        page: &PageQuery,
    ) -> Result<Page<OutboxMessageDto>, CoreError> {
        ctx.require(Permission::ViewOutbox)?;
        let request = PageRequest::parse(page)?;
        let mut select = outbox_message::Entity::find()
            .filter(outbox_message::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        if let Some(category) = &query.category {
            select = select.filter(outbox_message::Column::Category.eq(category.as_str()));
        }
        if let Some(to) = query.to.as_deref().filter(|t| !t.is_empty()) {
            // Addresses are stored as a JSON array; a quoted match finds the exact address.
            select = select.filter(outbox_message::Column::ToAddresses.like(format!("%\"{}\"%", to.to_lowercase())));
        }
        let order = Ordering::fixed(
            "outbox",
            "created_at",
            outbox_message::Column::CreatedAt,
            true,
            outbox_message::Column::Id,
        )?;
        Ok(paging::page(self.kite, select, &order, &request, Total::Exact)
            .await?
            .map(outbox_dto))
    }
}
