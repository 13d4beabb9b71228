//! "Move to…": the keyboard way to do what dragging does, and the question every move
//! into a lost stage must answer first (why it was lost).

use kite_shared::crm::pipelines::{StageDto, StageKind};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_use_document::use_document;
use leptos_use_event_listener::use_event_listener;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct MovePrompt {
    pub deal_id: Uuid,
    pub title: String,
    pub current: Uuid,
    /// Every stage of the pipeline, won and lost included.
    pub stages: Vec<StageDto>,
    /// Given, the deal is already headed there and only the reason is asked.
    pub lost: Option<StageDto>,
}

pub struct MoveChoice {
    pub prompt: MovePrompt,
    pub to: StageDto,
    pub lost_reason: Option<String>,
}

#[component]
pub fn MoveDialog(prompt: RwSignal<Option<MovePrompt>>, on_move: Callback<MoveChoice>) -> impl IntoView {
    let _ = use_event_listener(use_document(), leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && prompt.with_untracked(Option::is_some) {
            prompt.set(None);
        }
    });
    view! {
        {move || {
            prompt
                .get()
                .map(|p| {
                    view! {
                        <div class="modal-backdrop" on:click=move |_| prompt.set(None)></div>
                        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="move-dialog-title">
                            <MoveDialogBody prompt=p on_move=on_move close=Callback::new(move |_| prompt.set(None)) />
                        </div>
                    }
                })
        }}
    }
}

#[component]
fn MoveDialogBody(prompt: MovePrompt, on_move: Callback<MoveChoice>, close: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(prompt.lost.clone());
    let reason = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let missing = move || reason.with(|r| r.trim().is_empty());
    let choose = {
        let prompt = prompt.clone();
        move |to: StageDto, lost_reason: Option<String>| {
            close.run(());
            on_move.run(MoveChoice {
                prompt: prompt.clone(),
                to,
                lost_reason,
            });
        }
    };
    let on_submit = {
        let choose = choose.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            tried.set(true);
            if missing() {
                return;
            }
            if let Some(stage) = asking.get_untracked() {
                choose(stage, Some(reason.get_untracked().trim().to_owned()));
            }
        }
    };
    let title = prompt.title.clone();
    let options = prompt.stages.clone();
    let current = prompt.current;
    view! {
        <Show
            when=move || asking.with(Option::is_some)
            fallback={
                let (title, options, choose) = (title.clone(), options.clone(), choose.clone());
                move || {
                    view! {
                        <h2 class="modal-title" id="move-dialog-title">{format!("Move {title}")}</h2>
                        <ul class="move-options" data-testid="move-options">
                            {options
                                .iter()
                                .cloned()
                                .map(|stage| {
                                    let here = stage.id == current;
                                    let choose = choose.clone();
                                    let (name, kind) = (stage.name.clone(), stage.kind);
                                    let attr = name.clone();
                                    view! {
                                        <li>
                                            <button
                                                type="button"
                                                class="move-option"
                                                class:move-option-won=kind == StageKind::Won
                                                class:move-option-lost=kind == StageKind::Lost
                                                data-stage-name=attr
                                                disabled=here
                                                aria-current=here.then_some("step")
                                                on:click=move |_| {
                                                    if kind == StageKind::Lost {
                                                        asking.set(Some(stage.clone()));
                                                    } else {
                                                        choose(stage.clone(), None);
                                                    }
                                                }
                                            >
                                                {name}
                                                {here.then(|| view! { <span class="badge">"Now"</span> })}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        <div class="modal-actions">
                            <button type="button" class="btn btn-ghost" on:click=move |_| close.run(())>"Cancel"</button>
                        </div>
                    }
                }
            }
        >
            <h2 class="modal-title" id="move-dialog-title">"Why was it lost?"</h2>
            <form class="form" on:submit=on_submit.clone() novalidate=true>
                <p class="modal-text">{format!("{title} moves to Lost. The reason helps the team learn from it.")}</p>
                <div class="field" class:field-invalid=move || tried.get() && missing()>
                    <label for="field-lost_reason">"Lost reason"</label>
                    <textarea
                        id="field-lost_reason"
                        name="lost_reason"
                        rows=3
                        autofocus=true
                        aria-describedby="field-lost_reason-error"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                    <p class="field-error" id="field-lost_reason-error" role="alert">
                        {move || (tried.get() && missing()).then_some("Say why the deal was lost.")}
                    </p>
                </div>
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| close.run(())>"Cancel"</button>
                    <button type="submit" class="btn btn-danger">"Mark as lost"</button>
                </div>
            </form>
        </Show>
    }
}
