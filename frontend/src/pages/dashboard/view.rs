//! How each kind of widget shows its data: a metric card, a chart, a table, the stage
//! columns of the pipeline, a feed or a task list.

use super::data::Data;
use crate::charts::{Chart, ChartSpec, Shape};
use crate::team::Team;
use kite_shared::UserId;
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind};
use kite_shared::analytics::relative_change;
use kite_shared::analytics::reports::{Dimension, MetricKey, Summary, WinLossReport};
use kite_shared::analytics::tables::{self, Cell, ReportTable};
use kite_shared::crm::money::{CurrencyTotal, format_money};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The currency with the most value among `totals`, for charts that plot one.
fn main_currency<'a>(totals: impl Iterator<Item = &'a CurrencyTotal>) -> Option<String> {
    let mut sums: Vec<(String, i64)> = Vec::new();
    for t in totals {
        match sums.iter_mut().find(|(c, _)| *c == t.currency) {
            Some((_, sum)) => *sum += t.minor,
            None => sums.push((t.currency.clone(), t.minor)),
        }
    }
    sums.into_iter().max_by_key(|(_, sum)| *sum).map(|(c, _)| c)
}

fn in_currency(totals: &[CurrencyTotal], currency: &str) -> f64 {
    totals
        .iter()
        .filter(|t| t.currency == currency)
        .map(|t| t.minor)
        .sum::<i64>() as f64
        / 100.0
}

fn percent(rate: Option<f64>) -> f64 {
    (rate.unwrap_or(0.0) * 1000.0).round() / 10.0
}

fn round1(value: Option<f64>) -> f64 {
    (value.unwrap_or(0.0) * 10.0).round() / 10.0
}

fn group_label(dimension: Dimension, key: &str, team: &Team) -> String {
    tables::group_label(dimension, key, &|id| owner_name(id, team))
}

fn owner_name(id: &str, team: &Team) -> String {
    id.parse().map(|id| team.name_of(Some(UserId(id)))).unwrap_or_default()
}

/// The table a report's data makes, as its page and a table widget show it.
pub fn table_of(widget: &Widget, data: &Data, team: &Team) -> Option<ReportTable> {
    Some(match data {
        Data::Conversion(report) => tables::conversion(&report.current),
        Data::Velocity(report) => tables::velocity(&report.current),
        Data::Bottlenecks(report) => tables::bottlenecks(&report.current),
        Data::WinLoss(report) => match widget.source {
            DataSource::LostReasons => tables::lost_reasons(&report.current),
            DataSource::WonOverTime => tables::won_over_time(&report.current),
            _ => {
                let dimension = widget.options.dimension.unwrap_or(Dimension::Owner);
                tables::win_loss(&report.current, dimension, &|id| owner_name(id, team))
            }
        },
        Data::Leaderboard(board) => tables::leaderboard(&board.current),
        Data::Forecast(forecast) => tables::forecast(forecast),
        _ => return None,
    })
}

/// A report's table; a widget (`full` false) shows only the essential columns.
#[component]
pub fn ReportTableView(table: ReportTable, full: bool) -> impl IntoView {
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| full || table.columns[i].essential)
        .collect();
    let numeric: Vec<bool> = table.columns.iter().map(|c| c.numeric).collect();
    if table.rows.is_empty() {
        return view! { <p class="muted widget-empty">"Nothing in this period yet."</p> }.into_any();
    }
    let head = shown
        .iter()
        .map(|&i| view! { <th class:num=numeric[i]>{table.columns[i].title.clone()}</th> })
        .collect_view();
    let flagged = table.flagged.clone();
    let body = table
        .rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let cells = shown
                .iter()
                .filter_map(|&i| row.get(i).map(|cell| (i, cell.clone())))
                .map(|(i, cell)| {
                    let inner = match cell {
                        Cell::Link { text, href } => view! { <A href=href>{text}</A> }.into_any(),
                        other => other.display().into_any(),
                    };
                    view! { <td class:num=numeric[i]>{inner}</td> }
                })
                .collect_view();
            view! { <tr class:flagged=flagged.contains(&r)>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="widget-table" data-testid="report-table">
                <thead><tr>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn shape_of(kind: WidgetKind) -> Shape {
    match kind {
        WidgetKind::Line => Shape::Line,
        WidgetKind::Area => Shape::Area,
        WidgetKind::Pie => Shape::Pie,
        WidgetKind::Funnel => Shape::Funnel,
        _ => Shape::Bar,
    }
}

/// The chart a widget draws from its data, and where a click on each category leads.
pub fn chart_of(widget: &Widget, data: &Data, team: &Team) -> Option<(ChartSpec, Vec<Option<String>>)> {
    let shape = shape_of(widget.kind);
    let stage_link = |id: uuid::Uuid| Some(format!("/deals?stage_id={id}"));
    Some(match data {
        Data::Conversion(report) => {
            let stages = &report.current.stages;
            let names = stages.iter().map(|s| s.name.clone()).collect();
            let reached = stages.iter().map(|s| s.reached as f64).collect();
            let mut spec = ChartSpec::new(shape, names).series("Reached", reached);
            if shape == Shape::Bar {
                spec = spec.series("Won", stages.iter().map(|s| s.won as f64).collect());
            }
            (spec, stages.iter().map(|s| stage_link(s.stage_id)).collect())
        }
        Data::Velocity(report) => {
            let stages = &report.current.stages;
            let spec = ChartSpec::new(shape, stages.iter().map(|s| s.name.clone()).collect())
                .series("Median", stages.iter().map(|s| round1(s.median_days)).collect())
                .series("90th percentile", stages.iter().map(|s| round1(s.p90_days)).collect())
                .suffix(" d");
            (spec, stages.iter().map(|s| stage_link(s.stage_id)).collect())
        }
        Data::WinLoss(report) => return win_loss_chart(widget, &report.current, shape, team),
        Data::Pipeline(snapshot) => {
            let stages = &snapshot.stages;
            let names = stages.iter().map(|s| s.name.clone()).collect();
            let spec = if shape == Shape::Funnel {
                ChartSpec::new(shape, names).series("Deals", stages.iter().map(|s| s.count as f64).collect())
            } else {
                let currency = main_currency(stages.iter().flat_map(|s| s.value.iter()))?;
                ChartSpec::new(shape, names)
                    .series(
                        &format!("Value ({currency})"),
                        stages.iter().map(|s| in_currency(&s.value, &currency)).collect(),
                    )
                    .series(
                        &format!("Weighted ({currency})"),
                        stages.iter().map(|s| in_currency(&s.weighted, &currency)).collect(),
                    )
            };
            (spec, stages.iter().map(|s| stage_link(s.stage_id)).collect())
        }
        Data::Leaderboard(board) => {
            let rows = &board.current.rows;
            let currency = board.current.currency.clone().unwrap_or_default();
            let spec = ChartSpec {
                shape: Shape::HorizontalBar,
                ..ChartSpec::new(Shape::HorizontalBar, rows.iter().map(|r| r.name.clone()).collect())
            }
            .series(
                &format!("Won ({currency})"),
                rows.iter().map(|r| r.won_minor as f64 / 100.0).collect(),
            );
            let links = rows
                .iter()
                .map(|r| r.owner_id.map(|id| format!("/deals?owner_id={id}&status=won")))
                .collect();
            (spec, links)
        }
        Data::Forecast(forecast) => {
            let currency = main_currency(
                forecast
                    .months
                    .iter()
                    .map(|m| CurrencyTotal {
                        currency: m.currency.clone(),
                        minor: m.open_minor,
                        count: 0,
                    })
                    .collect::<Vec<_>>()
                    .iter(),
            )?;
            let months: Vec<&kite_shared::analytics::reports::ForecastMonth> =
                forecast.months.iter().filter(|m| m.currency == currency).collect();
            let shape = if widget.kind == WidgetKind::Forecast {
                Shape::Bar
            } else {
                shape
            };
            let spec = ChartSpec::new(
                shape,
                months.iter().map(|m| m.month.format("%b %Y").to_string()).collect(),
            )
            .series(
                &format!("Expected ({currency})"),
                months
                    .iter()
                    .map(|m| m.expected_minor(forecast.method) as f64 / 100.0)
                    .collect(),
            )
            .series(
                &format!("Won ({currency})"),
                months.iter().map(|m| m.won_minor as f64 / 100.0).collect(),
            );
            let links = months
                .iter()
                .map(|m| {
                    let end = m.month + chrono::Months::new(1) - chrono::Days::new(1);
                    Some(format!("/deals?status=open&close_from={}&close_to={end}", m.month))
                })
                .collect();
            (spec, links)
        }
        _ => return None,
    })
}

fn win_loss_chart(
    widget: &Widget,
    report: &WinLossReport,
    shape: Shape,
    team: &Team,
) -> Option<(ChartSpec, Vec<Option<String>>)> {
    match widget.source {
        DataSource::LostReasons => {
            let reasons = &report.lost_reasons;
            let names = reasons
                .iter()
                .map(|r| {
                    if r.reason.is_empty() {
                        "Not given".to_owned()
                    } else {
                        r.reason.clone()
                    }
                })
                .collect();
            let shape = if shape == Shape::Bar {
                Shape::HorizontalBar
            } else {
                shape
            };
            let spec =
                ChartSpec::new(shape, names).series("Lost deals", reasons.iter().map(|r| r.count as f64).collect());
            Some((
                spec,
                reasons.iter().map(|_| Some("/deals?status=lost".to_owned())).collect(),
            ))
        }
        DataSource::WonOverTime => {
            let currency = main_currency(report.won_value.iter().chain(report.lost_value.iter()))?;
            let buckets: Vec<_> = report.over_time.iter().filter(|b| b.currency == currency).collect();
            let mut spec = ChartSpec::new(
                shape,
                buckets.iter().map(|b| b.start.format("%d %b").to_string()).collect(),
            )
            .series(
                &format!("Won ({currency})"),
                buckets.iter().map(|b| b.won_minor as f64 / 100.0).collect(),
            )
            .series(
                &format!("Lost ({currency})"),
                buckets.iter().map(|b| b.lost_minor as f64 / 100.0).collect(),
            );
            spec.stacked = false;
            Some((spec, buckets.iter().map(|_| None).collect()))
        }
        _ => {
            let dimension = widget.options.dimension.unwrap_or(Dimension::Owner);
            let groups = report
                .breakdowns
                .iter()
                .find(|b| b.dimension == dimension)
                .map(|b| b.groups.clone())
                .unwrap_or_default();
            let names = groups.iter().map(|g| group_label(dimension, &g.key, team)).collect();
            let spec = if shape == Shape::Pie {
                ChartSpec::new(shape, names).series("Won", groups.iter().map(|g| g.won as f64).collect())
            } else {
                ChartSpec::new(shape, names)
                    .series("Win rate", groups.iter().map(|g| percent(g.win_rate)).collect())
                    .suffix(" %")
            };
            let links = groups
                .iter()
                .map(|g| {
                    (dimension == Dimension::Owner && !g.key.is_empty()).then(|| format!("/deals?owner_id={}", g.key))
                })
                .collect();
            Some((spec, links))
        }
    }
}

/// A figure as its card writes it.
fn metric_text(key: MetricKey, summary: &Summary) -> String {
    let currency = summary.currency.clone().unwrap_or_default();
    match key {
        MetricKey::WonValue => format_money(summary.won_minor, &currency),
        MetricKey::AvgDealSize => summary
            .avg_won_minor
            .map(|v| format_money(v, &currency))
            .unwrap_or_else(|| "—".into()),
        MetricKey::WinRate => summary
            .win_rate
            .map(|r| format!("{:.0} %", r * 100.0))
            .unwrap_or_else(|| "—".into()),
        MetricKey::SalesCycle => summary
            .cycle_days
            .map(|d| format!("{d:.0} days"))
            .unwrap_or_else(|| "—".into()),
        other => summary
            .metric(other)
            .map(|v| format!("{v:.0}"))
            .unwrap_or_else(|| "—".into()),
    }
}

#[component]
pub fn MetricCard(key: MetricKey, summary: kite_shared::analytics::Compared<Summary>) -> impl IntoView {
    let now = summary.current.metric(key);
    let before = summary.previous.as_ref().and_then(|p| p.metric(key));
    let had_previous = summary.previous.is_some();
    let delta = match (key, now, before) {
        (MetricKey::WinRate, Some(n), Some(b)) => Some((n - b) * 100.0).map(|d| (d, format!("{d:+.0} pts"))),
        (_, Some(n), Some(b)) => relative_change(n, b).map(|d| (d, format!("{:+.0} %", d * 100.0))),
        _ => None,
    };
    // A longer cycle is worse; every other figure is better when it grows.
    let good = |d: f64| if key == MetricKey::SalesCycle { d < 0.0 } else { d > 0.0 };
    view! {
        <div class="metric">
            <p class="metric-value" data-testid="metric-value">{metric_text(key, &summary.current)}</p>
            {match delta {
                Some((d, text)) => view! {
                    <p class="metric-delta" class:delta-good=good(d) class:delta-bad=!good(d) && d != 0.0>
                        {text}
                        <span class="muted">" vs previous period"</span>
                    </p>
                }
                .into_any(),
                None if had_previous => {
            view! { <p class="metric-delta muted">"Nothing in the previous period"</p> }.into_any()
        }
        None => view! { <p class="metric-delta muted">"No previous period to compare"</p> }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn WidgetBody(widget: Widget, data: Data, team: Team) -> impl IntoView {
    let navigate = use_navigate();
    if widget.kind.is_chart() {
        return match chart_of(&widget, &data, &team) {
            Some((spec, links)) => {
                let empty = spec.is_empty();
                let pick = Callback::new(move |i: usize| {
                    if let Some(Some(link)) = links.get(i) {
                        navigate(link, Default::default());
                    }
                });
                let label = widget.display_title();
                view! {
                    <Show when=move || !empty fallback=|| view! { <p class="muted widget-empty">"Nothing in this period yet."</p> }>
                        <Chart spec=Signal::derive({ let spec = spec.clone(); move || Some(spec.clone()) }) label=label.clone() on_pick=pick />
                    </Show>
                }
                .into_any()
            }
            None => view! { <p class="muted widget-empty">"Nothing in this period yet."</p> }.into_any(),
        };
    }
    if let Some(table) = table_of(&widget, &data, &team) {
        return view! { <ReportTableView table=table full=false /> }.into_any();
    }
    match data {
        Data::Summary(summary) => {
            view! { <MetricCard key=widget.options.metric.unwrap_or(MetricKey::WonValue) summary=summary /> }.into_any()
        }
        Data::Pipeline(snapshot) => view! {
            <div class="pipeline-widget" data-testid="pipeline-widget">
                {snapshot
                    .stages
                    .into_iter()
                    .map(|s| {
                        let totals = s.value.iter().map(|t| format_money(t.minor, &t.currency)).collect::<Vec<_>>().join(" · ");
                        view! {
                            <A href=format!("/deals?stage_id={}", s.stage_id) attr:class="pipeline-stage">
                                <span class="pipeline-stage-name">{s.name.clone()}</span>
                                <span class="pipeline-stage-count" data-testid="stage-count">{s.count}</span>
                                <span class="muted pipeline-stage-value">{if totals.is_empty() { "—".to_owned() } else { totals }}</span>
                            </A>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any(),
        Data::Activities(page) => view! {
            <ul class="feed">
                {page.items.into_iter().map(|a| {
                    let about = a.deal_title.clone().or(a.contact_name.clone()).or(a.company_name.clone()).unwrap_or_default();
                    view! {
                        <li>
                            <span class="badge">{a.kind.label()}</span>
                            <span class="feed-subject">{a.subject}</span>
                            <span class="muted">{about}</span>
                            <span class="muted feed-time">{crate::format::relative(&a.created_at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
        Data::Tasks(tasks) => {
            let overdue = tasks.overdue.len();
            let items: Vec<_> = tasks.overdue.into_iter().chain(tasks.today).chain(tasks.upcoming).take(8).collect();
            view! {
                <p class="muted">{format!("{overdue} overdue")}</p>
                <ul class="feed">
                    {items.into_iter().map(|t| view! {
                        <li>
                            <span class="feed-subject">{t.subject}</span>
                            <span class="muted feed-time">{t.due_at.as_ref().map(crate::format::due).unwrap_or_default()}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <A href="/activities">"All tasks"</A>
            }
            .into_any()
        }
        Data::Deals(page) => view! {
            <table class="widget-table">
                <tbody>
                    {page.items.into_iter().map(|d| view! {
                        <tr>
                            <td><A href=format!("/deals/{}", d.id)>{d.title}</A></td>
                            <td class="num">{format_money(d.value.minor, &d.value.currency)}</td>
                            <td class="muted">{d.status.as_str()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted">{page.total.map(|t| format!("{t} deals")).unwrap_or_default()}</p>
        }
        .into_any(),
        Data::Contacts(page) => view! {
            <table class="widget-table">
                <tbody>
                    {page.items.into_iter().map(|c| view! {
                        <tr>
                            <td><A href=format!("/contacts/{}", c.id)>{format!("{} {}", c.first_name, c.last_name)}</A></td>
                            <td class="muted">{c.email.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted">{page.total.map(|t| format!("{t} contacts")).unwrap_or_default()}</p>
        }
        .into_any(),
        _ => view! { <p class="muted widget-empty">"Nothing to show here."</p> }.into_any(),
    }
}
