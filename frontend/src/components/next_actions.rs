//! Next best actions: the signed-in user's on the home page, a record's on its page.
//! Each has its reason and one action (create the task, write the email, review the
//! approval, open the task), and can be snoozed for a week or dismissed for good.

use crate::api;
use crate::toast::use_toasts;
use kite_shared::assistant::suggestions::{Suggestion, SuggestionAction, SuggestionDecision, Suggestions};
use kite_shared::crm::activities::ActivityDto;
use kite_shared::crm::notes::RecordKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

/// How long "Snooze" hides a suggestion.
const SNOOZE_DAYS: u32 = 7;

fn record_link(s: &Suggestion) -> Option<String> {
    match (s.record_kind, s.record_id) {
        (Some(RecordKind::Deal), Some(id)) => Some(format!("/deals/{id}")),
        (Some(RecordKind::Contact), Some(id)) => Some(format!("/contacts/{id}")),
        (Some(RecordKind::Company), Some(id)) => Some(format!("/companies/{id}")),
        _ => None,
    }
}

/// The list; `deal_id` or `contact_id` narrows it to that record. `on_email` opens the
/// page's own composer when the suggestion is to write to that page's contact.
#[component]
pub fn NextActions(
    #[prop(optional)] deal_id: Option<Uuid>,
    #[prop(optional)] contact_id: Option<Uuid>,
    #[prop(optional)] on_email: Option<Callback<()>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let version = RwSignal::new(0u32);
    let busy = RwSignal::new(None::<String>);
    crate::live::on_record_changes(
        &["deal", "activity", "contact"],
        Callback::new(move |_| version.update(|v| *v += 1)),
    );
    let path = match (deal_id, contact_id) {
        (Some(id), _) => format!("/suggestions?deal_id={id}"),
        (None, Some(id)) => format!("/suggestions?contact_id={id}"),
        (None, None) => "/suggestions?limit=8".to_owned(),
    };
    let list = LocalResource::new(move || {
        version.track();
        let path = path.clone();
        async move { api::get::<Suggestions>(&path).await }
    });
    let decide = move |route: &'static str, key: String, days: Option<u32>, done: &'static str| {
        busy.set(Some(key.clone()));
        spawn_local(async move {
            match api::post::<()>(route, &SuggestionDecision { key, days }).await {
                Ok(()) => toasts.success(done),
                Err(e) => toasts.error(e.message),
            }
            busy.set(None);
            version.update(|v| *v += 1);
        });
    };
    let act = Callback::new(move |s: Suggestion| match s.action {
        SuggestionAction::CreateTask => {
            busy.set(Some(s.key.clone()));
            let input = SuggestionDecision { key: s.key, days: None };
            spawn_local(async move {
                match api::post::<ActivityDto>("/suggestions/task", &input).await {
                    Ok(task) => toasts.success(format!("Task created: {}", task.subject)),
                    Err(e) => toasts.error(e.message),
                }
                busy.set(None);
                version.update(|v| *v += 1);
            });
        }
        SuggestionAction::Email => match (on_email, s.target_id) {
            (Some(open), Some(target)) if Some(target) == contact_id => open.run(()),
            (_, Some(target)) => navigate(&format!("/contacts/{target}?compose=1"), Default::default()),
            _ => {}
        },
        SuggestionAction::ReviewApproval => {
            if let Some(id) = s.target_id {
                navigate(&format!("/approvals/{id}"), Default::default());
            }
        }
        SuggestionAction::OpenTask => navigate("/activities", Default::default()),
    });
    let on_record_page = deal_id.is_some() || contact_id.is_some();
    view! {
        <section class="card next-actions" data-testid="next-actions">
            <div class="card-head">
                <h2 class="card-title">"Next best actions"</h2>
                {move || list.get().and_then(Result::ok).filter(|l| l.total > 0).map(|l| view! { <span class="badge">{l.total}</span> })}
            </div>
            <Suspense fallback=|| view! { <crate::components::SkeletonRows rows=3 /> }>
                {move || list.get().map(|result| match result {
                    Err(e) => view! { <p class="field-error">{e.message}</p> }.into_any(),
                    Ok(list) if list.items.is_empty() => view! {
                        <p class="muted" data-testid="next-actions-empty">
                            {if on_record_page { "Nothing to do here right now." } else { "You're all caught up." }}
                        </p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="next-action-list">
                            {list.items.into_iter().map(|s| {
                                let key = s.key.clone();
                                let (snooze_key, dismiss_key) = (s.key.clone(), s.key.clone());
                                let working = Signal::derive(move || busy.get().is_some_and(|b| b == key));
                                let name = s.title.clone();
                                let title = match record_link(&s).filter(|_| !on_record_page) {
                                    Some(href) => view! { <A href=href attr:class="next-action-title">{name}</A> }.into_any(),
                                    None => view! { <span class="next-action-title">{name}</span> }.into_any(),
                                };
                                let label = s.action.label();
                                let kind = s.kind;
                                let for_action = s.clone();
                                view! {
                                    <li class="next-action" data-testid="suggestion" data-kind=kind.as_str()>
                                        <div class="next-action-text">
                                            <span class="next-action-kind">{kind.label()}</span>
                                            {title}
                                            <span class="muted small">{s.reason.clone()}</span>
                                        </div>
                                        <div class="next-action-buttons">
                                            <button class="btn btn-secondary btn-small" data-testid="suggestion-act" disabled=working on:click=move |_| act.run(for_action.clone())>
                                                {label}
                                            </button>
                                            <button class="btn btn-ghost btn-small" data-testid="suggestion-snooze" title="Hide for a week" disabled=working
                                                on:click=move |_| decide("/suggestions/snooze", snooze_key.clone(), Some(SNOOZE_DAYS), "Snoozed for a week")>
                                                "Snooze"
                                            </button>
                                            <button class="btn btn-ghost btn-small" data-testid="suggestion-dismiss" title="Don't suggest this again" disabled=working
                                                on:click=move |_| decide("/suggestions/dismiss", dismiss_key.clone(), None, "Dismissed")>
                                                "Dismiss"
                                            </button>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
