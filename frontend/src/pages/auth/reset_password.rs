use super::{AuthCard, NewPasswordFields, password_form_errors, token_from_query};
use crate::api;
use crate::components::FormAlert;
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::auth::SetPasswordWithTokenRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

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
        let body = request();
        let navigate = navigate.clone();
        let sent = async move { api::post_public::<()>("/auth/password-reset/confirm", &body).await };
        form.submit(ev, &errors.get_untracked(), sent, move |()| {
            toasts.success("Password changed. Sign in with your new password.");
            navigate("/login", Default::default());
        });
    };
    view! {
        <AuthCard title="Choose a new password" subtitle="Every other session of your account will end.">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <NewPasswordFields label="New password" password=password repeat=repeat form=form errors=errors />
                <p class="field-error" role="alert">{move || form.error("token", &errors.get())}</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                    "Set password"
                </button>
            </form>
            <p class="auth-switch"><A href="/forgot-password">"Ask for a new link"</A></p>
        </AuthCard>
    }
}
