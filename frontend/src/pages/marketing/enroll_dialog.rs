//! "Add to sequence": one contact from their page (with the sequences they are in), or
//! the contacts selected in the list. The first step of a few contacts runs at once.

use crate::api;
use crate::components::{FormAlert, Modal, SelectField};
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::marketing::campaigns::{Audience, AudienceKind};
use kite_shared::marketing::sequences::{EnrollInput, EnrollOutcome, EnrollmentDto, SequenceDto};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

#[component]
pub fn EnrollDialog(
    open: RwSignal<bool>,
    #[prop(into)] contact_ids: Signal<Vec<Uuid>>,
    on_enrolled: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let form = FormState::new();
    let sequence = RwSignal::new(String::new());
    let changed = RwSignal::new(0u32);
    let sequences = LocalResource::new(|| api::get::<Page<SequenceDto>>("/sequences?per_page=200"));
    // One contact: the sequences they are (or were) in.
    let current = LocalResource::new(move || {
        changed.track();
        open.track();
        let single = contact_ids.with(|ids| (ids.len() == 1).then(|| ids[0]));
        async move {
            match single {
                Some(id) => api::get::<Vec<EnrollmentDto>>(&format!("/contacts/{id}/enrollments")).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Pick a sequence".to_owned())];
        if let Some(Ok(page)) = sequences.get() {
            options.extend(page.items.into_iter().map(|s| (s.id.to_string(), s.name)));
        }
        options
    });
    let enroll = move |ev: leptos::ev::SubmitEvent| {
        let Ok(sequence_id) = sequence.get_untracked().parse::<Uuid>() else {
            ev.prevent_default();
            form.alert.set(Some("Pick a sequence.".into()));
            return;
        };
        let input = EnrollInput {
            audience: Audience {
                kind: AudienceKind::List,
                contact_ids: contact_ids.get_untracked(),
                ..Audience::default()
            },
            deal_id: None,
        };
        let request =
            async move { api::post::<EnrollOutcome>(&format!("/sequences/{sequence_id}/enrollments"), &input).await };
        form.submit(ev, &[], request, move |outcome| {
            let left_out = outcome.excluded.total();
            if outcome.enrolled > 0 {
                let mut said = format!("{} enrolled", outcome.enrolled);
                if outcome.already_enrolled + left_out > 0 {
                    said.push_str(&format!(
                        " · {} already in it · {} cannot be emailed",
                        outcome.already_enrolled, left_out
                    ));
                }
                toasts.success(said);
                open.set(false);
                form.reset();
                on_enrolled.run(());
            } else if outcome.already_enrolled > 0 && left_out == 0 {
                form.alert.set(Some("Already in that sequence (now or before).".into()));
            } else {
                form.alert.set(Some(format!(
                    "Nobody enrolled: {} already in it, {} cannot be emailed (no address, or suppressed).",
                    outcome.already_enrolled, left_out
                )));
            }
            changed.update(|n| *n += 1);
        });
    };
    view! {
        <Modal open=open title="Add to sequence">
            <form class="form-stack" on:submit=enroll novalidate data-testid="enroll-form">
                <FormAlert form=form />
                <p class="modal-text">{move || match contact_ids.with(Vec::len) {
                    1 => "Their first step runs at once.".to_owned(),
                    n => format!("{n} contacts; those already in it or who cannot be emailed are left out."),
                }}</p>
                {move || current.get().and_then(Result::ok).filter(|list| !list.is_empty()).map(|list| view! {
                    <ul class="enrollment-list" data-testid="contact-enrollments">
                        {list.into_iter().map(|e| view! {
                            <li>
                                <A href=format!("/campaigns/sequences/{}", e.sequence_id)>{e.sequence_name.clone().unwrap_or_default()}</A>
                                <span class="muted">{format!(
                                    " · {}{}",
                                    e.state.label(),
                                    e.exit_reason.map(|r| format!(" ({})", r.label().to_lowercase())).unwrap_or_default()
                                )}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
                <SelectField name="sequence_id" label="Sequence" value=sequence options=options form=form error=Signal::derive(move || form.error("audience", &[])) />
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" data-testid="enroll-submit" disabled=move || form.busy.get()>"Enroll"</button>
                </div>
            </form>
        </Modal>
    }
}
