//! The deal rows of an import: pipeline and stage by name, the company by name (created
//! when missing), a contact by email, a stage-history row for every deal created or
//! moved. Deals have no natural key: a row matches an existing deal only by its Kite id.

use super::engine::{INSERT_ROWS, Reader, RecordImport, Rows, RunState, Runner};
use super::rows::{self, DealRow, Prepared, RowFailure};
use crate::CoreError;
use crate::crm::deals::write::{self, DealFields, StageMove};
use crate::crm::deals::{history, position_in};
use crate::crm::write::{Edit, Origin};
use chrono::{DateTime, Utc};
use kite_entity::{contact, deal, deal_contact, deal_stage_change, pipeline, stage};
use kite_shared::crm::pipelines::StageKind;
use kite_shared::validation::normalize_email;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

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
pub(super) struct Resolved {
    row: Prepared<DealRow>,
    stage: stage::Model,
    contact_id: Option<Uuid>,
}

/// A deal before an import changed it: its fields, and where it was on the board.
#[derive(Serialize, Deserialize)]
pub(super) struct DealBefore {
    #[serde(flatten)]
    fields: DealFields,
    stage_id: Uuid,
    status: String,
    closed_at: Option<DateTime<Utc>>,
}

/// What a batch of deal rows writes besides the deals.
#[derive(Default)]
pub(super) struct Extras {
    history: Vec<deal_stage_change::ActiveModel>,
    links: Vec<deal_contact::ActiveModel>,
    /// The top position taken in each stage so far.
    tops: HashMap<Uuid, f64>,
}

pub(super) struct Deals {
    pub pipelines: Pipelines,
}

impl Deals {
    /// The row's pipeline, stage and contact, checked against the deal it updates.
    fn resolve(
        &self,
        p: Prepared<DealRow>,
        existing: &HashMap<Uuid, deal::Model>,
        contacts: &HashMap<String, contact::Model>,
    ) -> Result<Resolved, RowFailure> {
        let found = p.id.and_then(|id| existing.get(&id));
        let (pipeline, stage) = self.pipelines.resolve(
            p.fields.pipeline.as_deref(),
            p.fields.stage.as_deref(),
            found.map(|d| d.pipeline_id),
        )?;
        if found.is_some_and(|d| d.pipeline_id != pipeline.id) {
            return Err((
                "pipeline".into(),
                "A deal cannot change pipeline; move it to a stage of its own.".into(),
            ));
        }
        let entering_lost = stage.kind == StageKind::Lost.as_str() && found.is_none_or(|d| d.stage_id != stage.id);
        if entering_lost && p.fields.deal.lost_reason.is_none() {
            return Err(("lost_reason".into(), "Say why the deal was lost.".into()));
        }
        let contact_id = match p.fields.contact_email.as_deref() {
            None => None,
            Some(email) => Some(contacts.get(&normalize_email(email)).map(|c| c.id).ok_or_else(|| {
                (
                    "contact_email".to_owned(),
                    format!("No contact has the email {email}; import the contacts first."),
                )
            })?),
        };
        Ok(Resolved {
            stage: stage.clone(),
            contact_id,
            row: p,
        })
    }
}

/// The row's fields with the company it names.
fn with_company(row: &Prepared<DealRow>, state: &RunState) -> DealFields {
    DealFields {
        company_id: state.company(row.company.as_deref()),
        ..row.fields.deal.clone()
    }
}

fn link(runner: &Runner<'_>, deal_id: Uuid, contact_id: Uuid) -> deal_contact::ActiveModel {
    deal_contact::ActiveModel {
        organization_id: Set(runner.import.organization_id),
        deal_id: Set(deal_id),
        contact_id: Set(contact_id),
    }
}

fn moved(
    runner: &Runner<'_>,
    deal_id: Uuid,
    from: Option<Uuid>,
    to: Uuid,
    at: DateTime<Utc>,
) -> deal_stage_change::ActiveModel {
    deal_stage_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(runner.import.organization_id),
        deal_id: Set(deal_id),
        from_stage_id: Set(from),
        to_stage_id: Set(to),
        moved_by: Set(Some(runner.ctx.user_id.into_uuid())),
        moved_at: Set(at),
        entered_at: Set(None),
    }
}

impl RecordImport for Deals {
    type Entity = deal::Entity;
    type Row = Prepared<DealRow>;
    type Ready = Resolved;
    /// The live deals the rows name by id: deals have no natural key.
    type Known = HashMap<Uuid, deal::Model>;
    type Extras = Extras;
    type Before = DealBefore;
    const DUPLICATE: Option<(&'static str, &'static str)> = None;
    const READ: Reader<Self::Row> = rows::deal;
    const NAMES_COMPANIES: bool = true;

    async fn look_up<C: ConnectionTrait>(
        &self,
        runner: &Runner<'_>,
        conn: &C,
        state: &mut RunState,
        rows: Rows<Self::Row>,
        dry_run: bool,
    ) -> Result<(Self::Known, Rows<Resolved>), CoreError> {
        let ok = || rows.iter().filter_map(|(_, p)| p.as_ref().ok());
        let emails: Vec<String> = ok()
            .filter_map(|p| p.fields.contact_email.as_deref().map(normalize_email))
            .collect();
        let contacts = runner.live_contacts_by_email(conn, emails).await?;
        let existing = runner
            .live_by_id::<deal::Entity>(conn, ok().filter_map(|p| p.id).collect())
            .await?;
        let resolved: Rows<Resolved> = rows
            .into_iter()
            .map(|(n, p)| (n, p.and_then(|p| self.resolve(p, &existing, &contacts))))
            .collect();
        let companies = resolved
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok()?.row.company.clone());
        runner.company_ids(conn, state, companies, dry_run).await?;
        Ok((existing, resolved))
    }

    fn key(&self, _row: &Resolved) -> Option<String> {
        None
    }

    fn existing<'k>(&self, known: &'k Self::Known, row: &Resolved) -> Option<&'k deal::Model> {
        known.get(&row.row.id?)
    }

    fn tags(row: &Resolved) -> Option<&Vec<String>> {
        row.row.tags.as_ref()
    }

    async fn create<C: ConnectionTrait>(
        &self,
        runner: &Runner<'_>,
        conn: &C,
        extras: &mut Extras,
        state: &RunState,
        (id, r): (Uuid, Resolved),
        origin: &Origin,
    ) -> Result<deal::ActiveModel, CoreError> {
        // New deals go on top of their column, as on the board.
        let position = match extras.tops.get(&r.stage.id) {
            Some(top) => top - 1.0,
            None => position_in(conn, r.stage.id, None, None).await?,
        };
        extras.tops.insert(r.stage.id, position);
        if let Some(contact_id) = r.contact_id {
            extras.links.push(link(runner, id, contact_id));
        }
        extras.history.push(moved(runner, id, None, r.stage.id, origin.at));
        Ok(write::build_new(
            id,
            with_company(&r.row, state),
            &r.stage,
            position,
            origin,
        ))
    }

    /// A new stage sets status, probability and close time as a move on the board does.
    fn update(
        &self,
        runner: &Runner<'_>,
        extras: &mut Extras,
        state: &RunState,
        found: &deal::Model,
        r: Resolved,
        at: DateTime<Utc>,
    ) -> deal::ActiveModel {
        if let Some(contact_id) = r.contact_id {
            extras.links.push(link(runner, found.id, contact_id));
        }
        if found.stage_id != r.stage.id {
            extras
                .history
                .push(moved(runner, found.id, Some(found.stage_id), r.stage.id, at));
        }
        let fields = with_company(&r.row, state);
        write::apply_update(found, fields, StageMove::Enter(&r.stage), Edit::Fill, at)
    }

    async fn finish<C: ConnectionTrait>(&self, conn: &C, mut extras: Extras) -> Result<(), CoreError> {
        history::fill_entered_at(conn, &mut extras.history).await?;
        for chunk in extras.history.chunks(INSERT_ROWS) {
            deal_stage_change::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        for chunk in extras.links.chunks(INSERT_ROWS) {
            deal_contact::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([deal_contact::Column::DealId, deal_contact::Column::ContactId])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(conn)
                .await?;
        }
        Ok(())
    }

    fn before(found: &deal::Model) -> DealBefore {
        DealBefore {
            fields: DealFields {
                title: found.title.clone(),
                value_minor: Some(found.value_minor),
                currency: Some(found.currency.clone()),
                probability: Some(found.probability),
                discount_percent: found.discount_percent,
                expected_close: found.expected_close,
                lost_reason: found.lost_reason.clone(),
                owner_id: found.owner_id,
                company_id: found.company_id,
            },
            stage_id: found.stage_id,
            status: found.status.clone(),
            closed_at: found.closed_at,
        }
    }

    fn restore(existing: &deal::Model, before: DealBefore, at: DateTime<Utc>) -> deal::ActiveModel {
        let back = StageMove::Back {
            stage_id: before.stage_id,
            status: before.status,
            closed_at: before.closed_at,
        };
        write::apply_update(existing, before.fields, back, Edit::Save, at)
    }
}
