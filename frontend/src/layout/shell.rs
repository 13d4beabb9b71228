use super::user_menu::UserMenu;
use crate::session::{SessionState, use_session};
use kite_shared::Permission;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::{use_location, use_navigate};

struct NavItem {
    href: &'static str,
    label: &'static str,
    icon: icondata::Icon,
    permission: Permission,
}

const NAV: [NavItem; 11] = [
    NavItem {
        href: "/",
        label: "Dashboard",
        icon: icondata::LuLayoutDashboard,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/contacts",
        label: "Contacts",
        icon: icondata::LuUsers,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/companies",
        label: "Companies",
        icon: icondata::LuBuilding2,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/deals",
        label: "Deals",
        icon: icondata::LuKanban,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/activities",
        label: "Activities",
        icon: icondata::LuCalendarCheck,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/calendar",
        label: "Calendar",
        icon: icondata::LuCalendarDays,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/approvals",
        label: "Approvals",
        icon: icondata::LuStamp,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/imports",
        label: "Imports",
        icon: icondata::LuImport,
        permission: Permission::EditOwnRecords,
    },
    NavItem {
        href: "/campaigns",
        label: "Email",
        icon: icondata::LuMail,
        permission: Permission::ReadRecords,
    },
    NavItem {
        href: "/reports",
        label: "Reports",
        icon: icondata::LuChartColumn,
        permission: Permission::ViewReports,
    },
    NavItem {
        href: "/insights",
        label: "Insights",
        icon: icondata::LuSparkles,
        permission: Permission::ReadRecords,
    },
];

/// Guards every signed-in route: waits for the session check, sends signed-out visitors
/// to the login page (remembering where they were going), and frames the page.
#[component]
pub fn AppShell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    // Only a change of signed-in status rebuilds the shell; profile edits do not.
    let status = Memo::new(move |_| match session.state.get() {
        SessionState::Checking => 0,
        SessionState::SignedOut => 1,
        SessionState::SignedIn(_) => 2,
    });
    move || match status.get() {
        0 => view! { <Splash /> }.into_any(),
        1 => {
            let wanted = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let next: String = js_sys::encode_uri_component(&wanted).into();
            let target = if wanted == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={next}")
            };
            view! { <Redirect path=target /> }.into_any()
        }
        _ => view! { <Shell /> }.into_any(),
    }
}

#[component]
fn Splash() -> impl IntoView {
    view! {
        <div class="splash" aria-busy="true">
            <div class="brand brand-large">
                <span class="brand-mark">"K"</span>
                "Kite"
            </div>
        </div>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let session = use_session();
    let nav_open = RwSignal::new(false);
    let toasts = crate::toast::use_toasts();
    let approvals_changed = RwSignal::new(0u32);
    let on_approval = Callback::new(move |()| approvals_changed.update(|n| *n += 1));
    crate::live::on_approvals_and_reminders(
        on_approval,
        Callback::new(move |event| {
            if let kite_shared::jobs::ServerEvent::Reminder {
                activity_kind,
                subject,
                due_at,
                ..
            } = event
            {
                toasts.success(format!(
                    "Reminder: {} “{subject}” at {}",
                    activity_kind.label(),
                    crate::format::due(&due_at)
                ));
            }
        }),
    );
    let org_name = move || session.me().map(|me| me.organization.name).unwrap_or_default();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="app" class:nav-open=move || nav_open.get()>
            // A click on any link of the sidebar closes it on narrow screens.
            <aside class="sidebar" aria-label="Main navigation" on:click=move |_| nav_open.set(false)>
                <div class="sidebar-head">
                    <A href="/" attr:class="brand">
                        <span class="brand-mark">"K"</span>
                        "Kite"
                    </A>
                    <button class="icon-button sidebar-close" aria-label="Close menu">
                        <Icon icon=icondata::LuX />
                    </button>
                </div>
                <p class="org-name" data-testid="org-name">{org_name}</p>
                <nav class="nav">
                    {NAV
                        .iter()
                        .map(|item| {
                            let permission = item.permission;
                            view! {
                                <Show when=move || session.can(permission)>
                                    <A href=item.href exact=item.href == "/" attr:class="nav-link">
                                        <Icon icon=item.icon />
                                        <span>{item.label}</span>
                                        {(item.href == "/approvals").then(|| view! { <ApprovalBadge reload=approvals_changed /> })}
                                    </A>
                                </Show>
                            }
                        })
                        .collect_view()}
                </nav>
                <nav class="nav nav-bottom">
                    <A href="/settings" attr:class="nav-link">
                        <Icon icon=icondata::LuSettings />
                        <span>"Settings"</span>
                    </A>
                </nav>
            </aside>
            <div class="nav-backdrop" on:click=move |_| nav_open.set(false)></div>
            <div class="main">
                <header class="topbar">
                    <button class="icon-button menu-button" aria-label="Open menu" on:click=move |_| nav_open.set(true)>
                        <Icon icon=icondata::LuMenu />
                    </button>
                    <GlobalSearch />
                    <UserMenu />
                </header>
                <main class="content" id="main" tabindex="-1">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// How many requests wait for the signed-in user's decision, read again when `reload`
/// changes (the shell's live stream moves it).
#[component]
fn ApprovalBadge(reload: RwSignal<u32>) -> impl IntoView {
    let counts = LocalResource::new(move || {
        reload.track();
        crate::api::get::<kite_shared::approvals::ApprovalCounts>("/approvals/counts")
    });
    move || {
        counts
            .get()
            .and_then(|r| r.ok())
            .filter(|c| c.waiting > 0)
            .map(|c| {
                view! {
                    <span class="nav-badge" data-testid="approvals-badge" aria-label=format!("{} waiting for you", c.waiting)>
                        {c.waiting}
                    </span>
                }
            })
    }
}

/// The search box of the top bar; "/" focuses it from anywhere.
#[component]
fn GlobalSearch() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let navigate = use_navigate();
    let _ = leptos_use_event_listener::use_event_listener(
        leptos_use_document::use_document(),
        leptos::ev::keydown,
        move |ev| {
            let typing = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if ev.key() == "/" && !typing {
                ev.prevent_default();
                if let Some(el) = input.get() {
                    let _ = el.focus();
                }
            }
        },
    );
    view! {
        <form
            class="search"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                let q: String = js_sys::encode_uri_component(query.get_untracked().trim()).into();
                navigate(&format!("/search?q={q}"), Default::default());
            }
        >
            <Icon icon=icondata::LuSearch />
            <input
                node_ref=input
                type="search"
                placeholder="Search contacts, companies, deals…"
                aria-label="Search"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <kbd class="search-key" aria-hidden="true">"/"</kbd>
        </form>
    }
}

/// Settings pages with tabs; the tabs of pages for managers or admins are hidden from
/// other roles (everyone reads pipelines and tags; their pages offer editing only to
/// those who may).
#[component]
pub fn SettingsLayout() -> impl IntoView {
    let session = use_session();
    let tabs = [
        ("/settings/profile", "Profile", None),
        ("/settings/pipelines", "Pipelines", None),
        ("/settings/tags", "Tags", None),
        ("/settings/approvals", "Approvals", None),
        (
            "/settings/scheduled-exports",
            "Scheduled exports",
            Some(Permission::EditAllRecords),
        ),
        ("/settings/users", "Users", Some(Permission::ManageUsers)),
        (
            "/settings/custom-fields",
            "Custom fields",
            Some(Permission::ManageOrganization),
        ),
        ("/settings/api-keys", "API keys", Some(Permission::ManageOrganization)),
        ("/settings/webhooks", "Webhooks", Some(Permission::ManageOrganization)),
        ("/settings/audit-log", "Audit log", Some(Permission::ViewAuditLog)),
        ("/settings/outbox", "Email outbox", Some(Permission::ViewOutbox)),
        ("/settings/trash", "Trash", Some(Permission::ManageOrganization)),
    ];
    view! {
        <div class="page">
            <header class="page-header">
                <h1>"Settings"</h1>
            </header>
            <nav class="tabs tabs-wrap" aria-label="Settings sections">
                {tabs
                    .into_iter()
                    .map(|(href, label, permission)| {
                        view! {
                            <Show when=move || permission.is_none_or(|p| session.can(p))>
                                <A href=href attr:class="tab">{label}</A>
                            </Show>
                        }
                    })
                    .collect_view()}
            </nav>
            <Outlet />
        </div>
    }
}
