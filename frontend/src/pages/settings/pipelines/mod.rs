//! Settings → Pipelines: the sales process. Everyone sees the pipelines and their stages;
//! managers and admins rename, add, reorder and delete them.

mod stages;
mod store;

use crate::api;
use crate::components::{ConfirmDialog, FormAlert, InlineText, Modal, SkeletonRows, TextField};
use crate::forms::FormState;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::crm::pipelines::{PipelineDto, PipelineInput, PipelineUpdate};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use stages::StageList;
use store::Store;
use uuid::Uuid;

fn pipeline_name_rule(name: &str) -> Option<String> {
    PipelineUpdate {
        name: name.to_owned(),
        is_default: None,
    }
    .validate()
    .into_iter()
    .next()
    .map(|e| e.message)
}

#[component]
pub fn Pipelines() -> impl IntoView {
    let session = use_session();
    let editable = session.can(Permission::EditAllRecords);
    let store = Store::new(use_toasts());
    let loaded = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    Effect::new(move |_| {
        if let Some(Ok(list)) = loaded.get() {
            store.load(list);
        }
    });
    let create_open = RwSignal::new(false);
    let chosen = Memo::new(move |_| store.selected.get());
    let tabs = move || {
        store
            .list
            .get()
            .into_iter()
            .map(|p| {
                let id = p.id;
                let current = move || chosen.get() == Some(id);
                view! {
                    <button
                        type="button"
                        role="tab"
                        class="pipeline-tab"
                        aria-selected=move || current().to_string()
                        data-testid="pipeline-tab"
                        on:click=move |_| store.selected.set(Some(id))
                    >
                        {p.name}
                        {p.is_default.then(|| view! { <span class="badge badge-accent">"Default"</span> })}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card" data-testid="pipeline-settings">
            <div class="pipeline-bar">
                <div class="pipeline-tabs" role="tablist" aria-label="Pipelines">
                    {tabs}
                </div>
                {editable
                    .then(|| {
                        view! {
                            <button class="btn btn-secondary btn-small" data-testid="new-pipeline" on:click=move |_| create_open.set(true)>
                                <Icon icon=icondata::LuPlus />
                                "New pipeline"
                            </button>
                        }
                    })}
            </div>
            {move || match loaded.get() {
                None => view! { <SkeletonRows rows=6 /> }.into_any(),
                Some(Err(e)) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(_)) => {
                    chosen
                        .get()
                        .map(|id| view! { <PipelineEditor id=id store=store editable=editable /> })
                        .into_any()
                }
            }}
        </section>
        <NewPipelineDialog open=create_open store=store />
    }
}

/// One pipeline: its name, whether it is the default, and its stages.
#[component]
fn PipelineEditor(id: Uuid, store: Store, editable: bool) -> impl IntoView {
    let pipeline = Memo::new(move |_| store.find(id));
    let name = Memo::new(move |_| pipeline.get().map(|p| p.name).unwrap_or_default());
    let is_default = Memo::new(move |_| pipeline.get().is_some_and(|p| p.is_default));
    let confirm_open = RwSignal::new(false);
    let confirm_text = Signal::derive(move || {
        format!(
            "“{}” and its stages go away. Only a pipeline without deals can be deleted.",
            name.get()
        )
    });
    let controls = move || {
        if !editable {
            return is_default
                .get()
                .then(|| view! { <span class="badge badge-accent">"Default pipeline"</span> })
                .into_any();
        }
        view! {
            {move || {
                // The default pipeline cannot be deleted: it is not offered.
                if is_default.get() {
                    view! { <span class="badge badge-accent" data-testid="default-badge">"Default pipeline"</span> }.into_any()
                } else {
                    view! {
                        <button class="btn btn-ghost btn-small" data-testid="make-default" on:click=move |_| store.make_default(id)>
                            <Icon icon=icondata::LuStar />
                            "Make default"
                        </button>
                        <button class="btn btn-ghost btn-small btn-danger-text" data-testid="delete-pipeline" on:click=move |_| confirm_open.set(true)>
                            <Icon icon=icondata::LuTrash2 />
                            "Delete pipeline"
                        </button>
                    }
                        .into_any()
                }
            }}
        }
            .into_any()
    };
    view! {
        <div class="pipeline-head">
            {if editable {
                view! {
                    <InlineText
                        value=name
                        label="Pipeline name"
                        validate=pipeline_name_rule
                        on_save=Callback::new(move |new_name| store.rename_pipeline(id, new_name))
                        class="pipeline-name-input"
                    />
                }
                    .into_any()
            } else {
                view! { <h2>{move || name.get()}</h2> }.into_any()
            }}
            <div class="pipeline-actions">{controls}</div>
        </div>
        <StageList pipeline_id=id store=store editable=editable />
        <ConfirmDialog
            open=confirm_open
            title="Delete this pipeline?"
            message=confirm_text
            confirm_label="Delete pipeline"
            on_confirm=Callback::new(move |_| store.delete_pipeline(id))
        />
    }
}

#[component]
fn NewPipelineDialog(open: RwSignal<bool>, store: Store) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let form = FormState::new();
    let request = move || PipelineInput {
        name: name.get().trim().to_owned(),
        stages: Vec::new(),
    };
    let errors = Memo::new(move |_| request().validate());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = untrack(request);
        spawn_local(async move {
            match store.create_pipeline(body.name).await {
                Ok(()) => {
                    form.reset();
                    name.set(String::new());
                    open.set(false);
                }
                Err(error) => form.fail(error),
            }
        });
    };
    view! {
        <Modal open=open title="New pipeline">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="name"
                    label="Name"
                    value=name
                    form=form
                    autocomplete="off"
                    autofocus=true
                    hint="It starts with the standard stages; rename and reorder them after."
                    error=Signal::derive(move || form.error("name", &errors.get()))
                />
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Create pipeline"</button>
                </div>
            </form>
        </Modal>
    }
}
