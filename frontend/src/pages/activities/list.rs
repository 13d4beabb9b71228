//! Every activity of the organization, newest first, filtered by kind and by done/open.

use super::{kind_icon, related_link};
use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::due;
use kite_shared::crm::activities::{ActivityDto, ActivityKind};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;

const PER_PAGE: u64 = 25;

#[component]
pub fn AllActivities(reload: RwSignal<u32>) -> impl IntoView {
    let kind = RwSignal::new(String::new());
    let done = RwSignal::new(String::new());
    // Another filter starts again from the first page.
    let query = Memo::new(move |_| {
        format!(
            "/activities{}",
            api::query(&[
                ("kind", Some(kind.get())),
                ("done", Some(done.get())),
                ("sort", Some("-created_at".to_owned())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        )
    });
    let cursors = Cursors::new(query);
    let activities = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<ActivityDto>>(&path).await }
    });
    let page_info =
        Signal::derive(move || activities.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    let filtered = move || !kind.get().is_empty() || !done.get().is_empty();
    view! {
        <section class="card" data-testid="all-activities">
            <h2 class="card-title">
                <Icon icon=icondata::LuCalendarCheck />
                "All activities"
            </h2>
            <div class="toolbar">
                <select aria-label="Filter by kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">"All kinds"</option>
                    {ActivityKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str()>{k.label()}</option> })
                        .collect_view()}
                </select>
                <select aria-label="Filter by status" on:change=move |ev| done.set(event_target_value(&ev))>
                    <option value="">"Open and done"</option>
                    <option value="false">"Open"</option>
                    <option value="true">"Done"</option>
                </select>
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=6 columns=4 /> }>
                {move || {
                    activities
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.items.is_empty() && filtered() => {
                                view! {
                                    <EmptyState
                                        icon=icondata::LuSearchX
                                        title="No activities match"
                                        text="Try another kind or status."
                                    />
                                }
                                    .into_any()
                            }
                            Ok(list) if list.items.is_empty() => {
                                view! {
                                    <EmptyState
                                        icon=icondata::LuCalendarCheck
                                        title="No activities yet"
                                        text="Add a task above, or log a call or a note on a contact, company or deal."
                                    />
                                }
                                    .into_any()
                            }
                            Ok(list) => view! { <ActivityTable activities=list.items /> }.into_any(),
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
    }
}

#[component]
fn ActivityTable(activities: Vec<ActivityDto>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table table-dense" data-testid="activities-table">
                <thead>
                    <tr>
                        <th scope="col">"Subject"</th>
                        <th scope="col" class="hide-narrow">"Due"</th>
                        <th scope="col" class="hide-narrow">"Related to"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {activities.into_iter().map(|a| view! { <ActivityRow activity=a /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ActivityRow(activity: ActivityDto) -> impl IntoView {
    let status = if activity.done_at.is_some() {
        view! { <span class="badge badge-success">"Done"</span> }
    } else {
        view! { <span class="badge badge-muted">"Open"</span> }
    };
    let link = related_link(&activity).unwrap_or_else(|| view! { <span class="muted">"—"</span> }.into_any());
    view! {
        <tr>
            <td class="cell-primary">
                <div class="person">
                    <span class="timeline-icon" title=activity.kind.label()>
                        <Icon icon=kind_icon(activity.kind) />
                    </span>
                    <div class="task-text">
                        <div class="task-subject">{activity.subject.clone()}</div>
                        <div class="muted small show-narrow">{activity.due_at.as_ref().map(due)}</div>
                    </div>
                </div>
            </td>
            <td class="hide-narrow muted nowrap">{activity.due_at.as_ref().map_or_else(|| "—".to_owned(), due)}</td>
            <td class="hide-narrow">{link}</td>
            <td>{status}</td>
        </tr>
    }
}
