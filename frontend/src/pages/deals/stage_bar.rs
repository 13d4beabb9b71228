use kite_shared::crm::deals::{DealDto, DealStatus};
use kite_shared::crm::pipelines::{PipelineDto, StageDto, StageKind};
use leptos::prelude::*;
use leptos_icons::Icon;

/// The pipeline's open stages as steps, the deal's own lit; with `on_pick` every step,
/// and Won and Lost, is a button that moves the deal there.
#[component]
pub fn StageBar(deal: DealDto, pipeline: PipelineDto, on_pick: Option<Callback<StageDto>>) -> impl IntoView {
    let current = pipeline.stages.iter().position(|s| s.id == deal.stage_id);
    let open_deal = deal.status == DealStatus::Open;
    let steps = pipeline
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == StageKind::Open)
        .map(|(i, stage)| {
            let state = match current {
                Some(c) if c == i => "stage-step stage-step-current",
                Some(c) if i < c && open_deal => "stage-step stage-step-done",
                _ => "stage-step",
            };
            let stage = stage.clone();
            let name = stage.name.clone();
            let attr = name.clone();
            match on_pick {
                Some(pick) if Some(i) != current => view! {
                    <li class=state>
                        <button type="button" data-stage-name=attr on:click=move |_| pick.run(stage.clone())>{name}</button>
                    </li>
                }
                .into_any(),
                _ => view! {
                    <li class=state aria-current=(Some(i) == current).then_some("step")>
                        <span>{name}</span>
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    let outcome = |kind: StageKind| pipeline.stages.iter().find(|s| s.kind == kind).cloned();
    let outcomes = on_pick.filter(|_| open_deal).map(|pick| {
        let (won, lost) = (outcome(StageKind::Won), outcome(StageKind::Lost));
        view! {
            {won.map(|s| view! {
                <button type="button" class="btn btn-secondary btn-small btn-won" data-testid="mark-won" on:click=move |_| pick.run(s.clone())>
                    <Icon icon=icondata::LuTrophy />
                    "Won"
                </button>
            })}
            {lost.map(|s| view! {
                <button type="button" class="btn btn-secondary btn-small btn-danger-text" data-testid="mark-lost" on:click=move |_| pick.run(s.clone())>
                    <Icon icon=icondata::LuCircleX />
                    "Lost"
                </button>
            })}
        }
    });
    view! {
        <div class="stage-bar-wrap">
            <ol class="stage-bar" aria-label="Stages" data-testid="stage-bar">{steps}</ol>
            <div class="stage-outcomes">{outcomes}</div>
        </div>
    }
}
