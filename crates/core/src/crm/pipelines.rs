//! Pipelines and their stages. Every pipeline ends with a won and a lost stage, and an
//! organization always has a default pipeline.

use crate::audit::{self, Actor, Event};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{pipeline, stage};
use kite_shared::Permission;
use kite_shared::crm::pipelines::{DEFAULT_STAGES, PipelineDto, PipelineInput, StageDto, StageKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

pub fn stage_dto(row: &stage::Model) -> StageDto {
    StageDto {
        id: row.id,
        pipeline_id: row.pipeline_id,
        name: row.name.clone(),
        position: row.position,
        probability: row.probability,
        kind: StageKind::parse(&row.kind),
    }
}

pub(crate) fn pipeline_dto(row: &pipeline::Model, stages: &[stage::Model]) -> PipelineDto {
    PipelineDto {
        id: row.id,
        name: row.name.clone(),
        is_default: row.is_default,
        stages: stages
            .iter()
            .filter(|s| s.pipeline_id == row.id)
            .map(stage_dto)
            .collect(),
    }
}

/// Creates a pipeline with `open_stages` followed by the fixed won and lost stages.
pub(crate) async fn create_pipeline(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    name: &str,
    open_stages: &[(String, i32)],
    is_default: bool,
) -> Result<(pipeline::Model, Vec<stage::Model>), CoreError> {
    let now = Utc::now();
    let position = pipeline::Entity::find()
        .filter(pipeline::Column::OrganizationId.eq(organization_id))
        .count(conn)
        .await?;
    let row = pipeline::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        name: Set(name.trim().to_owned()),
        is_default: Set(is_default),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    let closing = [
        ("Won".to_owned(), 100, StageKind::Won),
        ("Lost".to_owned(), 0, StageKind::Lost),
    ];
    let all = open_stages
        .iter()
        .map(|(name, probability)| (name.clone(), *probability, StageKind::Open))
        .chain(closing);
    let mut stages = Vec::new();
    for (position, (stage_name, probability, kind)) in all.enumerate() {
        let stage = stage::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(organization_id),
            pipeline_id: Set(row.id),
            name: Set(stage_name.trim().to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            probability: Set(probability),
            kind: Set(kind.as_str().to_owned()),
            created_at: Set(now),
            deleted_at: Set(None),
        }
        .insert(conn)
        .await?;
        stages.push(stage);
    }
    Ok((row, stages))
}

/// The pipeline a new organization starts with.
pub(crate) async fn create_default(conn: &impl ConnectionTrait, organization_id: Uuid) -> Result<(), CoreError> {
    let stages: Vec<(String, i32)> = DEFAULT_STAGES.iter().map(|(n, p)| ((*n).to_owned(), *p)).collect();
    create_pipeline(conn, organization_id, "Sales", &stages, true).await?;
    Ok(())
}

pub(crate) async fn find_stage(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    stage_id: Uuid,
) -> Result<Option<stage::Model>, CoreError> {
    Ok(stage::Entity::find_by_id(stage_id)
        .filter(stage::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(stage::Column::DeletedAt.is_null())
        .one(conn)
        .await?)
}

pub(crate) async fn stages_of(conn: &impl ConnectionTrait, pipeline_id: Uuid) -> Result<Vec<stage::Model>, CoreError> {
    Ok(stage::Entity::find()
        .filter(stage::Column::PipelineId.eq(pipeline_id))
        .filter(stage::Column::DeletedAt.is_null())
        .order_by_asc(stage::Column::Position)
        .all(conn)
        .await?)
}

/// The pipeline asked for, or the default one; None when the id is not the caller's.
pub(crate) async fn find_pipeline(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    pipeline_id: Option<Uuid>,
) -> Result<Option<pipeline::Model>, CoreError> {
    let mut select =
        pipeline::Entity::find().filter(pipeline::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
    select = match pipeline_id {
        Some(id) => select.filter(pipeline::Column::Id.eq(id)),
        None => select
            .order_by_desc(pipeline::Column::IsDefault)
            .order_by_asc(pipeline::Column::Position),
    };
    Ok(select.one(conn).await?)
}

pub struct PipelineService<'a> {
    kite: &'a Kite,
}

impl<'a> PipelineService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn list(&self, ctx: &Ctx) -> Result<Vec<PipelineDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let org = ctx.organization_id.into_uuid();
        let pipelines = pipeline::Entity::find()
            .filter(pipeline::Column::OrganizationId.eq(org))
            .order_by_asc(pipeline::Column::Position)
            .all(&self.kite.db)
            .await?;
        let stages = stage::Entity::find()
            .filter(stage::Column::OrganizationId.eq(org))
            .filter(stage::Column::DeletedAt.is_null())
            .order_by_asc(stage::Column::Position)
            .all(&self.kite.db)
            .await?;
        Ok(pipelines.iter().map(|p| pipeline_dto(p, &stages)).collect())
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = find_pipeline(&self.kite.db, ctx, Some(id))
            .await?
            .ok_or(CoreError::NotFound("pipeline"))?;
        let stages = stages_of(&self.kite.db, row.id).await?;
        Ok(pipeline_dto(&row, &stages))
    }

    /// Managers and admins shape the sales process.
    pub async fn create(&self, ctx: &Ctx, input: &PipelineInput) -> Result<PipelineDto, CoreError> {
        ctx.require(Permission::EditAllRecords)?;
        CoreError::validation(input.validate())?;
        let open: Vec<(String, i32)> = if input.stages.is_empty() {
            DEFAULT_STAGES.iter().map(|(n, p)| ((*n).to_owned(), *p)).collect()
        } else {
            let count = input.stages.len().max(1) as i32;
            input
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    (
                        s.name.clone(),
                        s.probability.unwrap_or(((i as i32 + 1) * 100) / (count + 1)),
                    )
                })
                .collect()
        };
        let txn = self.kite.begin().await?;
        let (row, stages) = create_pipeline(&*txn, ctx.organization_id.into_uuid(), &input.name, &open, false).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("pipeline.created", "pipeline", row.id)
                .after(json!({"name": row.name, "stages": stages.iter().map(|s| &s.name).collect::<Vec<_>>()})),
        )
        .await?;
        txn.commit().await?;
        Ok(pipeline_dto(&row, &stages))
    }
}
