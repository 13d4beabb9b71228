//! The dashboard grid and its editor: in edit mode a widget moves by dragging its
//! header and resizes by dragging its corner (pointer events, so mouse, touch and
//! WebDriver all work), or with the keyboard: arrows move the focused widget, Shift and
//! arrows resize it. Widgets in the way are pushed down, by the same rules the server
//! checks ([`layout`]).

use super::data;
use super::view::WidgetBody;
use crate::team::Team;
use kite_shared::analytics::dashboards::Widget;
use kite_shared::analytics::layout::{self, Rect};
use leptos::ev;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_use_document::use_document;
use leptos_use_event_listener::use_event_listener;
use uuid::Uuid;
use web_sys::PointerEvent;

/// One grid row's height and the gap between cells, as style.css lays them out.
const ROW_PX: f64 = 72.0;
const GAP_PX: f64 = 16.0;

#[derive(Clone, Copy, PartialEq)]
enum Handle {
    Move,
    Resize,
}

#[derive(Clone, Copy, PartialEq)]
struct Drag {
    index: usize,
    handle: Handle,
    start_x: f64,
    start_y: f64,
    start: Rect,
    column_px: f64,
}

fn moved(rect: Rect, handle: Handle, dx: i32, dy: i32) -> Rect {
    let shift = |v: i32, d: i32| (v + d).max(0);
    match handle {
        Handle::Move => Rect {
            x: shift(i32::from(rect.x), dx).min(255) as u8,
            y: shift(i32::from(rect.y), dy).min(i32::from(u16::MAX)) as u16,
            ..rect
        },
        Handle::Resize => Rect {
            w: shift(i32::from(rect.w), dx).clamp(1, 255) as u8,
            h: shift(i32::from(rect.h), dy).clamp(1, 255) as u8,
            ..rect
        },
    }
    .clamped()
}

/// `widgets` with widget `index` at `rect` and the others out of its way.
fn placed(widgets: &[Widget], index: usize, rect: Rect) -> Vec<Widget> {
    let mut next = widgets.to_vec();
    layout::place(&mut next, index, rect);
    next
}

#[component]
pub fn Grid(
    widgets: RwSignal<Vec<Widget>>,
    #[prop(into)] editing: Signal<bool>,
    /// Bumped when the data under the widgets changed: each reloads.
    version: RwSignal<u32>,
    team: Team,
    /// A move, resize or removal: the new layout.
    on_change: Callback<Vec<Widget>>,
    /// The widget whose settings are to be edited.
    on_edit: Callback<Widget>,
) -> impl IntoView {
    let drag = RwSignal::new(None::<Drag>);
    let preview = RwSignal::new(None::<Vec<Widget>>);
    let grid = NodeRef::<leptos::html::Div>::new();
    let shown = move || preview.get().unwrap_or_else(|| widgets.get());

    let _ = use_event_listener(use_document(), ev::pointermove, move |e: PointerEvent| {
        let Some(d) = drag.get_untracked() else { return };
        e.prevent_default();
        let dx = ((f64::from(e.client_x()) - d.start_x) / d.column_px).round() as i32;
        let dy = ((f64::from(e.client_y()) - d.start_y) / (ROW_PX + GAP_PX)).round() as i32;
        let rect = moved(d.start, d.handle, dx, dy);
        let current = widgets.get_untracked();
        let next = placed(&current, d.index, rect);
        if preview.get_untracked().as_ref() != Some(&next) {
            preview.set(Some(next));
        }
    });
    let finish = move || {
        if drag.get_untracked().is_none() {
            return;
        }
        drag.set(None);
        if let Some(next) = preview.get_untracked() {
            preview.set(None);
            if next != widgets.get_untracked() {
                on_change.run(next);
            }
        }
    };
    let _ = use_event_listener(use_document(), ev::pointerup, move |_: PointerEvent| finish());
    let _ = use_event_listener(use_document(), ev::pointercancel, move |_: PointerEvent| finish());

    let start = move |e: PointerEvent, id: Uuid, handle: Handle| {
        if !editing.get_untracked() || e.button() != 0 {
            return;
        }
        let list = widgets.get_untracked();
        let Some(index) = list.iter().position(|w| w.id == id) else {
            return;
        };
        let width = grid
            .get_untracked()
            .map(|g| g.get_bounding_client_rect().width())
            .unwrap_or(1200.0);
        e.prevent_default();
        drag.set(Some(Drag {
            index,
            handle,
            start_x: f64::from(e.client_x()),
            start_y: f64::from(e.client_y()),
            start: list[index].rect(),
            column_px: ((width + GAP_PX) / f64::from(layout::COLUMNS)).max(1.0),
        }));
    };
    let keyboard = move |e: ev::KeyboardEvent, id: Uuid| {
        if !editing.get_untracked() {
            return;
        }
        let (dx, dy) = match e.key().as_str() {
            "ArrowLeft" => (-1, 0),
            "ArrowRight" => (1, 0),
            "ArrowUp" => (0, -1),
            "ArrowDown" => (0, 1),
            _ => return,
        };
        e.prevent_default();
        let list = widgets.get_untracked();
        let Some(index) = list.iter().position(|w| w.id == id) else {
            return;
        };
        let handle = if e.shift_key() { Handle::Resize } else { Handle::Move };
        let next = placed(&list, index, moved(list[index].rect(), handle, dx, dy));
        if next != list {
            on_change.run(next);
        }
    };
    let remove = move |id: Uuid| {
        let next: Vec<Widget> = widgets.get_untracked().into_iter().filter(|w| w.id != id).collect();
        on_change.run(next);
    };

    view! {
        <div class="dash-grid" class:dash-editing=move || editing.get() node_ref=grid data-testid="dashboard-grid">
            // Keyed by what the widget shows too, so an edited widget loads afresh.
            <For each=shown key=|w| (w.id, format!("{:?}{:?}{}{:?}", w.kind, w.source, w.title, w.options)) let:widget>
                {
                    let id = widget.id;
                    let title = widget.display_title();
                    let remove_label = format!("Remove {title}");
                    let edit_label = format!("Edit {title}");
                    let place = move || {
                        shown()
                            .into_iter()
                            .find(|w| w.id == id)
                            .map(|w| format!("grid-column: {} / span {}; grid-row: {} / span {};", w.x + 1, w.w, w.y + 1, w.h))
                            .unwrap_or_default()
                    };
                    let rect = move || shown().into_iter().find(|w| w.id == id).map(|w| format!("{},{},{},{}", w.x, w.y, w.w, w.h)).unwrap_or_default();
                    let dragging = move || drag.get().is_some_and(|d| widgets.get_untracked().get(d.index).is_some_and(|w| w.id == id));
                    let loaded = widget.clone();
                    let body = LocalResource::new(move || {
                        version.track();
                        let widget = loaded.clone();
                        async move { data::load(&widget).await }
                    });
                    let shown_widget = widget.clone();
                    view! {
                        <section
                            class="widget"
                            class:widget-dragging=dragging
                            style=place
                            tabindex="0"
                            aria-label=title.clone()
                            data-testid="widget"
                            data-kind=widget.kind.as_str()
                            data-rect=rect
                            on:keydown=move |e| keyboard(e, id)
                        >
                            <header class="widget-head" on:pointerdown=move |e| start(e, id, Handle::Move)>
                                <h2 class="widget-title">{title.clone()}</h2>
                                <Show when=move || editing.get()>
                                    <span class="widget-grip muted" aria-hidden="true"><Icon icon=icondata::LuGripHorizontal /></span>
                                    <button
                                        class="btn-icon"
                                        aria-label=edit_label.clone()
                                        data-testid="edit-widget"
                                        on:pointerdown=|e| e.stop_propagation()
                                        on:click=move |_| {
                                            // As it is now: this row outlives moves and resizes.
                                            if let Some(current) = widgets.get_untracked().into_iter().find(|w| w.id == id) {
                                                on_edit.run(current);
                                            }
                                        }
                                    >
                                        <Icon icon=icondata::LuSettings2 />
                                    </button>
                                    <button
                                        class="btn-icon"
                                        aria-label=remove_label.clone()
                                        on:pointerdown=|e| e.stop_propagation()
                                        on:click=move |_| remove(id)
                                    >
                                        <Icon icon=icondata::LuX />
                                    </button>
                                </Show>
                            </header>
                            <div class="widget-body">
                                <Suspense fallback=|| view! { <crate::components::SkeletonRows rows=3 /> }>
                                    {
                                        let shown_widget = shown_widget.clone();
                                        move || body.get().map(|result| match result {
                                            Ok(data) => view! { <WidgetBody widget=shown_widget.clone() data=data team=team /> }.into_any(),
                                            Err(e) => view! { <p class="field-error">{e.message}</p> }.into_any(),
                                        })
                                    }
                                </Suspense>
                            </div>
                            <Show when=move || editing.get()>
                                <span
                                    class="widget-resize"
                                    data-testid="widget-resize"
                                    aria-hidden="true"
                                    on:pointerdown=move |e| {
                                        e.stop_propagation();
                                        start(e, id, Handle::Resize)
                                    }
                                ></span>
                            </Show>
                        </section>
                    }
                }
            </For>
        </div>
    }
}
