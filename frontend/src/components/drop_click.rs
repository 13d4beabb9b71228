//! A drag that ends over the element it started on makes the browser send a click too.
//! This swallows that one click, so dropping a card or an event does not also open it.

use leptos::ev;
use leptos::prelude::*;
use leptos_use_document::use_document;
use leptos_use_event_listener::{UseEventListenerOptions, use_event_listener_with_options};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// A click this soon after a drop ended is the tail of the drag, not a wish to open.
const CLICK_AFTER_DROP_MS: f64 = 300.0;

#[derive(Clone, Copy)]
pub struct DropClick {
    dropped_at: StoredValue<f64>,
}

impl DropClick {
    /// Listens for clicks on elements inside `dragged` (a CSS selector) while the
    /// calling component lives.
    pub fn new(dragged: &'static str) -> Self {
        let dropped_at = StoredValue::new(f64::MIN);
        // Capturing runs before the element's own handlers and the router's link handling.
        let _ = use_event_listener_with_options(
            use_document(),
            ev::click,
            move |e: ev::MouseEvent| {
                let recent = js_sys::Date::now() - dropped_at.get_value() < CLICK_AFTER_DROP_MS;
                dropped_at.set_value(f64::MIN);
                // Only the dragged kind: the next click elsewhere (a dialog's button) is meant.
                let on_dragged = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest(dragged).ok().flatten())
                    .is_some();
                if recent && on_dragged {
                    e.prevent_default();
                    e.stop_propagation();
                }
            },
            UseEventListenerOptions::default().capture(true),
        );
        Self { dropped_at }
    }

    /// A drop just ended.
    pub fn dropped(&self) {
        self.dropped_at.set_value(js_sys::Date::now());
    }

    /// A new press: whatever came before is over.
    pub fn reset(&self) {
        self.dropped_at.set_value(f64::MIN);
    }
}
