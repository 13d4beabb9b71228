//! Pipeline analytics over an organization's deals, their stage history and activities:
//! conversion, velocity, bottlenecks, win/loss, the leaderboard, headline figures, the
//! open pipeline and its stage-weighted forecast.
//!
//! Each report is two halves: a reader that lets SQL filter, group and total one
//! period's rows (see [`read`]), and a pure function that makes the report from those
//! totals and is unit-tested on small hand-made histories. SQL does the grouping because
//! it won: with polars doing it, decoding every closed deal and stage stay into frames
//! cost several times the aggregation itself (see the README's benchmark notes).

mod conversion;
mod forecast;
mod leaderboard;
mod pipeline;
mod ranked;
mod read;
mod scope;
mod sql;
mod summary;
mod velocity;
mod win_loss;

pub use scope::Scope;

use kite_core::crm::DERIVED;
use kite_core::{CoreError, Ctx, Kite};
use kite_shared::analytics::dashboards::DataSource;
use kite_shared::analytics::reports::Dimension;
use kite_shared::analytics::reports::{
    BottleneckReport, ConversionReport, Forecast, Leaderboard, PipelineSnapshot, Summary, VelocityReport, WinLossReport,
};
use kite_shared::analytics::tables::{self, ReportTable};
use kite_shared::analytics::{AnalyticsQuery, Compared};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// The reports, each for the caller's scope (their own figures unless they may see the
/// team's) over the query's period and, when asked, the period before.
pub struct Analytics<'a> {
    kite: &'a Kite,
}

impl<'a> Analytics<'a> {
    pub fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn conversion(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Compared<ConversionReport>, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("conversion::report", &scope, || {
            scope.compared(|window| conversion::report(self.kite, &scope, window))
        })
        .await
    }

    pub async fn velocity(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Compared<VelocityReport>, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("velocity::report", &scope, || {
            scope.compared(|window| velocity::report(self.kite, &scope, window))
        })
        .await
    }

    pub async fn bottlenecks(
        &self,
        ctx: &Ctx,
        query: &AnalyticsQuery,
    ) -> Result<Compared<BottleneckReport>, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("velocity::bottlenecks", &scope, || {
            scope.compared(|window| velocity::bottlenecks(self.kite, &scope, window))
        })
        .await
    }

    pub async fn win_loss(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Compared<WinLossReport>, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("win_loss::report", &scope, || {
            scope.compared(|window| win_loss::report(self.kite, &scope, window))
        })
        .await
    }

    pub async fn leaderboard(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Compared<Leaderboard>, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("leaderboard::report", &scope, || {
            scope.compared(|window| leaderboard::report(self.kite, &scope, window))
        })
        .await
    }

    pub async fn summary(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Compared<Summary>, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("summary::report", &scope, || {
            scope.compared(|window| summary::report(self.kite, &scope, window))
        })
        .await
    }

    /// The open pipeline now; the period does not apply.
    pub async fn pipeline(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<PipelineSnapshot, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("pipeline::snapshot", &scope, || pipeline::snapshot(self.kite, &scope))
            .await
    }

    /// Expected revenue by month from today on, with the backtest that chose its
    /// method; the period does not apply.
    pub async fn forecast(&self, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Forecast, CoreError> {
        let scope = Scope::resolve(self.kite, ctx, query).await?;
        self.cached("forecast", &scope, || forecast::forecast(self.kite, &scope))
            .await
    }

    /// The report `compute` makes for `scope`, computed once until a record of the
    /// organization changes (see [`CountCache`](kite_core::crm::CountCache)): a team
    /// opening its dashboards in the morning computes each figure once.
    async fn cached<T, F, Fut>(&self, report: &str, scope: &Scope, compute: F) -> Result<T, CoreError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, CoreError>>,
    {
        if !self.kite.settings.analytics_cache {
            return computing(compute).await;
        }
        let json = |e: serde_json::Error| CoreError::Internal(format!("analytics cache: {e}"));
        let key = format!("{report}:{}", scope.cache_key());
        let value = self
            .kite
            .counts
            .value_once(scope.organization, DERIVED, key, || async {
                serde_json::to_value(computing(compute).await?).map_err(json)
            })
            .await?;
        serde_json::from_value(value).map_err(json)
    }

    /// A report's table, as its page shows it: win rates broken down by `dimension`,
    /// owners by name.
    pub async fn table(
        &self,
        ctx: &Ctx,
        source: DataSource,
        query: &AnalyticsQuery,
        dimension: Dimension,
    ) -> Result<ReportTable, CoreError> {
        Ok(match source {
            DataSource::Conversion => tables::conversion(&self.conversion(ctx, query).await?.current),
            DataSource::Velocity => tables::velocity(&self.velocity(ctx, query).await?.current),
            DataSource::Bottlenecks => tables::bottlenecks(&self.bottlenecks(ctx, query).await?.current),
            DataSource::WinLoss => {
                let report = self.win_loss(ctx, query).await?.current;
                let names = read::user_names(self.kite, ctx.organization_id.into_uuid()).await?;
                let name = |id: &str| {
                    id.parse()
                        .ok()
                        .and_then(|id| names.get(&id).cloned())
                        .unwrap_or_default()
                };
                tables::win_loss(&report, dimension, &name)
            }
            DataSource::LostReasons => tables::lost_reasons(&self.win_loss(ctx, query).await?.current),
            DataSource::WonOverTime => tables::won_over_time(&self.win_loss(ctx, query).await?.current),
            DataSource::Leaderboard => tables::leaderboard(&self.leaderboard(ctx, query).await?.current),
            DataSource::Forecast => tables::forecast(&self.forecast(ctx, query).await?),
            _ => {
                return Err(CoreError::field(
                    "report",
                    "no_table",
                    "This report has no table to export.",
                ));
            }
        })
    }
}

/// Reports computed at once: one per core. Each holds a period's rows, and more at once
/// only queue for the same cores while their rows wait in memory.
static COMPUTING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)));

async fn computing<T, F, Fut>(compute: F) -> Result<T, CoreError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, CoreError>>,
{
    let _turn = COMPUTING
        .acquire()
        .await
        .map_err(|e| CoreError::Internal(format!("analytics: {e}")))?;
    compute().await
}
