//! Next best actions: each user's ranked suggestions across their deals, contacts, tasks
//! and approvals (or one record's), what they did with each remembered so a dismissed or
//! snoozed one stays away, and "create the task" in one click.

mod rules;
mod situation;

use chrono::{DateTime, Duration, Utc};
use kite_core::{CoreError, Ctx, Kite};
use kite_entity::{contact, deal, suggestion_decision};
use kite_shared::assistant::suggestions::{
    MAX_SNOOZE_DAYS, Suggestion, SuggestionAction, SuggestionDecision, SuggestionDecisionKind, SuggestionKey,
    SuggestionQuery, Suggestions,
};
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityKind};
use kite_shared::crm::notes::RecordKind;
use kite_shared::{FieldError, Permission};
use sea_orm::sea_query::{Condition, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use situation::Scope;
use std::collections::HashSet;
use uuid::Uuid;

/// Suggestions per request unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 10;

pub struct SuggestionService<'a> {
    kite: &'a Kite,
}

impl<'a> SuggestionService<'a> {
    pub fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The signed-in user's suggestions (each record's most urgent one), or every one
    /// about a deal or a contact, minus those they dismissed or snoozed.
    pub async fn list(&self, ctx: &Ctx, query: &SuggestionQuery) -> Result<Suggestions, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        CoreError::validation(query.validate())?;
        let scope = match (query.deal_id, query.contact_id) {
            (Some(id), _) => self.record_scope(ctx, RecordKind::Deal, id).await?,
            (None, Some(id)) => self.record_scope(ctx, RecordKind::Contact, id).await?,
            (None, None) => Scope::Mine,
        };
        let mut items = self.open(ctx, scope).await?;
        let total = items.len() as u32;
        items.truncate(query.limit.unwrap_or(DEFAULT_LIMIT) as usize);
        Ok(Suggestions { items, total })
    }

    /// A record's scope, once it is known to be this organization's (404 otherwise).
    async fn record_scope(&self, ctx: &Ctx, kind: RecordKind, id: Uuid) -> Result<Scope, CoreError> {
        let org = ctx.organization_id.into_uuid();
        let found = match kind {
            RecordKind::Deal => {
                deal::Entity::find()
                    .filter(deal::Column::Id.eq(id))
                    .filter(deal::Column::OrganizationId.eq(org))
                    .filter(deal::Column::DeletedAt.is_null())
                    .count(&self.kite.db)
                    .await?
            }
            _ => {
                contact::Entity::find()
                    .filter(contact::Column::Id.eq(id))
                    .filter(contact::Column::OrganizationId.eq(org))
                    .filter(contact::Column::DeletedAt.is_null())
                    .count(&self.kite.db)
                    .await?
            }
        };
        match (found, kind) {
            (0, RecordKind::Deal) => Err(CoreError::NotFound("deal")),
            (0, _) => Err(CoreError::NotFound("contact")),
            (_, RecordKind::Deal) => Ok(Scope::Deal(id)),
            _ => Ok(Scope::Contact(id)),
        }
    }

    /// The scope's suggestions the user has not decided on, ranked.
    async fn open(&self, ctx: &Ctx, scope: Scope) -> Result<Vec<Suggestion>, CoreError> {
        let now = Utc::now();
        let situation = situation::read(self.kite, ctx, scope, now).await?;
        let decided = self.decided(ctx, now).await?;
        let mut items = rules::suggest(&situation, now, matches!(scope, Scope::Mine));
        items.retain(|s| !decided.contains(&s.key));
        Ok(items)
    }

    async fn decided(&self, ctx: &Ctx, now: DateTime<Utc>) -> Result<HashSet<String>, CoreError> {
        let keys: Vec<String> = suggestion_decision::Entity::find()
            .select_only()
            .column(suggestion_decision::Column::Key)
            .filter(suggestion_decision::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(suggestion_decision::Column::UserId.eq(ctx.user_id.into_uuid()))
            .filter(
                Condition::any()
                    .add(suggestion_decision::Column::Until.is_null())
                    .add(suggestion_decision::Column::Until.gt(now)),
            )
            .into_tuple()
            .all(&self.kite.db)
            .await?;
        Ok(keys.into_iter().collect())
    }

    async fn remember(
        &self,
        ctx: &Ctx,
        key: &str,
        decision: SuggestionDecisionKind,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), CoreError> {
        let row = suggestion_decision::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            user_id: Set(ctx.user_id.into_uuid()),
            key: Set(key.to_owned()),
            decision: Set(decision.as_str().to_owned()),
            until: Set(until),
            decided_at: Set(Utc::now()),
        };
        suggestion_decision::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    suggestion_decision::Column::OrganizationId,
                    suggestion_decision::Column::UserId,
                    suggestion_decision::Column::Key,
                ])
                .update_columns([
                    suggestion_decision::Column::Decision,
                    suggestion_decision::Column::Until,
                    suggestion_decision::Column::DecidedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(&self.kite.db)
            .await?;
        Ok(())
    }

    fn checked_key(input: &SuggestionDecision) -> Result<SuggestionKey, CoreError> {
        SuggestionKey::parse(&input.key).map_err(|e| CoreError::Validation(vec![e]))
    }

    /// Not offered to this user again (a new situation on the same record still is).
    pub async fn dismiss(&self, ctx: &Ctx, input: &SuggestionDecision) -> Result<(), CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Self::checked_key(input)?;
        if input.days.is_some() {
            return Err(CoreError::field("days", "not_allowed", "Only snoozing takes days"));
        }
        self.remember(ctx, &input.key, SuggestionDecisionKind::Dismissed, None)
            .await
    }

    /// Not offered to this user for `days` days.
    pub async fn snooze(&self, ctx: &Ctx, input: &SuggestionDecision) -> Result<(), CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Self::checked_key(input)?;
        let days = match input.days {
            Some(days @ 1..=MAX_SNOOZE_DAYS) => days,
            Some(_) => {
                return Err(CoreError::Validation(vec![FieldError::new(
                    "days",
                    "out_of_range",
                    format!("Snooze for 1 to {MAX_SNOOZE_DAYS} days"),
                )]));
            }
            None => return Err(CoreError::field("days", "required", "Say for how many days")),
        };
        let until = Utc::now() + Duration::days(i64::from(days));
        self.remember(ctx, &input.key, SuggestionDecisionKind::Snoozed, Some(until))
            .await
    }

    /// Creates the task a `create_task` suggestion proposes, assigned to the signed-in
    /// user and linked to the record, and remembers the suggestion as done.
    pub async fn create_task(&self, ctx: &Ctx, input: &SuggestionDecision) -> Result<ActivityDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let key = Self::checked_key(input)?;
        if input.days.is_some() {
            return Err(CoreError::field("days", "not_allowed", "Only snoozing takes days"));
        }
        let scope = match self.record_scope(ctx, RecordKind::Deal, key.id).await {
            Err(CoreError::NotFound(_)) => self.record_scope(ctx, RecordKind::Contact, key.id).await,
            found => found,
        }
        .map_err(|_| CoreError::NotFound("suggestion"))?;
        let suggestion = self
            .open(ctx, scope)
            .await?
            .into_iter()
            .find(|s| s.key == input.key)
            .ok_or(CoreError::NotFound("suggestion"))?;
        let (SuggestionAction::CreateTask, Some(task)) = (suggestion.action, suggestion.task) else {
            return Err(CoreError::Validation(vec![FieldError::new(
                "key",
                "no_task",
                "This suggestion does not make a task",
            )]));
        };
        let (deal_id, contact_id) = match suggestion.record_kind {
            Some(RecordKind::Deal) => (suggestion.record_id, None),
            Some(RecordKind::Contact) => (None, suggestion.record_id),
            _ => (None, None),
        };
        let created = self
            .kite
            .activities()
            .create(
                ctx,
                &ActivityInput {
                    kind: Some(ActivityKind::Task),
                    subject: task.subject,
                    body: Some(suggestion.reason),
                    due_at: Some(task.due_at),
                    done: Some(false),
                    owner_id: Some(ctx.user_id),
                    contact_id,
                    company_id: None,
                    deal_id,
                    ..ActivityInput::default()
                },
            )
            .await?;
        self.remember(ctx, &input.key, SuggestionDecisionKind::TaskCreated, None)
            .await?;
        Ok(created)
    }
}
