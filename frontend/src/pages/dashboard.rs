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
                                        view! {
                                            <p class="stat">{page.total}</p>
                                            <p class="muted">{if page.total == 1 { "active member" } else { "active members" }}</p>
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
