//! Approve, reject (which must say why), withdraw or comment, with a comment box.

use crate::api;
use crate::toast::use_toasts;
use kite_shared::approvals::{ApprovalRequestDto, DecisionInput, check_comment};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Approve,
    Reject,
    Withdraw,
    Comment,
}

impl Verb {
    fn path(self) -> &'static str {
        match self {
            Verb::Approve => "approve",
            Verb::Reject => "reject",
            Verb::Withdraw => "withdraw",
            Verb::Comment => "comment",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Verb::Approve => "Approve",
            Verb::Reject => "Reject",
            Verb::Withdraw => "Withdraw request",
            Verb::Comment => "Add comment",
        }
    }

    fn comment_required(self) -> bool {
        matches!(self, Verb::Reject | Verb::Comment)
    }
}

/// What the dialog is about: the request and what to do with it.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionPrompt {
    pub request_id: Uuid,
    pub title: String,
    pub verb: Verb,
}

#[component]
pub fn DecisionDialog(
    prompt: RwSignal<Option<DecisionPrompt>>,
    on_done: Callback<ApprovalRequestDto>,
) -> impl IntoView {
    view! {
        {move || {
            prompt
                .get()
                .map(|p| {
                    view! {
                        <div class="modal-backdrop" on:click=move |_| prompt.set(None)></div>
                        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="decision-title">
                            <DecisionBody prompt=p close=Callback::new(move |_| prompt.set(None)) on_done=on_done />
                        </div>
                    }
                })
        }}
    }
}

#[component]
fn DecisionBody(prompt: DecisionPrompt, close: Callback<()>, on_done: Callback<ApprovalRequestDto>) -> impl IntoView {
    let toasts = use_toasts();
    let comment = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let verb = prompt.verb;
    let error = move || {
        comment
            .with(|c| check_comment("comment", Some(c), verb.comment_required()))
            .map(|e| e.message)
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if error().is_some() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let text = comment.get_untracked().trim().to_owned();
        let body = DecisionInput {
            comment: (!text.is_empty()).then_some(text),
        };
        let path = format!("/approvals/{}/{}", prompt.request_id, verb.path());
        spawn_local(async move {
            let answer = api::post::<ApprovalRequestDto>(&path, &body).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(request) => {
                    toasts.success(match verb {
                        Verb::Approve => "Approved.",
                        Verb::Reject => "Rejected: the requester is told why.",
                        Verb::Withdraw => "Request withdrawn.",
                        Verb::Comment => "Comment added.",
                    });
                    close.run(());
                    on_done.run(request);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let heading = format!("{}: {}", verb.label(), prompt.title);
    let button_class = if verb == Verb::Reject {
        "btn btn-danger"
    } else {
        "btn btn-primary"
    };
    view! {
        <h2 class="modal-title" id="decision-title">{heading}</h2>
        <form class="form" on:submit=on_submit novalidate=true>
            <div class="field" class:field-invalid=move || tried.get() && error().is_some()>
                <label for="field-comment">
                    {if verb.comment_required() { "Comment" } else { "Comment (optional)" }}
                </label>
                <textarea
                    id="field-comment"
                    name="comment"
                    rows=3
                    autofocus=true
                    aria-describedby="field-comment-error"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
                <p class="field-error" id="field-comment-error" role="alert">
                    {move || if tried.get() { error() } else { None }}
                </p>
            </div>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| close.run(())>"Cancel"</button>
                <button type="submit" class=button_class data-testid="decision-submit" disabled=move || busy.get()>
                    {verb.label()}
                </button>
            </div>
        </form>
    }
}
