use super::{AuthCard, leave_when_signed_in, next_path};
use crate::api;
use crate::components::{FormAlert, TextField};
use crate::forms::FormState;
use crate::session::use_session;
use kite_shared::auth::{AuthResponse, LoginRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let next = next_path();
    leave_when_signed_in(next);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let request = move || LoginRequest {
        email: email.get(),
        password: password.get(),
    };
    let errors = Memo::new(move |_| request().validate());
    let on_submit = move |ev: SubmitEvent| {
        let body = request();
        let sent = async move { api::post_public::<AuthResponse>("/auth/login", &body).await };
        form.submit(ev, &errors.get_untracked(), sent, move |auth| session.start(auth));
    };
    view! {
        <AuthCard title="Sign in" subtitle="Welcome back. Sign in to your organization.">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="email"
                    label="Email"
                    value=email
                    form=form
                    input_type="email"
                    autocomplete="email"
                    autofocus=true
                    error=Signal::derive(move || form.error("email", &errors.get()))
                />
                <TextField
                    name="password"
                    label="Password"
                    value=password
                    form=form
                    input_type="password"
                    autocomplete="current-password"
                    error=Signal::derive(move || form.error("password", &errors.get()))
                />
                <div class="form-row-end">
                    <A href="/forgot-password">"Forgot password?"</A>
                </div>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="auth-switch">"New to Kite? " <A href="/signup">"Create an organization"</A></p>
        </AuthCard>
    }
}
