use super::card::{DealCardView, card_key};
use super::columns::Column;
use super::drag::DragController;
use super::money::{currency_code, parse_amount};
use crate::api;
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::crm::deals::{DealCard, DealDto, DealInput};
use kite_shared::crm::money::{Money, format_money};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct ColumnContext {
    pub columns: RwSignal<Vec<Column>>,
    pub team: Team,
    pub drag: DragController,
    pub can_move: bool,
    pub can_create: bool,
    pub on_move_to: Callback<DealCard>,
    /// Loads the board again with every card of every column (up to the API's 200).
    pub show_all: Callback<()>,
    pub showing_all: Signal<bool>,
    pub reload: Callback<()>,
}

#[component]
pub fn BoardColumnView(stage_id: Uuid, pipeline_id: Uuid, cx: ColumnContext) -> impl IntoView {
    let read = move |f: fn(&Column) -> String| cx.columns.with(|c| c.iter().find(|c| c.stage.id == stage_id).map(f));
    let name = move || read(|c| c.stage.name.clone()).unwrap_or_default();
    let count = move || {
        cx.columns
            .with(|c| c.iter().find(|c| c.stage.id == stage_id).map_or(0, |c| c.count))
    };
    let totals = move || {
        cx.columns.with(|c| {
            c.iter()
                .find(|c| c.stage.id == stage_id)
                .map(|c| c.totals.clone())
                .unwrap_or_default()
        })
    };
    let cards = move || {
        cx.columns.with(|c| {
            c.iter()
                .find(|c| c.stage.id == stage_id)
                .map(|c| c.deals.clone())
                .unwrap_or_default()
        })
    };
    let hidden = move || count().saturating_sub(cards().len() as u64);
    let drop_here = move || {
        cx.drag
            .state
            .with(|s| s.as_ref().is_some_and(|d| d.active && d.over == Some(stage_id)))
    };
    let marker = move || {
        cx.drag.state.with(|s| {
            s.as_ref()
                .filter(|d| d.active && d.over == Some(stage_id))
                .and_then(|d| d.marker)
        })
    };
    view! {
        <section
            class="board-column"
            class:board-column-over=drop_here
            data-drop-stage=stage_id.to_string()
            data-testid="board-column"
            aria-label=name
        >
            <header class="board-column-head">
                <div class="board-column-title">
                    <h2>{name}</h2>
                    <span class="badge" data-testid="column-count">{count}</span>
                </div>
                <div class="board-totals">
                    {move || {
                        totals()
                            .into_iter()
                            .map(|t| view! { <div class="board-total">{format_money(t.minor, &t.currency)}</div> })
                            .collect_view()
                    }}
                </div>
            </header>
            <div class="board-cards">
                <For each=cards key=card_key let:card>
                    <DealCardView
                        card=card
                        stage=stage_id
                        team=cx.team
                        drag=cx.drag
                        can_move=cx.can_move
                        on_move_to=cx.on_move_to
                    />
                </For>
                {move || marker().map(|top| view! { <div class="drop-marker" style=format!("top: {top}px")></div> })}
            </div>
            <footer class="board-column-foot">
                {move || {
                    let hidden = hidden();
                    (hidden > 0)
                        .then(|| {
                            if cx.showing_all.get() {
                                view! { <p class="muted small">{format!("{hidden} more not shown. Filter by owner to see them.")}</p> }
                                    .into_any()
                            } else {
                                view! {
                                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| cx.show_all.run(())>
                                        {format!("Show all {}", count())}
                                    </button>
                                }
                                    .into_any()
                            }
                        })
                }}
                {cx.can_create.then(|| view! { <QuickAdd stage_id=stage_id pipeline_id=pipeline_id on_created=cx.reload /> })}
            </footer>
        </section>
    }
}

/// "+" at a column's foot: a title and a value make a deal in that stage.
#[component]
fn QuickAdd(stage_id: Uuid, pipeline_id: Uuid, on_created: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new("EUR".to_owned());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(minor) = parse_amount(&amount.get_untracked()) else {
            problem.set(Some("Type the value as a number, e.g. 1250.50.".into()));
            return;
        };
        let body = DealInput {
            title: title.get_untracked().trim().to_owned(),
            value: Some(Money {
                minor,
                currency: currency_code(&currency.get_untracked()),
            }),
            pipeline_id: Some(pipeline_id),
            stage_id: Some(stage_id),
            ..Default::default()
        };
        if let Some(error) = body.validate().into_iter().next() {
            problem.set(Some(error.message));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::post::<DealDto>("/deals", &body).await {
                Ok(deal) => {
                    toasts.success(format!("{} was created.", deal.title));
                    title.set(String::new());
                    amount.set(String::new());
                    problem.set(None);
                    open.set(false);
                    on_created.run(());
                }
                Err(e) => problem.set(Some(e.errors.first().map_or(e.message, |f| f.message.clone()))),
            }
            busy.set(false);
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <button type="button" class="board-add" data-testid="quick-add" on:click=move |_| open.set(true)>
                        <Icon icon=icondata::LuPlus />
                        "Add deal"
                    </button>
                }
            }
        >
            <form class="quick-add" on:submit=on_submit novalidate=true>
                <input
                    type="text"
                    placeholder="Deal title"
                    aria-label="Deal title"
                    name="quick-title"
                    autofocus=true
                    prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))
                />
                <div class="quick-add-money">
                    <input
                        type="text"
                        inputmode="decimal"
                        placeholder="Value"
                        aria-label="Value"
                        name="quick-value"
                        prop:value=move || amount.get()
                        on:input=move |ev| amount.set(event_target_value(&ev))
                    />
                    <input
                        type="text"
                        class="quick-add-currency"
                        aria-label="Currency"
                        name="quick-currency"
                        maxlength=3
                        prop:value=move || currency.get()
                        on:input=move |ev| currency.set(event_target_value(&ev))
                    />
                </div>
                <p class="field-error" role="alert">{move || problem.get()}</p>
                <div class="quick-add-actions">
                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary btn-small" disabled=move || busy.get()>"Add"</button>
                </div>
            </form>
        </Show>
    }
}
