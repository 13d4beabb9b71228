use super::approval_dialog::ApprovalDialog;
use super::card::DealCardBody;
use super::column::{BoardColumnView, ColumnContext};
use super::columns::{Column, stage_of};
use super::drag::{DragController, Dropped};
use super::form::DealDialog;
use super::move_dialog::{MoveChoice, MoveDialog, MovePrompt};
use super::mover::Mover;
use super::view_switch::ViewSwitch;
use crate::session::use_session;
use crate::team::Team;
use crate::toast::use_toasts;
use crate::{api, live};
use kite_shared::Permission;
use kite_shared::crm::deals::{Board, DealCard};
use kite_shared::crm::pipelines::{PipelineDto, StageKind};
use leptos::prelude::*;
use leptos_icons::Icon;

/// Cards per column at first; the API's limit when the user asks for all.
const PER_COLUMN: u64 = 50;
const PER_COLUMN_ALL: u64 = 200;

#[component]
pub fn DealBoard() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let team = Team::load();
    let can_move = session.can(Permission::EditOwnRecords);
    let pipelines = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    let pipeline_choice = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let per_column = RwSignal::new(PER_COLUMN);
    let reload = RwSignal::new(0u32);
    let create_open = RwSignal::new(false);
    let board_path = move || {
        format!(
            "/board{}",
            api::query(&[
                ("pipeline_id", Some(pipeline_choice.get())),
                ("owner_id", Some(owner.get())),
                ("per_column", Some(per_column.get().to_string())),
            ])
        )
    };
    let board = LocalResource::new(move || {
        reload.track();
        let path = board_path();
        async move { api::get::<Board>(&path).await }
    });
    let columns = RwSignal::new(Vec::<Column>::new());
    let pipeline = RwSignal::new(None::<PipelineDto>);
    Effect::new(move |_| {
        if let Some(Ok(b)) = board.get() {
            pipeline.set(Some(b.pipeline.clone()));
            columns.set(b.columns.into_iter().map(Column::from).collect());
        }
    });
    let mover = Mover::new(columns, toasts);
    let prompt = RwSignal::new(None::<MovePrompt>);
    let prompt_for = move |card: &DealCard, lost: bool| -> Option<MovePrompt> {
        let stages = pipeline.with_untracked(|p| p.as_ref().map(|p| p.stages.clone()))?;
        let current = columns.with_untracked(|c| stage_of(c, card.id))?;
        Some(MovePrompt {
            deal_id: card.id,
            title: card.title.clone(),
            current,
            lost: lost
                .then(|| stages.iter().find(|s| s.kind == StageKind::Lost).cloned())
                .flatten(),
            stages,
        })
    };
    let on_drop = Callback::new(move |d: Dropped| {
        let Some(to) = pipeline.with_untracked(|p| p.as_ref()?.stages.iter().find(|s| s.id == d.to).cloned()) else {
            return;
        };
        let unchanged = d.to == d.from
            && columns.with_untracked(|c| {
                c.iter().find(|c| c.stage.id == d.from).is_some_and(|c| {
                    let index = c.deals.iter().position(|x| x.id == d.card.id);
                    index.map(|i| i.checked_sub(1).map(|i| c.deals[i].id)) == Some(d.after)
                })
            });
        if unchanged {
            return;
        }
        if to.kind == StageKind::Lost {
            prompt.set(prompt_for(&d.card, true));
        } else {
            mover.send(d.card, to, d.after, None);
        }
    });
    let drag = DragController::new(on_drop);
    // Others' moves and edits show up as they happen. The cards are refreshed in place
    // (unchanged cards keep their elements), and a change arriving mid-drag waits for
    // the drop, so the card under the pointer stays where it is.
    let stale = RwSignal::new(false);
    live::on_record_changes(&["deal", "approval"], Callback::new(move |_| stale.set(true)));
    Effect::new(move |_| {
        if stale.get() && !drag.active() {
            stale.set(false);
            let path = untrack(board_path);
            let mark = mover.mark();
            leptos::task::spawn_local(async move {
                match api::get::<Board>(&path).await {
                    Ok(b) if mover.settled_since(mark) && !drag.active_untracked() => {
                        let _ = columns.try_set(b.columns.into_iter().map(Column::from).collect());
                    }
                    // A move of this tab overlapped the read: its own event reads again.
                    _ => {}
                }
            });
        }
    });
    let on_move_to = Callback::new(move |card: DealCard| prompt.set(prompt_for(&card, false)));
    let on_choice = Callback::new(move |choice: MoveChoice| {
        let card = columns.with_untracked(|c| {
            c.iter()
                .flat_map(|c| c.deals.iter())
                .find(|d| d.id == choice.prompt.deal_id)
                .cloned()
        });
        if let Some(card) = card {
            mover.send(card, choice.to, None, choice.lost_reason);
        }
    });
    let cx = ColumnContext {
        columns,
        team,
        drag,
        can_move,
        can_create: can_move,
        on_move_to,
        show_all: Callback::new(move |_| per_column.set(PER_COLUMN_ALL)),
        showing_all: Signal::derive(move || per_column.get() >= PER_COLUMN_ALL),
        reload: Callback::new(move |_| reload.update(|n| *n += 1)),
    };
    let pipeline_options = move || {
        pipelines
            .get()
            .and_then(|r| r.ok())
            .filter(|p| p.len() > 1)
            .map(|list| {
                let current = pipeline.with(|p| p.as_ref().map(|p| p.id));
                view! {
                    <select
                        aria-label="Pipeline"
                        data-testid="pipeline-select"
                        on:change=move |ev| pipeline_choice.set(event_target_value(&ev))
                    >
                        {list
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option value=p.id.to_string() selected=Some(p.id) == current>
                                        {p.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                }
            })
    };
    let owner_options = move || {
        let mut options = vec![(String::new(), "Everyone".to_owned())];
        options.extend(team.owner_options(None));
        options
            .into_iter()
            .map(|(value, label)| {
                let selected = value == owner.get_untracked();
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let won_lost = move || {
        pipeline.with(|p| {
            let p = p.as_ref()?;
            let won = p.stages.iter().find(|s| s.kind == StageKind::Won)?.id;
            let lost = p.stages.iter().find(|s| s.kind == StageKind::Lost)?.id;
            Some((won, lost))
        })
    };
    let over = move |stage: uuid::Uuid| drag.state.with(|s| s.as_ref().is_some_and(|d| d.over == Some(stage)));
    view! {
        <div class="page page-wide">
            <header class="page-header">
                <div>
                    <h1>"Deals"</h1>
                    <p class="muted">"Drag a card to move it, or use its move button."</p>
                </div>
                <div class="page-actions">
                    <ViewSwitch />
                    {pipeline_options}
                    <select aria-label="Owner" data-testid="owner-filter" on:change=move |ev| owner.set(event_target_value(&ev))>
                        {owner_options}
                    </select>
                    {can_move
                        .then(|| {
                            view! {
                                <button class="btn btn-primary" data-testid="new-deal" on:click=move |_| create_open.set(true)>
                                    <Icon icon=icondata::LuPlus />
                                    "New deal"
                                </button>
                            }
                        })}
                </div>
            </header>
            <Transition fallback=|| view! { <BoardSkeleton /> }>
                {move || {
                    board
                        .get()
                        .map(|result| match result {
                            Ok(b) => {
                                let pipeline_id = b.pipeline.id;
                                let stages: Vec<_> = b.columns.iter().map(|c| c.stage.id).collect();
                                view! {
                                    <div class="board" data-testid="board">
                                        {stages
                                            .into_iter()
                                            .map(|stage_id| view! { <BoardColumnView stage_id=stage_id pipeline_id=pipeline_id cx=cx /> })
                                            .collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
        </div>
        {move || {
            won_lost()
                .filter(|_| drag.active())
                .map(|(won, lost)| {
                    view! {
                        <div class="board-outcomes" role="presentation">
                            <div class="board-outcome board-outcome-won" class:board-outcome-over=move || over(won) data-drop-stage=won.to_string() data-testid="drop-won">
                                <Icon icon=icondata::LuTrophy />
                                "Won"
                            </div>
                            <div class="board-outcome board-outcome-lost" class:board-outcome-over=move || over(lost) data-drop-stage=lost.to_string() data-testid="drop-lost">
                                <Icon icon=icondata::LuCircleX />
                                "Lost"
                            </div>
                        </div>
                    }
                })
        }}
        {move || {
            drag.state
                .get()
                .filter(|d| d.active)
                .map(|d| {
                    let owner = d.card.owner_id;
                    let style = d.ghost_style();
                    view! {
                        <div class="deal-card drag-ghost" style=style aria-hidden="true">
                            <span class="deal-card-title">{d.card.title.clone()}</span>
                            <DealCardBody card=d.card team=team owner=owner />
                        </div>
                    }
                })
        }}
        <MoveDialog prompt=prompt on_move=on_choice />
        <ApprovalDialog ask=mover.approval on_sent=Callback::new(move |_| stale.set(true)) />
        <DealDialog
            open=create_open
            team=team
            on_saved=Callback::new(move |_| reload.update(|n| *n += 1))
        />
    }
}

#[component]
fn BoardSkeleton() -> impl IntoView {
    view! {
        <div class="board" aria-busy="true" aria-label="Loading">
            {(0..4)
                .map(|_| {
                    view! {
                        <div class="board-column">
                            <div class="skeleton skeleton-line" style="width: 60%"></div>
                            <div class="skeleton board-card-skeleton"></div>
                            <div class="skeleton board-card-skeleton"></div>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}
