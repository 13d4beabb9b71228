//! Reports: each analytics view as a full page, with its chart, its table and a period.
//! They draw with the dashboard's widgets, so a report and its widget never disagree.

use super::dashboard::{Data, WidgetBody, load};
use crate::team::Team;
use kite_shared::analytics::PeriodKind;
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind, WidgetOptions};
use kite_shared::analytics::reports::Dimension;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The reports, by address: (path, title, source, chart).
const REPORTS: [(&str, &str, DataSource, WidgetKind); 7] = [
    ("conversion", "Conversion", DataSource::Conversion, WidgetKind::Funnel),
    ("velocity", "Time in stage", DataSource::Velocity, WidgetKind::Bar),
    ("bottlenecks", "Bottlenecks", DataSource::Bottlenecks, WidgetKind::Table),
    ("win-loss", "Win rates", DataSource::WinLoss, WidgetKind::Bar),
    ("lost-reasons", "Lost reasons", DataSource::LostReasons, WidgetKind::Pie),
    ("leaderboard", "Leaderboard", DataSource::Leaderboard, WidgetKind::Bar),
    ("forecast", "Forecast", DataSource::Forecast, WidgetKind::Forecast),
];

fn widget(source: DataSource, kind: WidgetKind, period: PeriodKind, dimension: Dimension) -> Widget {
    Widget {
        id: uuid::Uuid::nil(),
        kind,
        source,
        title: String::new(),
        options: WidgetOptions {
            period: Some(period),
            dimension: Some(dimension),
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
    let params = use_params_map();
    let query = use_query_map();
    let team = Team::load();
    let report = Memo::new(move |_| {
        let path = params.get().get("report").unwrap_or_else(|| "conversion".into());
        REPORTS.iter().find(|r| r.0 == path).copied().unwrap_or(REPORTS[0])
    });
    let period = Memo::new(move |_| {
        query
            .get()
            .get("period")
            .and_then(|p| PeriodKind::parse(&p))
            .unwrap_or(PeriodKind::ThisQuarter)
    });
    let dimension = Memo::new(move |_| {
        query
            .get()
            .get("by")
            .and_then(|d| Dimension::parse(&d))
            .unwrap_or(Dimension::Owner)
    });
    let version = RwSignal::new(0u32);
    crate::live::on_record_changes(
        &["deal", "activity"],
        Callback::new(move |_| version.update(|v| *v += 1)),
    );
    let data = LocalResource::new(move || {
        version.track();
        let (_, _, source, kind) = report.get();
        let shown = widget(source, kind, period.get(), dimension.get());
        async move { load(&shown).await }
    });
    let navigate = leptos_router::hooks::use_navigate();
    let choose = move |period: PeriodKind, by: Dimension| {
        navigate(
            &format!(
                "/reports/{}?period={}&by={}",
                report.get_untracked().0,
                period.as_str(),
                by.as_str()
            ),
            Default::default(),
        );
    };
    let choose_by = choose.clone();
    view! {
        <div class="page page-wide">
            <header class="page-header">
                <div>
                    <h1>"Reports"</h1>
                    <p class="muted">"Where deals get stuck, and who is winning."</p>
                </div>
                <div class="page-actions">
                    <label class="visually-hidden" for="report-period">"Period"</label>
                    <select
                        id="report-period"
                        data-testid="report-period"
                        prop:value=move || period.get().as_str()
                        on:change=move |e| if let Some(p) = PeriodKind::parse(&event_target_value(&e)) { choose(p, dimension.get_untracked()) }
                    >
                        {PeriodKind::PRESETS.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                    </select>
                    <Show when=move || report.get().2 == DataSource::WinLoss>
                        <label class="visually-hidden" for="report-by">"By"</label>
                        <select
                            id="report-by"
                            prop:value=move || dimension.get().as_str()
                            on:change={
                                let choose = choose_by.clone();
                                move |e| if let Some(d) = Dimension::parse(&event_target_value(&e)) { choose(period.get_untracked(), d) }
                            }
                        >
                            {Dimension::ALL.iter().map(|d| view! { <option value=d.as_str()>{d.label()}</option> }).collect_view()}
                        </select>
                    </Show>
                </div>
            </header>
            <nav class="tabs" aria-label="Reports">
                {REPORTS
                    .iter()
                    .map(|(path, title, ..)| {
                        let path = *path;
                        view! {
                            <A
                                href=move || format!("/reports/{path}?period={}", period.get().as_str())
                                attr:class="tab"
                                attr:aria-current=move || (report.get().0 == path).then_some("page")
                            >
                                {*title}
                            </A>
                        }
                    })
                    .collect_view()}
            </nav>
            <Suspense fallback=|| view! { <crate::components::SkeletonRows rows=8 /> }>
                {move || data.get().map(|result| match result {
                    Ok(loaded) => {
                        let (_, title, source, kind) = report.get();
                        let shown = widget(source, kind, period.get(), dimension.get());
                        let table = Widget { kind: WidgetKind::Table, ..shown.clone() };
                        let has_table = !matches!(loaded, Data::Forecast(_));
                        let for_table = loaded.clone();
                        view! {
                            <section class="card report" data-testid="report" aria-label=title>
                                <Show when=move || kind != WidgetKind::Table>
                                    <div class="report-chart">
                                        <WidgetBody widget=shown.clone() data=loaded.clone() team=team />
                                    </div>
                                </Show>
                                <Show when=move || has_table>
                                    <WidgetBody widget=table.clone() data=for_table.clone() team=team />
                                </Show>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="field-error">{e.message}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}
