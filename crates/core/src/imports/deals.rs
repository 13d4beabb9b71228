//! The deal rows of an import: pipeline and stage by name, the company by name (created
//! when missing), a contact by email, a stage-history row for every deal created or
//! moved. Deals have no natural key: a row matches an existing deal only by its Kite id.

use super::rows::{DealRow, Prepared, RowFailure};
use super::runner::{INSERT_ROWS, RunState, Runner};
use crate::CoreError;
use crate::crm::deals::apply_stage;
use chrono::{DateTime, Utc};
use kite_entity::{deal, deal_contact, deal_stage_change, pipeline, stage};
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::pipelines::StageKind;
use kite_shared::imports::DuplicateMode;
use kite_shared::validation::normalize_email;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Currency of a deal whose row gives a value but no currency.
const DEFAULT_CURRENCY: &str = "EUR";

/// The organization's pipelines and their stages, read once per import.
#[derive(Default)]
pub struct Pipelines {
    pub pipelines: Vec<pipeline::Model>,
    pub stages: Vec<stage::Model>,
}

impl Pipelines {
    pub async fn load(conn: &impl ConnectionTrait, organization_id: Uuid) -> Result<Pipelines, CoreError> {
        Ok(Pipelines {
            pipelines: pipeline::Entity::find()
                .filter(pipeline::Column::OrganizationId.eq(organization_id))
                .all(conn)
                .await?,
            stages: stage::Entity::find()
                .filter(stage::Column::OrganizationId.eq(organization_id))
                .filter(stage::Column::DeletedAt.is_null())
                .order_by_asc(stage::Column::Position)
                .all(conn)
                .await?,
        })
    }

    /// The pipeline a row names (the default one when it names none), and its stage
    /// (the first open one when it names none).
    fn resolve(
        &self,
        pipeline_name: Option<&str>,
        stage_name: Option<&str>,
        current: Option<Uuid>,
    ) -> Result<(&pipeline::Model, &stage::Model), RowFailure> {
        let pipeline = match (pipeline_name, current) {
            (Some(name), _) => self.pipelines.iter().find(|p| p.name.eq_ignore_ascii_case(name.trim())),
            (None, Some(id)) => self.pipelines.iter().find(|p| p.id == id),
            (None, None) => self.pipelines.iter().find(|p| p.is_default),
        }
        .ok_or_else(|| {
            let known: Vec<&str> = self.pipelines.iter().map(|p| p.name.as_str()).collect();
            (
                "pipeline".to_owned(),
                format!(
                    "No pipeline is called \"{}\" (there are: {}).",
                    pipeline_name.unwrap_or_default(),
                    known.join(", ")
                ),
            )
        })?;
        let mut stages = self.stages.iter().filter(|s| s.pipeline_id == pipeline.id);
        let stage = match stage_name {
            Some(name) => stages.find(|s| s.name.eq_ignore_ascii_case(name.trim())),
            None => stages.find(|s| s.kind == StageKind::Open.as_str()),
        }
        .ok_or_else(|| {
            let known: Vec<&str> = self
                .stages
                .iter()
                .filter(|s| s.pipeline_id == pipeline.id)
                .map(|s| s.name.as_str())
                .collect();
            (
                "stage".to_owned(),
                format!(
                    "\"{}\" has no stage \"{}\" (its stages: {}).",
                    pipeline.name,
                    stage_name.unwrap_or_default(),
                    known.join(", ")
                ),
            )
        })?;
        Ok((pipeline, stage))
    }
}

/// A deal row with its names resolved.
struct Resolved {
    row: DealRow,
    company: Option<String>,
    id: Option<Uuid>,
    pipeline_id: Uuid,
    stage: stage::Model,
    contact_id: Option<Uuid>,
}

/// The deal as it was before an import changed it, for undo.
pub(super) fn before(row: &deal::Model) -> serde_json::Value {
    json!({
        "title": row.title, "value_minor": row.value_minor, "currency": row.currency,
        "stage_id": row.stage_id, "status": row.status, "probability": row.probability,
        "expected_close": row.expected_close, "owner_id": row.owner_id, "company_id": row.company_id,
        "lost_reason": row.lost_reason, "closed_at": row.closed_at,
    })
}

impl Runner<'_> {
    pub(super) async fn deals(
        &self,
        conn: &impl ConnectionTrait,
        state: &mut RunState,
        prepared: Vec<(u64, Result<Prepared<DealRow>, RowFailure>)>,
        failures: &mut Vec<(u64, RowFailure)>,
        dry_run: bool,
    ) -> Result<(), CoreError> {
        let ok = || prepared.iter().filter_map(|(_, p)| p.as_ref().ok());
        let emails: Vec<String> = ok()
            .filter_map(|p| p.input.contact_email.as_deref().map(normalize_email))
            .collect();
        let contacts = self.live_contacts_by_email(conn, emails).await?;
        let existing = self
            .live_by_id::<deal::Entity>(conn, ok().filter_map(|p| p.id).collect())
            .await?;

        let mut resolved: Vec<(u64, Resolved)> = Vec::new();
        for (row, prepared) in prepared {
            let outcome = prepared.and_then(|p| {
                let found = p.id.and_then(|id| existing.get(&id));
                let (pipeline, stage) = self.pipelines.resolve(
                    p.input.pipeline.as_deref(),
                    p.input.stage.as_deref(),
                    found.map(|d| d.pipeline_id),
                )?;
                if found.is_some_and(|d| d.pipeline_id != pipeline.id) {
                    return Err((
                        "pipeline".into(),
                        "A deal cannot change pipeline; move it to a stage of its own.".into(),
                    ));
                }
                let entering_lost =
                    stage.kind == StageKind::Lost.as_str() && found.is_none_or(|d| d.stage_id != stage.id);
                if entering_lost && p.input.lost_reason.is_none() {
                    return Err(("lost_reason".into(), "Say why the deal was lost.".into()));
                }
                let contact_id = match p.input.contact_email.as_deref() {
                    None => None,
                    Some(email) => Some(contacts.get(&normalize_email(email)).map(|c| c.id).ok_or_else(|| {
                        (
                            "contact_email".to_owned(),
                            format!("No contact has the email {email}; import the contacts first."),
                        )
                    })?),
                };
                Ok(Resolved {
                    pipeline_id: pipeline.id,
                    stage: stage.clone(),
                    contact_id,
                    company: p.company,
                    id: p.id,
                    row: p.input,
                })
            });
            match outcome {
                Ok(r) => resolved.push((row, r)),
                Err(failure) => failures.push((row, failure)),
            }
        }
        self.company_ids(
            conn,
            state,
            resolved.iter().filter_map(|(_, r)| r.company.clone()),
            dry_run,
        )
        .await?;

        let now = Utc::now();
        let mut creates: Vec<deal::ActiveModel> = Vec::new();
        let mut history: Vec<deal_stage_change::ActiveModel> = Vec::new();
        let mut links: Vec<deal_contact::ActiveModel> = Vec::new();
        let mut tagged: Vec<(Uuid, Vec<String>)> = Vec::new();
        let mut tops: HashMap<Uuid, f64> = HashMap::new();
        for (row, r) in resolved {
            let found = r.id.and_then(|id| existing.get(&id));
            let company_id = r
                .company
                .as_ref()
                .and_then(|c| state.companies.get(&c.to_lowercase()).copied());
            match (found, self.duplicates) {
                (Some(_), DuplicateMode::Skip) => state.counts.skipped += 1,
                (Some(found), DuplicateMode::Update) if !self.may_edit(found.owner_id) => {
                    failures.push((row, ("owner".into(), "You can only update deals you own.".into())));
                }
                (Some(found), DuplicateMode::Update) => {
                    state.counts.updated += 1;
                    if dry_run {
                        continue;
                    }
                    if let Some(tags) = &r.row.tags {
                        tagged.push((found.id, tags.clone()));
                    }
                    if let Some(contact_id) = r.contact_id {
                        links.push(self.link(found.id, contact_id));
                    }
                    if found.stage_id != r.stage.id {
                        history.push(self.moved(found.id, Some(found.stage_id), r.stage.id, now));
                    }
                    self.update_deal(conn, found, r, company_id).await?;
                }
                _ => {
                    state.counts.created += 1;
                    if dry_run {
                        continue;
                    }
                    let id = Uuid::now_v7();
                    let top = match tops.get(&r.stage.id) {
                        Some(top) => *top,
                        None => deal::Entity::find()
                            .filter(deal::Column::StageId.eq(r.stage.id))
                            .filter(deal::Column::DeletedAt.is_null())
                            .order_by_asc(deal::Column::Position)
                            .one(conn)
                            .await?
                            .map_or(0.0, |d| d.position),
                    };
                    // New deals go on top of their column, as on the board.
                    let position = top - 1.0;
                    tops.insert(r.stage.id, position);
                    if let Some(tags) = &r.row.tags {
                        tagged.push((id, tags.clone()));
                    }
                    if let Some(contact_id) = r.contact_id {
                        links.push(self.link(id, contact_id));
                    }
                    history.push(self.moved(id, None, r.stage.id, now));
                    creates.push(self.new_deal(id, r, company_id, position, now));
                }
            }
        }
        if dry_run {
            return Ok(());
        }
        for chunk in creates.chunks(INSERT_ROWS) {
            deal::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        for chunk in history.chunks(INSERT_ROWS) {
            deal_stage_change::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        for chunk in links.chunks(INSERT_ROWS) {
            deal_contact::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([deal_contact::Column::DealId, deal_contact::Column::ContactId])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(conn)
                .await?;
        }
        self.tag(conn, RecordKind::Deal, tagged).await?;
        let organization = self.import.organization_id;
        self.kite.counts.invalidate(organization, crate::crm::deals::KIND);
        self.kite.counts.invalidate(organization, crate::crm::companies::KIND);
        Ok(())
    }

    fn link(&self, deal_id: Uuid, contact_id: Uuid) -> deal_contact::ActiveModel {
        deal_contact::ActiveModel {
            organization_id: Set(self.import.organization_id),
            deal_id: Set(deal_id),
            contact_id: Set(contact_id),
        }
    }

    fn moved(&self, deal_id: Uuid, from: Option<Uuid>, to: Uuid, now: DateTime<Utc>) -> deal_stage_change::ActiveModel {
        deal_stage_change::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(self.import.organization_id),
            deal_id: Set(deal_id),
            from_stage_id: Set(from),
            to_stage_id: Set(to),
            moved_by: Set(Some(self.ctx.user_id.into_uuid())),
            moved_at: Set(now),
        }
    }

    fn new_deal(
        &self,
        id: Uuid,
        r: Resolved,
        company_id: Option<Uuid>,
        position: f64,
        now: DateTime<Utc>,
    ) -> deal::ActiveModel {
        let me = self.ctx.user_id.into_uuid();
        let mut row = deal::ActiveModel {
            id: Set(id),
            organization_id: Set(self.import.organization_id),
            title: Set(r.row.title),
            value_minor: Set(r.row.value.unwrap_or(0)),
            currency: Set(r.row.currency.unwrap_or_else(|| DEFAULT_CURRENCY.into())),
            pipeline_id: Set(r.pipeline_id),
            stage_id: Set(r.stage.id),
            position: Set(position),
            probability: Set(r.stage.probability),
            expected_close: Set(r.row.expected_close),
            owner_id: Set(Some(r.row.owner_id.map_or(me, |o| o.into_uuid()))),
            company_id: Set(company_id),
            status: Set(String::new()),
            lost_reason: Set(None),
            closed_at: Set(None),
            created_by: Set(Some(me)),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            import_id: Set(Some(self.import.id)),
        };
        apply_stage(&mut row, &r.stage, r.row.lost_reason);
        if let Some(probability) = r.row.probability {
            row.probability = Set(probability);
        }
        row
    }

    /// Overwrites what the row gives (empty cells leave a field as it is); a new stage
    /// sets status, probability and close time as a move on the board does.
    async fn update_deal(
        &self,
        conn: &impl ConnectionTrait,
        found: &deal::Model,
        r: Resolved,
        company_id: Option<Uuid>,
    ) -> Result<(), CoreError> {
        self.remember(conn, found.id, before(found)).await?;
        let mut row = found.clone().into_active_model();
        row.title = Set(r.row.title);
        if let Some(value) = r.row.value {
            row.value_minor = Set(value);
        }
        if let Some(currency) = r.row.currency {
            row.currency = Set(currency);
        }
        if found.stage_id != r.stage.id {
            apply_stage(&mut row, &r.stage, r.row.lost_reason.clone());
        } else if r.row.lost_reason.is_some() && found.status == StageKind::Lost.as_str() {
            row.lost_reason = Set(r.row.lost_reason);
        }
        if let Some(probability) = r.row.probability {
            row.probability = Set(probability);
        }
        if r.row.expected_close.is_some() {
            row.expected_close = Set(r.row.expected_close);
        }
        if let Some(owner) = r.row.owner_id {
            row.owner_id = Set(Some(owner.into_uuid()));
        }
        if company_id.is_some() {
            row.company_id = Set(company_id);
        }
        if row.is_changed() {
            row.updated_at = Set(Utc::now());
            row.update(conn).await?;
        }
        Ok(())
    }
}

/// Puts a deal back as it was before the import (undo).
pub(super) async fn restore(
    conn: &impl ConnectionTrait,
    id: Uuid,
    before: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), CoreError> {
    let text = |key: &str| before[key].as_str().map(str::to_owned);
    let uuid = |key: &str| text(key).and_then(|s| s.parse::<Uuid>().ok());
    let Some(stage_id) = uuid("stage_id") else {
        return Ok(());
    };
    deal::Entity::update_many()
        .col_expr(deal::Column::Title, Expr::value(text("title").unwrap_or_default()))
        .col_expr(
            deal::Column::ValueMinor,
            Expr::value(before["value_minor"].as_i64().unwrap_or(0)),
        )
        .col_expr(
            deal::Column::Currency,
            Expr::value(text("currency").unwrap_or_else(|| DEFAULT_CURRENCY.into())),
        )
        .col_expr(deal::Column::StageId, Expr::value(stage_id))
        .col_expr(
            deal::Column::Status,
            Expr::value(text("status").unwrap_or_else(|| "open".into())),
        )
        .col_expr(
            deal::Column::Probability,
            Expr::value(
                before["probability"]
                    .as_i64()
                    .and_then(|p| i32::try_from(p).ok())
                    .unwrap_or(0),
            ),
        )
        .col_expr(
            deal::Column::ExpectedClose,
            Expr::value(text("expected_close").and_then(|d| d.parse::<chrono::NaiveDate>().ok())),
        )
        .col_expr(deal::Column::OwnerId, Expr::value(uuid("owner_id")))
        .col_expr(deal::Column::CompanyId, Expr::value(uuid("company_id")))
        .col_expr(deal::Column::LostReason, Expr::value(text("lost_reason")))
        .col_expr(
            deal::Column::ClosedAt,
            Expr::value(text("closed_at").and_then(|t| t.parse::<DateTime<Utc>>().ok())),
        )
        .col_expr(deal::Column::UpdatedAt, Expr::value(now))
        .filter(deal::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
