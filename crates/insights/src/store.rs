//! Writes scores and models. A score is derived data: writing it changes no
//! `updated_at`, writes no audit row and announces no domain event (which would only
//! trigger another rescoring).

use kite_core::{CoreError, Kite};
use kite_entity::{contact, deal, score_model};
use kite_shared::insights::{RecordScore, ScoreSubject};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// Records per UPDATE, and UPDATEs per write transaction: other writers get their turn
/// between transactions while a whole organization is rescored.
const PER_STATEMENT: usize = 400;
const PER_TRANSACTION: usize = 10;

pub struct Scored {
    pub id: Uuid,
    pub score: RecordScore,
}

fn case<C: ColumnTrait>(id: C, rows: &[Scored], value: impl Fn(&Scored) -> Expr) -> CaseStatement {
    rows.iter()
        .fold(CaseStatement::new(), |case, row| case.case(id.eq(row.id), value(row)))
}

/// Writes the organization's new contact and deal scores. Cached list totals filtered
/// by score are stale afterwards, so the totals of both lists are dropped.
pub async fn write_scores(
    kite: &Kite,
    organization_id: Uuid,
    contacts: &[Scored],
    deals: &[Scored],
) -> Result<(), CoreError> {
    write_subject(kite, ScoreSubject::Contact, contacts).await?;
    write_subject(kite, ScoreSubject::Deal, deals).await?;
    kite.counts.invalidate(organization_id, kite_core::crm::contacts::KIND);
    kite.counts.invalidate(organization_id, kite_core::crm::deals::KIND);
    Ok(())
}

async fn write_subject(kite: &Kite, subject: ScoreSubject, rows: &[Scored]) -> Result<(), CoreError> {
    for batch in rows.chunks(PER_STATEMENT * PER_TRANSACTION) {
        let txn = kite.begin().await?;
        for rows in batch.chunks(PER_STATEMENT) {
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let score = |r: &Scored| Expr::value(i32::from(r.score.value));
            let detail = |r: &Scored| Expr::value(serde_json::to_string(&r.score).unwrap_or_default());
            let at = |r: &Scored| Expr::value(r.score.scored_at);
            match subject {
                ScoreSubject::Contact => {
                    contact::Entity::update_many()
                        .col_expr(contact::Column::Score, case(contact::Column::Id, rows, score).into())
                        .col_expr(
                            contact::Column::ScoreDetail,
                            case(contact::Column::Id, rows, detail).into(),
                        )
                        .col_expr(contact::Column::ScoredAt, case(contact::Column::Id, rows, at).into())
                        .filter(contact::Column::Id.is_in(ids))
                        .exec(&*txn)
                        .await?;
                }
                ScoreSubject::Deal => {
                    deal::Entity::update_many()
                        .col_expr(deal::Column::Score, case(deal::Column::Id, rows, score).into())
                        .col_expr(deal::Column::ScoreDetail, case(deal::Column::Id, rows, detail).into())
                        .col_expr(deal::Column::ScoredAt, case(deal::Column::Id, rows, at).into())
                        .filter(deal::Column::Id.is_in(ids))
                        .exec(&*txn)
                        .await?;
                }
            }
        }
        txn.commit().await?;
    }
    Ok(())
}

/// Closed deals keep no score: it would be a prediction of what is already known.
pub async fn clear_closed_deals(kite: &Kite, organization_id: Uuid, ids: Option<&[Uuid]>) -> Result<(), CoreError> {
    let txn = kite.begin().await?;
    let mut update = deal::Entity::update_many()
        .col_expr(deal::Column::Score, Expr::value(Option::<i32>::None))
        .col_expr(deal::Column::ScoreDetail, Expr::value(Option::<String>::None))
        .col_expr(
            deal::Column::ScoredAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(deal::Column::OrganizationId.eq(organization_id))
        .filter(deal::Column::Status.ne("open"))
        .filter(deal::Column::Score.is_not_null());
    if let Some(ids) = ids {
        update = update.filter(deal::Column::Id.is_in(ids.iter().copied()));
    }
    update.exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The model in use for the subject: its highest version.
pub async fn current(
    kite: &Kite,
    organization_id: Uuid,
    subject: ScoreSubject,
) -> Result<Option<score_model::Model>, CoreError> {
    Ok(score_model::Entity::find()
        .filter(score_model::Column::OrganizationId.eq(organization_id))
        .filter(score_model::Column::Subject.eq(subject.as_str()))
        .order_by_desc(score_model::Column::Version)
        .limit(1)
        .one(&kite.db)
        .await?)
}

/// Saves a training as the subject's next version.
pub async fn save(
    kite: &Kite,
    organization_id: Uuid,
    subject: ScoreSubject,
    mut row: score_model::ActiveModel,
) -> Result<score_model::Model, CoreError> {
    let txn = kite.begin().await?;
    let latest: Option<i32> = score_model::Entity::find()
        .select_only()
        .column_as(score_model::Column::Version.max(), "version")
        .filter(score_model::Column::OrganizationId.eq(organization_id))
        .filter(score_model::Column::Subject.eq(subject.as_str()))
        .into_tuple()
        .one(&*txn)
        .await?
        .flatten();
    row.version = Set(latest.unwrap_or(0) + 1);
    row.organization_id = Set(organization_id);
    row.subject = Set(subject.as_str().to_owned());
    let saved = row.insert(&*txn).await?;
    txn.commit().await?;
    Ok(saved)
}
