//! Insights: the forecast ([`forecast`]) and how Kite scores contacts and deals. Each
//! scoring model says whether it was learnt or is the rule-based fallback (and why), what
//! it learnt from, how it measured on deals it did not see, and which signals weigh most;
//! managers retrain it here.

mod forecast;

use crate::api;
use crate::charts::{Chart, ChartSpec, Shape};
use crate::components::{EmptyState, SkeletonTable};
use crate::format::relative;
use crate::jobs::watch_job;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::insights::{ModelMetrics, ScoreMethod, ScoreModelDto, ScoreModels};
use kite_shared::jobs::{JobDto, JobStatus};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum InsightsTab {
    Scores,
    Forecast,
}

#[component]
pub fn InsightsPage(tab: InsightsTab) -> impl IntoView {
    provide_context(Training {
        running: RwSignal::new(false),
        finished: RwSignal::new(0),
    });
    let tabs = [("/insights", "Scores"), ("/insights/forecast", "Forecast")];
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Insights"</h1>
                    <p class="muted">"Scores and a forecast learnt from your own won and lost deals, each with how it measured."</p>
                </div>
                {(tab == InsightsTab::Scores).then(|| view! { <RetrainButton /> })}
            </header>
            <nav class="tabs" aria-label="Insights">
                {tabs
                    .into_iter()
                    .map(|(href, label)| {
                        // Exact, or "/insights" would also be current on the forecast's tab.
                        view! {
                            <A href=href exact=true attr:class="tab">
                                {label}
                            </A>
                        }
                    })
                    .collect_view()}
            </nav>
            {match tab {
                InsightsTab::Scores => view! { <ScoreModelsView /> }.into_any(),
                InsightsTab::Forecast => view! { <forecast::ForecastPage /> }.into_any(),
            }}
        </div>
    }
}

/// Whether a training is under way, shared by the button that starts one and the models
/// it replaces.
#[derive(Clone, Copy)]
struct Training {
    running: RwSignal<bool>,
    /// Bumped when a training ends, so the models reload.
    finished: RwSignal<u32>,
}

#[component]
fn RetrainButton() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let Training { running, finished } = expect_context::<Training>();
    let retrain = move |_| {
        running.set(true);
        leptos::task::spawn_local(async move {
            match api::post::<JobDto>("/insights/models/train", &serde_json::json!({})).await {
                Ok(job) => follow(job.id, running, finished, toasts),
                Err(e) => {
                    running.set(false);
                    toasts.error(e.message);
                }
            }
        });
    };
    move || {
        session.can(Permission::TrainModels).then(|| {
            view! {
                <div class="page-actions">
                    <button class="btn btn-primary" data-testid="retrain" disabled=move || running.get() on:click=retrain>
                        <Icon icon=icondata::LuRefreshCw />
                        {move || if running.get() { "Retraining…" } else { "Retrain now" }}
                    </button>
                </div>
            }
        })
    }
}

fn follow(job: uuid::Uuid, running: RwSignal<bool>, finished: RwSignal<u32>, toasts: crate::toast::Toasts) {
    running.set(true);
    let _ = watch_job(
        job,
        Callback::new(move |(status, _): (JobStatus, _)| {
            if status.is_finished() {
                running.set(false);
                finished.update(|n| *n += 1);
                if status == JobStatus::Succeeded {
                    toasts.success("Scoring models retrained and every record rescored.");
                } else {
                    toasts.error("Retraining did not finish. Try again in a moment.");
                }
            }
        }),
    );
}

#[component]
fn ScoreModelsView() -> impl IntoView {
    let Training { running, finished } = expect_context::<Training>();
    let toasts = use_toasts();
    let models = LocalResource::new(move || {
        finished.track();
        api::get::<ScoreModels>("/insights/models")
    });
    // A training started elsewhere (the nightly one, another manager) is followed too.
    Effect::new(move |_| {
        if let Some(Ok(m)) = models.get()
            && let Some(job) = m.training_job
            && !running.get_untracked()
        {
            follow(job, running, finished, toasts);
        }
    });
    view! {
            <Transition fallback=|| view! { <SkeletonTable rows=4 columns=3 /> }>
                {move || {
                    models
                        .get()
                        .map(|result| match result {
                            Ok(m) if m.models.is_empty() => {
                                view! {
                                    <EmptyState
                                        icon=icondata::LuSparkles
                                        title="No scores yet"
                                        text="Scoring starts with your first contact or deal: rules at first, a learnt model once 50 deals have closed."
                                    />
                                }
                                    .into_any()
                            }
                            Ok(m) => {
                                view! {
                                    <div class="insight-models">
                                        {m.models.into_iter().map(|model| view! { <ModelCard model=model /> }).collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[component]
fn ModelCard(model: ScoreModelDto) -> impl IntoView {
    let learnt = model.method == ScoreMethod::Model;
    let badge = if learnt {
        "badge badge-success"
    } else {
        "badge badge-warning"
    };
    let title = match model.subject {
        kite_shared::insights::ScoreSubject::Contact => "Contact scores",
        kite_shared::insights::ScoreSubject::Deal => "Deal scores",
    };
    view! {
        <section class="card insight-model" data-testid=format!("model-{}", model.subject.as_str())>
            <div class="card-head">
                <div>
                    <h2 class="card-title">{title}</h2>
                    <p class="muted small">
                        {format!("Version {} · trained {} · {} records scored", model.version, relative(&model.trained_at), model.scored)}
                    </p>
                </div>
                <span class=badge data-testid="model-method">{model.method.label()}</span>
            </div>
            {model.note.clone().map(|note| view! { <p class="notice-muted">{note}</p> })}
            <dl class="metric-row">
                <div>
                    <dt>"Learnt from"</dt>
                    <dd>{format!("{} closed deals", model.rows)}</dd>
                    <dd class="muted small">{format!("{} won · {} lost", model.won, model.lost)}</dd>
                </div>
                {model.metrics.clone().map(|m| view! { <Measured metrics=m /> })}
            </dl>
            {model.metrics.clone().map(|m| view! { <Calibration metrics=m /> })}
            {(!model.weights.is_empty())
                .then(|| {
                    view! {
                        <h3 class="detail-heading">"What weighs most"</h3>
                        <ul class="score-factors" data-testid="model-weights">
                            {model
                                .weights
                                .iter()
                                .map(|w| {
                                    let class = if w.weight >= 0.0 { "score-up" } else { "score-down" };
                                    let arrow = if w.weight >= 0.0 { "▲" } else { "▼" };
                                    view! {
                                        <li class=class>
                                            <span class="score-points">{arrow}</span>
                                            <span>{w.feature.clone()}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
        </section>
    }
}

/// How the model did on the fifth of closed deals it was not trained on, against the
/// plain baseline of predicting the overall win rate for every deal.
#[component]
fn Measured(metrics: ModelMetrics) -> impl IntoView {
    let better = metrics.brier < metrics.baseline_brier;
    view! {
        <div>
            <dt>"Ranking (AUC)"</dt>
            <dd data-testid="model-auc">{format!("{:.2}", metrics.auc)}</dd>
            <dd class="muted small">"0.50 is guessing, 1.00 ranks every win above every loss"</dd>
        </div>
        <div>
            <dt>"Error (Brier)"</dt>
            <dd>{format!("{:.3}", metrics.brier)}</dd>
            <dd class="muted small">
                {format!(
                    "{} the baseline's {:.3} ({} held out)",
                    if better { "better than" } else { "no better than" },
                    metrics.baseline_brier,
                    metrics.held_out,
                )}
            </dd>
        </div>
    }
}

/// Predicted against actual win rates on the held-out deals: a calibrated model's
/// points lie on the diagonal.
#[component]
fn Calibration(metrics: ModelMetrics) -> impl IntoView {
    let bins: Vec<_> = metrics.calibration.iter().filter(|b| b.count > 0).cloned().collect();
    if bins.is_empty() {
        return ().into_any();
    }
    let spec = ChartSpec::new(Shape::Line, bins.iter().map(|b| percent(b.predicted)).collect())
        .series(
            "Predicted",
            bins.iter().map(|b| (b.predicted * 100.0).round()).collect(),
        )
        .series(
            "Actually won",
            bins.iter().map(|b| (b.observed * 100.0).round()).collect(),
        )
        .suffix("%");
    view! {
        <h3 class="detail-heading">"Calibration on held-out deals"</h3>
        <div class="insight-chart">
            <Chart spec=Signal::derive(move || Some(spec.clone())) label="Predicted against actual win rate" />
        </div>
    }
    .into_any()
}
