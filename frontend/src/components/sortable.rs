//! Reordering a vertical list by dragging, on pointer events like the deals board (so
//! mouse, pen, touch and WebDriver actions all drive it). The list is reordered live
//! while the pointer moves, so what the user sees is what a drop would keep; the
//! caller decides what to do with the new order when the pointer is released.
//!
//! The list element carries `data-sort-list="<name>"` and each movable row
//! `data-sort-id="<uuid>"`; rows without it (won and lost stages) never move.

use leptos::ev;
use leptos::prelude::*;
use leptos_use_document::use_document;
use leptos_use_event_listener::use_event_listener;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent};

const THRESHOLD_PX: f64 = 6.0;

#[derive(Clone, Debug, PartialEq)]
struct SortDrag {
    id: Uuid,
    list: String,
    start_y: f64,
    start_x: f64,
    active: bool,
    original: Vec<Uuid>,
    order: Vec<Uuid>,
}

/// A finished drag that changed the order.
pub struct Sorted {
    pub id: Uuid,
    pub order: Vec<Uuid>,
}

#[derive(Clone, Copy)]
pub struct Sortable {
    state: RwSignal<Option<SortDrag>>,
}

impl Sortable {
    pub fn new(on_sorted: Callback<Sorted>) -> Self {
        let state = RwSignal::new(None::<SortDrag>);
        let _ = use_event_listener(use_document(), ev::pointermove, move |e: PointerEvent| {
            let Some(mut drag) = state.get_untracked() else { return };
            let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
            if !drag.active && (x - drag.start_x).hypot(y - drag.start_y) < THRESHOLD_PX {
                return;
            }
            e.prevent_default();
            drag.active = true;
            if let Some(index) = slot_at(&drag.list, drag.id, y) {
                let mut order: Vec<Uuid> = drag.order.iter().copied().filter(|id| *id != drag.id).collect();
                order.insert(index.min(order.len()), drag.id);
                drag.order = order;
            }
            state.set(Some(drag));
        });
        let _ = use_event_listener(use_document(), ev::pointerup, move |_: PointerEvent| {
            let Some(drag) = state.get_untracked() else { return };
            state.set(None);
            if drag.active && drag.order != drag.original {
                on_sorted.run(Sorted {
                    id: drag.id,
                    order: drag.order,
                });
            }
        });
        let _ = use_event_listener(use_document(), ev::pointercancel, move |_: PointerEvent| {
            state.set(None)
        });
        let _ = use_event_listener(use_document(), ev::keydown, move |e: ev::KeyboardEvent| {
            if e.key() == "Escape" && state.with_untracked(|s| s.as_ref().is_some_and(|d| d.active)) {
                state.set(None);
            }
        });
        Self { state }
    }

    /// A press on a row: a drag once the pointer travels. `order` is the list as shown.
    pub fn press(&self, e: &PointerEvent, id: Uuid, order: Vec<Uuid>) {
        if e.button() != 0 || !e.is_primary() {
            return;
        }
        let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        // The row's fields and buttons keep working as fields and buttons.
        if target
            .closest("button, input, select, textarea, a")
            .ok()
            .flatten()
            .is_some()
        {
            return;
        }
        let Some(list) = target
            .closest("[data-sort-list]")
            .ok()
            .flatten()
            .and_then(|l| l.get_attribute("data-sort-list"))
        else {
            return;
        };
        self.state.set(Some(SortDrag {
            id,
            list,
            start_x: f64::from(e.client_x()),
            start_y: f64::from(e.client_y()),
            active: false,
            original: order.clone(),
            order,
        }));
    }

    /// The order to show: the one under the pointer while dragging, else `order`.
    pub fn shown(&self, order: Vec<Uuid>) -> Vec<Uuid> {
        self.state.with(|s| match s {
            Some(d) if d.active => d.order.clone(),
            _ => order,
        })
    }

    /// The row being dragged, if a drag is on.
    pub fn dragging(&self) -> Option<Uuid> {
        self.state.with(|s| s.as_ref().filter(|d| d.active).map(|d| d.id))
    }
}

/// Where the dragged row would go: how many of the other rows have their middle above
/// the pointer. The other rows only shift when the dragged one passes them, so the
/// answer does not flicker.
fn slot_at(list: &str, dragged: Uuid, y: f64) -> Option<usize> {
    let document = web_sys::window()?.document()?;
    let list = document.query_selector(&format!("[data-sort-list='{list}']")).ok()??;
    let rows = list.query_selector_all("[data-sort-id]").ok()?;
    let mut slot = 0;
    for i in 0..rows.length() {
        let Some(row) = rows.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let id = row.get_attribute("data-sort-id").and_then(|v| v.parse::<Uuid>().ok());
        if id == Some(dragged) {
            continue;
        }
        let rect = row.get_bounding_client_rect();
        if y > rect.top() + rect.height() / 2.0 {
            slot += 1;
        }
    }
    Some(slot)
}
