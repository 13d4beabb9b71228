//! Who is in a sequence: enrolling (one contact, a selection of the list, or a filter),
//! the enrollments of a sequence or a contact, pausing, resuming and stopping one, and
//! the exits the rest of Kite triggers (a reply, an unsubscribe or bounce, a won deal).

use super::audience;
use super::sequence_steps::AdvanceEnrollment;
use super::sequences::find_sequence;
use super::{MarketingService, conflict};
use crate::audit::{self, Actor, Event};
use crate::crm::records;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx};
use chrono::{DateTime, Utc};
use kite_entity::{contact, deal, deal_contact, domain_event, sequence, sequence_enrollment as enrollment};
use kite_shared::marketing::campaigns::AudienceKind;
use kite_shared::marketing::sequences::{
    EnrollInput, EnrollOutcome, EnrollmentDto, EnrollmentQuery, EnrollmentState, ExitReason,
};
use kite_shared::marketing::suppressions::SuppressionReason;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

const OPEN: [&str; 2] = ["active", "paused"];
/// Enrolling this many contacts or fewer runs their first steps in the request.
const RUN_AT_ONCE: u64 = 10;

fn dto(row: enrollment::Model, sequence_name: Option<String>, contact: Option<&contact::Model>) -> EnrollmentDto {
    EnrollmentDto {
        id: row.id,
        sequence_id: row.sequence_id,
        sequence_name,
        contact_id: row.contact_id,
        contact_name: contact.map(|c| format!("{} {}", c.first_name, c.last_name).trim().to_owned()),
        contact_email: contact.and_then(|c| c.email.clone()),
        deal_id: row.deal_id,
        state: EnrollmentState::parse(&row.state).unwrap_or(EnrollmentState::Exited),
        exit_reason: row.exit_reason.as_deref().and_then(ExitReason::parse),
        current_step: u32::try_from(row.current_step).unwrap_or(0),
        next_step_at: row.next_step_at,
        enrolled_by: row.enrolled_by.map(UserId::from),
        created_at: row.created_at,
        finished_at: row.finished_at,
    }
}

/// The enrollments' contacts and sequence names, for a page of them.
async fn named(conn: &impl ConnectionTrait, rows: Vec<enrollment::Model>) -> Result<Vec<EnrollmentDto>, CoreError> {
    let contact_ids: HashSet<Uuid> = rows.iter().map(|r| r.contact_id).collect();
    let sequence_ids: HashSet<Uuid> = rows.iter().map(|r| r.sequence_id).collect();
    let contacts: HashMap<Uuid, contact::Model> = contact::Entity::find()
        .filter(contact::Column::Id.is_in(contact_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let names: HashMap<Uuid, String> = sequence::Entity::find()
        .filter(sequence::Column::Id.is_in(sequence_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = names.get(&row.sequence_id).cloned();
            let contact = contacts.get(&row.contact_id);
            dto(row, name, contact)
        })
        .collect())
}

/// Ends every open enrollment `condition` picks. Returns how many ended.
pub(super) async fn exit_where(
    conn: &impl ConnectionTrait,
    condition: Condition,
    reason: ExitReason,
    now: DateTime<Utc>,
) -> Result<u64, CoreError> {
    let result = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::State, Expr::value(EnrollmentState::Exited.as_str()))
        .col_expr(enrollment::Column::ExitReason, Expr::value(reason.as_str()))
        .col_expr(
            enrollment::Column::NextStepAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(enrollment::Column::FinishedAt, Expr::value(now))
        .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
        .filter(enrollment::Column::State.is_in(OPEN))
        .filter(condition)
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Takes the contacts out of every sequence they are in.
pub(super) async fn exit_contacts(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    contact_ids: &[Uuid],
    reason: ExitReason,
) -> Result<u64, CoreError> {
    if contact_ids.is_empty() {
        return Ok(0);
    }
    let condition = Condition::all()
        .add(enrollment::Column::OrganizationId.eq(organization_id))
        .add(enrollment::Column::ContactId.is_in(contact_ids.iter().copied()));
    exit_where(conn, condition, reason, Utc::now()).await
}

/// Why a suppressed address leaves its sequences.
fn exit_reason(reason: SuppressionReason) -> ExitReason {
    match reason {
        SuppressionReason::Bounce => ExitReason::Bounced,
        SuppressionReason::Unsubscribe | SuppressionReason::SpamReport | SuppressionReason::Manual => {
            ExitReason::Unsubscribed
        }
    }
}

/// Takes every contact with this (normalised) address out of its sequences: it was
/// just put on the suppression list.
pub(super) async fn exit_address(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    email: &str,
    reason: SuppressionReason,
) -> Result<u64, CoreError> {
    let contacts = Query::select()
        .column(contact::Column::Id)
        .from(contact::Entity)
        .and_where(contact::Column::OrganizationId.eq(organization_id))
        .and_where(contact::Column::Email.eq(email))
        .to_owned();
    let condition = Condition::all()
        .add(enrollment::Column::OrganizationId.eq(organization_id))
        .add(enrollment::Column::ContactId.in_subquery(contacts));
    exit_where(conn, condition, exit_reason(reason), Utc::now()).await
}

/// Takes the contacts of won deals (and the enrollments made for those deals) out of
/// their sequences.
async fn exit_for_won_deals(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    deal_ids: &[Uuid],
) -> Result<u64, CoreError> {
    if deal_ids.is_empty() {
        return Ok(0);
    }
    let contacts = Query::select()
        .column(deal_contact::Column::ContactId)
        .from(deal_contact::Entity)
        .and_where(deal_contact::Column::OrganizationId.eq(organization_id))
        .and_where(deal_contact::Column::DealId.is_in(deal_ids.iter().copied()))
        .to_owned();
    let condition = Condition::all()
        .add(enrollment::Column::OrganizationId.eq(organization_id))
        .add(
            Condition::any()
                .add(enrollment::Column::DealId.is_in(deal_ids.iter().copied()))
                .add(enrollment::Column::ContactId.in_subquery(contacts)),
        );
    exit_where(conn, condition, ExitReason::DealWon, Utc::now()).await
}

async fn find_enrollment(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<enrollment::Model, CoreError> {
    enrollment::Entity::find_by_id(id)
        .filter(enrollment::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("enrollment"))
}

/// Reps manage the enrollments they made; managers and admins manage all.
fn require_enroller(ctx: &Ctx, row: &enrollment::Model) -> Result<(), CoreError> {
    ctx.require(Permission::EditOwnRecords)?;
    if row.enrolled_by != Some(ctx.user_id.into_uuid()) {
        ctx.require(Permission::ManageCampaigns)?;
    }
    Ok(())
}

impl MarketingService<'_> {
    /// Enrolls the audience's reachable contacts; those already in the sequence (now or
    /// before) and those who cannot be emailed are counted, not enrolled. Reps enroll
    /// contacts they pick; a filter (a segment) needs a manager or an admin.
    pub async fn enroll(&self, ctx: &Ctx, sequence_id: Uuid, input: &EnrollInput) -> Result<EnrollOutcome, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        if input.audience.kind == AudienceKind::Filter {
            ctx.require(Permission::ManageCampaigns)?;
        }
        CoreError::validation(input.audience.validate())?;
        let kite = self.kite;
        let db = &kite.db;
        let org = ctx.organization_id.into_uuid();
        let sequence = find_sequence(db, org, sequence_id).await?;
        if let Some(deal_id) = input.deal_id {
            records::find_live::<deal::Entity>(db, ctx, deal_id).await?;
        }
        if input.audience.kind == AudienceKind::List {
            // A contact picked by hand that does not exist (or is another
            // organization's) is an error, not an exclusion.
            let found = records::live::<contact::Entity>(ctx)
                .filter(contact::Column::Id.is_in(input.audience.contact_ids.iter().copied()))
                .count(db)
                .await?;
            let wanted: HashSet<&Uuid> = input.audience.contact_ids.iter().collect();
            if found < wanted.len() as u64 {
                return Err(CoreError::NotFound("contact"));
            }
        }
        let resolved = audience::resolve(kite, db, ctx, &input.audience).await?;
        let now = Utc::now();
        let txn = kite.begin().await?;
        let mut enrolled = 0;
        for chunk in resolved.recipients.chunks(500) {
            let rows = chunk.iter().map(|(contact_id, _)| enrollment::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(org),
                sequence_id: Set(sequence.id),
                contact_id: Set(*contact_id),
                deal_id: Set(input.deal_id),
                state: Set(EnrollmentState::Active.as_str().to_owned()),
                exit_reason: Set(None),
                current_step: Set(0),
                next_step_at: Set(Some(now)),
                enrolled_by: Set(Some(ctx.user_id.into_uuid())),
                created_at: Set(now),
                updated_at: Set(now),
                finished_at: Set(None),
            });
            enrolled += enrollment::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([enrollment::Column::SequenceId, enrollment::Column::ContactId])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&*txn)
                .await?;
        }
        let outcome = EnrollOutcome {
            enrolled,
            already_enrolled: resolved.recipients.len() as u64 - enrolled,
            excluded: resolved.excluded,
        };
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("sequence.enrolled", "sequence", sequence.id).after(json!(outcome)),
        )
        .await?;
        txn.commit().await?;
        if enrolled > 0 && enrolled <= RUN_AT_ONCE {
            self.start_now(sequence.id, &resolved.recipients).await;
        } else if enrolled > 0 {
            self.queue_due_steps(Utc::now()).await?;
        }
        Ok(outcome)
    }

    /// Runs the first steps of a few new enrollments in the request, so the user who
    /// enrolled a contact sees the first email on their timeline at once. A failure
    /// here is left to the tick, which runs whatever is still due.
    async fn start_now(&self, sequence_id: Uuid, recipients: &[(Uuid, String)]) {
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::SequenceId.eq(sequence_id))
            .filter(enrollment::Column::ContactId.is_in(recipients.iter().map(|(id, _)| *id)))
            .filter(enrollment::Column::State.eq(EnrollmentState::Active.as_str()))
            .filter(enrollment::Column::CurrentStep.eq(0))
            .all(&self.kite.db)
            .await;
        for row in rows.unwrap_or_default() {
            let payload = AdvanceEnrollment {
                enrollment_id: row.id,
                organization_id: row.organization_id,
            };
            if let Err(error) = self.advance_enrollment(&payload).await {
                tracing::warn!(enrollment = %row.id, %error, "first sequence step left to the tick");
            }
        }
    }

    /// Deals were won: their contacts leave their sequences.
    pub async fn exit_for_won_deals(&self, events: &[domain_event::Model]) -> Result<u64, CoreError> {
        let mut by_org: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for event in events {
            if let Some(deal_id) = event.entity_id {
                by_org.entry(event.organization_id).or_default().push(deal_id);
            }
        }
        let mut exited = 0;
        for (org, deals) in by_org {
            exited += exit_for_won_deals(&self.kite.db, org, &deals).await?;
        }
        Ok(exited)
    }

    pub async fn list_enrollments(
        &self,
        ctx: &Ctx,
        sequence_id: Uuid,
        query: &EnrollmentQuery,
        page: &PageQuery,
    ) -> Result<Page<EnrollmentDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        let org = ctx.organization_id.into_uuid();
        find_sequence(db, org, sequence_id).await?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed(
            "sequence_enrollments",
            "created_at",
            enrollment::Column::CreatedAt,
            true,
            enrollment::Column::Id,
        )?;
        let mut select = enrollment::Entity::find()
            .filter(enrollment::Column::OrganizationId.eq(org))
            .filter(enrollment::Column::SequenceId.eq(sequence_id));
        if let Some(state) = query.state {
            select = select.filter(enrollment::Column::State.eq(state.as_str()));
        }
        let rows = paging::page(self.kite, select, &order, &request, Total::Exact).await?;
        Ok(Page {
            items: named(db, rows.items).await?,
            next_cursor: rows.next_cursor,
            total: rows.total,
        })
    }

    /// The sequences a contact is (or was) in.
    pub async fn contact_enrollments(&self, ctx: &Ctx, contact_id: Uuid) -> Result<Vec<EnrollmentDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        records::find_live::<contact::Entity>(db, ctx, contact_id).await?;
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(enrollment::Column::ContactId.eq(contact_id))
            .all(db)
            .await?;
        named(db, rows).await
    }

    pub async fn pause_enrollment(&self, ctx: &Ctx, id: Uuid) -> Result<EnrollmentDto, CoreError> {
        self.move_enrollment(ctx, id, EnrollmentState::Paused).await
    }

    pub async fn resume_enrollment(&self, ctx: &Ctx, id: Uuid) -> Result<EnrollmentDto, CoreError> {
        self.move_enrollment(ctx, id, EnrollmentState::Active).await
    }

    pub async fn exit_enrollment(&self, ctx: &Ctx, id: Uuid) -> Result<EnrollmentDto, CoreError> {
        self.move_enrollment(ctx, id, EnrollmentState::Exited).await
    }

    async fn move_enrollment(&self, ctx: &Ctx, id: Uuid, to: EnrollmentState) -> Result<EnrollmentDto, CoreError> {
        let txn = self.kite.begin().await?;
        let row = find_enrollment(&*txn, ctx, id).await?;
        require_enroller(ctx, &row)?;
        let from = EnrollmentState::parse(&row.state).unwrap_or(EnrollmentState::Exited);
        let allowed = match to {
            EnrollmentState::Paused => from == EnrollmentState::Active,
            EnrollmentState::Active => from == EnrollmentState::Paused,
            _ => from.is_open(),
        };
        if !allowed {
            return Err(conflict(
                "enrollment_state",
                format!("This enrollment is {}.", from.label().to_lowercase()),
            ));
        }
        let now = Utc::now();
        let next = row.next_step_at;
        let mut active = row.into_active_model();
        active.state = Set(to.as_str().to_owned());
        active.updated_at = Set(now);
        match to {
            // A step that fell due while paused runs at once; the new time also makes
            // the tick queue it afresh.
            EnrollmentState::Active => {
                active.next_step_at = Set(Some(next.map_or(now, |at| at.max(now))));
            }
            EnrollmentState::Exited => {
                active.exit_reason = Set(Some(ExitReason::Manual.as_str().to_owned()));
                active.next_step_at = Set(None);
                active.finished_at = Set(Some(now));
            }
            _ => {}
        }
        let row = active.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("sequence.enrollment_changed", "sequence", row.sequence_id)
                .after(json!({"enrollment_id": row.id, "contact_id": row.contact_id, "state": to.as_str()})),
        )
        .await?;
        txn.commit().await?;
        named(&self.kite.db, vec![row])
            .await?
            .pop()
            .ok_or(CoreError::NotFound("enrollment"))
    }
}
