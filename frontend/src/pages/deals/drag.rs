//! Drag and drop of deal cards on pointer events, so mouse, pen and touch all work and
//! WebDriver actions can drive it (the HTML5 drag-and-drop API does neither). A press
//! becomes a drag only after the pointer travels a few pixels, so a click still opens
//! the deal; while dragging, a floating copy follows the pointer and a marker shows
//! where the card would land.

use crate::components::DropClick;
use kite_shared::crm::deals::DealCard;
use leptos::ev;
use leptos::prelude::*;
use leptos_use_document::use_document;
use leptos_use_event_listener::use_event_listener;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent};

const THRESHOLD_PX: f64 = 6.0;
/// Half the gap between cards, where the marker sits.
const HALF_GAP_PX: f64 = 4.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub card: DealCard,
    pub from: Uuid,
    start: (f64, f64),
    /// Where inside the card the pointer took hold, so the copy does not jump.
    grab: (f64, f64),
    width: f64,
    pos: (f64, f64),
    pub active: bool,
    /// The stage (column or won/lost zone) under the pointer.
    pub over: Option<Uuid>,
    /// The card the dragged one would land under; none for the top.
    pub after: Option<Uuid>,
    /// The marker's offset from the top of the column's card list.
    pub marker: Option<f64>,
}

impl Drag {
    pub fn ghost_style(&self) -> String {
        format!(
            "left: {}px; top: {}px; width: {}px",
            self.pos.0 - self.grab.0,
            self.pos.1 - self.grab.1,
            self.width
        )
    }
}

pub struct Dropped {
    pub card: DealCard,
    pub from: Uuid,
    pub to: Uuid,
    pub after: Option<Uuid>,
}

#[derive(Clone, Copy)]
pub struct DragController {
    pub state: RwSignal<Option<Drag>>,
    drop_click: DropClick,
}

impl DragController {
    pub fn new(on_drop: Callback<Dropped>) -> Self {
        let state = RwSignal::new(None::<Drag>);
        let drop_click = DropClick::new("[data-deal-id]");
        // Listening on the document keeps the drag alive wherever the pointer goes.
        let _ = use_event_listener(use_document(), ev::pointermove, move |e: PointerEvent| {
            let Some(mut drag) = state.get_untracked() else { return };
            let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
            if !drag.active && (x - drag.start.0).hypot(y - drag.start.1) < THRESHOLD_PX {
                return;
            }
            e.prevent_default();
            drag.active = true;
            drag.pos = (x, y);
            let (over, after, marker) = target_at(x, y, drag.card.id).unwrap_or((None, None, None));
            drag.over = over;
            drag.after = after;
            drag.marker = marker;
            state.set(Some(drag));
        });
        let _ = use_event_listener(use_document(), ev::pointerup, move |_: PointerEvent| {
            let Some(drag) = state.get_untracked() else { return };
            state.set(None);
            if !drag.active {
                return;
            }
            drop_click.dropped();
            if let Some(to) = drag.over {
                on_drop.run(Dropped {
                    card: drag.card,
                    from: drag.from,
                    to,
                    after: drag.after,
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
        Self { state, drop_click }
    }

    /// A press on a card: remembered, and a drag once the pointer travels.
    pub fn press(&self, e: &PointerEvent, card: DealCard, from: Uuid) {
        if e.button() != 0 || !e.is_primary() {
            return;
        }
        let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        // The card's own buttons keep working as buttons.
        if target
            .closest("button, input, select, textarea")
            .ok()
            .flatten()
            .is_some()
        {
            return;
        }
        let Some(element) = target.closest("[data-deal-id]").ok().flatten() else {
            return;
        };
        let rect = element.get_bounding_client_rect();
        let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
        self.drop_click.reset();
        self.state.set(Some(Drag {
            card,
            from,
            start: (x, y),
            grab: (x - rect.left(), y - rect.top()),
            width: rect.width(),
            pos: (x, y),
            active: false,
            over: None,
            after: None,
            marker: None,
        }));
    }

    pub fn active(&self) -> bool {
        self.state.with(|s| s.as_ref().is_some_and(|d| d.active))
    }

    pub fn active_untracked(&self) -> bool {
        self.state.with_untracked(|s| s.as_ref().is_some_and(|d| d.active))
    }
}

type Target = (Option<Uuid>, Option<Uuid>, Option<f64>);

/// The drop zone under the point, and for a column the card above the drop point (by the
/// cards' midpoints) and where the marker goes.
fn target_at(x: f64, y: f64, dragged: Uuid) -> Option<Target> {
    let document = web_sys::window()?.document()?;
    let hit = document.element_from_point(x as f32, y as f32)?;
    let zone = hit.closest("[data-drop-stage]").ok()??;
    let stage: Uuid = zone.get_attribute("data-drop-stage")?.parse().ok()?;
    let Some(list) = zone.query_selector(".board-cards").ok().flatten() else {
        return Some((Some(stage), None, None));
    };
    let top = list.get_bounding_client_rect().top();
    let cards = list.query_selector_all("[data-deal-id]").ok()?;
    let mut after = None;
    let mut marker = 0.0;
    for i in 0..cards.length() {
        let Some(card) = cards.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let Some(id) = card.get_attribute("data-deal-id").and_then(|v| v.parse::<Uuid>().ok()) else {
            continue;
        };
        if id == dragged {
            continue;
        }
        let rect = card.get_bounding_client_rect();
        if y < rect.top() + rect.height() / 2.0 {
            break;
        }
        after = Some(id);
        marker = rect.bottom() + HALF_GAP_PX - top;
    }
    Some((Some(stage), after, Some(marker + f64::from(list.scroll_top()))))
}
