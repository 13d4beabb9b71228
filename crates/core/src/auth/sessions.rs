//! Refresh-token families. A login starts a family; every refresh spends one token and
//! adds its successor; spending a token twice means it was stolen, so the whole family
//! (the thief's and the owner's tokens alike) is revoked.

use super::tokens::{generate_opaque_token, hash_opaque_token};
use crate::{ClientInfo, CoreError, Settings};
use chrono::Utc;
use kite_entity::refresh_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

pub async fn start_family(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    organization_id: Uuid,
    user_id: Uuid,
    client: &ClientInfo,
) -> Result<String, CoreError> {
    issue(conn, settings, organization_id, user_id, Uuid::now_v7(), None, client).await
}

pub async fn issue(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    organization_id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    parent_id: Option<Uuid>,
    client: &ClientInfo,
) -> Result<String, CoreError> {
    let token = generate_opaque_token()?;
    let now = Utc::now();
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        user_id: Set(user_id),
        family_id: Set(family_id),
        parent_id: Set(parent_id),
        token_hash: Set(hash_opaque_token(&token)),
        expires_at: Set(now + settings.refresh_token_ttl),
        used_at: Set(None),
        revoked_at: Set(None),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.as_ref().map(|ua| ua.chars().take(255).collect())),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

pub async fn find(conn: &impl ConnectionTrait, token: &str) -> Result<Option<refresh_token::Model>, CoreError> {
    Ok(refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_opaque_token(token)))
        .one(conn)
        .await?)
}

/// Marks the token used, only if nobody else did first. False means it was already
/// spent: by a concurrent request or by a thief.
pub async fn spend(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, CoreError> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn revoke_family(conn: &impl ConnectionTrait, family_id: Uuid) -> Result<u64, CoreError> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Ends every session of a user (deactivation, password reset).
pub async fn revoke_all_for_user(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, CoreError> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
