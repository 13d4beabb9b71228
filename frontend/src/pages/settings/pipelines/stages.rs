//! A pipeline's stages as a vertical list: open stages in board order (dragged by their
//! handle, or moved with their arrow buttons), then the fixed won and lost stages.

use super::store::{MovePrompt, Store};
use crate::components::{ConfirmDialog, InlineText, Sortable, Sorted};
use kite_shared::crm::pipelines::{StageDto, StageInput, StageKind};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_use_document::use_document;
use leptos_use_event_listener::use_event_listener;
use std::time::Duration;
use uuid::Uuid;
use wasm_bindgen::JsCast;

fn stage_name_rule(name: &str) -> Option<String> {
    StageInput {
        name: name.to_owned(),
        probability: None,
    }
    .validate("")
    .into_iter()
    .next()
    .map(|e| e.message)
}

fn probability_rule(raw: &str) -> Option<String> {
    match raw.trim().trim_end_matches('%').trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => None,
        _ => Some("Use a whole number from 0 to 100.".into()),
    }
}

#[component]
pub fn StageList(pipeline_id: Uuid, store: Store, editable: bool) -> impl IntoView {
    let stage_ids = move |open: bool| {
        store.list.with(|l| {
            l.iter()
                .find(|p| p.id == pipeline_id)
                .map(|p| {
                    p.stages
                        .iter()
                        .filter(|s| (s.kind == StageKind::Open) == open)
                        .map(|s| s.id)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let open_ids = Memo::new(move |_| stage_ids(true));
    let closed_ids = Memo::new(move |_| stage_ids(false));
    let sortable = Sortable::new(Callback::new(move |sorted: Sorted| {
        store.reorder(pipeline_id, sorted.id, sorted.order)
    }));
    let shown = Memo::new(move |_| sortable.shown(open_ids.get()));
    let move_by = Callback::new(move |(id, up): (Uuid, bool)| {
        let mut order = open_ids.get_untracked();
        let Some(index) = order.iter().position(|s| *s == id) else {
            return;
        };
        let other = if up { index.checked_sub(1) } else { Some(index + 1) };
        let Some(other) = other.filter(|o| *o < order.len()) else {
            return;
        };
        order.swap(index, other);
        store.reorder(pipeline_id, id, order);
        refocus(id, up);
    });
    let doomed = RwSignal::new(None::<StageDto>);
    let confirm_open = RwSignal::new(false);
    let confirm_text = Signal::derive(move || {
        doomed
            .with(|d| d.as_ref().map(|s| s.name.clone()))
            .map(|name| {
                format!("“{name}” goes away from this pipeline. If deals are in it, you choose where they move.")
            })
            .unwrap_or_default()
    });
    let ask_delete = Callback::new(move |stage: StageDto| {
        doomed.set(Some(stage));
        confirm_open.set(true);
    });
    view! {
        <div class="stage-section">
            <div class="stage-section-head">
                <h3 class="detail-heading">"Stages"</h3>
                {editable.then(|| view! { <p class="muted small">"Drag a stage by its handle, or use its arrows, to change the order of the board."</p> })}
            </div>
            <ol class="stage-list" data-sort-list="stages" data-testid="stage-list">
                <For each=move || shown.get() key=|id| *id let:id>
                    <StageRow
                        id=id
                        store=store
                        editable=editable
                        sortable=sortable
                        order=shown
                        move_by=move_by
                        on_delete=ask_delete
                    />
                </For>
            </ol>
            <ol class="stage-list stage-list-fixed" aria-label="Closing stages">
                <For each=move || closed_ids.get() key=|id| *id let:id>
                    <FixedStageRow id=id store=store editable=editable />
                </For>
            </ol>
            {editable.then(|| view! { <AddStage pipeline_id=pipeline_id store=store /> })}
        </div>
        <ConfirmDialog
            open=confirm_open
            title="Delete this stage?"
            message=confirm_text
            confirm_label="Delete stage"
            on_confirm=Callback::new(move |_| {
                if let Some(stage) = doomed.get_untracked() {
                    store.delete_stage(stage, None);
                }
            })
        />
        <MoveDealsDialog store=store />
    }
}

/// Moving a row takes it out of the page for a moment, which drops the focus; the
/// keyboard user keeps going from the same button (or its twin at the list's end).
fn refocus(id: Uuid, up: bool) {
    set_timeout(
        move || {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let find = |direction: &str| {
                document
                    .query_selector(&format!(
                        "[data-sort-id='{id}'] [data-move='{direction}']:not(:disabled)"
                    ))
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            };
            let (same, other) = if up { ("up", "down") } else { ("down", "up") };
            if let Some(button) = find(same).or_else(|| find(other)) {
                let _ = button.focus();
            }
        },
        Duration::ZERO,
    );
}

#[component]
fn StageRow(
    id: Uuid,
    store: Store,
    editable: bool,
    sortable: Sortable,
    order: Memo<Vec<Uuid>>,
    move_by: Callback<(Uuid, bool)>,
    on_delete: Callback<StageDto>,
) -> impl IntoView {
    let stage = Memo::new(move |_| store.stage(id));
    let name = Memo::new(move |_| stage.get().map(|s| s.name).unwrap_or_default());
    let probability = Memo::new(move |_| stage.get().map(|s| s.probability.to_string()).unwrap_or_default());
    let index = move || order.with(|o| o.iter().position(|s| *s == id));
    let first = move || index() == Some(0);
    let last = move || order.with(|o| o.last() == Some(&id));
    let dragging = move || sortable.dragging() == Some(id);
    let rename = Callback::new(move |new_name: String| {
        let Some(before) = stage.get_untracked() else { return };
        let success = format!("Stage “{}” renamed to “{new_name}”.", before.name);
        let input = StageInput {
            name: new_name,
            probability: None,
        };
        store.update_stage(id, input, success);
    });
    let reprobability = Callback::new(move |raw: String| {
        let Some(before) = stage.get_untracked() else { return };
        let Ok(p) = raw.trim_end_matches('%').trim().parse::<i32>() else {
            return;
        };
        let input = StageInput {
            name: before.name.clone(),
            probability: Some(p),
        };
        store.update_stage(id, input, format!("“{}” now starts deals at {p}%.", before.name));
    });
    if !editable {
        return view! {
            <li class="stage-row" data-testid="stage-row" data-stage-name=move || name.get()>
                <span class="stage-handle stage-kind muted">{move || index().map(|i| i + 1)}</span>
                <span class="stage-name">{move || name.get()}</span>
                <span class="stage-probability muted">{move || format!("{}%", probability.get())}</span>
            </li>
        }
        .into_any();
    }
    view! {
        <li
            class="stage-row stage-row-movable"
            class:stage-row-dragging=dragging
            data-sort-id=id.to_string()
            data-stage-name=move || name.get()
            data-testid="stage-row"
            on:pointerdown=move |e| sortable.press(&e, id, order.get_untracked())
        >
            <span class="stage-handle" title="Drag to reorder" aria-hidden="true" data-testid="stage-handle">
                <Icon icon=icondata::LuGripVertical />
            </span>
            <InlineText
                value=name
                label=Signal::derive(move || format!("Name of stage {}", name.get()))
                validate=stage_name_rule
                on_save=rename
                class="stage-name-input"
            />
            <span class="stage-probability" title="Win probability of deals entering the stage">
                <InlineText
                    value=probability
                    label=Signal::derive(move || format!("Probability of {}", name.get()))
                    validate=probability_rule
                    on_save=reprobability
                    class="probability-input"
                    inputmode="numeric"
                    maxlength=4
                />
                "%"
            </span>
            <span class="stage-actions">
                <button
                    type="button"
                    class="icon-button"
                    data-move="up"
                    aria-label=move || format!("Move {} up", name.get())
                    title="Move up"
                    disabled=first
                    on:click=move |_| move_by.run((id, true))
                >
                    <Icon icon=icondata::LuArrowUp />
                </button>
                <button
                    type="button"
                    class="icon-button"
                    data-move="down"
                    aria-label=move || format!("Move {} down", name.get())
                    title="Move down"
                    disabled=last
                    on:click=move |_| move_by.run((id, false))
                >
                    <Icon icon=icondata::LuArrowDown />
                </button>
                <button
                    type="button"
                    class="icon-button icon-button-danger"
                    aria-label=move || format!("Delete {}", name.get())
                    title="Delete"
                    data-testid="delete-stage"
                    on:click=move |_| {
                        if let Some(s) = stage.get_untracked() {
                            on_delete.run(s);
                        }
                    }
                >
                    <Icon icon=icondata::LuTrash2 />
                </button>
            </span>
        </li>
    }
    .into_any()
}

/// Won or lost: last on every board, never moved or deleted, with a fixed probability.
#[component]
fn FixedStageRow(id: Uuid, store: Store, editable: bool) -> impl IntoView {
    let stage = Memo::new(move |_| store.stage(id));
    let name = Memo::new(move |_| stage.get().map(|s| s.name).unwrap_or_default());
    let won = move || stage.get().is_some_and(|s| s.kind == StageKind::Won);
    let probability = move || stage.get().map_or(0, |s| s.probability);
    let rename = Callback::new(move |new_name: String| {
        let Some(before) = stage.get_untracked() else { return };
        let success = format!("Stage “{}” renamed to “{new_name}”.", before.name);
        let input = StageInput {
            name: new_name,
            probability: None,
        };
        store.update_stage(id, input, success);
    });
    view! {
        <li
            class="stage-row stage-row-fixed"
            class:stage-row-won=won
            class:stage-row-lost=move || !won()
            data-stage-name=move || name.get()
            data-testid="stage-row"
        >
            <span class="stage-handle stage-kind" aria-hidden="true">
                {move || if won() { view! { <Icon icon=icondata::LuTrophy /> } } else { view! { <Icon icon=icondata::LuCircleX /> } }}
            </span>
            {if editable {
                view! {
                    <InlineText
                        value=name
                        label=Signal::derive(move || format!("Name of stage {}", name.get()))
                        validate=stage_name_rule
                        on_save=rename
                        class="stage-name-input"
                    />
                }
                    .into_any()
            } else {
                view! { <span class="stage-name">{move || name.get()}</span> }.into_any()
            }}
            <span class="stage-probability muted" title="Fixed for the closing stages">{move || format!("{}%", probability())}</span>
            {editable.then(|| view! { <span class="stage-actions stage-actions-note muted small">{move || if won() { "Won deals" } else { "Lost deals" }}</span> })}
        </li>
    }
}

#[component]
fn AddStage(pipeline_id: Uuid, store: Store) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error = Memo::new(move |_| {
        problem
            .get()
            .or_else(|| tried.get().then(|| stage_name_rule(name.get().trim())).flatten())
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        problem.set(None);
        let input = StageInput {
            name: name.get_untracked().trim().to_owned(),
            probability: None,
        };
        if !input.validate("").is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match store.add_stage(pipeline_id, input).await {
                Ok(()) => {
                    name.set(String::new());
                    tried.set(false);
                }
                Err(e) => problem.set(Some(e.errors.first().map_or(e.message, |f| f.message.clone()))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="add-stage" on:submit=on_submit novalidate=true>
            <div class="field" class:field-invalid=move || error.get().is_some()>
                <input
                    type="text"
                    placeholder="New stage name"
                    aria-label="New stage name"
                    aria-describedby="add-stage-error"
                    maxlength=60
                    autocomplete="off"
                    data-testid="new-stage-name"
                    prop:value=move || name.get()
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        problem.set(None);
                    }
                />
                <p class="field-error" id="add-stage-error" role="alert">{move || error.get()}</p>
            </div>
            <button type="submit" class="btn btn-secondary" disabled=move || busy.get()>
                <Icon icon=icondata::LuPlus />
                "Add stage"
            </button>
        </form>
    }
}

/// The server refused to delete a stage that holds deals: choose where they go, and
/// the deletion is tried again with that stage.
#[component]
fn MoveDealsDialog(store: Store) -> impl IntoView {
    let _ = use_event_listener(use_document(), leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && store.moving.with_untracked(Option::is_some) {
            store.moving.set(None);
        }
    });
    move || {
        store.moving.get().map(|prompt| {
            view! {
                <div class="modal-backdrop" on:click=move |_| store.moving.set(None)></div>
                <div class="modal" role="dialog" aria-modal="true" aria-labelledby="move-deals-title" data-testid="move-deals-dialog">
                    <MoveDealsForm prompt=prompt store=store />
                </div>
            }
        })
    }
}

#[component]
fn MoveDealsForm(prompt: MovePrompt, store: Store) -> impl IntoView {
    let targets: Vec<StageDto> = store
        .find(prompt.stage.pipeline_id)
        .map(|p| {
            p.stages
                .into_iter()
                .filter(|s| s.kind == StageKind::Open && s.id != prompt.stage.id)
                .collect()
        })
        .unwrap_or_default();
    let choice = RwSignal::new(targets.first().map(|s| s.id));
    let count = if prompt.deals == 1 {
        "1 deal".to_owned()
    } else {
        format!("{} deals", prompt.deals)
    };
    let stage = prompt.stage.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(target) = choice.get_untracked() {
            store.delete_stage(stage.clone(), Some(target));
        }
    };
    view! {
        <h2 class="modal-title" id="move-deals-title">{format!("Move its {count} to…")}</h2>
        <form class="form" on:submit=on_submit novalidate=true>
            <p class="modal-text">
                {format!(
                    "“{}” holds {count} (trashed ones included). Each move is kept in the deal's stage history; then the stage is deleted.",
                    prompt.stage.name,
                )}
            </p>
            <fieldset class="move-targets">
                <legend class="visually-hidden">"Move the deals to"</legend>
                {targets
                    .into_iter()
                    .map(|s| {
                        let id = s.id;
                        view! {
                            <label class="move-target">
                                <input
                                    type="radio"
                                    name="move_deals_to"
                                    value=id.to_string()
                                    data-stage-name=s.name.clone()
                                    prop:checked=move || choice.get() == Some(id)
                                    on:change=move |_| choice.set(Some(id))
                                />
                                <span>{s.name.clone()}</span>
                                <span class="muted small">{format!("{}%", s.probability)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| store.moving.set(None)>"Cancel"</button>
                <button type="submit" class="btn btn-danger" disabled=move || choice.get().is_none()>"Move and delete"</button>
            </div>
        </form>
    }
}
