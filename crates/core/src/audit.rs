//! The audit trail. [`record`] is called with the same connection (transaction) as the
//! change it describes, so a rolled-back change leaves no audit row and vice versa.

use crate::domain_events;
use crate::dto::audit_dto;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{ClientInfo, CoreError, Ctx, Kite};
use kite_entity::audit_log;
use kite_shared::audit::{AuditEntryDto, AuditQuery};
use kite_shared::page::{Page, PageQuery};
use kite_shared::{OrganizationId, Permission, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

/// Who did it. Built from a [`Ctx`], or by the auth service before anyone is signed in.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub organization_id: Option<OrganizationId>,
    pub user_id: Option<UserId>,
    pub label: Option<String>,
    pub client: ClientInfo,
}

impl From<&Ctx> for Actor {
    fn from(ctx: &Ctx) -> Self {
        Actor {
            organization_id: Some(ctx.organization_id),
            user_id: Some(ctx.user_id),
            label: Some(ctx.actor_label.clone()),
            client: ctx.client.clone(),
        }
    }
}

/// What happened.
pub struct Event<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity_type,
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// Writes the audit row of a change, and the domain events it announces, in the
/// change's own transaction: the only way either is written.
pub async fn record(conn: &impl ConnectionTrait, actor: &Actor, event: Event<'_>) -> Result<(), CoreError> {
    let announced = domain_events::announced_by(
        event.action,
        event.entity_type,
        event.before.as_ref(),
        event.after.as_ref(),
    );
    if let Some(organization) = actor.organization_id.filter(|_| !announced.is_empty()) {
        let entity_id = event.entity_id.as_deref().and_then(|id| id.parse::<uuid::Uuid>().ok());
        let payload = event
            .after
            .as_ref()
            .or(event.before.as_ref())
            .cloned()
            .unwrap_or_default();
        for kind in announced {
            domain_events::record(
                conn,
                organization.into_uuid(),
                actor.user_id.map(UserId::into_uuid),
                kind,
                entity_id,
                &payload,
            )
            .await?;
        }
    }
    audit_log::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        organization_id: Set(actor.organization_id.map(OrganizationId::into_uuid)),
        actor_user_id: Set(actor.user_id.map(UserId::into_uuid)),
        actor_label: Set(actor.label.clone()),
        action: Set(event.action.to_owned()),
        entity_type: Set(event.entity_type.to_owned()),
        entity_id: Set(event.entity_id),
        before: Set(event.before),
        after: Set(event.after),
        ip: Set(actor.client.ip.clone()),
        user_agent: Set(actor
            .client
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(255).collect())),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

pub struct AuditService<'a> {
    kite: &'a Kite,
}

impl<'a> AuditService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The organization's audit trail, newest first.
    pub async fn list(
        &self,
        ctx: &Ctx,
        query: &AuditQuery,
        page: &PageQuery,
    ) -> Result<Page<AuditEntryDto>, CoreError> {
        ctx.require(Permission::ViewAuditLog)?;
        let request = PageRequest::parse(page)?;
        let mut select =
            audit_log::Entity::find().filter(audit_log::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        if let Some(actor) = query.actor_user_id {
            select = select.filter(audit_log::Column::ActorUserId.eq(actor.into_uuid()));
        }
        if let Some(action) = query.action.as_deref().filter(|a| !a.is_empty()) {
            select = if action.ends_with('.') {
                select.filter(audit_log::Column::Action.starts_with(action))
            } else {
                select.filter(audit_log::Column::Action.eq(action))
            };
        }
        if let Some(entity_type) = &query.entity_type {
            select = select.filter(audit_log::Column::EntityType.eq(entity_type.as_str()));
        }
        if let Some(entity_id) = &query.entity_id {
            select = select.filter(audit_log::Column::EntityId.eq(entity_id.as_str()));
        }
        if let Some(from) = query.from {
            select = select.filter(audit_log::Column::CreatedAt.gte(from));
        }
        if let Some(to) = query.to {
            select = select.filter(audit_log::Column::CreatedAt.lt(to));
        }
        let order = Ordering::fixed(
            "audit_log",
            "created_at",
            audit_log::Column::CreatedAt,
            true,
            audit_log::Column::Id,
        )?;
        Ok(paging::page(self.kite, select, &order, &request, Total::Exact)
            .await?
            .map(audit_dto))
    }
}
