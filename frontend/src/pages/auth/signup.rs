use super::{AuthCard, leave_when_signed_in, next_path};
use crate::api;
use crate::components::{FormAlert, TextField};
use crate::forms::FormState;
use crate::session::use_session;
use kite_shared::auth::{AuthResponse, SignupRequest};
use kite_shared::validation::PASSWORD_MIN_CHARS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Signup() -> impl IntoView {
    let session = use_session();
    leave_when_signed_in(next_path());
    let organization_name = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let request = move || SignupRequest {
        organization_name: organization_name.get(),
        name: name.get(),
        email: email.get(),
        password: password.get(),
    };
    let errors = Memo::new(move |_| request().validate());
    let on_submit = move |ev: SubmitEvent| {
        let body = request();
        let sent = async move { api::post_public::<AuthResponse>("/auth/signup", &body).await };
        form.submit(ev, &errors.get_untracked(), sent, move |auth| session.start(auth));
    };
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    view! {
        <AuthCard title="Create your organization" subtitle="Kite is free and open source. You will be its first admin.">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="organization_name"
                    label="Organization name"
                    value=organization_name
                    form=form
                    autocomplete="organization"
                    autofocus=true
                    error=error("organization_name")
                />
                <TextField name="name" label="Your name" value=name form=form autocomplete="name" error=error("name") />
                <TextField
                    name="email"
                    label="Work email"
                    value=email
                    form=form
                    input_type="email"
                    autocomplete="email"
                    error=error("email")
                />
                <TextField
                    name="password"
                    label="Password"
                    value=password
                    form=form
                    input_type="password"
                    autocomplete="new-password"
                    hint=format!("At least {PASSWORD_MIN_CHARS} characters, not your email.")
                    error=error("password")
                />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Creating…" } else { "Create organization" }}
                </button>
            </form>
            <p class="auth-switch">"Already use Kite? " <A href="/login">"Sign in"</A></p>
        </AuthCard>
    }
}
