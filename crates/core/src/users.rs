//! User management by admins: invitations, roles, deactivation.

use crate::audit::{self, Actor, Event};
use crate::auth::{Purpose, find_user_by_email, unique_email};
use crate::dto::user_dto;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite, mail};
use chrono::Utc;
use kite_entity::{organization, user};
use kite_shared::auth::UserDto;
use kite_shared::page::{Page, PageQuery};
use kite_shared::users::{InviteResponse, InviteUserRequest, UpdateUserRequest, UserListQuery};
use kite_shared::validation::normalize_email;
use kite_shared::{Permission, Role, UserId};
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

pub struct UserService<'a> {
    kite: &'a Kite,
}

impl<'a> UserService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Everyone in the organization may see who else is in it (owners, assignees).
    pub async fn list(&self, ctx: &Ctx, query: &UserListQuery, page: &PageQuery) -> Result<Page<UserDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let mut select = user::Entity::find().filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.to_lowercase());
            select = select.filter(
                Condition::any()
                    .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(pattern.clone()))
                    .add(user::Column::Email.like(pattern)),
            );
        }
        if let Some(role) = query.role {
            select = select.filter(user::Column::Role.eq(role.as_str()));
        }
        if let Some(active) = query.active {
            select = select.filter(user::Column::Active.eq(active));
        }
        let order = Ordering::fixed("users", "name", user::Column::Name, false, user::Column::Id)?;
        let rows = paging::page(self.kite, select, &order, &request, Total::Exact).await?;
        Ok(rows.map(|u| user_dto(&u)))
    }

    pub async fn get(&self, ctx: &Ctx, id: UserId) -> Result<UserDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Ok(user_dto(&find_in_org(&self.kite.db, ctx, id).await?))
    }

    /// Creates the user without a password and emails them a one-time link to set one.
    pub async fn invite(&self, ctx: &Ctx, req: &InviteUserRequest) -> Result<InviteResponse, CoreError> {
        ctx.require(Permission::ManageUsers)?;
        CoreError::validation(req.validate())?;
        let email = normalize_email(&req.email);
        if find_user_by_email(&self.kite.db, &email).await?.is_some() {
            return Err(crate::auth::email_taken());
        }
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let org = organization::Entity::find_by_id(ctx.organization_id.into_uuid())
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("organization"))?;
        let invitee = user::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org.id),
            email: Set(email),
            name: Set(req.name.trim().to_owned()),
            password_hash: Set(None),
            role: Set(req.role.as_str().to_owned()),
            active: Set(true),
            failed_login_count: Set(0),
            failed_login_window_start: Set(None),
            locked_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*txn)
        .await
        .map_err(unique_email)?;
        let issued = crate::auth::one_time_issue(
            &*txn,
            org.id,
            invitee.id,
            Purpose::Invitation,
            self.kite.settings.invitation_ttl,
        )
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("user.invited", "user", invitee.id)
                .after(json!({"email": invitee.email, "name": invitee.name, "role": invitee.role})),
        )
        .await?;
        let message = mail::invitation(
            &self.kite.settings,
            &invitee,
            &ctx.actor_label,
            &org.name,
            &issued.token,
        );
        mail::queue(self.kite, &*txn, &message).await?;
        txn.commit().await?;
        Ok(InviteResponse {
            user: user_dto(&invitee),
            invitation_expires_at: issued.expires_at,
        })
    }

    /// Changes name, role or active flag. Deactivation ends the user's sessions. The
    /// organization must keep an active admin; that is checked after the change, inside
    /// the same transaction, so concurrent demotions cannot both pass.
    pub async fn update(&self, ctx: &Ctx, id: UserId, req: &UpdateUserRequest) -> Result<UserDto, CoreError> {
        ctx.require(Permission::ManageUsers)?;
        CoreError::validation(req.validate())?;
        let txn = self.kite.begin().await?;
        let before = find_in_org(&*txn, ctx, id).await?;
        let mut row = before.clone().into_active_model();
        if let Some(name) = &req.name {
            row.name = Set(name.trim().to_owned());
        }
        if let Some(role) = req.role {
            row.role = Set(role.as_str().to_owned());
        }
        if let Some(active) = req.active {
            row.active = Set(active);
        }
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        if before.active && !after.active {
            crate::auth::revoke_all_sessions(&*txn, after.id).await?;
        }
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("user.updated", "user", after.id)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        ensure_an_active_admin(&*txn, ctx).await?;
        txn.commit().await?;
        // Leaderboards name their owners.
        self.kite.counts.invalidate(after.organization_id, crate::crm::DERIVED);
        Ok(user_dto(&after))
    }
}

fn snapshot(row: &user::Model) -> serde_json::Value {
    json!({"name": row.name, "role": row.role, "active": row.active})
}

async fn find_in_org(conn: &impl ConnectionTrait, ctx: &Ctx, id: UserId) -> Result<user::Model, CoreError> {
    user::Entity::find_by_id(id.into_uuid())
        .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("user"))
}

async fn ensure_an_active_admin(conn: &impl ConnectionTrait, ctx: &Ctx) -> Result<(), CoreError> {
    let admins = user::Entity::find()
        .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Active.eq(true))
        .count(conn)
        .await?;
    if admins == 0 {
        return Err(CoreError::Conflict {
            code: "last_admin",
            message: "The organization needs at least one active admin.".into(),
            field: None,
            details: None,
        });
    }
    Ok(())
}
