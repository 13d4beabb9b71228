//! A move into a guarded stage becomes a request: the dialog says whose sign-off it
//! needs, takes a note for the approvers, and sends it.

use crate::api;
use crate::toast::use_toasts;
use kite_shared::approvals::{ApprovalRequestDto, NewApprovalRequest, check_comment};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// What a move answered with 409 `approval_required` says.
#[derive(Clone, Debug, PartialEq)]
pub struct ApprovalAsk {
    pub deal_id: Uuid,
    pub title: String,
    pub stage_id: Uuid,
    pub stage_name: String,
    pub workflow_name: String,
    pub steps: Vec<String>,
}

impl ApprovalAsk {
    /// The ask in a refused move's answer, if that is why it was refused.
    pub fn from_error(deal_id: Uuid, title: &str, error: &api::ApiError) -> Option<ApprovalAsk> {
        if error.code != "approval_required" {
            return None;
        }
        let details = error.details.as_ref()?;
        Some(ApprovalAsk {
            deal_id,
            title: title.to_owned(),
            stage_id: details["stage_id"].as_str()?.parse().ok()?,
            stage_name: details["stage_name"].as_str()?.to_owned(),
            workflow_name: details["workflow_name"].as_str()?.to_owned(),
            steps: details["steps"]
                .as_array()
                .map(|s| s.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
        })
    }
}

#[component]
pub fn ApprovalDialog(ask: RwSignal<Option<ApprovalAsk>>, on_sent: Callback<ApprovalRequestDto>) -> impl IntoView {
    view! {
        {move || {
            ask.get()
                .map(|a| {
                    view! {
                        <div class="modal-backdrop" on:click=move |_| ask.set(None)></div>
                        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="approval-dialog-title" data-testid="approval-dialog">
                            <ApprovalDialogBody ask=a close=Callback::new(move |_| ask.set(None)) on_sent=on_sent />
                        </div>
                    }
                })
        }}
    }
}

#[component]
fn ApprovalDialogBody(ask: ApprovalAsk, close: Callback<()>, on_sent: Callback<ApprovalRequestDto>) -> impl IntoView {
    let toasts = use_toasts();
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = move || note.with(|n| check_comment("note", Some(n), false)).map(|e| e.message);
    let (deal_id, stage_id) = (ask.deal_id, ask.stage_id);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if error().is_some() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let text = note.get_untracked().trim().to_owned();
        let body = NewApprovalRequest {
            deal_id,
            stage_id,
            note: (!text.is_empty()).then_some(text),
        };
        spawn_local(async move {
            let answer = api::post::<ApprovalRequestDto>("/approvals", &body).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(request) => {
                    toasts.success("Sent for approval: the deal moves once it is approved.");
                    close.run(());
                    on_sent.run(request);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    view! {
        <h2 class="modal-title" id="approval-dialog-title">"Approval needed"</h2>
        <form class="form" on:submit=on_submit novalidate=true>
            <p class="modal-text">
                {format!(
                    "Moving {} to {} needs the sign-off of “{}”: {}. The deal stays where it is until then.",
                    ask.title,
                    ask.stage_name,
                    ask.workflow_name,
                    ask.steps.join(", then "),
                )}
            </p>
            <div class="field" class:field-invalid=move || error().is_some()>
                <label for="field-note">"Note for the approvers (optional)"</label>
                <textarea
                    id="field-note"
                    name="note"
                    rows=3
                    autofocus=true
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
                <p class="field-error" role="alert">{error}</p>
            </div>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| close.run(())>"Cancel"</button>
                <button type="submit" class="btn btn-primary" data-testid="request-approval" disabled=move || busy.get()>
                    "Ask for approval"
                </button>
            </div>
        </form>
    }
}
