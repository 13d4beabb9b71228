//! Charts: a small description of what to draw ([`ChartSpec`]) turned into an ECharts
//! option by charming, in the colours of the current theme. ECharts' own script is
//! fetched the first time a page draws a chart, so other pages never load it.

use charming::component::{Axis, Grid, Legend};
use charming::element::{
    AxisLabel, AxisLine, AxisType, Color, Formatter, ItemStyle, Label, SplitLine, TextStyle, Tooltip, Trigger,
};
use charming::series::{Bar, Funnel, Line, Pie};
use charming::{Chart as Option_, Echarts, WasmRenderer};
use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Bar,
    /// Bars laid sideways: long category names (stages, reasons, people) stay readable.
    HorizontalBar,
    Line,
    Area,
    Pie,
    Funnel,
}

/// What a chart shows: one value per category for each series.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub shape: Shape,
    pub categories: Vec<String>,
    pub series: Vec<(String, Vec<f64>)>,
    /// Put after values on the axis and in tooltips, e.g. `%` or ` d`.
    pub suffix: &'static str,
    pub stacked: bool,
}

impl ChartSpec {
    pub fn new(shape: Shape, categories: Vec<String>) -> Self {
        Self {
            shape,
            categories,
            series: Vec::new(),
            suffix: "",
            stacked: false,
        }
    }

    pub fn series(mut self, name: &str, values: Vec<f64>) -> Self {
        self.series.push((name.to_owned(), values));
        self
    }

    pub fn suffix(mut self, suffix: &'static str) -> Self {
        self.suffix = suffix;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|(_, values)| values.iter().all(|v| *v == 0.0))
    }
}

/// The theme's colours, read from the design tokens when a chart is drawn.
struct Palette {
    text: String,
    muted: String,
    border: String,
    surface: String,
    series: Vec<String>,
}

impl Palette {
    fn read() -> Palette {
        let style = web_sys::window().and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        });
        let token = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_owned())
        };
        Palette {
            text: token("--text", "#14171c"),
            muted: token("--text-muted", "#5d6574"),
            border: token("--border", "#e3e6eb"),
            surface: token("--surface", "#ffffff"),
            series: (1..=6).map(|i| token(&format!("--chart-{i}"), "#4353d9")).collect(),
        }
    }
}

fn option(spec: &ChartSpec, palette: &Palette) -> Option_ {
    let label = || AxisLabel::new().color(palette.muted.as_str());
    let value_label = || label().formatter(Formatter::String(format!("{{value}}{}", spec.suffix)));
    let tooltip = Tooltip::new()
        .background_color(palette.surface.as_str())
        .border_color(palette.border.as_str());
    let mut chart = Option_::new()
        .color(palette.series.iter().map(|c| Color::from(c.as_str())).collect())
        .background_color("transparent")
        .animation(false);
    let legend = Legend::new()
        .top("bottom")
        .text_style(TextStyle::new().color(palette.muted.as_str()));
    match spec.shape {
        Shape::Pie | Shape::Funnel => {
            let values = spec.series.first().map(|(_, v)| v.clone()).unwrap_or_default();
            let data: Vec<(f64, &str)> = values
                .iter()
                .zip(&spec.categories)
                .map(|(v, c)| (*v, c.as_str()))
                .collect();
            chart = chart.tooltip(tooltip.trigger(Trigger::Item)).legend(legend);
            let text = Label::new().color(palette.text.as_str());
            chart = if spec.shape == Shape::Pie {
                chart.series(Pie::new().radius(vec!["40%", "68%"]).label(text).data(data))
            } else {
                chart.series(
                    Funnel::new()
                        .left("10%")
                        .width("80%")
                        .top(8)
                        .bottom(40)
                        .sort(charming::element::Sort::None)
                        // Inside the coloured bands, in the page's background colour.
                        .label(
                            Label::new()
                                .color(palette.surface.as_str())
                                .position(charming::element::LabelPosition::Inside),
                        )
                        .item_style(ItemStyle::new().border_color(palette.surface.as_str()))
                        .data(data),
                )
            };
            chart
        }
        _ => {
            let categories = Axis::new()
                .type_(AxisType::Category)
                .data(spec.categories.clone())
                .axis_label(label())
                .axis_line(AxisLine::new().show(false));
            let values = Axis::new().type_(AxisType::Value).axis_label(value_label()).split_line(
                SplitLine::new().line_style(charming::element::LineStyle::new().color(palette.border.as_str())),
            );
            chart = chart.tooltip(tooltip.trigger(Trigger::Axis)).grid(
                Grid::new()
                    .left(8)
                    .right(16)
                    .top(16)
                    .bottom(if spec.series.len() > 1 { 40 } else { 8 })
                    .contain_label(true),
            );
            if spec.series.len() > 1 {
                chart = chart.legend(legend);
            }
            chart = if spec.shape == Shape::HorizontalBar {
                chart.x_axis(values).y_axis(categories.inverse(true))
            } else {
                chart.x_axis(categories).y_axis(values)
            };
            for (name, data) in &spec.series {
                chart = match spec.shape {
                    Shape::Line | Shape::Area => {
                        let mut line = Line::new().name(name.as_str()).smooth(0.3).data(data.clone());
                        if spec.shape == Shape::Area {
                            line = line.area_style(charming::element::AreaStyle::new().opacity(0.25));
                        }
                        if spec.stacked {
                            line = line.stack("total");
                        }
                        chart.series(line)
                    }
                    _ => {
                        let mut bar = Bar::new().name(name.as_str()).bar_width("45%").data(data.clone());
                        if spec.stacked {
                            bar = bar.stack("total");
                        }
                        chart.series(bar)
                    }
                };
            }
            chart
        }
    }
}

thread_local! {
    static ECHARTS: RefCell<Option<Promise>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// Resolves once `window.echarts` exists, adding its script to the page the first time.
async fn echarts_ready() -> Result<(), JsValue> {
    let promise = ECHARTS.with(|cell| cell.borrow_mut().get_or_insert_with(load_echarts).clone());
    JsFuture::from(promise).await.map(|_| ())
}

fn load_echarts() -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            let _ = reject.call0(&JsValue::NULL);
            return;
        };
        let loaded = web_sys::window().is_some_and(|w| Reflect::has(&w, &"echarts".into()).unwrap_or(false));
        if loaded {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        }
        let Ok(script) = document.create_element("script") else {
            let _ = reject.call0(&JsValue::NULL);
            return;
        };
        let _ = script.set_attribute("src", "/echarts.min.js");
        let _ = script.add_event_listener_with_callback("load", &resolve);
        let _ = script.add_event_listener_with_callback("error", &reject);
        if let Some(head) = document.head() {
            let _ = head.append_child(&script);
        }
    })
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) {
    if let Ok(function) = Reflect::get(target, &method.into()).and_then(|f| f.dyn_into::<Function>()) {
        let list: js_sys::Array = args.iter().collect();
        let _ = function.apply(target, &list);
    }
}

/// Draws `spec`, redrawing when it or the theme changes and resizing with its box. A
/// click on a bar, slice or stage calls `on_pick` with the category's index.
#[component]
pub fn Chart(
    #[prop(into)] spec: Signal<Option<ChartSpec>>,
    #[prop(into)] label: String,
    #[prop(optional)] on_pick: Option<Callback<usize>>,
) -> impl IntoView {
    let id = format!(
        "chart-{}",
        NEXT_ID.with(|n| {
            n.set(n.get() + 1);
            n.get()
        })
    );
    let node = NodeRef::<leptos::html::Div>::new();
    let instance = StoredValue::new_local(None::<JsValue>);
    let keep = StoredValue::new_local(Vec::<Box<dyn std::any::Any>>::new());
    let drawn = RwSignal::new(0u32);
    let failed = RwSignal::new(false);
    let theme = theme_changes(keep);
    let element_id = id.clone();
    Effect::new(move |_| {
        let spec = spec.get();
        theme.track();
        let Some(element) = node.get() else {
            return;
        };
        let element_id = element_id.clone();
        spawn_local(async move {
            if echarts_ready().await.is_err() {
                let _ = failed.try_set(true);
                return;
            }
            let Some(spec) = spec else {
                return;
            };
            let option = option(&spec, &Palette::read());
            let existing = instance.try_with_value(|i| i.clone()).flatten();
            match existing {
                Some(chart) => {
                    // Cleared first: ECharts merges options, and a chart whose series
                    // changed must not keep the old ones.
                    call(&chart, "clear", &[]);
                    WasmRenderer::update(chart.unchecked_ref::<Echarts>(), &option);
                }
                None => {
                    let Ok(chart) = WasmRenderer::new_opt(None, None).render(&element_id, &option) else {
                        let _ = failed.try_set(true);
                        return;
                    };
                    let chart: JsValue = chart.into();
                    if let Some(on_pick) = on_pick {
                        let click = Closure::<dyn Fn(JsValue)>::new(move |params: JsValue| {
                            let index = Reflect::get(&params, &"dataIndex".into()).ok().and_then(|v| v.as_f64());
                            if let Some(index) = index {
                                on_pick.run(index as usize);
                            }
                        });
                        call(&chart, "on", &["click".into(), click.as_ref().clone()]);
                        let _ = keep.try_update_value(|k| k.push(Box::new(click)));
                    }
                    let resize_target = chart.clone();
                    let resize = Closure::<dyn Fn()>::new(move || call(&resize_target, "resize", &[]));
                    if let Ok(observer) = web_sys::ResizeObserver::new(resize.as_ref().unchecked_ref()) {
                        observer.observe(&element);
                        let _ = keep.try_update_value(|k| {
                            k.push(Box::new(resize));
                            k.push(Box::new(Observer(observer)));
                        });
                    }
                    let _ = instance.try_set_value(Some(chart));
                }
            }
            let _ = drawn.try_update(|n| *n += 1);
        });
    });
    on_cleanup(move || {
        if let Some(Some(chart)) = instance.try_with_value(|i| i.clone()) {
            call(&chart, "dispose", &[]);
        }
    });
    view! {
        <div class="chart-box">
            <div
                class="chart"
                id=id
                node_ref=node
                role="img"
                aria-label=label
                data-testid="chart"
                data-drawn=move || drawn.get()
            ></div>
            <Show when=move || failed.get()>
                <p class="muted chart-failed">"The chart could not be drawn."</p>
            </Show>
        </div>
    }
}

/// Ticks whenever `<html data-theme>` changes (the theme switch, or a test setting it), so
/// charts redraw in the new colours.
fn theme_changes(keep: StoredValue<Vec<Box<dyn std::any::Any>>, leptos::prelude::LocalStorage>) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    let changed = Closure::<dyn Fn()>::new(move || {
        let _ = tick.try_update(|n| *n += 1);
    });
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let (Some(root), Ok(observer)) = (root, web_sys::MutationObserver::new(changed.as_ref().unchecked_ref())) {
        let options = web_sys::MutationObserverInit::new();
        options.set_attributes(true);
        options.set_attribute_filter(&js_sys::Array::of1(&"data-theme".into()));
        let _ = observer.observe_with_options(&root, &options);
        keep.update_value(|k| {
            k.push(Box::new(changed));
            k.push(Box::new(Watcher(observer)));
        });
    }
    tick
}

struct Watcher(web_sys::MutationObserver);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.disconnect();
    }
}

/// Stops observing when the chart goes.
struct Observer(web_sys::ResizeObserver);

impl Drop for Observer {
    fn drop(&mut self) {
        self.0.disconnect();
    }
}
