//! Shaping the sales process (managers and admins): renaming pipelines, choosing the
//! default one, and adding, renaming, reordering and deleting stages. A stage that holds
//! deals is only deleted by moving them to another stage, each move kept in the stage
//! history like any other.

use super::counts::DERIVED;
use super::deals;
use super::pipelines::{find_pipeline, find_stage, pipeline_dto, stages_of};
use crate::audit::{self, Actor, Event};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{deal, deal_stage_change, pipeline, stage};
use kite_shared::crm::pipelines::{DeleteStageQuery, PipelineDto, PipelineUpdate, StageInput, StageKind, StageOrder};
use kite_shared::{FieldError, Permission};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

const MAX_STAGES: usize = 30;

fn conflict(code: &'static str, message: impl Into<String>, details: Option<serde_json::Value>) -> CoreError {
    CoreError::Conflict {
        code,
        message: message.into(),
        field: None,
        details,
    }
}

pub struct StageService<'a> {
    kite: &'a Kite,
}

impl<'a> StageService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    async fn pipeline(&self, conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<pipeline::Model, CoreError> {
        find_pipeline(conn, ctx, Some(id))
            .await?
            .ok_or(CoreError::NotFound("pipeline"))
    }

    async fn stage(&self, conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<stage::Model, CoreError> {
        find_stage(conn, ctx, id).await?.ok_or(CoreError::NotFound("stage"))
    }

    /// The pipeline as it is after a change; the reports computed from its old shape
    /// (stage names, order, probabilities) are dropped.
    async fn changed(&self, ctx: &Ctx, pipeline_id: Uuid) -> Result<PipelineDto, CoreError> {
        self.kite.counts.invalidate(ctx.organization_id.into_uuid(), DERIVED);
        let row = self.pipeline(&self.kite.db, ctx, pipeline_id).await?;
        Ok(pipeline_dto(&row, &stages_of(&self.kite.db, row.id).await?))
    }

    pub async fn update_pipeline(&self, ctx: &Ctx, id: Uuid, input: &PipelineUpdate) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        CoreError::validation(input.validate())?;
        let txn = self.kite.begin().await?;
        let before = self.pipeline(&*txn, ctx, id).await?;
        if input.is_default == Some(false) && before.is_default {
            return Err(CoreError::field(
                "is_default",
                "default_required",
                "Make another pipeline the default instead.",
            ));
        }
        if input.is_default == Some(true) && !before.is_default {
            pipeline::Entity::update_many()
                .col_expr(pipeline::Column::IsDefault, Expr::value(false))
                .filter(pipeline::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
                .exec(&*txn)
                .await?;
        }
        let mut row = before.clone().into_active_model();
        row.name = Set(input.name.trim().to_owned());
        row.is_default = Set(before.is_default || input.is_default == Some(true));
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("pipeline.updated", "pipeline", id)
                .before(json!({"name": before.name, "is_default": before.is_default}))
                .after(json!({"name": after.name, "is_default": after.is_default})),
        )
        .await?;
        txn.commit().await?;
        self.changed(ctx, id).await
    }

    /// Deletes a pipeline that no deal (live or in the trash) belongs to, unless it is
    /// the default one.
    pub async fn delete_pipeline(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        let txn = self.kite.begin().await?;
        let row = self.pipeline(&*txn, ctx, id).await?;
        if row.is_default {
            return Err(conflict(
                "default_pipeline",
                "The default pipeline cannot be deleted; make another one the default first.",
                None,
            ));
        }
        let deals = deal::Entity::find()
            .filter(deal::Column::PipelineId.eq(id))
            .count(&*txn)
            .await?;
        if deals > 0 {
            return Err(conflict(
                "pipeline_not_empty",
                format!("{deals} deals (including any in the trash) belong to this pipeline; move them first."),
                Some(json!({"deals": deals})),
            ));
        }
        stage::Entity::delete_many()
            .filter(stage::Column::PipelineId.eq(id))
            .exec(&*txn)
            .await?;
        pipeline::Entity::delete_by_id(id).exec(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("pipeline.deleted", "pipeline", id).before(json!({"name": row.name})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds an open stage after the other open stages.
    pub async fn add_stage(&self, ctx: &Ctx, pipeline_id: Uuid, input: &StageInput) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        CoreError::validation(input.validate(""))?;
        let txn = self.kite.begin().await?;
        let pipeline = self.pipeline(&*txn, ctx, pipeline_id).await?;
        let stages = stages_of(&*txn, pipeline.id).await?;
        if stages.len() >= MAX_STAGES {
            return Err(CoreError::field(
                "name",
                "too_many",
                "A pipeline has at most 30 stages.",
            ));
        }
        let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == StageKind::Open.as_str()).collect();
        let probability = input
            .probability
            .unwrap_or_else(|| open.last().map_or(10, |s| (s.probability + 100) / 2));
        let row = stage::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(pipeline.organization_id),
            pipeline_id: Set(pipeline.id),
            name: Set(input.name.trim().to_owned()),
            position: Set(0),
            probability: Set(probability),
            kind: Set(StageKind::Open.as_str().to_owned()),
            created_at: Set(Utc::now()),
            deleted_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        let mut order: Vec<Uuid> = open.iter().map(|s| s.id).collect();
        order.push(row.id);
        renumber(&*txn, &stages, &order).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("stage.created", "stage", row.id)
                .after(json!({"pipeline_id": pipeline.id, "name": row.name, "probability": row.probability})),
        )
        .await?;
        txn.commit().await?;
        self.changed(ctx, pipeline.id).await
    }

    /// Renames a stage or changes its default probability (fixed at 100 for won and 0
    /// for lost). Deals keep the probability they have.
    pub async fn update_stage(&self, ctx: &Ctx, id: Uuid, input: &StageInput) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        CoreError::validation(input.validate(""))?;
        let txn = self.kite.begin().await?;
        let before = self.stage(&*txn, ctx, id).await?;
        let fixed = match StageKind::parse(&before.kind) {
            StageKind::Open => None,
            StageKind::Won => Some(100),
            StageKind::Lost => Some(0),
        };
        if let (Some(fixed), Some(asked)) = (fixed, input.probability)
            && fixed != asked
        {
            return Err(CoreError::field(
                "probability",
                "fixed",
                &format!("The probability of this stage is always {fixed}."),
            ));
        }
        let mut row = before.clone().into_active_model();
        row.name = Set(input.name.trim().to_owned());
        if let Some(probability) = input.probability {
            row.probability = Set(probability);
        }
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("stage.updated", "stage", id)
                .before(json!({"name": before.name, "probability": before.probability}))
                .after(json!({"name": after.name, "probability": after.probability})),
        )
        .await?;
        txn.commit().await?;
        self.changed(ctx, after.pipeline_id).await
    }

    /// Puts the open stages in the given order; it must name each of them once.
    pub async fn reorder(&self, ctx: &Ctx, pipeline_id: Uuid, order: &StageOrder) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        let txn = self.kite.begin().await?;
        let pipeline = self.pipeline(&*txn, ctx, pipeline_id).await?;
        let stages = stages_of(&*txn, pipeline.id).await?;
        let mut open: Vec<Uuid> = stages
            .iter()
            .filter(|s| s.kind == StageKind::Open.as_str())
            .map(|s| s.id)
            .collect();
        let mut asked = order.stage_ids.clone();
        open.sort();
        asked.sort();
        if open != asked {
            return Err(CoreError::Validation(vec![FieldError::new(
                "stage_ids",
                "not_the_open_stages",
                "List every open stage of the pipeline once; won and lost stay last.",
            )]));
        }
        renumber(&*txn, &stages, &order.stage_ids).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("pipeline.stages_reordered", "pipeline", pipeline.id)
                .after(json!({"stage_ids": order.stage_ids})),
        )
        .await?;
        txn.commit().await?;
        self.changed(ctx, pipeline.id).await
    }

    /// Deletes an open stage. Its deals (live and trashed) move to `move_deals_to`, an
    /// open stage of the same pipeline; without it a stage holding deals is refused.
    pub async fn delete_stage(&self, ctx: &Ctx, id: Uuid, query: &DeleteStageQuery) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        let txn = self.kite.begin().await?;
        let doomed = self.stage(&*txn, ctx, id).await?;
        if doomed.kind != StageKind::Open.as_str() {
            return Err(conflict(
                "fixed_stage",
                "The won and lost stages belong to every pipeline and cannot be deleted.",
                None,
            ));
        }
        let stages = stages_of(&*txn, doomed.pipeline_id).await?;
        let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == StageKind::Open.as_str()).collect();
        if open.len() <= 1 {
            return Err(conflict(
                "last_open_stage",
                "A pipeline needs at least one open stage.",
                None,
            ));
        }
        let in_stage = deal::Entity::find().filter(deal::Column::StageId.eq(id));
        let deals = in_stage.clone().count(&*txn).await?;
        let mut moved_to = None;
        if deals > 0 {
            let Some(target_id) = query.move_deals_to else {
                return Err(conflict(
                    "stage_not_empty",
                    format!(
                        "{deals} deals are in this stage (including any in the trash); choose a stage to move them to."
                    ),
                    Some(json!({"deals": deals})),
                ));
            };
            let target = open.iter().find(|s| s.id == target_id && s.id != id).ok_or_else(|| {
                CoreError::field(
                    "move_deals_to",
                    "unknown_stage",
                    "Choose another open stage of the same pipeline.",
                )
            })?;
            move_all(&*txn, ctx, &doomed, target).await?;
            moved_to = Some(target.id);
        }
        let mut row = doomed.clone().into_active_model();
        row.deleted_at = Set(Some(Utc::now()));
        row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("stage.deleted", "stage", id)
                .before(json!({"name": doomed.name, "pipeline_id": doomed.pipeline_id}))
                .after(json!({"deals_moved": deals, "moved_to": moved_to})),
        )
        .await?;
        txn.commit().await?;
        self.kite
            .counts
            .invalidate(ctx.organization_id.into_uuid(), super::deals::KIND);
        self.changed(ctx, doomed.pipeline_id).await
    }
}

/// Positions 0.. for the open stages in `order`, then won, then lost.
async fn renumber(conn: &impl ConnectionTrait, stages: &[stage::Model], order: &[Uuid]) -> Result<(), CoreError> {
    let closing = [StageKind::Won, StageKind::Lost]
        .into_iter()
        .filter_map(|kind| stages.iter().find(|s| s.kind == kind.as_str()).map(|s| s.id));
    for (position, id) in order.iter().copied().chain(closing).enumerate() {
        stage::Entity::update_many()
            .col_expr(
                stage::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(i32::MAX)),
            )
            .filter(stage::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Moves every deal of `from` to the end of `to`, recording each move in the history.
async fn move_all(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    from: &stage::Model,
    to: &stage::Model,
) -> Result<(), CoreError> {
    let ids: Vec<Uuid> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Id)
        .filter(deal::Column::StageId.eq(from.id))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .all(conn)
        .await?;
    let last_in_target = deal::Entity::find()
        .filter(deal::Column::StageId.eq(to.id))
        .order_by_desc(deal::Column::Position)
        .one(conn)
        .await?
        .map_or(0.0, |d| d.position);
    let first_moved = deal::Entity::find()
        .filter(deal::Column::StageId.eq(from.id))
        .order_by_asc(deal::Column::Position)
        .one(conn)
        .await?
        .map_or(0.0, |d| d.position);
    let offset = last_in_target + 1.0 - first_moved;
    deal::Entity::update_many()
        .col_expr(deal::Column::StageId, Expr::value(to.id))
        .col_expr(deal::Column::Probability, Expr::value(to.probability))
        .col_expr(deal::Column::Position, Expr::col(deal::Column::Position).add(offset))
        .col_expr(deal::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(deal::Column::StageId.eq(from.id))
        .exec(conn)
        .await?;
    let now = Utc::now();
    for chunk in ids.chunks(500) {
        let mut rows: Vec<deal_stage_change::ActiveModel> = chunk
            .iter()
            .map(|deal_id| deal_stage_change::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(ctx.organization_id.into_uuid()),
                deal_id: Set(*deal_id),
                from_stage_id: Set(Some(from.id)),
                to_stage_id: Set(to.id),
                moved_by: Set(Some(ctx.user_id.into_uuid())),
                moved_at: Set(now),
                entered_at: Set(None),
            })
            .collect();
        deals::history::fill_entered_at(conn, &mut rows).await?;
        deal_stage_change::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
