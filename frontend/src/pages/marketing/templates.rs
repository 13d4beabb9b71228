//! The organization's email templates.

use super::EmailTabs;
use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::relative;
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::marketing::templates::EmailTemplateDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_router::components::A;

const PER_PAGE: u64 = 25;

#[component]
pub fn TemplateList() -> impl IntoView {
    let session = use_session();
    let query = Signal::derive(|| format!("/email-templates?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<EmailTemplateDto>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Email"</h1>
                    <p class="muted">"Templates with variables, for campaigns and one-off emails."</p>
                </div>
                {move || session.can(Permission::EditOwnRecords).then(|| view! {
                    <A href="/campaigns/templates/new" attr:class="btn btn-primary" attr:data-testid="new-template">"New template"</A>
                })}
            </header>
            <EmailTabs />
            <section class="card">
                <Transition fallback=|| view! { <SkeletonTable rows=4 columns=3 /> }>
                    {move || items.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => view! {
                            <EmptyState
                                icon=icondata::LuFileText
                                title="No templates yet"
                                text="Write one with variables like {{ contact.first_name }} and preview it for a contact."
                            />
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="templates-table">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Subject"</th><th scope="col">"Updated"</th></tr></thead>
                                <tbody>
                                    {list.items.into_iter().map(|t| view! {
                                        <tr>
                                            <td><A href=format!("/campaigns/templates/{}", t.id)>{t.name.clone()}</A></td>
                                            <td class="muted">{t.subject.clone()}</td>
                                            <td class="muted">{relative(&t.updated_at)}</td>
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
