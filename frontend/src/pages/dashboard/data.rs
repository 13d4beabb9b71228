//! What each widget loads: the analytics report or list behind its data source, over its
//! own period, compared with the period before where a card shows a delta.

use crate::api::{self, ApiError};
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind, WidgetOptions};
use kite_shared::analytics::reports::{
    BottleneckReport, ConversionReport, Forecast, Leaderboard, PipelineSnapshot, Summary, VelocityReport, WinLossReport,
};
use kite_shared::analytics::{Compared, PeriodKind};
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

/// An analytics report's address with a widget's (or a report page's) filters.
pub fn report_path(report: &str, options: &WidgetOptions, compare: bool) -> String {
    let period = options.period.unwrap_or(PeriodKind::ThisQuarter);
    let query = api::query(&[
        ("period", Some(period.as_str().to_owned())),
        ("days", options.days.map(|d| d.to_string())),
        ("pipeline_id", options.pipeline_id.map(|p| p.to_string())),
        ("tz", Some(crate::format::local_time_zone())),
        ("compare", compare.then(|| "true".to_owned())),
    ]);
    format!("/analytics/{report}{query}")
}

pub async fn load(widget: &Widget) -> Result<Data, ApiError> {
    let options = &widget.options;
    let compare = widget.kind == WidgetKind::Metric;
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
        DataSource::Summary => Data::Summary(api::get(&report_path("summary", options, compare)).await?),
        DataSource::Conversion => Data::Conversion(api::get(&report_path("conversion", options, false)).await?),
        DataSource::Velocity => Data::Velocity(api::get(&report_path("velocity", options, false)).await?),
        DataSource::Bottlenecks => Data::Bottlenecks(api::get(&report_path("bottlenecks", options, false)).await?),
        DataSource::WinLoss | DataSource::LostReasons | DataSource::WonOverTime => {
            Data::WinLoss(api::get(&report_path("win-loss", options, false)).await?)
        }
        DataSource::Leaderboard => Data::Leaderboard(api::get(&report_path("leaderboard", options, false)).await?),
        DataSource::Pipeline => Data::Pipeline(api::get(&report_path("pipeline", options, false)).await?),
        DataSource::Forecast => Data::Forecast(api::get(&report_path("forecast", options, false)).await?),
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
