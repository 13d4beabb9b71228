//! Dragging an event to another day, on pointer events (mouse, pen and touch, and what
//! WebDriver drives). A press becomes a drag only after the pointer travels a few
//! pixels, so a click still opens the event; the day under the pointer is marked.

use crate::components::DropClick;
use chrono::NaiveDate;
use leptos::ev;
use leptos::prelude::*;
use leptos_use_document::use_document;
use leptos_use_event_listener::use_event_listener;
use uuid::Uuid;
use web_sys::PointerEvent;

const THRESHOLD_PX: f64 = 6.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drag {
    pub event: Uuid,
    start: (f64, f64),
    pub active: bool,
    pub over: Option<NaiveDate>,
}

#[derive(Clone, Copy)]
pub struct DayDrag {
    pub state: RwSignal<Option<Drag>>,
}

fn day_at(x: f64, y: f64) -> Option<NaiveDate> {
    let element = document().element_from_point(x as f32, y as f32)?;
    let cell = element.closest("[data-day]").ok().flatten()?;
    cell.get_attribute("data-day")?.parse().ok()
}

impl DayDrag {
    pub fn new(on_drop: Callback<(Uuid, NaiveDate)>) -> Self {
        let state = RwSignal::new(None::<Drag>);
        let drop_click = DropClick::new("[data-event-id]");
        let _ = use_event_listener(use_document(), ev::pointermove, move |e: PointerEvent| {
            let Some(mut drag) = state.get_untracked() else { return };
            let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
            if !drag.active && (x - drag.start.0).hypot(y - drag.start.1) < THRESHOLD_PX {
                return;
            }
            e.prevent_default();
            drag.active = true;
            drag.over = day_at(x, y);
            state.set(Some(drag));
        });
        let _ = use_event_listener(use_document(), ev::pointerup, move |_: PointerEvent| {
            let Some(drag) = state.get_untracked() else { return };
            state.set(None);
            if !drag.active {
                return;
            }
            drop_click.dropped();
            if let Some(day) = drag.over {
                on_drop.run((drag.event, day));
            }
        });
        let _ = use_event_listener(use_document(), ev::pointercancel, move |_: PointerEvent| {
            state.set(None)
        });
        let _ = use_event_listener(use_document(), ev::keydown, move |e: ev::KeyboardEvent| {
            if e.key() == "Escape" && state.with_untracked(|s| s.is_some_and(|d| d.active)) {
                state.set(None);
            }
        });
        Self { state }
    }

    pub fn press(&self, e: &PointerEvent, event: Uuid) {
        if e.button() != 0 || !e.is_primary() {
            return;
        }
        self.state.set(Some(Drag {
            event,
            start: (f64::from(e.client_x()), f64::from(e.client_y())),
            active: false,
            over: None,
        }));
    }

    pub fn dragging(&self, event: Uuid) -> bool {
        self.state.with(|s| s.is_some_and(|d| d.active && d.event == event))
    }

    pub fn over(&self, day: NaiveDate) -> bool {
        self.state.with(|s| s.is_some_and(|d| d.active && d.over == Some(day)))
    }
}
