//! Who a campaign goes to: the contacts a filter of the contacts list matches (or a
//! list picked by hand), less those without an address and those suppressed.

use super::MarketingService;
use super::suppressions::reasons_for;
use crate::crm::listing::RecordList;
use crate::crm::records;
use crate::{CoreError, Ctx};
use kite_entity::contact;
use kite_shared::Permission;
use kite_shared::crm::contacts::ContactListQuery;
use kite_shared::marketing::campaigns::{Audience, AudienceCount, AudienceKind, Exclusions};
use kite_shared::marketing::suppressions::SuppressionReason;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use std::collections::HashMap;
use uuid::Uuid;

/// Contacts read per query while walking an audience.
const WALK: u64 = 5000;

/// A contact the audience matched: its id and address (if any).
pub(super) struct Member {
    pub contact_id: Uuid,
    pub email: Option<String>,
}

/// The members, split into who gets the email and who is left out (and why).
pub(super) struct Resolved {
    pub recipients: Vec<(Uuid, String)>,
    pub excluded: Exclusions,
    pub matched: u64,
}

async fn select(kite: &crate::Kite, ctx: &Ctx, audience: &Audience) -> Result<Select<contact::Entity>, CoreError> {
    let live = records::live::<contact::Entity>(ctx);
    Ok(match audience.kind {
        AudienceKind::List => live.filter(contact::Column::Id.is_in(audience.contact_ids.iter().copied())),
        AudienceKind::Filter => {
            let f = &audience.filter;
            let query = ContactListQuery {
                q: f.q.clone(),
                owner_id: f.owner_id,
                company_id: f.company_id,
                lifecycle_stage: f.lifecycle_stage,
                tag: f.tag.clone(),
                created_from: f.created_from,
                created_to: f.created_to,
                ..ContactListQuery::default()
            };
            <contact::Entity as RecordList>::filter(kite, ctx, &query, live)
                .await?
                .0
        }
    })
}

/// Every contact the audience matches, in id order.
async fn members(
    kite: &crate::Kite,
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    audience: &Audience,
) -> Result<Vec<Member>, CoreError> {
    let base = select(kite, ctx, audience).await?;
    let mut members = Vec::new();
    let mut after: Option<Uuid> = None;
    loop {
        let mut page = base.clone();
        if let Some(last) = after {
            page = page.filter(contact::Column::Id.gt(last));
        }
        let rows: Vec<(Uuid, Option<String>)> = page
            .select_only()
            .column(contact::Column::Id)
            .column(contact::Column::Email)
            .order_by_asc(contact::Column::Id)
            .limit(WALK)
            .into_tuple()
            .all(conn)
            .await?;
        let full = rows.len() as u64 == WALK;
        after = rows.last().map(|(id, _)| *id);
        members.extend(rows.into_iter().map(|(contact_id, email)| Member { contact_id, email }));
        if !full {
            return Ok(members);
        }
    }
}

pub(super) async fn resolve(
    kite: &crate::Kite,
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    audience: &Audience,
) -> Result<Resolved, CoreError> {
    let members = members(kite, conn, ctx, audience).await?;
    let matched = members.len() as u64;
    let addresses: Vec<String> = members.iter().filter_map(|m| m.email.clone()).collect();
    let suppressed: HashMap<String, SuppressionReason> =
        reasons_for(conn, ctx.organization_id.into_uuid(), &addresses).await?;
    let mut excluded = Exclusions::default();
    let mut recipients = Vec::with_capacity(members.len());
    for member in members {
        let Some(email) = member.email.filter(|e| !e.trim().is_empty()) else {
            excluded.no_email += 1;
            continue;
        };
        match suppressed.get(&email) {
            Some(reason) => count(&mut excluded, *reason),
            None => recipients.push((member.contact_id, email)),
        }
    }
    Ok(Resolved {
        recipients,
        excluded,
        matched,
    })
}

pub(super) fn count(excluded: &mut Exclusions, reason: SuppressionReason) {
    match reason {
        SuppressionReason::Unsubscribe => excluded.unsubscribed += 1,
        SuppressionReason::Bounce => excluded.bounced += 1,
        SuppressionReason::SpamReport => excluded.spam_report += 1,
        SuppressionReason::Manual => excluded.suppressed += 1,
    }
}

impl MarketingService<'_> {
    /// Who the audience would reach if sending started now.
    pub async fn count_audience(&self, ctx: &Ctx, audience: &Audience) -> Result<AudienceCount, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        CoreError::validation(audience.validate())?;
        let resolved = resolve(self.kite, &self.kite.db, ctx, audience).await?;
        Ok(AudienceCount {
            matched: resolved.matched,
            recipients: resolved.recipients.len() as u64,
            excluded: resolved.excluded,
        })
    }
}
