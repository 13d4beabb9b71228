//! The live event stream: what happened that a user's open pages should show at once
//! (job progress and record changes). On SQLite one process holds every session,
//! so events go straight to an in-process channel; on PostgreSQL they go through
//! NOTIFY, and every instance's listener feeds its own channel, so a user connected to
//! one instance sees what a worker on another did.

use crate::auth::one_time::{self, Purpose};
use crate::{CoreError, Ctx, Kite};
use chrono::Duration;
use kite_shared::jobs::EventTicket;
use sea_orm::EntityTrait;
use uuid::Uuid;

pub mod bus;
pub use bus::{Envelope, EventBus};

/// Who an opened stream belongs to.
pub struct StreamOwner {
    pub organization_id: Uuid,
    pub user_id: Uuid,
}

pub struct EventService<'a> {
    kite: &'a Kite,
}

impl<'a> EventService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// A one-minute, single-use ticket for opening the stream.
    pub async fn issue_ticket(&self, ctx: &Ctx) -> Result<EventTicket, CoreError> {
        let issued = one_time::issue(
            &self.kite.db,
            ctx.organization_id.into_uuid(),
            ctx.user_id.into_uuid(),
            Purpose::EventStream,
            Duration::minutes(1),
        )
        .await?;
        Ok(EventTicket {
            ticket: issued.token,
            expires_at: issued.expires_at,
        })
    }

    /// Spends a ticket; an unknown, used or expired one is refused.
    pub async fn open(&self, ticket: &str) -> Result<StreamOwner, CoreError> {
        let row = one_time::consume(&self.kite.db, ticket, Purpose::EventStream)
            .await
            .map_err(|_| CoreError::Unauthenticated(crate::AuthFailure::InvalidToken))?;
        let active = kite_entity::user::Entity::find_by_id(row.user_id)
            .one(&self.kite.db)
            .await?
            .is_some_and(|u| u.active);
        if !active {
            return Err(CoreError::Unauthenticated(crate::AuthFailure::AccountInactive));
        }
        Ok(StreamOwner {
            organization_id: row.organization_id,
            user_id: row.user_id,
        })
    }
}
