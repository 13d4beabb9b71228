use crate::api;
use crate::components::{EmptyState, SkeletonRows};
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::search::SearchHit;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Hits shown per kind before "Show more".
const PER_KIND: u64 = 10;

/// The search of `q` among one kind of record.
fn path(q: &str, kind: RecordKind) -> String {
    format!(
        "/search{}",
        api::query(&[
            ("q", Some(q.to_owned())),
            ("kind", Some(kind.as_str().to_owned())),
            ("per_page", Some(PER_KIND.to_string())),
            ("total", Some("false".into())),
        ])
    )
}

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
            let paths = [RecordKind::Contact, RecordKind::Company, RecordKind::Deal].map(|kind| path(&q, kind));
            Some(
                futures::try_join!(
                    api::get::<Page<SearchHit>>(&paths[0]),
                    api::get::<Page<SearchHit>>(&paths[1]),
                    api::get::<Page<SearchHit>>(&paths[2]),
                )
                .map(|(contacts, companies, deals)| (q, contacts, companies, deals)),
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
                        Some(Ok((_, contacts, companies, deals)))
                            if contacts.items.is_empty() && companies.items.is_empty() && deals.items.is_empty() =>
                        {
                            view! {
                                <EmptyState
                                    icon=icondata::LuSearch
                                    title="Nothing found"
                                    text="Check the spelling, or search for part of a name or email."
                                />
                            }
                                .into_any()
                        }
                        Some(Ok((q, contacts, companies, deals))) => {
                            view! {
                                <div class="search-results" data-testid="search-results">
                                    <HitList title="Contacts" icon=icondata::LuUsers base="/contacts" q=q.clone() kind=RecordKind::Contact first=contacts />
                                    <HitList title="Companies" icon=icondata::LuBuilding2 base="/companies" q=q.clone() kind=RecordKind::Company first=companies />
                                    <HitList title="Deals" icon=icondata::LuKanban base="/deals" q=q kind=RecordKind::Deal first=deals />
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

/// The hits of one kind: the first page, and the next ones on "Show more".
#[component]
fn HitList(
    title: &'static str,
    icon: icondata::Icon,
    base: &'static str,
    q: String,
    kind: RecordKind,
    first: Page<SearchHit>,
) -> impl IntoView {
    let hits = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let loading = RwSignal::new(false);
    // Stored, so that the button's handler is Copy and every render can take it.
    let more_path = StoredValue::new(path(&q, kind));
    let more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        let path = more_path.with_value(|p| api::with_cursor(p, Some(cursor)));
        loading.set(true);
        spawn_local(async move {
            if let Ok(page) = api::get::<Page<SearchHit>>(&path).await {
                next.set(page.next_cursor);
                hits.update(|h| h.extend(page.items));
            }
            loading.set(false);
        });
    };
    move || {
        (!hits.with(Vec::is_empty)).then(|| {
            view! {
                <section class="card" data-kind=kind.as_str()>
                    <h2 class="card-title">
                        <Icon icon=icon />
                        {title}
                    </h2>
                    <ul class="hit-list">
                        {move || {
                            hits.get()
                                .into_iter()
                                .map(|hit| {
                                    view! {
                                        <li>
                                            <A href=format!("{base}/{}", hit.id)>{hit.title}</A>
                                            {hit.subtitle.map(|s| view! { <span class="muted small">{s}</span> })}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <Show when=move || next.with(Option::is_some)>
                        <button
                            type="button"
                            class="btn btn-ghost btn-small"
                            disabled=move || loading.get()
                            on:click=more
                        >
                            {format!("Show more {}", title.to_lowercase())}
                        </button>
                    </Show>
                </section>
            }
        })
    }
}
