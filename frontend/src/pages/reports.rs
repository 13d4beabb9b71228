//! Reports: each analytics view as a full page, with the period's headline figures
//! against the period before, its chart, its table and an export of that table. They
//! draw with the dashboard's widgets, so a report and its widget never disagree. The
//! filters live in the address, so a report can be bookmarked and shared.

use super::dashboard::{Data, MetricCard, ReportTableView, WidgetBody, load_with, query_pairs, table_of};
use crate::api;
use crate::components::DownloadMenu;
use crate::session::use_session;
use crate::team::Team;
use chrono::{Datelike, NaiveDate};
use kite_shared::Permission;
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind, WidgetOptions};
use kite_shared::analytics::reports::{Dimension, MetricKey};
use kite_shared::analytics::{AnalyticsQuery, PeriodKind};
use kite_shared::crm::pipelines::PipelineDto;
use kite_shared::scheduled_exports::ExportFormat;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

/// The reports, by address: (path, title, source, chart).
const REPORTS: [(&str, &str, DataSource, WidgetKind); 8] = [
    ("conversion", "Conversion", DataSource::Conversion, WidgetKind::Funnel),
    ("velocity", "Time in stage", DataSource::Velocity, WidgetKind::Bar),
    ("bottlenecks", "Bottlenecks", DataSource::Bottlenecks, WidgetKind::Table),
    ("win-loss", "Win rates", DataSource::WinLoss, WidgetKind::Bar),
    ("lost-reasons", "Lost reasons", DataSource::LostReasons, WidgetKind::Pie),
    (
        "won-over-time",
        "Won over time",
        DataSource::WonOverTime,
        WidgetKind::Area,
    ),
    ("leaderboard", "Leaderboard", DataSource::Leaderboard, WidgetKind::Bar),
    ("forecast", "Forecast", DataSource::Forecast, WidgetKind::Forecast),
];

/// The figures above every report.
const HEADLINES: [MetricKey; 4] = [
    MetricKey::WonValue,
    MetricKey::DealsWon,
    MetricKey::WinRate,
    MetricKey::SalesCycle,
];

/// The page's filters, as its address holds them.
#[derive(Clone, Debug, PartialEq)]
struct Filters {
    query: AnalyticsQuery,
    by: Dimension,
}

impl Filters {
    fn from_address(map: &ParamsMap) -> Filters {
        let get = |key: &str| map.get(key).filter(|v| !v.is_empty());
        Filters {
            query: AnalyticsQuery {
                period: Some(
                    get("period")
                        .and_then(|p| PeriodKind::parse(&p))
                        .unwrap_or(PeriodKind::ThisQuarter),
                ),
                days: get("days").and_then(|d| d.parse().ok()),
                from: get("from").and_then(|d| d.parse().ok()),
                to: get("to").and_then(|d| d.parse().ok()),
                pipeline_id: get("pipeline_id").and_then(|p| p.parse().ok()),
                owner_id: get("owner_id").and_then(|o| o.parse().ok()),
                currency: get("currency"),
                ..Default::default()
            },
            by: get("by").and_then(|d| Dimension::parse(&d)).unwrap_or(Dimension::Owner),
        }
    }

    fn address(&self, report: &str) -> String {
        let mut pairs = query_pairs(&self.query);
        pairs.push(("by", (self.by != Dimension::Owner).then(|| self.by.as_str().to_owned())));
        format!("/reports/{report}{}", api::query(&pairs))
    }

    /// What the API is asked: the filters in the browser's time zone.
    fn api_query(&self, compare: bool) -> AnalyticsQuery {
        AnalyticsQuery {
            tz: Some(crate::format::local_time_zone()),
            compare: compare.then_some(true),
            ..self.query.clone()
        }
    }

    fn with_period(&self, period: PeriodKind) -> Filters {
        let today = local_today();
        let query = match period {
            PeriodKind::LastNDays => AnalyticsQuery {
                days: Some(self.query.days.unwrap_or(30)),
                from: None,
                to: None,
                ..self.query.clone()
            },
            PeriodKind::Custom => AnalyticsQuery {
                days: None,
                from: Some(self.query.from.unwrap_or_else(|| today.with_day(1).unwrap_or(today))),
                to: Some(self.query.to.unwrap_or(today)),
                ..self.query.clone()
            },
            _ => AnalyticsQuery {
                days: None,
                from: None,
                to: None,
                ..self.query.clone()
            },
        };
        Filters {
            query: AnalyticsQuery {
                period: Some(period),
                ..query
            },
            by: self.by,
        }
    }
}

fn local_today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(now.get_full_year() as i32, now.get_month() + 1, now.get_date()).unwrap_or_default()
}

fn widget(source: DataSource, kind: WidgetKind, by: Dimension) -> Widget {
    Widget {
        id: uuid::Uuid::nil(),
        kind,
        source,
        title: String::new(),
        options: WidgetOptions {
            dimension: Some(by),
            ..Default::default()
        },
        x: 0,
        y: 0,
        w: 12,
        h: 6,
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let address = use_query_map();
    let team = Team::load();
    let pipelines = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    let report = Memo::new(move |_| {
        let path = params.get().get("report").unwrap_or_else(|| "conversion".into());
        REPORTS.iter().find(|r| r.0 == path).copied().unwrap_or(REPORTS[0])
    });
    let filters = Memo::new(move |_| Filters::from_address(&address.get()));
    let version = RwSignal::new(0u32);
    crate::live::on_record_changes(
        &["deal", "activity"],
        Callback::new(move |_| version.update(|v| *v += 1)),
    );
    let data = LocalResource::new(move || {
        version.track();
        let (_, _, source, kind) = report.get();
        let f = filters.get();
        async move { load_with(&widget(source, kind, f.by), &f.api_query(false)).await }
    });
    let headlines = LocalResource::new(move || {
        version.track();
        let f = filters.get();
        async move {
            load_with(
                &widget(DataSource::Summary, WidgetKind::Metric, f.by),
                &f.api_query(true),
            )
            .await
        }
    });
    let navigate = leptos_router::hooks::use_navigate();
    let go = Callback::new(move |next: Filters| navigate(&next.address(report.get_untracked().0), Default::default()));
    let period = move || filters.get().query.period.unwrap_or(PeriodKind::ThisQuarter);
    let export_path = Callback::new(move |format: ExportFormat| {
        let f = filters.get_untracked();
        let mut pairs = vec![
            ("report", Some(report.get_untracked().2.as_str().to_owned())),
            ("format", Some(format.as_str().to_owned())),
            ("by", Some(f.by.as_str().to_owned())),
        ];
        pairs.extend(query_pairs(&f.api_query(false)));
        format!("/analytics/export{}", api::query(&pairs))
    });
    let date_input = move |label: &'static str,
                           testid: &'static str,
                           pick: fn(&AnalyticsQuery) -> Option<NaiveDate>,
                           set: fn(&mut AnalyticsQuery, NaiveDate)| {
        view! {
            <label class="inline-field">
                <span class="muted">{label}</span>
                <input
                    type="date"
                    data-testid=testid
                    prop:value=move || pick(&filters.get().query).map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |e| {
                        if let Ok(day) = event_target_value(&e).parse::<NaiveDate>() {
                            let mut next = filters.get_untracked();
                            set(&mut next.query, day);
                            go.run(next);
                        }
                    }
                />
            </label>
        }
    };
    view! {
        <div class="page page-wide">
            <header class="page-header">
                <div>
                    <h1>"Reports"</h1>
                    <p class="muted">"Where deals get stuck, and who is winning."</p>
                </div>
                <div class="page-actions report-filters">
                    <label class="visually-hidden" for="report-period">"Period"</label>
                    <select
                        id="report-period"
                        data-testid="report-period"
                        prop:value=move || period().as_str()
                        on:change=move |e| if let Some(p) = PeriodKind::parse(&event_target_value(&e)) { go.run(filters.get_untracked().with_period(p)) }
                    >
                        {PeriodKind::PRESETS
                            .iter()
                            .chain([PeriodKind::LastNDays, PeriodKind::Custom].iter())
                            .map(|p| view! { <option value=p.as_str()>{p.label()}</option> })
                            .collect_view()}
                    </select>
                    <Show when=move || period() == PeriodKind::LastNDays>
                        <label class="inline-field">
                            <input
                                type="number"
                                min="1"
                                max="3650"
                                class="days-input"
                                data-testid="report-days"
                                prop:value=move || filters.get().query.days.unwrap_or(30).to_string()
                                on:change=move |e| {
                                    let mut next = filters.get_untracked();
                                    next.query.days = event_target_value(&e).parse().ok();
                                    go.run(next);
                                }
                            />
                            <span class="muted">"days"</span>
                        </label>
                    </Show>
                    <Show when=move || period() == PeriodKind::Custom>
                        {date_input("From", "report-from", |q| q.from, |q, d| q.from = Some(d))}
                        {date_input("To", "report-to", |q| q.to, |q, d| q.to = Some(d))}
                    </Show>
                    <Show when=move || session.can(Permission::ViewTeamReports)>
                        <label class="visually-hidden" for="report-owner">"Owner"</label>
                        <select
                            id="report-owner"
                            data-testid="report-owner"
                            prop:value=move || filters.get().query.owner_id.map(|o| o.to_string()).unwrap_or_default()
                            on:change=move |e| {
                                let mut next = filters.get_untracked();
                                next.query.owner_id = event_target_value(&e).parse().ok();
                                go.run(next);
                            }
                        >
                            <option value="">"Everyone"</option>
                            {move || team.owner_options(None).into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </Show>
                    {move || {
                        let all = pipelines.get().and_then(Result::ok).unwrap_or_default();
                        (all.len() > 1).then(|| view! {
                            <label class="visually-hidden" for="report-pipeline">"Pipeline"</label>
                            <select
                                id="report-pipeline"
                                prop:value=move || filters.get().query.pipeline_id.map(|p| p.to_string()).unwrap_or_default()
                                on:change=move |e| {
                                    let mut next = filters.get_untracked();
                                    next.query.pipeline_id = event_target_value(&e).parse().ok();
                                    go.run(next);
                                }
                            >
                                {all.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                            </select>
                        })
                    }}
                    <Show when=move || report.get().2 == DataSource::WinLoss>
                        <label class="visually-hidden" for="report-by">"By"</label>
                        <select
                            id="report-by"
                            prop:value=move || filters.get().by.as_str()
                            on:change=move |e| if let Some(d) = Dimension::parse(&event_target_value(&e)) { go.run(Filters { by: d, ..filters.get_untracked() }) }
                        >
                            {Dimension::ALL.iter().map(|d| view! { <option value=d.as_str()>{d.label()}</option> }).collect_view()}
                        </select>
                    </Show>
                    <DownloadMenu heading="Export this report" path=export_path fallback="report" />
                </div>
            </header>
            <nav class="tabs" aria-label="Reports">
                {REPORTS
                    .iter()
                    .map(|(path, title, ..)| {
                        let path = *path;
                        view! {
                            <A
                                href=move || filters.get().address(path)
                                attr:class="tab"
                                attr:aria-current=move || (report.get().0 == path).then_some("page")
                            >
                                {*title}
                            </A>
                        }
                    })
                    .collect_view()}
            </nav>
            <Suspense fallback=|| ()>
                {move || headlines.get().and_then(Result::ok).map(|loaded| match loaded {
                    Data::Summary(summary) => view! {
                        <div class="report-headlines" data-testid="report-headlines">
                            {HEADLINES.iter().map(|&key| view! {
                                <section class="card">
                                    <p class="report-headline-label">{key.label()}</p>
                                    <MetricCard key=key summary=summary.clone() />
                                </section>
                            }).collect_view()}
                        </div>
                    }
                    .into_any(),
                    _ => ().into_any(),
                })}
            </Suspense>
            <Suspense fallback=|| view! { <crate::components::SkeletonRows rows=8 /> }>
                {move || data.get().map(|result| match result {
                    Ok(loaded) => {
                        let (_, title, source, kind) = report.get();
                        let shown = widget(source, kind, filters.get().by);
                        let table = table_of(&shown, &loaded, &team);
                        let currencies = rank_currencies(&loaded);
                        view! {
                            <section class="card report" data-testid="report" aria-label=title>
                                <Show when=move || kind != WidgetKind::Table>
                                    <div class="report-chart">
                                        <WidgetBody widget=shown.clone() data=loaded.clone() team=team />
                                    </div>
                                </Show>
                                {(currencies.len() > 1).then(|| view! {
                                    <label class="inline-field">
                                        <span class="muted">"Rank by"</span>
                                        <select
                                            data-testid="report-currency"
                                            prop:value=move || filters.get().query.currency.unwrap_or_default()
                                            on:change=move |e| {
                                                let mut next = filters.get_untracked();
                                                next.query.currency = Some(event_target_value(&e));
                                                go.run(next);
                                            }
                                        >
                                            {currencies.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                                        </select>
                                    </label>
                                })}
                                {table.map(|table| view! { <ReportTableView table=table full=true /> })}
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="field-error" data-testid="report-error">{e.explained()}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// The currencies a leaderboard can be ranked in: those its team won in, the ranking
/// one first.
fn rank_currencies(data: &Data) -> Vec<String> {
    let Data::Leaderboard(board) = data else {
        return Vec::new();
    };
    let mut currencies: Vec<String> = board.current.currency.iter().cloned().collect();
    for total in &board.current.team.won_value {
        if !currencies.contains(&total.currency) {
            currencies.push(total.currency.clone());
        }
    }
    currencies
}
