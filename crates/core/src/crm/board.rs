//! The pipeline board: open stages as columns, each with its first cards, its count and
//! its totals per currency (never summed across currencies).

use super::pipelines::{find_pipeline, stage_dto, stages_of};
use crate::{CoreError, Ctx, Kite};
use kite_entity::{company, deal};
use kite_shared::Permission;
use kite_shared::UserId;
use kite_shared::crm::Money;
use kite_shared::crm::deals::{Board, BoardColumn, BoardQuery, DealCard, PendingApproval};
use kite_shared::crm::money::CurrencyTotal;
use kite_shared::crm::pipelines::{PipelineDto, StageKind};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

const DEFAULT_PER_COLUMN: u64 = 50;
const MAX_PER_COLUMN: u64 = 200;

pub struct BoardService<'a> {
    kite: &'a Kite,
}

impl<'a> BoardService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn load(&self, ctx: &Ctx, query: &BoardQuery) -> Result<Board, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        let pipeline = find_pipeline(db, ctx, query.pipeline_id)
            .await?
            .ok_or(CoreError::NotFound("pipeline"))?;
        let stages = stages_of(db, pipeline.id).await?;
        let per_column = query.per_column.unwrap_or(DEFAULT_PER_COLUMN).clamp(1, MAX_PER_COLUMN);
        let live = || {
            let select = deal::Entity::find()
                .filter(deal::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
                .filter(deal::Column::PipelineId.eq(pipeline.id))
                .filter(deal::Column::DeletedAt.is_null());
            match query.owner_id {
                Some(owner) => select.filter(deal::Column::OwnerId.eq(owner.into_uuid())),
                None => select,
            }
        };

        // One grouped query for every column's count and totals, kept until a deal changes.
        let org = ctx.organization_id.into_uuid();
        let key = format!("board:{}:{:?}", pipeline.id, query.owner_id);
        let cached = self
            .kite
            .counts
            .get_value(org, super::deals::KIND, &key)
            .and_then(|v| serde_json::from_value::<Vec<(Uuid, String, i64, i64)>>(v).ok());
        let sums: Vec<(Uuid, String, i64, i64)> = match cached {
            Some(sums) => sums,
            None => {
                let sums: Vec<(Uuid, String, i64, i64)> = live()
                    .select_only()
                    .column(deal::Column::StageId)
                    .column(deal::Column::Currency)
                    .column_as(Expr::col(deal::Column::Id).count(), "deals")
                    .column_as(
                        Expr::col(deal::Column::ValueMinor).sum().cast_as(Alias::new("BIGINT")),
                        "total",
                    )
                    .group_by(deal::Column::StageId)
                    .group_by(deal::Column::Currency)
                    .into_tuple()
                    .all(db)
                    .await?;
                if let Ok(value) = serde_json::to_value(&sums) {
                    self.kite.counts.put_value(org, super::deals::KIND, key, value);
                }
                sums
            }
        };

        let mut loaded = Vec::new();
        for stage in stages.iter().filter(|s| s.kind == StageKind::Open.as_str()) {
            let cards = live()
                .filter(deal::Column::StageId.eq(stage.id))
                .order_by_asc(deal::Column::Position)
                .order_by_asc(deal::Column::Id)
                .limit(per_column)
                .all(db)
                .await?;
            loaded.push((stage, cards));
        }
        let company_ids: Vec<Uuid> = loaded
            .iter()
            .flat_map(|(_, cards)| cards.iter().filter_map(|d| d.company_id))
            .collect();
        let names: HashMap<Uuid, String> = if company_ids.is_empty() {
            HashMap::new()
        } else {
            company::Entity::find()
                .filter(company::Column::Id.is_in(company_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect()
        };
        let ids: Vec<Uuid> = loaded
            .iter()
            .flat_map(|(_, cards)| cards.iter().map(|d| d.id))
            .collect();
        let mut pending = crate::approvals::pending_for(db, org, &ids).await?;
        let columns = loaded
            .into_iter()
            .map(|(stage, cards)| {
                let mut totals: Vec<CurrencyTotal> = sums
                    .iter()
                    .filter(|(stage_id, ..)| *stage_id == stage.id)
                    .map(|(_, currency, count, total)| CurrencyTotal {
                        currency: currency.clone(),
                        minor: *total,
                        count: u64::try_from(*count).unwrap_or(0),
                    })
                    .collect();
                totals.sort_by_key(|t| std::cmp::Reverse(t.minor));
                BoardColumn {
                    stage: stage_dto(stage),
                    count: totals.iter().map(|t| t.count).sum(),
                    totals,
                    deals: cards.iter().map(|d| card(d, &names, pending.remove(&d.id))).collect(),
                }
            })
            .collect();
        Ok(Board {
            pipeline: PipelineDto {
                id: pipeline.id,
                name: pipeline.name,
                is_default: pipeline.is_default,
                stages: stages.iter().map(stage_dto).collect(),
            },
            columns,
        })
    }
}

fn card(
    row: &deal::Model,
    company_names: &HashMap<Uuid, String>,
    pending_approval: Option<PendingApproval>,
) -> DealCard {
    DealCard {
        id: row.id,
        title: row.title.clone(),
        value: Money {
            minor: row.value_minor,
            currency: row.currency.clone(),
        },
        owner_id: row.owner_id.map(UserId),
        company_name: row.company_id.and_then(|id| company_names.get(&id).cloned()),
        expected_close: row.expected_close,
        probability: row.probability,
        pending_approval,
        score: super::record_score(row.score_detail.as_deref()),
    }
}
