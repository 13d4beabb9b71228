use super::AuthCard;
use crate::api;
use crate::components::{FormAlert, TextField};
use crate::forms::FormState;
use kite_shared::auth::PasswordResetRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let sent_to = RwSignal::new(None::<String>);
    let request = move || PasswordResetRequest { email: email.get() };
    let errors = Memo::new(move |_| request().validate());
    let on_submit = move |ev: SubmitEvent| {
        let body = request();
        let email = body.email.clone();
        let sent = async move { api::post_public::<()>("/auth/password-reset/request", &body).await };
        form.submit(ev, &errors.get_untracked(), sent, move |()| sent_to.set(Some(email)));
    };
    view! {
        <AuthCard title="Reset your password" subtitle="We will email you a link to choose a new one.">
            <Show
                when=move || sent_to.get().is_some()
                fallback=move || {
                    view! {
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
                            <button type="submit" class="btn btn-primary btn-block" disabled=move || form.busy.get()>
                                "Email me a link"
                            </button>
                        </form>
                    }
                }
            >
                <div class="notice" role="status">
                    <p>
                        "If an account exists for " <strong>{move || sent_to.get()}</strong>
                        ", a link to reset its password is on its way. It works for one hour."
                    </p>
                </div>
            </Show>
            <p class="auth-switch"><A href="/login">"Back to sign in"</A></p>
        </AuthCard>
    }
}
