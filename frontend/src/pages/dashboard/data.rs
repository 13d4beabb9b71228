//! What each widget loads: the analytics report or list behind its data source, over its
//! own period, compared with the period before where a card shows a delta.

use crate::api::{self, ApiError};
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind, WidgetOptions};
use kite_shared::analytics::reports::{
    BottleneckReport, ConversionReport, Forecast, Leaderboard, PipelineSnapshot, Summary, VelocityReport, WinLossReport,
};
use kite_shared::analytics::{AnalyticsQuery, Compared, PeriodKind};
use kite_shared::crm::activities::{ActivityDto, MyTasks};
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::deals::DealDto;
use kite_shared::page::Page;

#[derive(Clone, Debug)]
pub enum Data {
    Summary(Compared<Summary>),
    Conversion(Compared<ConversionReport>),
    Velocity(Compared<VelocityReport>),
    Bottlenecks(Compared<BottleneckReport>),
    WinLoss(Compared<WinLossReport>),
    Leaderboard(Compared<Leaderboard>),
    Pipeline(PipelineSnapshot),
    Forecast(Forecast),
    Activities(Page<ActivityDto>),
    Tasks(MyTasks),
    Deals(Page<DealDto>),
    Contacts(Page<ContactDto>),
}

/// The analytics filters a widget's options stand for, in the browser's time zone.
pub fn widget_query(options: &WidgetOptions, compare: bool) -> AnalyticsQuery {
    AnalyticsQuery {
        period: Some(options.period.unwrap_or(PeriodKind::ThisQuarter)),
        days: options.days,
        pipeline_id: options.pipeline_id,
        tz: Some(crate::format::local_time_zone()),
        compare: compare.then_some(true),
        ..Default::default()
    }
}

/// The query string's pairs for `query`, for [`api::query`].
pub fn query_pairs(query: &AnalyticsQuery) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("period", query.period.map(|p| p.as_str().to_owned())),
        ("days", query.days.map(|d| d.to_string())),
        ("from", query.from.map(|d| d.to_string())),
        ("to", query.to.map(|d| d.to_string())),
        ("tz", query.tz.clone()),
        ("compare", query.compare.map(|c| c.to_string())),
        ("pipeline_id", query.pipeline_id.map(|p| p.to_string())),
        ("owner_id", query.owner_id.map(|o| o.to_string())),
        ("currency", query.currency.clone()),
    ]
}

fn report_path(report: &str, query: &AnalyticsQuery) -> String {
    format!("/analytics/{report}{}", api::query(&query_pairs(query)))
}

/// What a dashboard widget shows, over its own options.
pub async fn load(widget: &Widget) -> Result<Data, ApiError> {
    load_with(
        widget,
        &widget_query(&widget.options, widget.kind == WidgetKind::Metric),
    )
    .await
}

/// What a widget (or a report page) shows over `query`'s filters.
pub async fn load_with(widget: &Widget, query: &AnalyticsQuery) -> Result<Data, ApiError> {
    let options = &widget.options;
    let list = |path: &str| {
        let filter = options.filter.clone().unwrap_or_default();
        let filter = filter.trim_start_matches('?');
        if filter.is_empty() {
            format!("{path}?per_page=8&total=true")
        } else {
            format!("{path}?{filter}&per_page=8&total=true")
        }
    };
    Ok(match widget.source {
        DataSource::Summary => Data::Summary(api::get(&report_path("summary", query)).await?),
        DataSource::Conversion => Data::Conversion(api::get(&report_path("conversion", query)).await?),
        DataSource::Velocity => Data::Velocity(api::get(&report_path("velocity", query)).await?),
        DataSource::Bottlenecks => Data::Bottlenecks(api::get(&report_path("bottlenecks", query)).await?),
        DataSource::WinLoss | DataSource::LostReasons | DataSource::WonOverTime => {
            Data::WinLoss(api::get(&report_path("win-loss", query)).await?)
        }
        DataSource::Leaderboard => Data::Leaderboard(api::get(&report_path("leaderboard", query)).await?),
        DataSource::Pipeline => Data::Pipeline(api::get(&report_path("pipeline", query)).await?),
        DataSource::Forecast => Data::Forecast(api::get(&report_path("forecast", query)).await?),
        DataSource::Activities => {
            Data::Activities(api::get("/activities?sort=-created_at&per_page=8&total=false").await?)
        }
        DataSource::Tasks => {
            let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
            Data::Tasks(api::get(&format!("/my-tasks?tz_offset_minutes={offset}")).await?)
        }
        DataSource::Deals => Data::Deals(api::get(&list("/deals")).await?),
        DataSource::Contacts => Data::Contacts(api::get(&list("/contacts")).await?),
    })
}
