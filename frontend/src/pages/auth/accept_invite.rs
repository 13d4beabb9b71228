use super::reset_password::password_form_errors;
use super::{AuthCard, token_from_query};
use crate::api;
use crate::components::{FormAlert, TextField};
use crate::forms::FormState;
use crate::session::use_session;
use kite_shared::auth::{AuthResponse, SetPasswordWithTokenRequest};
use kite_shared::validation::PASSWORD_MIN_CHARS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
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
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = request();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post_public::<AuthResponse>("/auth/accept-invitation", &body).await {
                Ok(auth) => {
                    // Whoever was signed in in this browser, the new account takes over.
                    form.done();
                    session.start(auth);
                    navigate("/", Default::default());
                }
                Err(error) => form.fail(error),
            }
        });
    };
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    view! {
        <AuthCard title="Join your team on Kite" subtitle="Choose a password to finish setting up your account.">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="password"
                    label="Password"
                    value=password
                    form=form
                    input_type="password"
                    autocomplete="new-password"
                    autofocus=true
                    hint=format!("At least {PASSWORD_MIN_CHARS} characters, not your email.")
                    error=error("password")
                />
                <TextField
                    name="repeat"
                    label="Repeat the password"
                    value=repeat
                    form=form
                    input_type="password"
                    autocomplete="new-password"
                    error=error("repeat")
                />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                    "Join"
                </button>
            </form>
        </AuthCard>
    }
}
