//! Which columns a list shows: chosen in a menu of checkboxes and remembered per list in
//! localStorage, so the choice survives a reload and belongs to this browser only.

use super::Column;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_use_on_click_outside::on_click_outside;

fn storage_key(list: &str) -> String {
    format!("kite-columns-{list}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn saved(list: &str) -> Option<Vec<String>> {
    let text = storage()?.get_item(&storage_key(list)).ok()??;
    serde_json::from_str(&text).ok()
}

fn save(list: &str, keys: &[&'static str]) {
    // Private browsing may refuse storage; the choice then lasts until the page closes.
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(keys)) {
        let _ = storage.set_item(&storage_key(list), &text);
    }
}

/// The keys of the columns to show, in the list's order. A saved choice that names no
/// column any more (renamed since) falls back to the defaults rather than an empty table.
pub fn load_visible<T>(list: &str, columns: &[Column<T>]) -> RwSignal<Vec<&'static str>> {
    let chosen: Vec<&'static str> = match saved(list) {
        Some(keys) => columns
            .iter()
            .filter(|c| keys.iter().any(|k| k == c.key))
            .map(|c| c.key)
            .collect(),
        None => Vec::new(),
    };
    let visible = if chosen.is_empty() {
        columns.iter().filter(|c| c.shown_by_default).map(|c| c.key).collect()
    } else {
        chosen
    };
    RwSignal::new(visible)
}

/// The "Columns" button and its menu. The last shown column cannot be unticked: a
/// table without columns would show nothing to tick it back from.
#[component]
pub fn ColumnChooser(
    /// `(key, label)` of every column, in the list's order.
    options: Vec<(&'static str, &'static str)>,
    visible: RwSignal<Vec<&'static str>>,
    list: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let menu = NodeRef::<leptos::html::Div>::new();
    let _ = on_click_outside(menu, move |_| open.set(false));
    let order: Vec<&'static str> = options.iter().map(|(key, _)| *key).collect();
    let toggle = move |key: &'static str, on: bool| {
        visible.update(|v| {
            if on {
                if !v.contains(&key) {
                    v.push(key);
                }
            } else if v.len() > 1 {
                v.retain(|k| *k != key);
            }
            v.sort_by_key(|k| order.iter().position(|o| o == k));
        });
        visible.with_untracked(|v| save(list, v));
    };
    view! {
        <div
            class="column-chooser"
            node_ref=menu
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="btn btn-secondary btn-small"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                data-testid="column-chooser"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <Icon icon=icondata::LuColumns3 />
                "Columns"
            </button>
            <Show when=move || open.get()>
                <div class="menu column-menu" role="group" aria-label="Columns to show">
                    <span class="menu-label">"Show columns"</span>
                    {options
                        .iter()
                        .map(|&(key, label)| {
                            let checked = move || visible.with(|v| v.contains(&key));
                            let last = move || visible.with(|v| v.len() == 1 && v.contains(&key));
                            let toggle = toggle.clone();
                            view! {
                                <label class="menu-check">
                                    <input
                                        type="checkbox"
                                        name=key
                                        prop:checked=checked
                                        disabled=last
                                        on:change=move |ev| toggle(key, event_target_checked(&ev))
                                    />
                                    {label}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
        </div>
    }
}
