//! The one way a deal's row is written, from the API, an import, demo data or an undo,
//! and the rule of what entering a stage does to it (board moves use it too).

use crate::crm::access::clean;
use crate::crm::write::{Edit, Origin};
use chrono::{DateTime, NaiveDate, Utc};
use kite_entity::{deal, stage};
use kite_shared::FieldError;
use kite_shared::crm::deals::{DealInput, DealStatus};
use kite_shared::crm::pipelines::StageKind;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Currency of a new deal that names none.
pub(crate) const DEFAULT_CURRENCY: &str = "EUR";

/// A deal's editable fields, as given; [`build_new`] and [`apply_update`] store them
/// normalised. Its pipeline and stage come separately, resolved. Also what an import
/// keeps of a deal it changes, for undo (as JSON with the names earlier versions kept): a
/// renamed field would make those unreadable.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct DealFields {
    pub title: String,
    /// None leaves the value as it is; a new deal is worth nothing.
    pub value_minor: Option<i64>,
    /// None leaves the currency as it is; a new deal's is [`DEFAULT_CURRENCY`].
    pub currency: Option<String>,
    /// None: the probability of the stage it enters, or the one it has.
    pub probability: Option<i32>,
    /// Percent off the list price; a save without one clears it.
    #[serde(default)]
    pub discount_percent: Option<i32>,
    pub expected_close: Option<NaiveDate>,
    /// Why it was lost, when it enters a lost stage or is lost already.
    pub lost_reason: Option<String>,
    /// An active user of the organization: the caller resolves it.
    pub owner_id: Option<Uuid>,
    /// A live company of the organization: the caller resolves it.
    pub company_id: Option<Uuid>,
}

impl DealFields {
    /// The fields of `input` if it passes the shared rules (the forms' as well). Its
    /// company and owner are taken as given: the caller checks and resolves them.
    pub(crate) fn parse(input: &DealInput) -> Result<DealFields, Vec<FieldError>> {
        let errors = input.validate();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DealFields {
            title: input.title.clone(),
            value_minor: input.value.as_ref().map(|v| v.minor),
            currency: input.value.as_ref().map(|v| v.currency.clone()),
            probability: input.probability,
            discount_percent: input.discount_percent,
            expected_close: input.expected_close,
            lost_reason: None,
            owner_id: input.owner_id.map(|o| o.into_uuid()),
            company_id: input.company_id,
        })
    }

    fn normalized(self) -> DealFields {
        DealFields {
            title: self.title.trim().to_owned(),
            currency: self.currency.map(|c| c.trim().to_uppercase()),
            lost_reason: clean(&self.lost_reason),
            ..self
        }
    }
}

/// Where an updated deal goes.
pub(crate) enum StageMove<'s> {
    /// It stays in its stage.
    Stay,
    /// It enters `stage`, when that is another one than its own.
    Enter(&'s stage::Model),
    /// An undo: the stage, status and close time it had are put back as they were.
    Back {
        stage_id: Uuid,
        status: String,
        closed_at: Option<DateTime<Utc>>,
    },
}

/// Status, probability and close time that follow from entering `stage` at `at`.
pub(crate) fn apply_stage(
    row: &mut deal::ActiveModel,
    stage: &stage::Model,
    lost_reason: Option<String>,
    at: DateTime<Utc>,
) {
    row.stage_id = Set(stage.id);
    row.probability = Set(stage.probability);
    let (status, closed_at, lost_reason) = match StageKind::parse(&stage.kind) {
        StageKind::Open => (DealStatus::Open, None, None),
        StageKind::Won => (DealStatus::Won, Some(at), None),
        StageKind::Lost => (DealStatus::Lost, Some(at), lost_reason),
    };
    row.status = Set(status.as_str().to_owned());
    row.closed_at = Set(closed_at);
    row.lost_reason = Set(lost_reason);
}

/// The row of a new deal in `stage` (of its pipeline), at `position` in its column.
pub(crate) fn build_new(
    id: Uuid,
    fields: DealFields,
    stage: &stage::Model,
    position: f64,
    origin: &Origin,
) -> deal::ActiveModel {
    let f = fields.normalized();
    let mut row = deal::ActiveModel {
        id: Set(id),
        organization_id: Set(origin.organization_id),
        title: Set(f.title),
        value_minor: Set(f.value_minor.unwrap_or(0)),
        currency: Set(f.currency.unwrap_or_else(|| DEFAULT_CURRENCY.into())),
        pipeline_id: Set(stage.pipeline_id),
        stage_id: Set(stage.id),
        position: Set(position),
        probability: Set(stage.probability),
        discount_percent: Set(f.discount_percent),
        expected_close: Set(f.expected_close),
        owner_id: Set(origin.owner(f.owner_id)),
        company_id: Set(f.company_id),
        status: Set(DealStatus::Open.as_str().to_owned()),
        lost_reason: Set(None),
        closed_at: Set(None),
        created_by: Set(origin.created_by),
        created_at: Set(origin.at),
        updated_at: Set(origin.at),
        deleted_at: Set(None),
        import_id: Set(origin.import_id),
        score: Set(None),
        score_detail: Set(None),
        scored_at: Set(None),
    };
    apply_stage(&mut row, stage, f.lost_reason, origin.at);
    if let Some(probability) = f.probability {
        row.probability = Set(probability);
    }
    row
}

/// `existing` changed by `fields` and moved by `stage`: only the columns that change are
/// set. Its place in the column is the caller's (a move of the board's).
pub(crate) fn apply_update(
    existing: &deal::Model,
    fields: DealFields,
    stage: StageMove<'_>,
    edit: Edit,
    at: DateTime<Utc>,
) -> deal::ActiveModel {
    let f = fields.normalized();
    let mut row = existing.clone().into_active_model();
    edit.put(&mut row.title, f.title);
    if let Some(value) = f.value_minor {
        row.value_minor.set_if_not_equals(value);
    }
    if let Some(currency) = f.currency {
        row.currency.set_if_not_equals(currency);
    }
    edit.put(&mut row.expected_close, f.expected_close);
    edit.put(&mut row.discount_percent, f.discount_percent);
    edit.put(&mut row.owner_id, f.owner_id);
    edit.put(&mut row.company_id, f.company_id);
    let lost = existing.status == DealStatus::Lost.as_str();
    match stage {
        StageMove::Enter(stage) if stage.id != existing.stage_id => apply_stage(&mut row, stage, f.lost_reason, at),
        StageMove::Stay | StageMove::Enter(_) => {
            // A reason given for a deal that stays lost replaces the one it has.
            if lost && f.lost_reason.is_some() {
                row.lost_reason.set_if_not_equals(f.lost_reason);
            }
        }
        StageMove::Back {
            stage_id,
            status,
            closed_at,
        } => {
            row.stage_id.set_if_not_equals(stage_id);
            row.status.set_if_not_equals(status);
            row.closed_at.set_if_not_equals(closed_at);
            row.lost_reason.set_if_not_equals(f.lost_reason);
        }
    }
    if let Some(probability) = f.probability {
        row.probability.set_if_not_equals(probability);
    }
    edit.stamp(row.is_changed(), &mut row.updated_at, at);
    row
}
