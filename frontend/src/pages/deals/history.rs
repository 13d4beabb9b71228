use crate::api;
use crate::components::SkeletonRows;
use crate::format::date_time;
use crate::team::Team;
use kite_shared::crm::deals::StageChangeDto;
use kite_shared::crm::pipelines::PipelineDto;
use leptos::prelude::*;
use leptos_icons::Icon;
use uuid::Uuid;

/// Every move of the deal, newest first: from → to, who, when.
#[component]
pub fn StageHistory(deal_id: Uuid, pipeline: PipelineDto, team: Team, refresh: RwSignal<u32>) -> impl IntoView {
    let history = LocalResource::new(move || {
        refresh.track();
        async move { api::get_all::<StageChangeDto>(&format!("/deals/{deal_id}/history?per_page=200")).await }
    });
    let name_of = move |id: Option<Uuid>| {
        id.and_then(|id| pipeline.stages.iter().find(|s| s.id == id))
            .map_or_else(|| "a removed stage".to_owned(), |s| s.name.clone())
    };
    view! {
        <section class="card" data-testid="stage-history">
            <h2 class="card-title">
                <Icon icon=icondata::LuHistory />
                "Stage history"
            </h2>
            <Transition fallback=|| view! { <SkeletonRows rows=3 /> }>
                {
                    let name_of = name_of.clone();
                    move || {
                        let name_of = name_of.clone();
                        history
                            .get()
                            .map(move |result| match result {
                                Ok(list) => {
                                    view! {
                                        <ol class="history">
                                            {list
                                                .into_iter()
                                                .rev()
                                                .map(|change| {
                                                    let what = match change.from_stage_id {
                                                        Some(_) => format!("{} → {}", name_of(change.from_stage_id), name_of(Some(change.to_stage_id))),
                                                        None => format!("Created in {}", name_of(Some(change.to_stage_id))),
                                                    };
                                                    let by = change.moved_by;
                                                    view! {
                                                        <li>
                                                            <span class="history-what">{what}</span>
                                                            <span class="muted small">
                                                                {move || team.name_of(by)}
                                                                " · "
                                                                {date_time(&change.moved_at)}
                                                            </span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                            })
                    }
                }
            </Transition>
        </section>
    }
}
