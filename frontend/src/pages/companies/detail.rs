use super::form::CompanyDialog;
use crate::api;
use crate::components::{DeleteRecord, Detail, RecordTimeline, SkeletonRows, TagEditor, or_dash};
use crate::custom_fields::{CustomFieldDetails, CustomFieldList};
use crate::format::date_time;
use crate::pages::contacts::StageBadge;
use crate::pages::merge::{MergeKind, MergeWith};
use crate::pages::record::{RecordPage, can_edit, load_record, save_custom_value, save_tags};
use crate::session::use_session;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::companies::{CompanyDto, CompanyInput};
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

#[component]
pub fn CompanyDetail() -> impl IntoView {
    let team = Team::load();
    let reload = RwSignal::new(0u32);
    let company = load_record("company", reload, |id| async move {
        api::get::<CompanyDto>(&format!("/companies/{id}")).await
    });
    view! {
        <RecordPage
            back_to="/companies"
            back_label="Companies"
            record=company
            missing_icon=icondata::LuBuilding2
            missing_title="This company is not here"
            missing_text="It may have been deleted, or the link is wrong."
            render=move |company| view! { <CompanyView company=company team=team reload=reload /> }
        />
    }
}

/// The company as it is, with other tags.
fn with_tags(c: CompanyDto, tags: Vec<String>) -> CompanyInput {
    CompanyInput {
        tags: Some(tags),
        ..c.to_input()
    }
}

/// The company as it is, with other custom values.
fn with_custom(c: CompanyDto, custom_fields: CustomValues) -> CompanyInput {
    CompanyInput {
        custom_fields,
        ..c.to_input()
    }
}

#[component]
fn CompanyView(company: CompanyDto, team: Team, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let edit_open = RwSignal::new(false);
    let editable = can_edit(&session, company.owner_id);
    let deletable = session.can(Permission::DeleteRecords);
    let owner = company.owner_id;
    let company_id = company.id;
    let for_dialog = company.clone();
    let website = company.website.clone().filter(|w| !w.trim().is_empty());
    let this = company.id;
    // When this company stays, the address does not change, so the page reloads itself.
    let on_merged = Callback::new(move |survivor| {
        if survivor == this {
            reload.update(|n| *n += 1);
        }
    });
    let subtitle = [company.industry.clone(), company.domain.clone()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <header class="page-header record-header">
            <div class="record-title">
                <span class="avatar avatar-large avatar-square">
                    <Icon icon=icondata::LuBuilding2 />
                </span>
                <div>
                    <h1>{company.name.clone()}</h1>
                    <p class="muted">{subtitle}</p>
                </div>
            </div>
            <div class="page-actions">
                {editable
                    .then(|| {
                        view! {
                            <button class="btn btn-secondary" on:click=move |_| edit_open.set(true)>
                                <Icon icon=icondata::LuPencil />
                                "Edit"
                            </button>
                        }
                    })}
                {deletable
                    .then(|| {
                        view! {
                            <MergeWith
                                kind=MergeKind::Company
                                id=company.id
                                name=company.name.clone()
                                team=team
                                on_merged=on_merged
                            />
                            <DeleteRecord
                                path=format!("/companies/{}", company.id)
                                name=company.name.clone()
                                back_to="/companies"
                            />
                        }
                    })}
            </div>
        </header>
        <div class="record-grid">
            <section class="card">
                <h2 class="card-title">"Details"</h2>
                <dl class="details">
                    <Detail label="Domain">{or_dash(company.domain.clone())}</Detail>
                    <Detail label="Industry">{or_dash(company.industry.clone())}</Detail>
                    <Detail label="Size">{or_dash(company.size.clone())}</Detail>
                    <Detail label="Phone">{or_dash(company.phone.clone())}</Detail>
                    <Detail label="Website">
                        {match website {
                            Some(w) => {
                                let href = if w.starts_with("http") { w.clone() } else { format!("https://{w}") };
                                view! { <a href=href target="_blank" rel="noopener noreferrer">{w.clone()}</a> }.into_any()
                            }
                            None => "—".into_any(),
                        }}
                    </Detail>
                    <Detail label="Address">
                        <span class="pre-line">{or_dash(company.address.clone())}</span>
                    </Detail>
                    <Detail label="Owner">{move || team.name_of(owner)}</Detail>
                    <Detail label="Created">{date_time(&company.created_at)}</Detail>
                    <Detail label="Updated">{date_time(&company.updated_at)}</Detail>
                </dl>
                <CustomFieldDetails
                    fields=CustomFieldList::load(CustomFieldEntity::Company)
                    values=company.custom_fields.clone()
                    editable=editable
                    team=team
                    save=move |key, value| save_custom_value(RecordKind::Company, company_id, key, value, with_custom)
                />
                <div class="record-tags">
                    <h3 class="detail-heading">"Tags"</h3>
                    <TagEditor tags=company.tags.clone() editable=editable save=move |tags| save_tags(RecordKind::Company, company_id, tags, with_tags) />
                </div>
                {company
                    .notes
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| {
                        view! {
                            <div>
                                <h3 class="detail-heading">"Notes"</h3>
                                <p class="pre-line notes">{n}</p>
                            </div>
                        }
                    })}
            </section>
            <CompanyContacts company_id=company.id.to_string() />
        </div>
        <RecordTimeline kind=RecordKind::Company id=company.id can_add=session.can(Permission::EditOwnRecords) />
        <CompanyDialog
            open=edit_open
            team=team
            company=for_dialog
            on_saved=Callback::new(move |_| reload.update(|n| *n += 1))
        />
    }
}

/// The people at the company, linking to their pages.
#[component]
fn CompanyContacts(company_id: String) -> impl IntoView {
    let path = format!(
        "/contacts{}",
        api::query(&[
            ("company_id", Some(company_id)),
            ("sort", Some("last_name".into())),
            ("per_page", Some("200".into())),
        ])
    );
    let contacts = LocalResource::new(move || {
        let path = path.clone();
        async move { api::get::<Page<ContactDto>>(&path).await }
    });
    view! {
        <section class="card" data-testid="company-contacts">
            <h2 class="card-title">
                <Icon icon=icondata::LuUsers />
                "Contacts"
                {move || {
                    contacts.get().and_then(|r| r.ok()).and_then(|p| p.total).map(|total| view! { <span class="badge">{total}</span> })
                }}
            </h2>
            <Suspense fallback=|| view! { <SkeletonRows rows=3 /> }>
                {move || {
                    contacts
                        .get()
                        .map(|result| match result {
                            Ok(page) if page.items.is_empty() => {
                                view! { <p class="muted">"No contacts at this company yet."</p> }.into_any()
                            }
                            Ok(page) => {
                                view! {
                                    <ul class="record-list">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|c| {
                                                let name = c.full_name();
                                                let line = [c.title.clone(), c.email.clone()]
                                                    .into_iter()
                                                    .flatten()
                                                    .collect::<Vec<_>>()
                                                    .join(" · ");
                                                view! {
                                                    <li>
                                                        <span class="avatar avatar-small">{crate::format::initials(&name)}</span>
                                                        <div class="record-list-text">
                                                            <A href=format!("/contacts/{}", c.id)>{name}</A>
                                                            <div class="muted small">{line}</div>
                                                        </div>
                                                        <StageBadge stage=c.lifecycle_stage />
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}
