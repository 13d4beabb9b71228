//! The pages a visitor sees before signing in.

mod accept_invite;
mod forgot_password;
mod login;
mod reset_password;
mod signup;

pub use accept_invite::AcceptInvite;
pub use forgot_password::ForgotPassword;
pub use login::Login;
pub use reset_password::ResetPassword;
pub use signup::Signup;

use crate::components::TextField;
use crate::forms::FormState;
use crate::session::{SessionState, use_session};
use kite_shared::FieldError;
use kite_shared::auth::SetPasswordWithTokenRequest;
use kite_shared::validation::PASSWORD_MIN_CHARS;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The centred card every auth page sits in.
#[component]
fn AuthCard(#[prop(into)] title: String, #[prop(into)] subtitle: String, children: Children) -> impl IntoView {
    view! {
        <div class="auth-page">
            <main class="auth-card">
                <div class="brand brand-large">
                    <span class="brand-mark">"K"</span>
                    "Kite"
                </div>
                <h1>{title}</h1>
                <p class="muted">{subtitle}</p>
                {children()}
            </main>
        </div>
    }
}

/// Where to go after signing in: the page the user wanted, if it is one of ours.
fn next_path() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .with(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(|| "/".to_owned())
    })
}

/// Leaves the auth page as soon as a session exists (after sign-in, or when a signed-in
/// user opens /login).
fn leave_when_signed_in(next: Signal<String>) {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(session.state.get(), SessionState::SignedIn(_)) {
            navigate(
                &next.get_untracked(),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
}

fn token_from_query() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.with(|q| q.get("token")).unwrap_or_default())
}

/// Rules of a "choose a password" form: the shared password rules plus the repeat.
fn password_form_errors(request: &SetPasswordWithTokenRequest, repeat: &str) -> Vec<FieldError> {
    let mut errors = request.validate();
    if repeat != request.password {
        errors.push(FieldError::new("repeat", "mismatch", "The passwords do not match."));
    }
    errors
}

/// Choosing a password with an emailed link (an invitation, a reset): the password, with
/// its rules as the hint, then the same again.
#[component]
fn NewPasswordFields(
    /// The first field's label, e.g. "New password".
    label: &'static str,
    password: RwSignal<String>,
    repeat: RwSignal<String>,
    form: FormState,
    errors: Memo<Vec<FieldError>>,
) -> impl IntoView {
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    view! {
        <TextField
            name="password"
            label=label
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
    }
}
