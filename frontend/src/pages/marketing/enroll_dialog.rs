//! "Add to sequence" on a contact's page: the sequences they are in, and enrolling them
//! in another; the first email shows on their timeline at once.

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
pub fn EnrollContactDialog(open: RwSignal<bool>, contact_id: Uuid, on_enrolled: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let form = FormState::new();
    let sequence = RwSignal::new(String::new());
    let changed = RwSignal::new(0u32);
    let sequences = LocalResource::new(|| api::get::<Page<SequenceDto>>("/sequences?per_page=200"));
    let current = LocalResource::new(move || {
        changed.track();
        open.track();
        async move { api::get::<Vec<EnrollmentDto>>(&format!("/contacts/{contact_id}/enrollments")).await }
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
                contact_ids: vec![contact_id],
                ..Audience::default()
            },
            deal_id: None,
        };
        let request =
            async move { api::post::<EnrollOutcome>(&format!("/sequences/{sequence_id}/enrollments"), &input).await };
        form.submit(ev, &[], request, move |outcome| {
            if outcome.enrolled > 0 {
                toasts.success("Enrolled: the first step has run");
                open.set(false);
                form.reset();
                on_enrolled.run(());
            } else if outcome.already_enrolled > 0 {
                form.alert
                    .set(Some("This contact has been in that sequence already.".into()));
            } else {
                form.alert.set(Some(
                    "This contact cannot be emailed (no address, or suppressed).".into(),
                ));
            }
            changed.update(|n| *n += 1);
        });
    };
    view! {
        <Modal open=open title="Add to sequence">
            <form class="form-stack" on:submit=enroll novalidate data-testid="enroll-form">
                <FormAlert form=form />
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
