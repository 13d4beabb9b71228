//! API keys: created by admins, shown once, kept as a SHA-256 of the secret, and
//! acting with their creator's current role, cut down to their scopes.

use crate::audit::{self, Actor, Event};
use crate::auth::tokens::{generate_opaque_token, hash_opaque_token};
use crate::{AuthFailure, ClientInfo, CoreError, Ctx, Kite};
use chrono::{Duration, Utc};
use kite_entity::{api_key, user};
use kite_shared::integrations::api_keys::{
    ApiKeyDto, ApiScope, CreateApiKeyRequest, CreatedApiKey, DEFAULT_RATE_LIMIT_PER_MINUTE, SECRET_PREFIX,
};
use kite_shared::{OrganizationId, Permission, Role, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Characters of the secret kept in clear to tell keys apart: the prefix and four more.
const SHOWN_CHARS: usize = SECRET_PREFIX.len() + 4;
/// A key used again within this long from the same address is not written back, so a
/// busy integration costs no write per request.
const LAST_USE_PRECISION: Duration = Duration::seconds(60);

/// Who a valid key speaks for, and what it may reach.
#[derive(Clone, Debug)]
pub struct KeyPrincipal {
    pub ctx: Ctx,
    pub key_id: Uuid,
    pub scopes: Vec<ApiScope>,
    pub rate_limit_per_minute: u32,
}

pub struct ApiKeyService<'a> {
    kite: &'a Kite,
}

fn scopes_of(row: &api_key::Model) -> Vec<ApiScope> {
    serde_json::from_value(row.scopes.clone()).unwrap_or_default()
}

fn key_dto(row: &api_key::Model, creator: &str) -> ApiKeyDto {
    ApiKeyDto {
        id: row.id,
        name: row.name.clone(),
        prefix: row.prefix.clone(),
        scopes: scopes_of(row),
        rate_limit_per_minute: u32::try_from(row.rate_limit_per_minute).unwrap_or(DEFAULT_RATE_LIMIT_PER_MINUTE),
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        last_used_ip: row.last_used_ip.clone(),
        revoked_at: row.revoked_at,
        created_by_name: creator.to_owned(),
        created_at: row.created_at,
    }
}

/// Managing keys is for an admin signed in as themself: a key that could mint keys
/// would outlive its own revocation.
fn require_manager(ctx: &Ctx) -> Result<(), CoreError> {
    ctx.require(Permission::ManageOrganization)?;
    if ctx.api_key_id.is_some() {
        return Err(CoreError::Forbidden);
    }
    Ok(())
}

impl<'a> ApiKeyService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Every key of the organization, revoked ones included, newest first.
    pub async fn list(&self, ctx: &Ctx) -> Result<Vec<ApiKeyDto>, CoreError> {
        require_manager(ctx)?;
        let rows = api_key::Entity::find()
            .filter(api_key::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .order_by_desc(api_key::Column::CreatedAt)
            .order_by_desc(api_key::Column::Id)
            .all(&self.kite.db)
            .await?;
        let names: HashMap<Uuid, String> = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(user::Column::Id.is_in(rows.iter().map(|r| r.created_by)))
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        Ok(rows
            .iter()
            .map(|row| key_dto(row, names.get(&row.created_by).map_or("", String::as_str)))
            .collect())
    }

    pub async fn create(&self, ctx: &Ctx, req: &CreateApiKeyRequest) -> Result<CreatedApiKey, CoreError> {
        require_manager(ctx)?;
        let now = Utc::now();
        CoreError::validation(req.validate(now))?;
        let mut scopes = req.scopes.clone();
        scopes.sort_by_key(|s| s.as_str());
        scopes.dedup();
        let secret = format!("{SECRET_PREFIX}{}", generate_opaque_token()?);
        let row = api_key::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            name: Set(req.name.trim().to_owned()),
            prefix: Set(secret.chars().take(SHOWN_CHARS).collect()),
            secret_hash: Set(hash_opaque_token(&secret)),
            scopes: Set(json!(scopes)),
            rate_limit_per_minute: Set(i32::try_from(
                req.rate_limit_per_minute.unwrap_or(DEFAULT_RATE_LIMIT_PER_MINUTE),
            )
            .unwrap_or(i32::MAX)),
            created_by: Set(ctx.user_id.into_uuid()),
            expires_at: Set(req.expires_at),
            revoked_at: Set(None),
            last_used_at: Set(None),
            last_used_ip: Set(None),
            created_at: Set(now),
        };
        let txn = self.kite.begin().await?;
        let row = row.insert(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("api_key.created", "api_key", row.id).after(json!({
                "name": row.name, "prefix": row.prefix, "scopes": row.scopes,
                "rate_limit_per_minute": row.rate_limit_per_minute, "expires_at": row.expires_at,
            })),
        )
        .await?;
        txn.commit().await?;
        Ok(CreatedApiKey {
            key: key_dto(&row, &ctx.actor_label),
            secret,
        })
    }

    /// Revokes at once: the next request with the key is refused. Revoking twice is
    /// not an error; the first time stands.
    pub async fn revoke(&self, ctx: &Ctx, id: Uuid) -> Result<ApiKeyDto, CoreError> {
        require_manager(ctx)?;
        let txn = self.kite.begin().await?;
        let row = api_key::Entity::find_by_id(id)
            .filter(api_key::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("API key"))?;
        let row = if row.revoked_at.is_some() {
            row
        } else {
            let mut active = row.into_active_model();
            active.revoked_at = Set(Some(Utc::now()));
            let row = active.update(&*txn).await?;
            audit::record(
                &*txn,
                &Actor::from(ctx),
                Event::new("api_key.revoked", "api_key", row.id).after(json!({"name": row.name})),
            )
            .await?;
            row
        };
        txn.commit().await?;
        let creator = user::Entity::find_by_id(row.created_by).one(&self.kite.db).await?;
        Ok(key_dto(&row, creator.as_ref().map_or("", |u| u.name.as_str())))
    }

    /// The principal of a secret sent with a request, or why it is refused. The key acts
    /// with its creator's role of today, so demoting or deactivating them limits it too.
    pub async fn authenticate(&self, secret: &str, client: ClientInfo) -> Result<KeyPrincipal, CoreError> {
        let row = api_key::Entity::find()
            .filter(api_key::Column::SecretHash.eq(hash_opaque_token(secret)))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::Unauthenticated(AuthFailure::InvalidApiKey))?;
        let now = Utc::now();
        if row.revoked_at.is_some() {
            return Err(CoreError::Unauthenticated(AuthFailure::RevokedApiKey));
        }
        if row.expires_at.is_some_and(|at| at <= now) {
            return Err(CoreError::Unauthenticated(AuthFailure::ExpiredApiKey));
        }
        let creator = user::Entity::find_by_id(row.created_by)
            .filter(user::Column::OrganizationId.eq(row.organization_id))
            .one(&self.kite.db)
            .await?
            .filter(|u| u.active)
            .ok_or(CoreError::Unauthenticated(AuthFailure::AccountInactive))?;
        let stale = row.last_used_at.is_none_or(|at| now - at >= LAST_USE_PRECISION);
        if stale || row.last_used_ip != client.ip {
            let txn = self.kite.begin().await?;
            api_key::Entity::update_many()
                .col_expr(api_key::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now))
                .col_expr(
                    api_key::Column::LastUsedIp,
                    sea_orm::sea_query::Expr::value(client.ip.clone()),
                )
                .filter(api_key::Column::Id.eq(row.id))
                .exec(&*txn)
                .await?;
            txn.commit().await?;
        }
        Ok(KeyPrincipal {
            ctx: Ctx {
                organization_id: OrganizationId(row.organization_id),
                user_id: UserId(creator.id),
                role: creator.role.parse().unwrap_or(Role::Viewer),
                actor_label: format!("API key '{}' by {}", row.name, creator.name),
                client,
                api_key_id: Some(row.id),
            },
            key_id: row.id,
            scopes: scopes_of(&row),
            rate_limit_per_minute: u32::try_from(row.rate_limit_per_minute).unwrap_or(DEFAULT_RATE_LIMIT_PER_MINUTE),
        })
    }
}
