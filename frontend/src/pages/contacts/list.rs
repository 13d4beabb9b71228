use super::form::ContactDialog;
use super::stage::{StageBadge, stage_options};
use crate::api;
use crate::components::{EmptyState, Pager, SkeletonTable, SortableHeader, or_dash};
use crate::format::{date, initials};
use crate::pages::merge::{FindDuplicates, MergeKind};
use crate::session::use_session;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_use_signal_debounce_throttle::signal_debounced;

const PER_PAGE: u64 = 25;

#[component]
pub fn ContactList() -> impl IntoView {
    let session = use_session();
    let can_create = move || session.can(Permission::EditOwnRecords);
    let team = Team::load();
    let search = RwSignal::new(String::new());
    let q = signal_debounced(search, 250.0);
    let stage = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let sort = RwSignal::new("last_name".to_owned());
    let page = RwSignal::new(1u64);
    let reload = RwSignal::new(0u32);
    let create_open = RwSignal::new(false);
    // Another filter or order makes the old page number meaningless.
    Effect::new(move |_| {
        q.track();
        stage.track();
        owner.track();
        sort.track();
        page.set(1);
    });
    let contacts = LocalResource::new(move || {
        reload.track();
        let path = format!(
            "/contacts{}",
            api::query(&[
                ("q", Some(q.get())),
                ("lifecycle_stage", Some(stage.get())),
                ("owner_id", Some(owner.get())),
                ("sort", Some(sort.get())),
                ("page", Some(page.get().to_string())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        );
        async move { api::get::<Page<ContactDto>>(&path).await }
    });
    let total = Signal::derive(move || contacts.get().and_then(|r| r.ok()).map_or(0, |p| p.total));
    let filtered = move || !q.get().trim().is_empty() || !stage.get().is_empty() || !owner.get().is_empty();
    let new_button = move || {
        can_create().then(|| {
            view! {
                <button class="btn btn-primary" data-testid="new-contact" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuUserPlus />
                    "New contact"
                </button>
            }
        })
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Contacts"</h1>
                    <p class="muted">"The people you sell to."</p>
                </div>
                <div class="page-actions">
                    <FindDuplicates kind=MergeKind::Contact />
                    {new_button}
                </div>
            </header>
            <section class="card">
                <div class="toolbar">
                    <div class="search search-inline">
                        <Icon icon=icondata::LuSearch />
                        <input
                            type="search"
                            placeholder="Search by name, email or phone"
                            aria-label="Search contacts"
                            prop:value=move || search.get()
                            on:input=move |ev| search.set(event_target_value(&ev))
                        />
                    </div>
                    <select aria-label="Filter by lifecycle stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">"All stages"</option>
                        {stage_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                    <select aria-label="Filter by owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="">"All owners"</option>
                        {move || {
                            team.owner_options(None)
                                .into_iter()
                                .map(|(v, l)| {
                                    let selected = v == owner.get_untracked();
                                    view! { <option value=v selected=selected>{l}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <Transition fallback=|| view! { <SkeletonTable rows=6 columns=6 /> }>
                    {move || {
                        contacts
                            .get()
                            .map(|result| match result {
                                Ok(list) if list.items.is_empty() && filtered() => {
                                    view! {
                                        <EmptyState
                                            icon=icondata::LuSearchX
                                            title="No contacts match"
                                            text="Try another search, stage or owner."
                                        />
                                    }
                                        .into_any()
                                }
                                Ok(list) if list.items.is_empty() => {
                                    view! {
                                        <EmptyState
                                            icon=icondata::LuUsers
                                            title="No contacts yet"
                                            text="Add the people you sell to, with their company and where they are in the journey."
                                        >
                                            {new_button}
                                        </EmptyState>
                                    }
                                        .into_any()
                                }
                                Ok(list) => view! { <ContactTable contacts=list.items sort=sort team=team /> }.into_any(),
                                Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                            })
                    }}
                </Transition>
                <Pager
                    page=page
                    per_page=Signal::derive(|| PER_PAGE)
                    total=total
                    on_page=Callback::new(move |p| page.set(p))
                />
            </section>
        </div>
        <ContactDialog open=create_open team=team on_saved=Callback::new(move |_| reload.update(|n| *n += 1)) />
    }
}

#[component]
fn ContactTable(contacts: Vec<ContactDto>, sort: RwSignal<String>, team: Team) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table table-dense" data-testid="contacts-table">
                <thead>
                    <tr>
                        <SortableHeader label="Name" column="last_name" sort=sort />
                        <SortableHeader label="Email" column="email" sort=sort class="hide-narrow" />
                        <th scope="col" class="hide-narrow">"Company"</th>
                        <SortableHeader label="Lifecycle" column="lifecycle_stage" sort=sort />
                        <th scope="col" class="hide-narrow">"Owner"</th>
                        <SortableHeader label="Created" column="created_at" sort=sort class="hide-narrow" />
                    </tr>
                </thead>
                <tbody>
                    {contacts.into_iter().map(|c| view! { <ContactRow contact=c team=team /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ContactRow(contact: ContactDto, team: Team) -> impl IntoView {
    let name = contact.full_name();
    let owner = contact.owner_id;
    let company = match (contact.company_id, contact.company_name.clone()) {
        (Some(id), Some(name)) => view! { <A href=format!("/companies/{id}")>{name}</A> }.into_any(),
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    };
    view! {
        <tr>
            <td class="cell-primary">
                <div class="person">
                    <span class="avatar avatar-small">{initials(&name)}</span>
                    <div>
                        <A href=format!("/contacts/{}", contact.id)>{name.clone()}</A>
                        {contact.title.clone().map(|t| view! { <div class="muted small">{t}</div> })}
                    </div>
                </div>
            </td>
            <td class="hide-narrow muted cell-truncate" title=contact.email.clone()>{or_dash(contact.email.clone())}</td>
            <td class="hide-narrow">{company}</td>
            <td>
                <StageBadge stage=contact.lifecycle_stage />
            </td>
            <td class="hide-narrow nowrap">{move || team.name_of(owner)}</td>
            <td class="hide-narrow muted nowrap">{date(&contact.created_at)}</td>
        </tr>
    }
}
