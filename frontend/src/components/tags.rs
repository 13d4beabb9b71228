//! Tags on a record: chips in each tag's colour, and for those who may edit the record
//! an input that adds tags (the organization's tags suggested as you type, new names
//! allowed) and an × on each chip. Every change is saved at once.

use crate::api::{self, ApiError};
use crate::toast::use_toasts;
use kite_shared::crm::tags::{MAX_TAGS_PER_RECORD, TagDto, check_tag, normalize_tag};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use std::future::Future;

/// The colours a tag can take, as (value, name). A tag without one is drawn neutral.
pub const PALETTE: [(&str, &str); 8] = [
    ("#e5484d", "Red"),
    ("#f76b15", "Orange"),
    ("#d4a106", "Yellow"),
    ("#30a46c", "Green"),
    ("#12a594", "Teal"),
    ("#3e63dd", "Blue"),
    ("#8e4ec6", "Purple"),
    ("#d6409f", "Pink"),
];

/// The chip's colour as a CSS variable, so light and dark themes each mix it their way.
pub fn tag_style(color: Option<&str>) -> String {
    color.map(|c| format!("--tag: {c}")).unwrap_or_default()
}

fn same_tag(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// The organization's tags, for suggestions and colours.
fn load_known() -> LocalResource<Result<Vec<TagDto>, ApiError>> {
    LocalResource::new(|| api::get::<Vec<TagDto>>("/tags"))
}

/// A record's tags. `save` sends the whole new list with the record's update and answers
/// the list the server kept; without `editable` the chips are only shown.
#[component]
pub fn TagEditor<S, Fut>(tags: Vec<String>, editable: bool, save: S) -> impl IntoView
where
    S: Fn(Vec<String>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<String>, ApiError>> + 'static,
{
    let toasts = use_toasts();
    let known = load_known();
    let current = RwSignal::new(tags);
    let draft = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let highlight = RwSignal::new(None::<usize>);
    let problem = RwSignal::new(None::<String>);
    // Only the newest save may put its answer (or its rollback) on screen.
    let latest = StoredValue::new(0u64);
    let known_list = move || known.get().and_then(|r| r.ok()).unwrap_or_default();
    let color_of = move |name: &str| {
        known_list()
            .into_iter()
            .find(|t| same_tag(&t.name, name))
            .and_then(|t| t.color)
    };
    let suggestions = Memo::new(move |_| {
        let typed = normalize_tag(&draft.get()).to_lowercase();
        let have = current.get();
        known_list()
            .into_iter()
            .filter(|t| !have.iter().any(|h| same_tag(h, &t.name)))
            .filter(|t| t.name.to_lowercase().contains(&typed))
            .take(8)
            .map(|t| t.name)
            .collect::<Vec<_>>()
    });
    let persist = move |next: Vec<String>, success: String| {
        let before = current.get_untracked();
        current.set(next.clone());
        let seq = latest.get_value() + 1;
        latest.set_value(seq);
        spawn_local(async move {
            let result = save(next).await;
            // None when the page has gone meanwhile: only the toast is left to show.
            let newest = latest.try_get_value() == Some(seq);
            match result {
                Ok(saved) => {
                    toasts.success(success);
                    if newest {
                        current.set(saved);
                        known.refetch();
                    }
                }
                Err(error) => {
                    toasts.error(format!("The tags were not saved: {}", error.message));
                    if newest {
                        current.set(before);
                    }
                }
            }
        });
    };
    let add = move |raw: String| {
        let name = normalize_tag(&raw);
        if name.is_empty() {
            return;
        }
        if let Some(error) = check_tag("tag", &name) {
            problem.set(Some(error.message));
            return;
        }
        draft.set(String::new());
        highlight.set(None);
        problem.set(None);
        let have = current.get_untracked();
        if have.iter().any(|t| same_tag(t, &name)) {
            return;
        }
        if have.len() >= MAX_TAGS_PER_RECORD {
            problem.set(Some(format!("At most {MAX_TAGS_PER_RECORD} tags on one record.")));
            return;
        }
        // A known tag keeps its own spelling.
        let name = known
            .get_untracked()
            .and_then(|r| r.ok())
            .and_then(|list| list.into_iter().find(|t| same_tag(&t.name, &name)))
            .map_or(name, |t| t.name);
        let mut next = have;
        next.push(name.clone());
        persist(next, format!("Tag “{name}” added."));
    };
    let remove = move |name: String| {
        let next = current.get_untracked().into_iter().filter(|t| *t != name).collect();
        persist(next, format!("Tag “{name}” removed."));
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = suggestions.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                let down = ev.key() == "ArrowDown";
                highlight.update(|h| {
                    *h = Some(match (*h, down) {
                        (None, true) => 0,
                        (None, false) => count - 1,
                        (Some(i), true) => (i + 1) % count,
                        (Some(i), false) => (i + count - 1) % count,
                    })
                });
            }
            // A comma cannot be part of a tag, so it ends one, as in most tag inputs.
            "Enter" | "," => {
                ev.prevent_default();
                let chosen = highlight
                    .get_untracked()
                    .filter(|_| open.get_untracked())
                    .and_then(|i| suggestions.with_untracked(|s| s.get(i).cloned()));
                add(chosen.unwrap_or_else(|| draft.get_untracked()));
            }
            "Escape" => {
                open.set(false);
                highlight.set(None);
            }
            _ => {}
        }
    };
    let chips = move || {
        current
            .get()
            .into_iter()
            .map(|name| {
                let style = tag_style(color_of(&name).as_deref());
                let for_remove = name.clone();
                view! {
                    <li class="tag" style=style data-testid="tag-chip" data-tag=name.clone()>
                        <span class="tag-name">{name.clone()}</span>
                        {editable
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="tag-remove"
                                        aria-label=format!("Remove tag {name}")
                                        data-testid="tag-remove"
                                        on:click=move |_| remove(for_remove.clone())
                                    >
                                        <Icon icon=icondata::LuX />
                                    </button>
                                }
                            })}
                    </li>
                }
            })
            .collect_view()
    };
    let listbox = move || {
        let list = suggestions.get();
        (editable && open.get() && !list.is_empty()).then(|| {
            view! {
                <ul class="tag-suggestions" id="tag-suggestions" role="listbox" aria-label="Known tags">
                    {list
                        .into_iter()
                        .enumerate()
                        .map(|(i, name)| {
                            let style = tag_style(color_of(&name).as_deref());
                            let for_add = name.clone();
                            view! {
                                <li
                                    id=format!("tag-suggestion-{i}")
                                    class="tag-suggestion"
                                    role="option"
                                    aria-selected=move || (highlight.get() == Some(i)).to_string()
                                    // Before the input's blur, so the choice is not lost.
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        add(for_add.clone());
                                    }
                                >
                                    <span class="tag-dot" style=style></span>
                                    {name}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })
    };
    view! {
        <div class="tag-editor" data-testid="tag-editor">
            <ul class="tag-list" aria-label="Tags">
                {chips}
                {move || (!editable && current.with(Vec::is_empty)).then(|| view! { <li class="muted">"No tags"</li> })}
            </ul>
            {editable
                .then(|| {
                    view! {
                        <div class="tag-input-wrap">
                            <input
                                type="text"
                                class="tag-input"
                                placeholder="Add a tag…"
                                aria-label="Add a tag"
                                role="combobox"
                                aria-autocomplete="list"
                                aria-controls="tag-suggestions"
                                aria-expanded=move || (open.get() && !suggestions.with(Vec::is_empty)).to_string()
                                aria-activedescendant=move || highlight.get().map(|i| format!("tag-suggestion-{i}"))
                                aria-invalid=move || problem.get().is_some().to_string()
                                autocomplete="off"
                                maxlength=60
                                data-testid="tag-input"
                                prop:value=move || draft.get()
                                on:input=move |ev| {
                                    draft.set(event_target_value(&ev));
                                    problem.set(None);
                                    highlight.set(None);
                                    open.set(true);
                                }
                                on:focus=move |_| open.set(true)
                                on:blur=move |_| {
                                    open.set(false);
                                    highlight.set(None);
                                }
                                on:keydown=on_keydown
                            />
                            {listbox}
                            <p class="field-error" role="alert">{move || problem.get()}</p>
                        </div>
                    }
                })}
        </div>
    }
}

/// A row of swatches to pick a tag's colour from, "none" first.
#[component]
pub fn Palette(
    #[prop(into)] value: Signal<Option<String>>,
    on_pick: Callback<Option<String>>,
    /// Names the group, e.g. "Colour of vip".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let choices = std::iter::once((None, "No colour"))
        .chain(PALETTE.iter().map(|(c, n)| (Some((*c).to_owned()), *n)))
        .collect::<Vec<_>>();
    view! {
        <div class="palette" role="radiogroup" aria-label=label>
            {choices
                .into_iter()
                .map(|(color, name)| {
                    let style = tag_style(color.as_deref());
                    let checked = {
                        let color = color.clone();
                        move || value.with(|v| v.as_deref().map(str::to_lowercase) == color.as_deref().map(str::to_lowercase))
                    };
                    view! {
                        <button
                            type="button"
                            class="swatch"
                            class:swatch-none=color.is_none()
                            style=style
                            role="radio"
                            aria-checked=move || checked().to_string()
                            aria-label=name
                            title=name
                            data-color=color.clone().unwrap_or_default()
                            on:click=move |_| on_pick.run(color.clone())
                        ></button>
                    }
                })
                .collect_view()}
        </div>
    }
}
