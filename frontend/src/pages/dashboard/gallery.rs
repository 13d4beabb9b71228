//! The widget gallery: choose what to show and how, and the widget takes the first free
//! place on the grid. The same form edits a widget already there, which keeps its place.

use crate::components::Modal;
use kite_shared::analytics::PeriodKind;
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind, WidgetOptions};
use kite_shared::analytics::layout;
use kite_shared::analytics::reports::{Dimension, MetricKey};
use leptos::prelude::*;

#[component]
pub fn Gallery(
    open: RwSignal<bool>,
    /// The widget being edited; none to add one.
    target: RwSignal<Option<Widget>>,
    widgets: Signal<Vec<Widget>>,
    /// A new widget, or the edited one (same id and place).
    on_save: Callback<Widget>,
) -> impl IntoView {
    let kind = RwSignal::new(WidgetKind::Bar);
    let source = RwSignal::new(DataSource::Conversion);
    let metric = RwSignal::new(MetricKey::WonValue);
    let dimension = RwSignal::new(Dimension::Owner);
    let period = RwSignal::new(PeriodKind::ThisQuarter);
    let title = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(widget) = target.get() {
            kind.set(widget.kind);
            source.set(widget.source);
            metric.set(widget.options.metric.unwrap_or(MetricKey::WonValue));
            dimension.set(widget.options.dimension.unwrap_or(Dimension::Owner));
            period.set(widget.options.period.unwrap_or(PeriodKind::ThisQuarter));
            title.set(widget.title);
        }
    });
    // Closing the form ends the edit, so the next opening adds.
    Effect::new(move |_| {
        if !open.get() {
            target.set(None);
        }
    });
    // A kind keeps the chosen source when it can show it, else takes its first.
    Effect::new(move |_| {
        let sources = kind.get().sources();
        if !sources.contains(&source.get_untracked()) {
            source.set(sources[0]);
        }
    });
    let save = move || {
        let options = WidgetOptions {
            period: Some(period.get_untracked()),
            metric: (kind.get_untracked() == WidgetKind::Metric).then(|| metric.get_untracked()),
            dimension: (source.get_untracked() == DataSource::WinLoss).then(|| dimension.get_untracked()),
            ..target.get_untracked().map(|w| w.options).unwrap_or_default()
        };
        let widget = match target.get_untracked() {
            Some(widget) => Widget {
                kind: kind.get_untracked(),
                source: source.get_untracked(),
                title: title.get_untracked().trim().to_owned(),
                options,
                ..widget
            },
            None => {
                let (w, h) = kind.get_untracked().default_size();
                let mut widget = Widget {
                    id: new_id(),
                    kind: kind.get_untracked(),
                    source: source.get_untracked(),
                    title: title.get_untracked().trim().to_owned(),
                    options,
                    x: 0,
                    y: 0,
                    w,
                    h,
                };
                widget.set_rect(layout::free_spot(&widgets.get_untracked(), w, h));
                widget
            }
        };
        on_save.run(widget);
        title.set(String::new());
        open.set(false);
    };
    let editing = move || target.get().is_some();
    view! {
        <Modal open=open title=Signal::derive(move || if editing() { "Edit widget" } else { "Add a widget" }.to_owned())>
            <form class="form" on:submit=move |e| { e.prevent_default(); save(); }>
                <div class="gallery" role="radiogroup" aria-label="Kind of widget">
                    {WidgetKind::ALL
                        .iter()
                        .map(|&k| view! {
                            <button
                                type="button"
                                class="gallery-item"
                                class:gallery-item-active=move || kind.get() == k
                                role="radio"
                                aria-checked=move || (kind.get() == k).to_string()
                                on:click=move |_| kind.set(k)
                            >
                                {k.label()}
                            </button>
                        })
                        .collect_view()}
                </div>
                <label class="field">
                    <span>"Shows"</span>
                    <select
                        name="source"
                        on:change=move |e| if let Some(s) = DataSource::parse(&event_target_value(&e)) { source.set(s) }
                        prop:value=move || source.get().as_str()
                    >
                        {move || kind.get().sources().iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
                <Show when=move || kind.get() == WidgetKind::Metric>
                    <label class="field">
                        <span>"Figure"</span>
                        <select name="metric" prop:value=move || metric.get().as_str() on:change=move |e| if let Some(m) = MetricKey::parse(&event_target_value(&e)) { metric.set(m) }>
                            {MetricKey::ALL.iter().map(|m| view! { <option value=m.as_str()>{m.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <Show when=move || source.get() == DataSource::WinLoss>
                    <label class="field">
                        <span>"By"</span>
                        <select name="dimension" prop:value=move || dimension.get().as_str() on:change=move |e| if let Some(d) = Dimension::parse(&event_target_value(&e)) { dimension.set(d) }>
                            {Dimension::ALL.iter().map(|d| view! { <option value=d.as_str()>{d.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <label class="field">
                    <span>"Period"</span>
                    <select name="period" prop:value=move || period.get().as_str() on:change=move |e| if let Some(p) = PeriodKind::parse(&event_target_value(&e)) { period.set(p) }>
                        {PeriodKind::PRESETS.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Title (optional)"</span>
                    <input name="title" maxlength="80" prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e)) />
                </label>
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" data-testid="save-widget">
                        {move || if editing() { "Save widget" } else { "Add widget" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// Unique within the dashboard is all a widget id needs: the time and two random halves.
fn new_id() -> uuid::Uuid {
    let random = || (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    uuid::Uuid::from_u64_pair((js_sys::Date::now() as u64) << 20 ^ random(), random())
}
