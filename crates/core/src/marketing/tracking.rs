//! What recipients do with an email: open it (the pixel), click a link (the signed
//! redirect) and unsubscribe (the signed link, or the one-click POST of RFC 8058). A
//! bad or expired token is 404, like a link that never existed.

use super::MarketingService;
use super::sending::{advance, announce};
use super::suppressions;
use super::tokens::{self, Claims, Purpose};
use crate::audit::{self, Actor, Event};
use crate::{CoreError, Kite};
use chrono::{DateTime, Utc};
use kite_entity::{campaign, email, email_event, organization};
use kite_shared::OrganizationId;
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::marketing::suppressions::SuppressionReason;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// Where a tracked click goes.
pub struct Click {
    pub url: String,
}

/// What the unsubscribe page shows.
pub struct Unsubscribed {
    pub email: String,
    pub organization_name: String,
    /// Already on the list before this request.
    pub already: bool,
}

/// An open or a click, from Kite's own links or from the provider.
pub(super) struct Engagement<'a> {
    pub kind: &'a str,
    pub source: &'a str,
    pub provider_event_id: Option<String>,
    pub url: Option<String>,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// Records an event of an email; false when the provider's event was recorded before.
pub(super) async fn record_event(
    conn: &impl ConnectionTrait,
    email: &email::Model,
    event: &Engagement<'_>,
) -> Result<bool, CoreError> {
    let inserted = email_event::Entity::insert(email_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(email.organization_id),
        email_id: Set(email.id),
        kind: Set(event.kind.to_owned()),
        source: Set(event.source.to_owned()),
        provider_event_id: Set(event.provider_event_id.clone()),
        url: Set(event.url.clone()),
        detail: Set(event.detail.clone()),
        occurred_at: Set(event.at),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(email_event::Column::ProviderEventId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(inserted == 1)
}

/// Counts an open (and, for a click, the click too) on the email.
pub(super) async fn count_engagement(
    conn: &impl ConnectionTrait,
    email_id: Uuid,
    clicked: bool,
    at: DateTime<Utc>,
) -> Result<(), CoreError> {
    let mut update = email::Entity::update_many()
        .col_expr(
            email::Column::FirstOpenedAt,
            Expr::col(email::Column::FirstOpenedAt).if_null(at),
        )
        .col_expr(email::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(email::Column::Id.eq(email_id));
    update = if clicked {
        // Images may be blocked: a click is also an open.
        update
            .col_expr(
                email::Column::OpenCount,
                Expr::cust("CASE WHEN open_count = 0 THEN 1 ELSE open_count END"),
            )
            .col_expr(email::Column::ClickCount, Expr::col(email::Column::ClickCount).add(1))
            .col_expr(
                email::Column::FirstClickedAt,
                Expr::col(email::Column::FirstClickedAt).if_null(at),
            )
            .col_expr(email::Column::LastClickedAt, Expr::value(at))
    } else {
        update
            .col_expr(email::Column::OpenCount, Expr::col(email::Column::OpenCount).add(1))
            .col_expr(email::Column::LastOpenedAt, Expr::value(at))
    };
    update.exec(conn).await?;
    let status = if clicked {
        EmailStatus::Clicked
    } else {
        EmailStatus::Opened
    };
    advance(conn, &[email_id], status, None).await?;
    Ok(())
}

/// Puts the email's address on the suppression list and marks the email.
pub(super) async fn suppress(
    conn: &impl ConnectionTrait,
    email: &email::Model,
    reason: SuppressionReason,
    detail: Option<String>,
) -> Result<bool, CoreError> {
    let added = suppressions::add(
        conn,
        email.organization_id,
        &email.to_email,
        reason,
        detail,
        Some(email.id),
        None,
    )
    .await?;
    let status = match reason {
        SuppressionReason::Unsubscribe => EmailStatus::Unsubscribed,
        SuppressionReason::SpamReport => EmailStatus::SpamReport,
        SuppressionReason::Bounce => EmailStatus::Bounced,
        SuppressionReason::Manual => return Ok(added),
    };
    advance(conn, &[email.id], status, None).await?;
    Ok(added)
}

pub(super) async fn announce_email(kite: &Kite, email: &email::Model) {
    if let Some(campaign_id) = email.campaign_id
        && let Ok(Some(row)) = campaign::Entity::find_by_id(campaign_id).one(&kite.db).await
    {
        announce(kite, &row).await;
    }
}

impl MarketingService<'_> {
    async fn email_of(&self, purpose: Purpose, token: &str) -> Result<(email::Model, Claims), CoreError> {
        let claims = tokens::verify(&self.kite.settings.jwt_secret, purpose, token, Utc::now())
            .ok_or(CoreError::NotFound("link"))?;
        let email = email::Entity::find_by_id(claims.email_id)
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("link"))?;
        Ok((email, claims))
    }

    /// The open pixel was loaded.
    pub async fn track_open(&self, token: &str) -> Result<(), CoreError> {
        let (email, _) = self.email_of(Purpose::Open, token).await?;
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let event = Engagement {
            kind: "open",
            source: "tracking",
            provider_event_id: None,
            url: None,
            detail: None,
            at: now,
        };
        record_event(&*txn, &email, &event).await?;
        count_engagement(&*txn, email.id, false, now).await?;
        txn.commit().await?;
        announce_email(self.kite, &email).await;
        Ok(())
    }

    /// A tracked link was clicked: counted, and the address it goes to.
    pub async fn track_click(&self, token: &str) -> Result<Click, CoreError> {
        let (email, claims) = self.email_of(Purpose::Click, token).await?;
        let url = claims.url.ok_or(CoreError::NotFound("link"))?;
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let event = Engagement {
            kind: "click",
            source: "tracking",
            provider_event_id: None,
            url: Some(url.clone()),
            detail: None,
            at: now,
        };
        record_event(&*txn, &email, &event).await?;
        count_engagement(&*txn, email.id, true, now).await?;
        txn.commit().await?;
        announce_email(self.kite, &email).await;
        Ok(Click { url })
    }

    /// Who an unsubscribe link is for, without acting on it (the page's question).
    pub async fn unsubscribe_info(&self, token: &str) -> Result<Unsubscribed, CoreError> {
        let (email, _) = self.email_of(Purpose::Unsubscribe, token).await?;
        let already = !suppressions::reasons_for(
            &self.kite.db,
            email.organization_id,
            std::slice::from_ref(&email.to_email),
        )
        .await?
        .is_empty();
        Ok(Unsubscribed {
            organization_name: self.organization_name(email.organization_id).await?,
            email: email.to_email,
            already,
        })
    }

    /// Unsubscribes the email's recipient from every marketing email of the organization.
    pub async fn unsubscribe(&self, token: &str) -> Result<Unsubscribed, CoreError> {
        let (email, _) = self.email_of(Purpose::Unsubscribe, token).await?;
        let txn = self.kite.begin().await?;
        let added = suppress(
            &*txn,
            &email,
            SuppressionReason::Unsubscribe,
            Some("Unsubscribe link".into()),
        )
        .await?;
        if added {
            let event = Engagement {
                kind: "unsubscribe",
                source: "tracking",
                provider_event_id: None,
                url: None,
                detail: None,
                at: Utc::now(),
            };
            record_event(&*txn, &email, &event).await?;
            let actor = Actor {
                organization_id: Some(OrganizationId(email.organization_id)),
                label: Some(format!("Recipient {}", email.to_email)),
                ..Actor::default()
            };
            audit::record(
                &*txn,
                &actor,
                Event::new("suppression.added", "suppression", &email.to_email)
                    .after(json!({"email": email.to_email, "reason": "unsubscribe", "email_id": email.id})),
            )
            .await?;
        }
        txn.commit().await?;
        announce_email(self.kite, &email).await;
        Ok(Unsubscribed {
            organization_name: self.organization_name(email.organization_id).await?,
            email: email.to_email,
            already: !added,
        })
    }

    async fn organization_name(&self, id: Uuid) -> Result<String, CoreError> {
        Ok(organization::Entity::find_by_id(id)
            .one(&self.kite.db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default())
    }
}
