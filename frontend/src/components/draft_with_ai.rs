//! "Draft with AI" in the email composer and the template editor: an intent, a tone and
//! a length in, a subject and body out (handed to the page to put in its fields), and
//! a line saying who wrote it: the AI model, or the built-in writer and why.

use crate::api;
use kite_shared::assistant::drafts::{Draft, DraftInput, DraftLength, DraftTone, DraftWriter, WriterStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

fn written_by(draft: &Draft) -> String {
    match (draft.writer, &draft.model, draft.requests_left) {
        (DraftWriter::Ai, Some(model), Some(left)) => {
            format!("Written by the AI model {model} · {left} AI requests left this month")
        }
        (DraftWriter::Ai, model, _) => format!("Written by the AI model {}", model.as_deref().unwrap_or_default()),
        (DraftWriter::BuiltIn, ..) => "Written by the built-in writer".to_owned(),
    }
}

fn who_writes(status: &WriterStatus) -> String {
    match (&status.model, status.requests_left) {
        (Some(model), Some(left)) => format!("The AI model {model} writes drafts ({left} requests left this month)."),
        _ => "No AI model is set up: Kite's built-in writer writes drafts.".to_owned(),
    }
}

#[component]
pub fn DraftWithAi(
    #[prop(optional)] contact_id: Option<Uuid>,
    #[prop(optional)] deal_id: Option<Uuid>,
    on_draft: Callback<Draft>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let intent = RwSignal::new(String::new());
    let tone = RwSignal::new(DraftTone::default());
    let length = RwSignal::new(DraftLength::default());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let last = RwSignal::new(None::<Draft>);
    let status = LocalResource::new(move || {
        let wanted = open.get();
        async move {
            if wanted {
                api::get::<WriterStatus>("/drafts/writer").await.ok()
            } else {
                None
            }
        }
    });
    let write = move || {
        if busy.get_untracked() {
            return;
        }
        let input = DraftInput {
            intent: intent.get_untracked(),
            tone: Some(tone.get_untracked()),
            length: Some(length.get_untracked()),
            contact_id,
            deal_id,
        };
        if let Some(problem) = input.validate().into_iter().next() {
            error.set(Some(problem.message));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<Draft>("/drafts", &input).await {
                Ok(draft) => {
                    on_draft.run(draft.clone());
                    last.set(Some(draft));
                }
                Err(e) => error.set(Some(e.errors.first().map_or(e.message.clone(), |f| f.message.clone()))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="draft-ai" data-testid="draft-ai">
            <button type="button" class="btn btn-secondary btn-small" data-testid="draft-ai-toggle" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                <Icon icon=icondata::LuSparkles />
                "Draft with AI"
            </button>
            <Show when=move || open.get()>
                <div class="draft-ai-panel">
                    <p class="muted">{move || status.get().flatten().map(|s| who_writes(&s))}</p>
                    <label class="field">
                        <span>"What is the email for?"</span>
                        <input
                            type="text"
                            data-testid="draft-intent"
                            maxlength="300"
                            placeholder="Follow up after the demo"
                            prop:value=move || intent.get()
                            on:input=move |ev| intent.set(event_target_value(&ev))
                            on:keydown=move |ev| {
                                // Enter writes the draft; it must not send the email the composer holds.
                                if ev.key() == "Enter" {
                                    ev.prevent_default();
                                    write();
                                }
                            }
                        />
                    </label>
                    <div class="draft-ai-options">
                        <label class="filter">
                            <span>"Tone"</span>
                            <select data-testid="draft-tone" on:change=move |ev| if let Some(t) = DraftTone::parse(&event_target_value(&ev)) { tone.set(t) }>
                                {DraftTone::ALL.iter().map(|t| view! { <option value=t.as_str() selected=*t == DraftTone::default()>{t.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="filter">
                            <span>"Length"</span>
                            <select data-testid="draft-length" on:change=move |ev| if let Some(l) = DraftLength::parse(&event_target_value(&ev)) { length.set(l) }>
                                {DraftLength::ALL.iter().map(|l| view! { <option value=l.as_str() selected=*l == DraftLength::default()>{l.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        <button type="button" class="btn btn-primary btn-small" data-testid="draft-write" disabled=move || busy.get() on:click=move |_| write()>
                            {move || if busy.get() { "Writing…" } else { "Write draft" }}
                        </button>
                    </div>
                    <p class="muted">"The draft replaces the subject and the message. Names stay variables, filled in when it is sent."</p>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                </div>
            </Show>
            {move || last.get().map(|draft| view! {
                <p class="draft-ai-by" data-testid="draft-writer" data-writer=draft.writer.as_str()>{written_by(&draft)}</p>
                {draft.notice.map(|notice| view! { <p class="draft-ai-notice" data-testid="draft-notice">{notice}</p> })}
            })}
        </div>
    }
}
