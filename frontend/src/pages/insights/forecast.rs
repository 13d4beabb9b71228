//! The forecast: expected revenue by month in the method the backtest chose, its range,
//! the team's forecast by owner, and the backtest itself (each method replayed on past
//! months against what was won), so the number comes with its measured error.

use crate::api;
use crate::charts::{Chart, ChartSpec, Shape};
use crate::components::{EmptyState, OwnerFilter, SkeletonTable};
use crate::session::use_session;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::analytics::reports::{Forecast, ForecastMethod};
use kite_shared::crm::money::format_money;
use kite_shared::crm::pipelines::PipelineDto;
use leptos::prelude::*;

/// The currency most of the forecast is in, or the one chosen.
fn currency_of(forecast: &Forecast, chosen: &str) -> Option<String> {
    if !chosen.is_empty() {
        return Some(chosen.to_owned());
    }
    let mut totals: Vec<(String, i64)> = Vec::new();
    for m in &forecast.months {
        match totals.iter_mut().find(|(c, _)| *c == m.currency) {
            Some(entry) => entry.1 += m.open_minor,
            None => totals.push((m.currency.clone(), m.open_minor)),
        }
    }
    totals.sort_by_key(|(c, total)| (std::cmp::Reverse(*total), c.clone()));
    totals
        .into_iter()
        .next()
        .map(|(c, _)| c)
        .or_else(|| forecast.backtest.points.first().map(|p| p.currency.clone()))
}

fn currencies(forecast: &Forecast) -> Vec<String> {
    let mut all: Vec<String> = forecast
        .months
        .iter()
        .map(|m| m.currency.clone())
        .chain(forecast.backtest.points.iter().map(|p| p.currency.clone()))
        .collect();
    all.sort();
    all.dedup();
    all
}

fn percent(error: Option<f64>) -> String {
    error.map_or_else(|| "—".to_owned(), |e| format!("{:.1}%", e * 100.0))
}

#[component]
pub fn ForecastPage() -> impl IntoView {
    let session = use_session();
    let team = Team::load();
    let pipelines = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    let pipeline = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let version = RwSignal::new(0u32);
    crate::live::on_record_changes(&["deal"], Callback::new(move |_| version.update(|v| *v += 1)));
    let forecast = LocalResource::new(move || {
        version.track();
        let path = format!(
            "/analytics/forecast{}",
            api::query(&[
                ("tz", Some(crate::format::local_time_zone())),
                ("pipeline_id", Some(pipeline.get())),
                ("owner_id", Some(owner.get())),
            ])
        );
        async move { api::get::<Forecast>(&path).await }
    });
    let pipeline_filter = move || {
        let list = pipelines.get().and_then(Result::ok).unwrap_or_default();
        (list.len() > 1).then(|| {
            view! {
                <select aria-label="Pipeline" on:change=move |ev| pipeline.set(event_target_value(&ev))>
                    <option value="">"Default pipeline"</option>
                    {list.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                </select>
            }
        })
    };
    view! {
        <div class="toolbar forecast-toolbar">
            {pipeline_filter}
            {move || session.can(Permission::ViewTeamReports).then(|| view! { <OwnerFilter value=owner team=team /> })}
            {move || {
                forecast
                    .get()
                    .and_then(Result::ok)
                    .map(|f| currencies(&f))
                    .filter(|list| list.len() > 1)
                    .map(|list| {
                        view! {
                            <select aria-label="Currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                                <option value="">"Main currency"</option>
                                {list.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                            </select>
                        }
                    })
            }}
        </div>
        <Transition fallback=|| view! { <SkeletonTable rows=6 columns=5 /> }>
            {move || {
                forecast
                    .get()
                    .map(|result| match result {
                        Ok(f) => match currency_of(&f, &currency.get()) {
                            Some(c) => view! { <ForecastView forecast=f currency=c /> }.into_any(),
                            None => {
                                view! {
                                    <EmptyState
                                        icon=icondata::LuTrendingUp
                                        title="Nothing to forecast yet"
                                        text="Open deals with an expected close date show up here, month by month."
                                    />
                                }
                                    .into_any()
                            }
                        },
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ForecastView(forecast: Forecast, currency: String) -> impl IntoView {
    let method = forecast.method;
    let money = {
        let currency = currency.clone();
        move |minor: i64| format_money(minor, &currency)
    };
    let months: Vec<_> = forecast
        .months
        .iter()
        .filter(|m| m.currency == currency)
        .cloned()
        .collect();
    let points: Vec<_> = forecast
        .backtest
        .points
        .iter()
        .filter(|p| p.currency == currency)
        .cloned()
        .collect();
    let owners: Vec<_> = forecast
        .owners
        .iter()
        .filter(|o| o.currency == currency)
        .cloned()
        .collect();
    let total = |pick: fn(&kite_shared::analytics::reports::ForecastMonth) -> i64| months.iter().map(pick).sum::<i64>();
    let expected: i64 = months.iter().map(|m| m.expected_minor(method)).sum();
    let (low, high) = (total(|m| m.low_minor), total(|m| m.high_minor));
    let won = total(|m| m.won_minor);
    let month_spec = ChartSpec::new(
        Shape::Bar,
        months.iter().map(|m| m.month.format("%b %Y").to_string()).collect(),
    )
    .series(
        "Stage-weighted",
        months.iter().map(|m| m.weighted_minor as f64 / 100.0).collect(),
    )
    .series(
        "Calibrated",
        months.iter().map(|m| m.calibrated_minor as f64 / 100.0).collect(),
    )
    .series("Won", months.iter().map(|m| m.won_minor as f64 / 100.0).collect());
    let backtest_spec = ChartSpec::new(
        Shape::Line,
        points.iter().map(|p| p.at.format("%b %Y").to_string()).collect(),
    )
    .series(
        "Stage-weighted",
        points.iter().map(|p| p.weighted_minor as f64 / 100.0).collect(),
    )
    .series(
        "Calibrated",
        points.iter().map(|p| p.calibrated_minor as f64 / 100.0).collect(),
    )
    .series(
        "Actually won",
        points.iter().map(|p| p.won_minor as f64 / 100.0).collect(),
    );
    let badge = match method {
        ForecastMethod::Calibrated => "badge badge-success",
        ForecastMethod::StageWeighted => "badge badge-accent",
    };
    view! {
        <section class="card forecast-method" data-testid="forecast-method" data-method=method.as_str()>
            <span class=badge>{method.label()}</span>
            <p>{forecast.method_note.clone()}</p>
        </section>
        <div class="report-headlines">
            <section class="card">
                <div class="muted small">"Expected, next six months"</div>
                <div class="metric-value" data-testid="forecast-expected">{money(expected)}</div>
            </section>
            <section class="card">
                <div class="muted small">"Likely range (P10–P90)"</div>
                <div class="metric-value">{format!("{} – {}", money(low), money(high))}</div>
            </section>
            <section class="card">
                <div class="muted small">"Won this month"</div>
                <div class="metric-value">{money(won)}</div>
            </section>
            <section class="card">
                <div class="muted small">"Backtest error (stage-weighted / calibrated)"</div>
                <div class="metric-value" data-testid="backtest-error">
                    {format!(
                        "{} / {}",
                        percent(forecast.backtest.stage_weighted_error),
                        percent(forecast.backtest.calibrated_error),
                    )}
                </div>
            </section>
        </div>
        <section class="card">
            <h2 class="card-title">{format!("Expected by month ({currency})")}</h2>
            <div class="insight-chart">
                <Chart spec=Signal::derive(move || Some(month_spec.clone())) label="Expected revenue by month" />
            </div>
            <div class="table-wrap">
                <table class="table" data-testid="forecast-months">
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            <th scope="col" class="cell-number">"Deals"</th>
                            <th scope="col" class="cell-number hide-narrow">"Open"</th>
                            <th scope="col" class="cell-number">"Stage-weighted"</th>
                            <th scope="col" class="cell-number">"Calibrated"</th>
                            <th scope="col" class="cell-number hide-narrow">"Range"</th>
                            <th scope="col" class="cell-number">"Won"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {months
                            .iter()
                            .map(|m| {
                                view! {
                                    <tr>
                                        <td>{m.month.format("%B %Y").to_string()}</td>
                                        <td class="cell-number">{m.deals}</td>
                                        <td class="cell-number hide-narrow">{money(m.open_minor)}</td>
                                        <td class="cell-number">{money(m.weighted_minor)}</td>
                                        <td class="cell-number">{money(m.calibrated_minor)}</td>
                                        <td class="cell-number hide-narrow nowrap">
                                            {format!("{} – {}", money(m.low_minor), money(m.high_minor))}
                                        </td>
                                        <td class="cell-number">{money(m.won_minor)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {(forecast.without_close_date > 0)
                .then(|| {
                    view! {
                        <p class="muted small">
                            {format!("{} open deals have no expected close date and are left out.", forecast.without_close_date)}
                        </p>
                    }
                })}
        </section>
        <section class="card">
            <h2 class="card-title">"By owner"</h2>
            <div class="table-wrap">
                <table class="table" data-testid="forecast-owners">
                    <thead>
                        <tr>
                            <th scope="col">"Owner"</th>
                            <th scope="col" class="cell-number">"Deals"</th>
                            <th scope="col" class="cell-number">"Stage-weighted"</th>
                            <th scope="col" class="cell-number">"Calibrated"</th>
                            <th scope="col" class="cell-number">"Won this month"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {owners
                            .iter()
                            .map(|o| {
                                view! {
                                    <tr>
                                        <td>{o.name.clone()}</td>
                                        <td class="cell-number">{o.deals}</td>
                                        <td class="cell-number">{money(o.weighted_minor)}</td>
                                        <td class="cell-number">{money(o.calibrated_minor)}</td>
                                        <td class="cell-number">{money(o.won_minor)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card" data-testid="backtest">
            <h2 class="card-title">"Backtest"</h2>
            <p class="muted small">
                "On the first of each past month: what each method expected of the deals open that day, against what they were won for. Deals still open are left out."
            </p>
            {if points.is_empty() {
                view! { <p class="muted">"No closed history to replay yet."</p> }.into_any()
            } else {
                view! {
                    <div class="insight-chart">
                        <Chart spec=Signal::derive(move || Some(backtest_spec.clone())) label="Backtest: expected against won" />
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
