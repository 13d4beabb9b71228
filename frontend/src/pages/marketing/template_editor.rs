//! Writing a template: subject and HTML body with variables, a live preview (for
//! made-up data or a chosen contact) rendered and sanitised by the server, and a test
//! send to oneself, and "Draft with AI" for a first version. The server's errors point
//! at the line and column.

use super::EmailTabs;
use crate::api;
use crate::components::{DraftWithAi, FormAlert, TextField};
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::FieldError;
use kite_shared::assistant::drafts::Draft;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::marketing::templates::{
    EmailTemplateDto, EmailTemplateInput, PreviewRequest, RenderedEmail, TestSent, VARIABLES,
};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_use_signal_debounce_throttle::signal_debounced;
use uuid::Uuid;

const STARTER: &str = "<p>Hi {{ contact.first_name | default(\"there\") }},</p>\n<p>…</p>\n<p>{{ sender.name }}</p>";
const TYPING_PAUSE_MS: f64 = 400.0;

fn position(error: &FieldError) -> String {
    match (error.line, error.column) {
        (Some(line), Some(column)) => format!("line {line}, column {column}: "),
        _ => String::new(),
    }
}

#[component]
pub fn TemplateEditor() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let name = RwSignal::new(String::new());
    let subject = RwSignal::new("Hello {{ contact.first_name | default(\"there\") }}".to_owned());
    let body = RwSignal::new(STARTER.to_owned());
    let contact = RwSignal::new(String::new());
    let form = FormState::new();
    let toasts = use_toasts();
    let navigate = use_navigate();

    Effect::new(move |_| {
        if let Some(id) = id.get() {
            spawn_local(async move {
                if let Ok(t) = api::get::<EmailTemplateDto>(&format!("/email-templates/{id}")).await {
                    name.set(t.name);
                    subject.set(t.subject);
                    body.set(t.body_html);
                }
            });
        }
    });
    let contacts = LocalResource::new(|| api::get::<Page<ContactDto>>("/contacts?per_page=50&sort=last_name"));

    let draft = Memo::new(move |_| (subject.get(), body.get(), contact.get()));
    let settled: Signal<(String, String, String)> = signal_debounced(draft, TYPING_PAUSE_MS);
    let preview = LocalResource::new(move || {
        let (subject, body_html, contact) = settled.get();
        async move {
            let request = PreviewRequest {
                subject,
                body_html,
                contact_id: contact.parse().ok(),
                deal_id: None,
            };
            api::post::<RenderedEmail>("/email-templates/preview", &request).await
        }
    });
    let show_text = RwSignal::new(false);

    let client_errors = move || {
        EmailTemplateInput {
            name: name.get(),
            subject: subject.get(),
            body_html: body.get(),
        }
        .validate()
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        let input = EmailTemplateInput {
            name: name.get_untracked(),
            subject: subject.get_untracked(),
            body_html: body.get_untracked(),
        };
        let navigate = navigate.clone();
        let request = async move {
            match id.get_untracked() {
                Some(id) => api::put::<EmailTemplateDto>(&format!("/email-templates/{id}"), &input).await,
                None => api::post::<EmailTemplateDto>("/email-templates", &input).await,
            }
        };
        form.submit(ev, &client_errors(), request, move |saved| {
            toasts.success(format!("Template \"{}\" saved", saved.name));
            navigate(&format!("/campaigns/templates/{}", saved.id), Default::default());
        });
    };
    let send_test = move |_| {
        let request = PreviewRequest {
            subject: subject.get_untracked(),
            body_html: body.get_untracked(),
            contact_id: contact.get_untracked().parse().ok(),
            deal_id: None,
        };
        spawn_local(async move {
            match api::post::<TestSent>("/email-templates/test", &request).await {
                Ok(sent) => toasts.success(format!("Test sent to {}", sent.to)),
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let insert = move |variable: &'static str| {
        body.update(|b| b.push_str(&format!("{{{{ {variable} }}}}")));
        form.edited("body_html");
    };

    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>{move || if id.get().is_some() { "Edit template" } else { "New template" }}</h1>
                    <p class="muted">"Variables fill in for each recipient; the preview shows what they get."</p>
                </div>
            </header>
            <EmailTabs />
            <div class="template-editor">
                <form class="card form-stack" on:submit=save novalidate data-testid="template-form">
                    <FormAlert form=form />
                    <DraftWithAi on_draft=Callback::new(move |draft: Draft| {
                        subject.set(draft.subject);
                        body.set(draft.body_html);
                        form.edited("subject");
                        form.edited("body_html");
                    }) />
                    <TextField name="name" label="Name" value=name form=form error=Signal::derive(move || form.error("name", &client_errors())) />
                    <TextField name="subject" label="Subject" value=subject form=form error=Signal::derive(move || form.error("subject", &client_errors())) />
                    <div class="field" class:field-invalid=move || form.error("body_html", &client_errors()).is_some()>
                        <label for="field-body_html">"Body (HTML)"</label>
                        <textarea
                            id="field-body_html"
                            name="body_html"
                            class="code-input"
                            rows="16"
                            spellcheck="false"
                            prop:value=move || body.get()
                            on:input=move |ev| {
                                body.set(event_target_value(&ev));
                                form.edited("body_html");
                            }
                        ></textarea>
                        <p class="field-error" role="alert">{move || form.error("body_html", &client_errors())}</p>
                    </div>
                    <details class="variables">
                        <summary>"Variables"</summary>
                        <ul class="variable-list">
                            {VARIABLES.iter().map(|(variable, label)| view! {
                                <li>
                                    <button type="button" class="btn btn-small btn-ghost" title=*label on:click=move |_| insert(variable)>
                                        <code>{format!("{{{{ {variable} }}}}")}</code>
                                    </button>
                                    <span class="muted">{*label}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="muted">"Defaults and conditions work too: {{ contact.first_name | default(\"there\") }}, {% if company.name %}…{% endif %}."</p>
                    </details>
                    <div class="form-actions">
                        <button type="button" class="btn btn-secondary" data-testid="send-test" on:click=send_test>"Send test to me"</button>
                        <button type="submit" class="btn btn-primary" data-testid="save-template" disabled=move || form.busy.get()>"Save template"</button>
                    </div>
                </form>
                <section class="card preview-pane" aria-label="Preview">
                    <div class="toolbar">
                        <label class="filter">
                            <span>"Preview as"</span>
                            <select data-testid="preview-contact" on:change=move |ev| contact.set(event_target_value(&ev))>
                                <option value="">"Sample contact"</option>
                                {move || contacts.get().and_then(|r| r.ok()).map(|page| page.items.into_iter().map(|c| {
                                    let label = format!("{} {}", c.first_name, c.last_name);
                                    view! { <option value=c.id.to_string()>{label}</option> }
                                }).collect_view())}
                            </select>
                        </label>
                        <label class="check">
                            <input type="checkbox" on:change=move |ev| show_text.set(event_target_checked(&ev)) />
                            "Plain text"
                        </label>
                    </div>
                    <Transition fallback=|| view! { <p class="muted">"Rendering…"</p> }>
                        {move || preview.get().map(|result| match result {
                            Ok(rendered) => view! {
                                <p class="preview-subject" data-testid="preview-subject"><strong>{rendered.subject.clone()}</strong></p>
                                {if show_text.get() {
                                    view! { <pre class="preview-text">{rendered.text.clone()}</pre> }.into_any()
                                } else {
                                    view! { <iframe class="preview-frame" title="Email preview" sandbox="" data-testid="preview-frame" srcdoc=rendered.html.clone()></iframe> }.into_any()
                                }}
                            }.into_any(),
                            Err(error) => view! {
                                <div class="form-alert" role="alert" data-testid="preview-error">
                                    <p>{error.message.clone()}</p>
                                    <ul>
                                        {error.errors.iter().map(|e| view! {
                                            <li>{format!("{}: {}{}", e.field.replace("body_html", "body"), position(e), e.message)}</li>
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }.into_any(),
                        })}
                    </Transition>
                </section>
            </div>
        </div>
    }
}
