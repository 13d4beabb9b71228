use crate::api;
use crate::components::{EmptyState, SkeletonRows};
use kite_shared::crm::search::{SearchHit, SearchResults};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Results of the top bar's search box, by kind of record.
#[component]
pub fn Search() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|q| q.get("q")).unwrap_or_default().trim().to_owned());
    let results = LocalResource::new(move || {
        let q = q.get();
        async move {
            if q.chars().count() < 2 {
                return None;
            }
            Some(
                api::get::<SearchResults>(&format!(
                    "/search{}",
                    api::query(&[("q", Some(q)), ("limit", Some("10".into()))])
                ))
                .await,
            )
        }
    });
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{move || if q.get().is_empty() { "Search".to_owned() } else { format!("Results for “{}”", q.get()) }}</h1>
            </header>
            <Suspense fallback=|| view! { <SkeletonRows rows=6 /> }>
                {move || {
                    results.get().map(|found| match found {
                        None => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuSearch
                                    title="Search contacts, companies and deals"
                                    text="Type at least two letters of a name, email, domain, phone or deal title in the box above."
                                />
                            }
                                .into_any()
                        }
                        Some(Err(e)) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        Some(Ok(r)) if r.contacts.is_empty() && r.companies.is_empty() && r.deals.is_empty() => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuSearch
                                    title="Nothing found"
                                    text="Check the spelling, or search for part of a name or email."
                                />
                            }
                                .into_any()
                        }
                        Some(Ok(r)) => {
                            view! {
                                <div class="search-results" data-testid="search-results">
                                    <HitList title="Contacts" icon=icondata::LuUsers base="/contacts" hits=r.contacts />
                                    <HitList title="Companies" icon=icondata::LuBuilding2 base="/companies" hits=r.companies />
                                    <HitList title="Deals" icon=icondata::LuKanban base="/deals" hits=r.deals />
                                </div>
                            }
                                .into_any()
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

#[component]
fn HitList(title: &'static str, icon: icondata::Icon, base: &'static str, hits: Vec<SearchHit>) -> impl IntoView {
    (!hits.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2 class="card-title">
                    <Icon icon=icon />
                    {title}
                </h2>
                <ul class="hit-list">
                    {hits
                        .into_iter()
                        .map(|hit| {
                            view! {
                                <li>
                                    <A href=format!("{base}/{}", hit.id)>{hit.title}</A>
                                    {hit.subtitle.map(|s| view! { <span class="muted small">{s}</span> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
