use super::drag::DragController;
use crate::components::ScoreBadge;
use crate::format::{day, initials};
use crate::team::Team;
use kite_shared::crm::deals::DealCard;
use kite_shared::crm::money::format_money;
use leptos::prelude::*;
use leptos_icons::Icon;
use uuid::Uuid;

/// Whatever a card shows; a card whose key changes is drawn again. Not its score: the
/// rescoring that follows every change would redraw the card under the user's hands (a
/// card that was just moved, a menu about to open); the score is as of the board's load.
pub fn card_key(card: &DealCard) -> (Uuid, String, i64, String, Option<kite_shared::UserId>, Option<Uuid>) {
    (
        card.id,
        card.title.clone(),
        card.value.minor,
        card.value.currency.clone(),
        card.owner_id,
        card.pending_approval.as_ref().map(|p| p.request_id),
    )
}

/// One deal on the board. The title is the card's link (the whole card is its target,
/// Enter opens it); a press that travels drags it; "Move to…" does the same by keyboard.
#[component]
pub fn DealCardView(
    card: DealCard,
    stage: Uuid,
    team: Team,
    drag: DragController,
    can_move: bool,
    on_move_to: Callback<DealCard>,
) -> impl IntoView {
    let id = card.id;
    let owner = card.owner_id;
    let title = card.title.clone();
    let dragging = move || {
        drag.state
            .with(|s| s.as_ref().is_some_and(|d| d.active && d.card.id == id))
    };
    let for_drag = card.clone();
    let for_menu = card.clone();
    view! {
        <article
            class="deal-card"
            class:deal-card-draggable=can_move
            class:deal-card-dragging=dragging
            data-deal-id=id.to_string()
            data-testid="deal-card"
            on:pointerdown=move |e| {
                if can_move {
                    drag.press(&e, for_drag.clone(), stage);
                }
            }
        >
            <a class="deal-card-title" href=format!("/deals/{id}") draggable="false">
                {title.clone()}
            </a>
            <DealCardBody card=card team=team owner=owner />
            {can_move
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="icon-button deal-card-move"
                            aria-label=format!("Move {title} to…")
                            title="Move to…"
                            data-testid="move-to"
                            on:click=move |_| on_move_to.run(for_menu.clone())
                        >
                            <Icon icon=icondata::LuArrowRightLeft />
                        </button>
                    }
                })}
        </article>
    }
}

/// What a card says besides its title, also on the copy that follows the pointer.
#[component]
pub fn DealCardBody(card: DealCard, team: Team, owner: Option<kite_shared::UserId>) -> impl IntoView {
    let owner_name = move || team.name_of(owner);
    view! {
        <div class="deal-card-value">{format_money(card.value.minor, &card.value.currency)}</div>
        {card.company_name.clone().map(|c| view! { <div class="deal-card-company">{c}</div> })}
        {card
            .pending_approval
            .clone()
            .map(|p| {
                view! {
                    <a
                        class="badge badge-warning deal-card-approval"
                        href=format!("/approvals/{}", p.request_id)
                        draggable="false"
                        data-testid="pending-approval"
                    >
                        <Icon icon=icondata::LuHourglass />
                        {format!("Awaiting approval → {}", p.to_stage_name)}
                    </a>
                }
            })}
        <div class="deal-card-foot">
            <span class="avatar avatar-xs" title=owner_name aria-label=move || format!("Owner: {}", owner_name())>
                {move || initials(&owner_name())}
            </span>
            {card
                .expected_close
                .map(|d| {
                    view! {
                        <span class="deal-card-close" title="Expected close">
                            <Icon icon=icondata::LuCalendar />
                            {day(&d)}
                        </span>
                    }
                })}
            {card.score.clone().map(|score| view! { <ScoreBadge score=score /> })}
        </div>
    }
}
