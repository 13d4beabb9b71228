//! Activities: the signed-in user's open tasks grouped by when they are due, and every
//! activity of the organization in a filterable table.

mod form;
mod list;
mod my_tasks;

use form::TaskDialog;
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityKind};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use list::AllActivities;
use my_tasks::MyTasksCard;

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    // Bumped after any change here, so both lists show it.
    let reload = RwSignal::new(0u32);
    let add_open = RwSignal::new(false);
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Activities"</h1>
                    <p class="muted">"Calls, meetings, tasks and notes, with your tasks for today."</p>
                </div>
                <button class="btn btn-primary" data-testid="add-task" on:click=move |_| add_open.set(true)>
                    <Icon icon=icondata::LuListPlus />
                    "Add task"
                </button>
            </header>
            <MyTasksCard reload=reload add_open=add_open />
            <AllActivities reload=reload />
        </div>
        <TaskDialog open=add_open on_saved=Callback::new(move |_| reload.update(|n| *n += 1)) />
    }
}

fn kind_icon(kind: ActivityKind) -> icondata::Icon {
    match kind {
        ActivityKind::Call => icondata::LuPhone,
        ActivityKind::Email => icondata::LuMail,
        ActivityKind::Meeting => icondata::LuUsers,
        ActivityKind::Task => icondata::LuListTodo,
        ActivityKind::Note => icondata::LuStickyNote,
    }
}

/// The record an activity belongs to, as a link named after it; the most specific one
/// wins. The kind stays as the link's title, and stands in when the name is missing.
fn related_link(activity: &ActivityDto) -> Option<AnyView> {
    let (path, kind, icon, name) = if let Some(id) = activity.deal_id {
        (
            format!("/deals/{id}"),
            "Deal",
            icondata::LuHandshake,
            activity.deal_title.clone(),
        )
    } else if let Some(id) = activity.contact_id {
        (
            format!("/contacts/{id}"),
            "Contact",
            icondata::LuUser,
            activity.contact_name.clone(),
        )
    } else {
        (
            format!("/companies/{}", activity.company_id?),
            "Company",
            icondata::LuBuilding2,
            activity.company_name.clone(),
        )
    };
    let text = name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| kind.to_owned());
    Some(
        view! {
            <A href=path attr:class="related-link" attr:title=kind>
                <Icon icon=icon />
                <span>{text}</span>
            </A>
        }
        .into_any(),
    )
}

/// Saving replaces every field, so marking done or open sends the activity as it is.
fn with_done(activity: &ActivityDto, done: bool) -> ActivityInput {
    ActivityInput {
        done: Some(done),
        ..activity.to_input()
    }
}
