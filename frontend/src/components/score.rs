//! Lead and deal scores as lists and record pages show them: a badge whose colour reads
//! at a glance, its reasons on hover or focus, and the filter by band.

use super::Column;
use crate::format::relative;
use kite_shared::insights::{RecordScore, ScoreFactor, ScoreMethod};
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

/// The bands a list filters by: `(value, label, min_score, max_score)`.
const BANDS: [(&str, &str, &str, &str); 3] = [
    ("hot", "Hot (70+)", "70", ""),
    ("warm", "Warm (40–69)", "40", "69"),
    ("cold", "Cold (under 40)", "", "39"),
];

fn tone(value: u8) -> &'static str {
    match value {
        70.. => "score score-hot",
        40..70 => "score score-warm",
        _ => "score score-cold",
    }
}

fn signed(points: i32) -> String {
    if points > 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}

/// The reasons behind a score, strongest first, each with the points it moved.
#[component]
pub fn ScoreFactors(factors: Vec<ScoreFactor>) -> impl IntoView {
    if factors.is_empty() {
        return view! { <p class="muted small">"Nothing moved this score from its starting point."</p> }.into_any();
    }
    view! {
        <ul class="score-factors">
            {factors
                .into_iter()
                .map(|f| {
                    let class = if f.points >= 0 { "score-up" } else { "score-down" };
                    view! {
                        <li class=class>
                            <span class="score-points">{signed(f.points)}</span>
                            <span>{f.label}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Which way a score was worked out, as the user reads it.
pub fn method_label(score: &RecordScore) -> String {
    match (score.method, score.model_version) {
        (ScoreMethod::Model, Some(version)) => format!("Learnt model v{version}"),
        (method, _) => method.label().to_owned(),
    }
}

/// A score's badge; hovering or focusing it shows why. The card is placed in the
/// viewport, so a scrolling table does not clip it.
#[component]
pub fn ScoreBadge(score: RecordScore) -> impl IntoView {
    let at = RwSignal::new(None::<(f64, f64)>);
    let show = move |ev: web_sys::Event| {
        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let rect = el.get_bounding_client_rect();
            at.set(Some((rect.bottom() + 6.0, rect.left())));
        }
    };
    let hide = move || at.set(None);
    let value = score.value;
    let method = method_label(&score);
    let factors = score.factors.clone();
    view! {
        <span
            class=tone(value)
            tabindex="0"
            data-score=value
            aria-label=format!("Score {value} of 100")
            on:mouseenter=move |ev| show(ev.into())
            on:focus=move |ev| show(ev.into())
            on:mouseleave=move |_| hide()
            on:blur=move |_| hide()
        >
            {value}
        </span>
        {move || {
            at.get()
                .map(|(top, left)| {
                    view! {
                        <div class="score-card" role="tooltip" style=format!("top: {top}px; left: {left}px")>
                            <div class="score-card-head">
                                <strong>{format!("Score {value}")}</strong>
                                <span class="muted small">{method.clone()}</span>
                            </div>
                            <ScoreFactors factors=factors.clone() />
                        </div>
                    }
                })
        }}
    }
}

/// A list's score column, sorted by the API's `score` (highest first); unscored rows
/// show a dash.
pub fn score_column<T: 'static>(score: fn(&T) -> Option<&RecordScore>) -> Column<T> {
    Column::new("score", "Score", move |row: &T| match score(row).cloned() {
        Some(score) => view! { <ScoreBadge score=score /> }.into_any(),
        None => view! { <span class="muted" title="Not scored yet">"—"</span> }.into_any(),
    })
    .sort_descending_first("score")
    .cell_class("nowrap")
}

/// The `min_score`/`max_score` pairs of the band chosen in [`ScoreFilter`].
pub fn score_band_pairs(band: &str) -> [(&'static str, String); 2] {
    let (min, max) = BANDS
        .iter()
        .find(|(value, ..)| *value == band)
        .map_or(("", ""), |(_, _, min, max)| (*min, *max));
    [("min_score", min.to_owned()), ("max_score", max.to_owned())]
}

/// Chooses a score band for a list.
#[component]
pub fn ScoreFilter(value: RwSignal<String>) -> impl IntoView {
    view! {
        <select aria-label="Filter by score" data-testid="score-filter" on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="">"Any score"</option>
            {BANDS.iter().map(|(v, label, ..)| view! { <option value=*v>{*label}</option> }).collect_view()}
        </select>
    }
}

/// A record page's score card: the score, how it was worked out and why.
#[component]
pub fn ScorePanel(
    score: Option<RecordScore>,
    /// What the score estimates: "Chance to win", "Chance this contact buys".
    meaning: &'static str,
    /// Shown instead when the record has no score.
    unscored: &'static str,
) -> impl IntoView {
    view! {
        <section class="card" data-testid="score-panel">
            <div class="card-head">
                <h2 class="card-title">"Score"</h2>
                <A href="/insights" attr:class="small">"How scores work"</A>
            </div>
            {match score {
                Some(score) => {
                    let method = method_label(&score);
                    view! {
                        <div class="score-panel-value">
                            <span class=tone(score.value) data-score=score.value>{score.value}</span>
                            <div>
                                <div>{meaning}</div>
                                <div class="muted small" data-testid="score-method">
                                    {format!("{method} · {}", relative(&score.scored_at))}
                                </div>
                            </div>
                        </div>
                        <ScoreFactors factors=score.factors />
                    }
                        .into_any()
                }
                None => view! { <p class="muted">{unscored}</p> }.into_any(),
            }}
        </section>
    }
}
