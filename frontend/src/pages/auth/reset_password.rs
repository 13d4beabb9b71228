use super::{AuthCard, token_from_query};
use crate::api;
use crate::components::{FormAlert, TextField};
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::FieldError;
use kite_shared::auth::SetPasswordWithTokenRequest;
use kite_shared::validation::PASSWORD_MIN_CHARS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// Rules of a "choose a password" form: the shared password rules plus the repeat.
pub(super) fn password_form_errors(request: &SetPasswordWithTokenRequest, repeat: &str) -> Vec<FieldError> {
    let mut errors = request.validate();
    if repeat != request.password {
        errors.push(FieldError::new("repeat", "mismatch", "The passwords do not match."));
    }
    errors
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let token = token_from_query();
    let toasts = use_toasts();
    let navigate = use_navigate();
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
            match api::post_public::<()>("/auth/password-reset/confirm", &body).await {
                Ok(()) => {
                    form.done();
                    toasts.success("Password changed. Sign in with your new password.");
                    navigate("/login", Default::default());
                }
                Err(error) => form.fail(error),
            }
        });
    };
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    view! {
        <AuthCard title="Choose a new password" subtitle="Every other session of your account will end.">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="password"
                    label="New password"
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
                <p class="field-error" role="alert">{move || form.error("token", &errors.get())}</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                    "Set password"
                </button>
            </form>
            <p class="auth-switch"><A href="/forgot-password">"Ask for a new link"</A></p>
        </AuthCard>
    }
}
