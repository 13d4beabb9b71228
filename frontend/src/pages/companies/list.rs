use super::form::CompanyDialog;
use crate::api;
use crate::components::{EmptyState, Pager, SkeletonTable, SortableHeader, or_dash};
use crate::format::date;
use crate::pages::merge::{FindDuplicates, MergeKind};
use crate::session::use_session;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_use_signal_debounce_throttle::signal_debounced;

const PER_PAGE: u64 = 25;

#[component]
pub fn CompanyList() -> impl IntoView {
    let session = use_session();
    let can_create = move || session.can(Permission::EditOwnRecords);
    let team = Team::load();
    let search = RwSignal::new(String::new());
    let q = signal_debounced(search, 250.0);
    let industry = RwSignal::new(String::new());
    let industry_q = signal_debounced(industry, 250.0);
    let sort = RwSignal::new("name".to_owned());
    let page = RwSignal::new(1u64);
    let reload = RwSignal::new(0u32);
    let create_open = RwSignal::new(false);
    // Another filter or order makes the old page number meaningless.
    Effect::new(move |_| {
        q.track();
        industry_q.track();
        sort.track();
        page.set(1);
    });
    let companies = LocalResource::new(move || {
        reload.track();
        let path = format!(
            "/companies{}",
            api::query(&[
                ("q", Some(q.get())),
                ("industry", Some(industry_q.get())),
                ("sort", Some(sort.get())),
                ("page", Some(page.get().to_string())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        );
        async move { api::get::<Page<CompanyDto>>(&path).await }
    });
    let total = Signal::derive(move || companies.get().and_then(|r| r.ok()).map_or(0, |p| p.total));
    let filtered = move || !q.get().trim().is_empty() || !industry_q.get().trim().is_empty();
    let new_button = move || {
        can_create().then(|| {
            view! {
                <button class="btn btn-primary" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuPlus />
                    "New company"
                </button>
            }
        })
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Companies"</h1>
                    <p class="muted">"The organizations your contacts work for."</p>
                </div>
                <div class="page-actions">
                    <FindDuplicates kind=MergeKind::Company />
                    {new_button}
                </div>
            </header>
            <section class="card">
                <div class="toolbar">
                    <div class="search search-inline">
                        <Icon icon=icondata::LuSearch />
                        <input
                            type="search"
                            placeholder="Search by name or domain"
                            aria-label="Search companies"
                            prop:value=move || search.get()
                            on:input=move |ev| search.set(event_target_value(&ev))
                        />
                    </div>
                    <input
                        type="search"
                        class="filter-input"
                        placeholder="Industry"
                        aria-label="Filter by industry"
                        prop:value=move || industry.get()
                        on:input=move |ev| industry.set(event_target_value(&ev))
                    />
                </div>
                <Transition fallback=|| view! { <SkeletonTable rows=6 columns=5 /> }>
                    {move || {
                        companies
                            .get()
                            .map(|result| match result {
                                Ok(list) if list.items.is_empty() && filtered() => {
                                    view! {
                                        <EmptyState
                                            icon=icondata::LuSearchX
                                            title="No companies match"
                                            text="Try another search or industry."
                                        />
                                    }
                                        .into_any()
                                }
                                Ok(list) if list.items.is_empty() => {
                                    view! {
                                        <EmptyState
                                            icon=icondata::LuBuilding2
                                            title="No companies yet"
                                            text="Add the organizations you sell to, then link their people to them."
                                        >
                                            {new_button}
                                        </EmptyState>
                                    }
                                        .into_any()
                                }
                                Ok(list) => view! { <CompanyTable companies=list.items sort=sort team=team /> }.into_any(),
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
        <CompanyDialog open=create_open team=team on_saved=Callback::new(move |_| reload.update(|n| *n += 1)) />
    }
}

#[component]
fn CompanyTable(companies: Vec<CompanyDto>, sort: RwSignal<String>, team: Team) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="companies-table">
                <thead>
                    <tr>
                        <SortableHeader label="Name" column="name" sort=sort />
                        <SortableHeader label="Domain" column="domain" sort=sort class="hide-narrow" />
                        <SortableHeader label="Industry" column="industry" sort=sort />
                        <th scope="col" class="hide-narrow">"Owner"</th>
                        <SortableHeader label="Created" column="created_at" sort=sort class="hide-narrow" />
                    </tr>
                </thead>
                <tbody>
                    {companies
                        .into_iter()
                        .map(|c| {
                            let owner = c.owner_id;
                            view! {
                                <tr>
                                    <td class="cell-primary">
                                        <A href=format!("/companies/{}", c.id)>{c.name}</A>
                                    </td>
                                    <td class="hide-narrow muted">{or_dash(c.domain)}</td>
                                    <td>{or_dash(c.industry)}</td>
                                    <td class="hide-narrow nowrap">{move || team.name_of(owner)}</td>
                                    <td class="hide-narrow muted nowrap">{date(&c.created_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
