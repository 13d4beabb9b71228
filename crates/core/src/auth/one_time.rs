//! Single-use tokens: invitations and password resets sent by email, and the tickets
//! that open a user's event stream.

use super::tokens::{generate_opaque_token, hash_opaque_token};
use crate::CoreError;
use chrono::{DateTime, Duration, Utc};
use kite_entity::one_time_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
    EventStream,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
            Purpose::EventStream => "event_stream",
        }
    }
}

pub struct IssuedOneTimeToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Issues a new token. For emailed links it voids the user's earlier unused ones, so only
/// the newest link works; event tickets of several open tabs all stay valid.
pub async fn issue(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    user_id: Uuid,
    purpose: Purpose,
    ttl: Duration,
) -> Result<IssuedOneTimeToken, CoreError> {
    let now = Utc::now();
    if purpose != Purpose::EventStream {
        one_time_token::Entity::update_many()
            .col_expr(one_time_token::Column::UsedAt, Expr::value(now))
            .filter(one_time_token::Column::UserId.eq(user_id))
            .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
            .filter(one_time_token::Column::UsedAt.is_null())
            .exec(conn)
            .await?;
    }
    let token = generate_opaque_token()?;
    let expires_at = now + ttl;
    one_time_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(hash_opaque_token(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(IssuedOneTimeToken { token, expires_at })
}

/// Spends a token: returns its row if it exists, has this purpose, is unexpired and was
/// not used before. The conditional update makes two concurrent uses yield one winner.
pub async fn consume(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
) -> Result<one_time_token::Model, CoreError> {
    let now = Utc::now();
    let row = one_time_token::Entity::find()
        .filter(one_time_token::Column::TokenHash.eq(hash_opaque_token(token)))
        .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
        .one(conn)
        .await?
        .ok_or(CoreError::InvalidOneTimeToken)?;
    if row.used_at.is_some() || row.expires_at <= now {
        return Err(CoreError::InvalidOneTimeToken);
    }
    let spent = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, Expr::value(now))
        .filter(one_time_token::Column::Id.eq(row.id))
        .filter(one_time_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(CoreError::InvalidOneTimeToken);
    }
    Ok(row)
}
