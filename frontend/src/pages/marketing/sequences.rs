//! Every sequence with its steps and who is in it.

use super::{EmailTabs, sequence_badge};
use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::relative;
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::marketing::sequences::SequenceDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_router::components::A;

const PER_PAGE: u64 = 25;

#[component]
pub fn SequenceList() -> impl IntoView {
    let session = use_session();
    let query = Signal::derive(|| format!("/sequences?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<SequenceDto>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Email"</h1>
                    <p class="muted">"Sequences: emails, waits and tasks that run for each contact until they reply."</p>
                </div>
                {move || session.can(Permission::ManageCampaigns).then(|| view! {
                    <A href="/campaigns/sequences/new" attr:class="btn btn-primary" attr:data-testid="new-sequence">"New sequence"</A>
                })}
            </header>
            <EmailTabs />
            <section class="card">
                <Transition fallback=|| view! { <SkeletonTable rows=4 columns=6 /> }>
                    {move || items.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => view! {
                            <EmptyState
                                icon=icondata::LuListOrdered
                                title="No sequences yet"
                                text="Line up a first email, a wait of a few days and a follow-up; a reply takes the contact out."
                            />
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="sequences-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Sequence"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col" class="num">"Steps"</th>
                                        <th scope="col" class="num">"Active"</th>
                                        <th scope="col" class="num">"Finished"</th>
                                        <th scope="col" class="num">"Exited"</th>
                                        <th scope="col">"Updated"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.items.into_iter().map(|s| view! {
                                        <tr>
                                            <td><A href=format!("/campaigns/sequences/{}", s.id)>{s.name.clone()}</A></td>
                                            <td>{sequence_badge(s.status)}</td>
                                            <td class="num">{s.steps.len()}</td>
                                            <td class="num">{s.enrollments.active + s.enrollments.paused}</td>
                                            <td class="num">{s.enrollments.finished}</td>
                                            <td class="num">{s.enrollments.exited}</td>
                                            <td class="muted">{relative(&s.updated_at)}</td>
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
