//! A campaign's report: the funnel (sent → delivered → opened → clicked), its rates,
//! bounces and unsubscribes, clicks per link and every recipient. It follows the
//! campaign live while it sends, and holds its actions (send, pause, resume, cancel).

use super::{EmailTabs, campaign_badge, email_badge, percent};
use crate::api;
use crate::components::{ConfirmDialog, Cursors, PageInfo, Pager, SkeletonRows};
use crate::format::{date_time, relative};
use crate::live;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::marketing::campaigns::{CampaignDto, CampaignReport, CampaignStatus, RecipientDto};
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

const PER_PAGE: u64 = 50;

fn funnel_step(label: &'static str, value: u64, of: u64, testid: &'static str) -> impl IntoView {
    let width = if of == 0 { 0.0 } else { value as f64 * 100.0 / of as f64 };
    view! {
        <div class="funnel-step" data-testid=testid>
            <div class="funnel-label"><span>{label}</span><strong class="funnel-value">{value}</strong></div>
            <div class="funnel-bar"><span style=format!("width:{width:.1}%")></span></div>
            <span class="muted funnel-rate">{percent(value, of)}</span>
        </div>
    }
}

#[component]
pub fn CampaignReportPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let session = use_session();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(id) = id.get() {
            live::on_campaign_progress(id, Callback::new(move |_| reload.update(|n| *n += 1)));
        }
    });
    let report = LocalResource::new(move || {
        reload.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::get::<CampaignReport>(&format!("/campaigns/{id}/report")).await,
                None => Err(api::ApiError::not_found("campaign")),
            }
        }
    });
    let status_filter = RwSignal::new(String::new());
    let query = Memo::new(move |_| {
        format!(
            "/campaigns/{}/recipients{}",
            id.get().map(|i| i.to_string()).unwrap_or_default(),
            api::query(&[
                ("status", Some(status_filter.get())),
                ("per_page", Some(PER_PAGE.to_string()))
            ])
        )
    });
    let cursors = Cursors::new(query);
    let recipients = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<RecipientDto>>(&path).await }
    });
    let page_info =
        Signal::derive(move || recipients.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    let confirm_send = RwSignal::new(false);
    let act = move |action: &'static str| {
        let Some(id) = id.get_untracked() else { return };
        spawn_local(async move {
            match api::post::<CampaignDto>(&format!("/campaigns/{id}/{action}"), &()).await {
                Ok(c) => {
                    toasts.success(format!("Campaign {}", c.status.label().to_lowercase()));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let can_manage = move || session.can(Permission::ManageCampaigns);

    view! {
        <div class="page">
            <Transition fallback=|| view! { <SkeletonRows rows=6 /> }>
                {move || report.get().map(|result| match result {
                    Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    Ok(report) => {
                        let c = report.campaign.clone();
                        let s = c.stats.clone();
                        let status = c.status;
                        let recipients_total = c.excluded.total() + s.recipients;
                        view! {
                            <header class="page-header">
                                <div>
                                    <h1 data-testid="campaign-name">{c.name.clone()}" "{campaign_badge(status)}</h1>
                                    <p class="muted">
                                        {c.template_name.clone().map(|t| format!("Template “{t}”"))}
                                        {c.sender.clone().map(|s| format!(" · from {} <{}>", s.name, s.email))}
                                        {c.started_at.map(|at| format!(" · started {}", relative(&at)))}
                                        {c.scheduled_at.filter(|_| status == CampaignStatus::Scheduled).map(|at| format!(" · starts {}", date_time(&at)))}
                                    </p>
                                </div>
                                <div class="page-actions">
                                    {(can_manage() && status.editable()).then(|| view! {
                                        <A href=format!("/campaigns/{}/edit", c.id) attr:class="btn btn-secondary">"Edit"</A>
                                        <button class="btn btn-primary" data-testid="send-campaign" on:click=move |_| confirm_send.set(true)>"Send now"</button>
                                    })}
                                    {(can_manage() && status == CampaignStatus::Sending).then(|| view! {
                                        <button class="btn btn-secondary" data-testid="pause-campaign" on:click=move |_| act("pause")>"Pause"</button>
                                    })}
                                    {(can_manage() && status == CampaignStatus::Paused).then(|| view! {
                                        <button class="btn btn-primary" data-testid="resume-campaign" on:click=move |_| act("resume")>"Resume"</button>
                                    })}
                                    {(can_manage() && !matches!(status, CampaignStatus::Sent | CampaignStatus::Cancelled)).then(|| view! {
                                        <button class="btn btn-ghost btn-danger-text" data-testid="cancel-campaign" on:click=move |_| act("cancel")>"Cancel campaign"</button>
                                    })}
                                </div>
                            </header>
                            <EmailTabs />
                            <section class="card-grid report-kpis">
                                <div class="card"><p class="muted">"Sent"</p><p class="stat" data-testid="kpi-sent">{s.sent}</p><p class="muted">{format!("of {} recipients, {} queued", s.recipients, s.queued)}</p></div>
                                <div class="card"><p class="muted">"Open rate"</p><p class="stat" data-testid="kpi-open-rate">{percent(s.opened, s.sent)}</p><p class="muted">{format!("{} opens in all", s.total_opens)}</p></div>
                                <div class="card"><p class="muted">"Click rate"</p><p class="stat" data-testid="kpi-click-rate">{percent(s.clicked, s.sent)}</p><p class="muted">{format!("{} clicks in all", s.total_clicks)}</p></div>
                                <div class="card"><p class="muted">"Bounces · unsubscribes"</p><p class="stat">{format!("{} · {}", s.bounced + s.dropped, s.unsubscribed + s.spam_reports)}</p><p class="muted">{format!("{} left out before sending", c.excluded.total() + s.excluded)}</p></div>
                            </section>
                            <section class="card">
                                <h2 class="card-title">"Funnel"</h2>
                                <div class="funnel" data-testid="campaign-funnel">
                                    {funnel_step("Recipients", s.recipients, recipients_total.max(s.recipients), "funnel-recipients")}
                                    {funnel_step("Sent", s.sent, s.recipients, "funnel-sent")}
                                    {funnel_step("Delivered", s.delivered, s.sent, "funnel-delivered")}
                                    {funnel_step("Opened", s.opened, s.sent, "funnel-opened")}
                                    {funnel_step("Clicked", s.clicked, s.sent, "funnel-clicked")}
                                </div>
                            </section>
                            <section class="card">
                                <h2 class="card-title">"Clicks per link"</h2>
                                {if report.links.is_empty() {
                                    view! { <p class="muted">"No clicks yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table" data-testid="link-clicks">
                                            <thead><tr><th scope="col">"Link"</th><th scope="col" class="num">"Clicks"</th><th scope="col" class="num">"People"</th></tr></thead>
                                            <tbody>
                                                {report.links.iter().map(|l| view! {
                                                    <tr><td class="link-url">{l.url.clone()}</td><td class="num">{l.clicks}</td><td class="num">{l.unique_clicks}</td></tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                })}
            </Transition>
            <section class="card">
                <div class="toolbar">
                    <h2 class="card-title">"Recipients"</h2>
                    <label class="filter">
                        <span>"Status"</span>
                        <select data-testid="recipient-status" on:change=move |ev| status_filter.set(event_target_value(&ev))>
                            <option value="">"Any"</option>
                            {EmailStatus::ALL.into_iter().filter(|s| *s != EmailStatus::Received).map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <Transition fallback=|| view! { <SkeletonRows rows=5 /> }>
                    {move || recipients.get().map(|result| match result {
                        Ok(page) => view! {
                            <table class="table" data-testid="recipients-table">
                                <thead><tr><th scope="col">"Contact"</th><th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col" class="num">"Opens"</th><th scope="col" class="num">"Clicks"</th><th scope="col">"Last activity"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|r| {
                                        let last = [r.last_clicked_at, r.last_opened_at, r.delivered_at, r.sent_at].into_iter().flatten().max();
                                        view! {
                                            <tr data-status=r.status.as_str()>
                                                <td>{match r.contact_id {
                                                    Some(id) => view! { <A href=format!("/contacts/{id}")>{r.contact_name.clone().unwrap_or_default()}</A> }.into_any(),
                                                    None => view! { <span>"—"</span> }.into_any(),
                                                }}</td>
                                                <td class="muted">{r.email.clone()}</td>
                                                <td title=r.status_reason.clone().unwrap_or_default()>{email_badge(r.status)}</td>
                                                <td class="num">{r.open_count}</td>
                                                <td class="num">{r.click_count}</td>
                                                <td class="muted">{last.map(|at| relative(&at))}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })}
                </Transition>
                <Pager cursors=cursors per_page=PER_PAGE page=page_info />
            </section>
            <ConfirmDialog
                open=confirm_send
                title="Send this campaign now?"
                message="Every recipient gets the email once; this cannot be undone."
                confirm_label="Send now"
                on_confirm=Callback::new(move |_| act("send"))
            />
        </div>
    }
}
