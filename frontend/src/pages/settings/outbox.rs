use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonRows};
use crate::format::{date_time, relative};
use kite_shared::outbox::OutboxMessageDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;

const PER_PAGE: u64 = 20;

/// Plain text with its links made clickable, so a developer can follow an emailed link.
fn linkified(text: &str) -> impl IntoView + use<> {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let rest = word[trimmed.len()..].to_owned();
                view! { <a href=trimmed.to_owned()>{trimmed.to_owned()}</a>{rest} }.into_any()
            } else {
                word.to_owned().into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn Outbox() -> impl IntoView {
    let query = Signal::derive(|| format!("/outbox?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let messages = LocalResource::new(move || {
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<OutboxMessageDto>>(&path).await }
    });
    let page_info =
        Signal::derive(move || messages.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    view! {
        <section class="card">
            <p class="muted">
                "No SendGrid key is configured, so Kite keeps every email here instead of sending it. "
                "Set SENDGRID_API_KEY to send for real."
            </p>
            <Transition fallback=|| view! { <SkeletonRows rows=6 /> }>
                {move || {
                    messages.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuInbox
                                    title="No emails yet"
                                    text="Invitations, password resets and scheduled exports will show up here."
                                />
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="mail-list" data-testid="outbox">
                                    {list.items.into_iter().map(|m| view! { <MailItem message=m /> }).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })
                }}
            </Transition>
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
    }
}

#[component]
fn MailItem(message: OutboxMessageDto) -> impl IntoView {
    let open = RwSignal::new(false);
    let body = message.text_body.clone();
    let attachments = message.attachment_names.clone();
    let clip = (!attachments.is_empty()).then(|| {
        view! {
            <span class="mail-clip" title="With attachments">
                <Icon icon=icondata::LuPaperclip />
                <span class="visually-hidden">"With attachments"</span>
            </span>
        }
    });
    view! {
        <li class="mail" data-category=message.category.clone()>
            <button class="mail-head" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                <span class="mail-subject">{message.subject.clone()} {clip}</span>
                <span class="muted small">{format!("To {}", message.to.join(", "))}</span>
                <span class="badge">{message.category.clone()}</span>
                <span class="muted small" title=date_time(&message.created_at)>{relative(&message.created_at)}</span>
            </button>
            <Show when=move || open.get()>
                <div class="mail-body">{linkified(&body)}</div>
                {(!attachments.is_empty())
                    .then(|| {
                        view! {
                            <ul class="mail-attachments" aria-label="Attachments">
                                {attachments
                                    .iter()
                                    .map(|name| {
                                        view! {
                                            <li>
                                                <Icon icon=icondata::LuPaperclip />
                                                {name.clone()}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
            </Show>
        </li>
    }
}
