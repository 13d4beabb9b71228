//! `/api/v1/analytics/*`: the pipeline reports, each over a period (`AnalyticsQuery`)
//! and, with `compare=true`, the period before it. Sales reps get their own figures.

use crate::error::ApiError;
use crate::extract::{Auth, CheckedQuery, parse_query};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use kite_analytics::Analytics;
use kite_core::exports;
use kite_shared::ErrorBody;
use kite_shared::analytics::reports::Dimension;
use kite_shared::analytics::reports::{
    BottleneckReport, ConversionReport, Forecast, Leaderboard, PipelineSnapshot, Summary, VelocityReport, WinLossReport,
};
use kite_shared::analytics::tables::ReportExportQuery;
use kite_shared::analytics::{AnalyticsQuery, Compared};
use kite_shared::scheduled_exports::ExportFormat;
use utoipa_actix_web::service_config::ServiceConfig;

/// The headline figures of the period: value won (in the ranking currency), deals won and lost, win rate, new deals, average won deal, sales cycle, activities done.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Compared<Summary>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Compared<Summary>>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).summary(&ctx, &query).await?))
}

/// Of the deals created in the period, how many reached each stage of the pipeline (or a later one), went on to the next, and were won.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Compared<ConversionReport>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/conversion")]
pub async fn conversion(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Compared<ConversionReport>>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).conversion(&ctx, &query).await?))
}

/// Time in each stage (median, mean, 90th percentile, in days) from the stays that ended in the period, and the sales cycle of the deals won in it.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Compared<VelocityReport>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/velocity")]
pub async fn velocity(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Compared<VelocityReport>>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).velocity(&ctx, &query).await?))
}

/// The pipeline's stages against their own last twelve months before the period (time in stage, share of deals lost), worst first, each with the open deals stuck there longest.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Compared<BottleneckReport>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/bottlenecks")]
pub async fn bottlenecks(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Compared<BottleneckReport>>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).bottlenecks(&ctx, &query).await?))
}

/// Deals won and lost in the period: win rate overall and by owner, source, lifecycle stage, company size and deal size; lost reasons ranked; value won and lost over time, per currency.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Compared<WinLossReport>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/win-loss")]
pub async fn win_loss(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Compared<WinLossReport>>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).win_loss(&ctx, &query).await?))
}

/// Each owner's value won (ranked in one currency, every currency listed), deals won and lost, win rate, activities logged and average cycle; and the team's.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Compared<Leaderboard>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/leaderboard")]
pub async fn leaderboard(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Compared<Leaderboard>>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).leaderboard(&ctx, &query).await?))
}

/// The open pipeline now, stage by stage: count, value and weighted value per currency. The period does not apply.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = PipelineSnapshot),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/pipeline")]
pub async fn pipeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<PipelineSnapshot>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).pipeline(&ctx, &query).await?))
}

/// Revenue expected to close by month, per currency, from today: the stage-weighted pipeline (value × probability), with what was won this month so far. The period does not apply.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, body = Forecast),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/forecast")]
pub async fn forecast(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<AnalyticsQuery>,
) -> Result<web::Json<Forecast>, ApiError> {
    Ok(web::Json(Analytics::new(&state.kite).forecast(&ctx, &query).await?))
}

/// A report's table (what its page shows under the chart) as a CSV or XLSX file: figures
/// as plain numbers, shares in percent, money in major units with one column per currency.
/// Takes the report's own filters beside `report`, `format` and `by`.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(ReportExportQuery, AnalyticsQuery),
    responses(
        (status = 200, content_type = "text/csv"),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/analytics/export")]
pub async fn export(state: web::Data<AppState>, Auth(ctx): Auth, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let (own, filters): (Vec<_>, Vec<_>) = form_urlencoded::parse(req.query_string().as_bytes())
        .partition(|(key, _)| ReportExportQuery::PARAMETERS.contains(&key.as_ref()));
    let encode = |pairs: Vec<_>| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let asked: ReportExportQuery = parse_query(&encode(own))?;
    let query: AnalyticsQuery = parse_query(&encode(filters))?;
    let name = asked.report.as_str().replace('_', "-");
    let table = Analytics::new(&state.kite)
        .table(&ctx, asked.report, &query, asked.by.unwrap_or(Dimension::Owner))
        .await?;
    let format = asked.format.as_str();
    let filters = serde_json::json!({"report": asked.report, "by": asked.by, "query": query});
    state
        .kite
        .exports()
        .report_exported(&ctx, &name, format, filters)
        .await?;
    let (content_type, bytes) = match asked.format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", exports::table_csv(&table)?),
        ExportFormat::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            exports::table_xlsx(&name, &table)?,
        ),
    };
    let file_name = format!("{name}-{}.{format}", chrono::Utc::now().format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file_name}\"")))
        .body(bytes))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export);
    cfg.service(summary);
    cfg.service(conversion);
    cfg.service(velocity);
    cfg.service(bottlenecks);
    cfg.service(win_loss);
    cfg.service(leaderboard);
    cfg.service(pipeline);
    cfg.service(forecast);
}
