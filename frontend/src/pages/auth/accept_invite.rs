use super::{AuthCard, NewPasswordFields, password_form_errors, token_from_query};
use crate::api;
use crate::components::FormAlert;
use crate::forms::FormState;
use crate::session::use_session;
use kite_shared::auth::{AuthResponse, SetPasswordWithTokenRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn AcceptInvite() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let token = token_from_query();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let form = FormState::new();
    let request = move || SetPasswordWithTokenRequest {
        token: token.get(),
        password: password.get(),
    };
    let errors = Memo::new(move |_| password_form_errors(&request(), &repeat.get()));
    let on_submit = move |ev: SubmitEvent| {
        let body = request();
        let navigate = navigate.clone();
        let sent = async move { api::post_public::<AuthResponse>("/auth/accept-invitation", &body).await };
        form.submit(ev, &errors.get_untracked(), sent, move |auth| {
            // Whoever was signed in in this browser, the new account takes over.
            session.start(auth);
            navigate("/", Default::default());
        });
    };
    view! {
        <AuthCard title="Join your team on Kite" subtitle="Choose a password to finish setting up your account.">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <NewPasswordFields label="Password" password=password repeat=repeat form=form errors=errors />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                    "Join"
                </button>
            </form>
        </AuthCard>
    }
}
