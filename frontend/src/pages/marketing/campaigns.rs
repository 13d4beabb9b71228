//! Every campaign with its status and how it did.

use super::{EmailTabs, campaign_badge, percent};
use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::relative;
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::marketing::campaigns::CampaignDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_router::components::A;

const PER_PAGE: u64 = 25;

#[component]
pub fn CampaignList() -> impl IntoView {
    let session = use_session();
    let query = Signal::derive(|| format!("/campaigns?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<CampaignDto>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Email"</h1>
                    <p class="muted">"Campaigns to your contacts, with opens, clicks and unsubscribes."</p>
                </div>
                {move || session.can(Permission::ManageCampaigns).then(|| view! {
                    <A href="/campaigns/new" attr:class="btn btn-primary" attr:data-testid="new-campaign">"New campaign"</A>
                })}
            </header>
            <EmailTabs />
            <section class="card">
                <Transition fallback=|| view! { <SkeletonTable rows=4 columns=6 /> }>
                    {move || items.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => view! {
                            <EmptyState
                                icon=icondata::LuMail
                                title="No campaigns yet"
                                text="Write a template, pick an audience by tag or stage, and send."
                            />
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="campaigns-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Campaign"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col" class="num">"Recipients"</th>
                                        <th scope="col" class="num">"Opened"</th>
                                        <th scope="col" class="num">"Clicked"</th>
                                        <th scope="col">"Created"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.items.into_iter().map(|c| view! {
                                        <tr>
                                            <td><A href=format!("/campaigns/{}", c.id)>{c.name.clone()}</A></td>
                                            <td>{campaign_badge(c.status)}</td>
                                            <td class="num">{c.stats.recipients}</td>
                                            <td class="num">{percent(c.stats.opened, c.stats.sent)}</td>
                                            <td class="num">{percent(c.stats.clicked, c.stats.sent)}</td>
                                            <td class="muted">{relative(&c.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })}
                </Transition>
                <Pager cursors=cursors per_page=PER_PAGE page=page_info />
            </section>
        </div>
    }
}
