use crate::api;
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::auth::UserDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

fn greeting() -> &'static str {
    match js_sys::Date::new_0().get_hours() {
        5..=11 => "Good morning",
        12..=17 => "Good afternoon",
        _ => "Good evening",
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let session = use_session();
    let team = LocalResource::new(|| api::get::<Page<UserDto>>("/users?per_page=8&active=true"));
    let first_name = move || {
        session
            .me()
            .and_then(|m| m.user.name.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default()
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>{move || format!("{}, {}", greeting(), first_name())}</h1>
                    <p class="muted">{move || session.me().map(|m| m.organization.name).unwrap_or_default()}</p>
                </div>
            </header>
            <Show when=move || session.can(Permission::ManageOrganization)>
                <DemoDataOffer />
            </Show>
            <div class="card-grid">
                <section class="card">
                    <h2 class="card-title">
                        <Icon icon=icondata::LuUsers />
                        "Your team"
                    </h2>
                    <Suspense fallback=|| view! { <crate::components::SkeletonRows rows=3 /> }>
                        {move || {
                            team.get()
                                .map(|result| match result {
                                    Ok(page) => {
                                        let members = page.total.unwrap_or(page.items.len() as u64);
                                        view! {
                                            <p class="stat">{members}</p>
                                            <p class="muted">{if members == 1 { "active member" } else { "active members" }}</p>
                                            <ul class="people">
                                                {page
                                                    .items
                                                    .into_iter()
                                                    .map(|u| {
                                                        view! {
                                                            <li>
                                                                <span class="avatar avatar-small">{crate::format::initials(&u.name)}</span>
                                                                <span>{u.name}</span>
                                                                <span class="badge">{u.role.label()}</span>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <p class="field-error">{e.message}</p> }.into_any(),
                                })
                        }}
                    </Suspense>
                    <Show when=move || session.can(Permission::ManageUsers)>
                        <A href="/settings/users" attr:class="btn btn-secondary">
                            <Icon icon=icondata::LuUserPlus />
                            "Invite teammates"
                        </A>
                    </Show>
                </section>
                <section class="card">
                    <h2 class="card-title">
                        <Icon icon=icondata::LuRocket />
                        "Getting started"
                    </h2>
                    <ol class="checklist">
                        <li>"Invite the people who sell with you; each gets a role that fits."</li>
                        <li>"Set your password and profile under Settings → Profile."</li>
                        <li>"Connect your other tools through the REST API."</li>
                    </ol>
                    <a class="btn btn-secondary" href="/api-docs/" target="_blank" rel="noopener">
                        <Icon icon=icondata::LuFileCode />
                        "API documentation"
                    </a>
                </section>
            </div>
        </div>
    }
}

/// For an organization without records: one click fills it with a believable demo, so a
/// new team sees a living CRM before importing its own data.
#[component]
fn DemoDataOffer() -> impl IntoView {
    let toasts = crate::toast::use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let empty = LocalResource::new(|| async {
        let contacts =
            api::get::<Page<kite_shared::crm::contacts::ContactDto>>("/contacts?per_page=1&total=false").await;
        let deals = api::get::<Page<kite_shared::crm::deals::DealDto>>("/deals?per_page=1&total=false").await;
        matches!((contacts, deals), (Ok(c), Ok(d)) if c.items.is_empty() && d.items.is_empty())
    });
    let busy = RwSignal::new(false);
    let load = move |_| {
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::post::<kite_shared::crm::DemoReport>("/demo-data", &serde_json::json!({})).await {
                Ok(report) => {
                    toasts.success(format!(
                        "Loaded {} companies, {} contacts and {} deals.",
                        report.companies, report.contacts, report.deals
                    ));
                    navigate("/deals", Default::default());
                }
                Err(error) => {
                    busy.set(false);
                    toasts.error(error.message);
                }
            }
        });
    };
    view! {
        <Show when=move || empty.get().unwrap_or(false)>
            <section class="card demo-offer" data-testid="demo-offer">
                <h2 class="card-title">
                    <Icon icon=icondata::LuSparkles />
                    "Your CRM is empty"
                </h2>
                <p class="muted">
                    "Import your contacts, add them by hand, or look around first with demo data: "
                    "companies, contacts, deals across your pipeline with their history, and activities. "
                    "Delete it any time."
                </p>
                <div>
                    <button class="btn btn-primary" disabled=move || busy.get() on:click=load.clone()>
                        {move || if busy.get() { "Loading…" } else { "Load demo data" }}
                    </button>
                </div>
            </section>
        </Show>
    }
}
