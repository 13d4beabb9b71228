use crate::api;
use crate::components::{
    ConfirmDialog, Cursors, EmptyState, FormAlert, Modal, PageInfo, Pager, SelectField, SkeletonTable, TextField,
};
use crate::format::{date, initials};
use crate::forms::FormState;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Role;
use kite_shared::auth::UserDto;
use kite_shared::page::Page;
use kite_shared::users::{InviteResponse, InviteUserRequest, UpdateUserRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_use_signal_debounce_throttle::signal_debounced;

const PER_PAGE: u64 = 25;

fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}

#[component]
pub fn Users() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let q = signal_debounced(search, 250.0);
    let role_filter = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let invite_open = RwSignal::new(false);
    // Another search or role starts again from the first page.
    let query = Memo::new(move |_| {
        format!(
            "/users{}",
            api::query(&[
                ("q", Some(q.get())),
                ("role", Some(role_filter.get())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        )
    });
    let cursors = Cursors::new(query);
    let users = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<UserDto>>(&path).await }
    });
    let page_info = Signal::derive(move || users.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    view! {
        <section class="card">
            <div class="toolbar">
                <div class="search search-inline">
                    <Icon icon=icondata::LuSearch />
                    <input
                        type="search"
                        placeholder="Search by name or email"
                        aria-label="Search users"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                </div>
                <select aria-label="Filter by role" on:change=move |ev| role_filter.set(event_target_value(&ev))>
                    <option value="">"All roles"</option>
                    {role_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <span class="spacer"></span>
                <button class="btn btn-primary" on:click=move |_| invite_open.set(true)>
                    <Icon icon=icondata::LuUserPlus />
                    "Invite user"
                </button>
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=5 columns=5 /> }>
                {move || {
                    users.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuUsers
                                    title="No users match"
                                    text="Try another search, or invite someone new."
                                />
                            }
                                .into_any()
                        }
                        Ok(list) => view! { <UserTable users=list.items reload=reload /> }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })
                }}
            </Transition>
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
        <InviteDialog open=invite_open reload=reload />
    }
}

#[component]
fn UserTable(users: Vec<UserDto>, reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="hide-narrow">"Joined"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {users.into_iter().map(|user| view! { <UserRow user=user reload=reload /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(user: UserDto, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let confirm_open = RwSignal::new(false);
    let is_me = session.me().is_some_and(|m| m.user.id == user.id);
    let id = user.id;
    let update = move |change: UpdateUserRequest, success: String| {
        spawn_local(async move {
            match api::patch::<UserDto>(&format!("/users/{id}"), &change).await {
                Ok(_) => toasts.success(success),
                Err(error) => toasts.error(error.message),
            }
            reload.update(|n| *n += 1);
        });
    };
    let status = if !user.active {
        ("Deactivated", "badge badge-muted")
    } else if !user.has_password {
        ("Invited", "badge badge-warning")
    } else {
        ("Active", "badge badge-success")
    };
    let name = user.name.clone();
    let on_role = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            let Ok(role) = event_target_value(&ev).parse::<Role>() else {
                return;
            };
            update(
                UpdateUserRequest {
                    role: Some(role),
                    ..Default::default()
                },
                format!("{name} is now {}.", role.label()),
            );
        }
    };
    let active = user.active;
    let confirm_text = Signal::derive({
        let name = name.clone();
        move || format!("{name} will be signed out everywhere and cannot sign in until reactivated.")
    });
    let on_confirm = Callback::new({
        let name = name.clone();
        move |_| {
            update(
                UpdateUserRequest {
                    active: Some(false),
                    ..Default::default()
                },
                format!("{name} was deactivated."),
            )
        }
    });
    let reactivate = {
        let name = name.clone();
        move |_| {
            update(
                UpdateUserRequest {
                    active: Some(true),
                    ..Default::default()
                },
                format!("{name} was reactivated."),
            )
        }
    };
    view! {
        <tr data-user-email=user.email.clone()>
            <td>
                <div class="person">
                    <span class="avatar avatar-small">{initials(&user.name)}</span>
                    <div>
                        <div class="person-name">{user.name.clone()} {is_me.then(|| view! { <span class="muted">" (you)"</span> })}</div>
                        <div class="muted small">{user.email.clone()}</div>
                    </div>
                </div>
            </td>
            <td>
                <select aria-label=format!("Role of {}", user.name) on:change=on_role>
                    {Role::ALL
                        .iter()
                        .map(|r| view! { <option value=r.as_str() selected=*r == user.role>{r.label()}</option> })
                        .collect_view()}
                </select>
            </td>
            <td><span class=status.1>{status.0}</span></td>
            <td class="hide-narrow">{date(&user.created_at)}</td>
            <td class="cell-actions">
                {if is_me {
                    ().into_any()
                } else if active {
                    view! { <button class="btn btn-ghost btn-small" on:click=move |_| confirm_open.set(true)>"Deactivate"</button> }.into_any()
                } else {
                    view! { <button class="btn btn-ghost btn-small" on:click=reactivate>"Reactivate"</button> }.into_any()
                }}
                <ConfirmDialog
                    open=confirm_open
                    title=format!("Deactivate {name}?")
                    message=confirm_text
                    confirm_label="Deactivate"
                    on_confirm=on_confirm
                />
            </td>
        </tr>
    }
}

#[component]
fn InviteDialog(open: RwSignal<bool>, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::SalesRep.as_str().to_owned());
    let form = FormState::new();
    let request = move || InviteUserRequest {
        email: email.get(),
        name: name.get(),
        role: role.get().parse().unwrap_or(Role::Viewer),
    };
    let errors = Memo::new(move |_| request().validate());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = request();
        spawn_local(async move {
            match api::post::<InviteResponse>("/users", &body).await {
                Ok(invited) => {
                    toasts.success(format!("Invitation sent to {}.", invited.user.email));
                    email.set(String::new());
                    name.set(String::new());
                    form.reset();
                    open.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(error) => form.fail(error),
            }
        });
    };
    view! {
        <Modal open=open title="Invite a user">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="email"
                    label="Email"
                    value=email
                    form=form
                    input_type="email"
                    autofocus=true
                    error=Signal::derive(move || form.error("email", &errors.get()))
                />
                <TextField
                    name="name"
                    label="Name"
                    value=name
                    form=form
                    error=Signal::derive(move || form.error("name", &errors.get()))
                />
                <SelectField name="role" label="Role" value=role options=role_options() />
                <p class="muted small">"They get an email with a link to set their password. The link works for 7 days."</p>
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Send invitation"</button>
                </div>
            </form>
        </Modal>
    }
}
