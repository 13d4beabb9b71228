use crate::api;
use crate::components::{FormAlert, TextField};
use crate::forms::FormState;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::auth::{AuthResponse, ChangePasswordRequest, MeResponse, UpdateProfileRequest};
use kite_shared::validation::PASSWORD_MIN_CHARS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Profile() -> impl IntoView {
    view! {
        <div class="settings-stack">
            <NameForm />
            <PasswordForm />
        </div>
    }
}

#[component]
fn NameForm() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let me = session.me();
    let name = RwSignal::new(me.as_ref().map(|m| m.user.name.clone()).unwrap_or_default());
    let email = me.as_ref().map(|m| m.user.email.clone()).unwrap_or_default();
    let role = me.as_ref().map(|m| m.user.role.label()).unwrap_or_default();
    let form = FormState::new();
    let request = move || UpdateProfileRequest { name: name.get() };
    let errors = Memo::new(move |_| request().validate());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = request();
        spawn_local(async move {
            match api::patch::<MeResponse>("/me", &body).await {
                Ok(me) => {
                    form.done();
                    session.update(me);
                    toasts.success("Profile saved.");
                }
                Err(error) => {
                    toasts.error(error.message.clone());
                    form.fail(error);
                }
            }
        });
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Profile"</h2>
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="name"
                    label="Name"
                    value=name
                    form=form
                    autocomplete="name"
                    error=Signal::derive(move || form.error("name", &errors.get()))
                />
                <div class="field">
                    <span class="field-label">"Email"</span>
                    <p class="field-static">{email}</p>
                </div>
                <div class="field">
                    <span class="field-label">"Role"</span>
                    <p class="field-static">{role}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Save"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let email = session.me().map(|m| m.user.email).unwrap_or_default();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let form = FormState::new();
    let request = move || ChangePasswordRequest {
        current_password: current.get(),
        new_password: new_password.get(),
    };
    let errors = Memo::new(move |_| request().validate(&email));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = request();
        spawn_local(async move {
            match api::post::<AuthResponse>("/me/password", &body).await {
                Ok(auth) => {
                    api::set_access_token(Some(auth.access_token));
                    current.set(String::new());
                    new_password.set(String::new());
                    form.reset();
                    toasts.success("Password changed. Your other sessions have ended.");
                }
                Err(error) => form.fail(error),
            }
        });
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Password"</h2>
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="current_password"
                    label="Current password"
                    value=current
                    form=form
                    input_type="password"
                    autocomplete="current-password"
                    error=Signal::derive(move || form.error("current_password", &errors.get()))
                />
                <TextField
                    name="new_password"
                    label="New password"
                    value=new_password
                    form=form
                    input_type="password"
                    autocomplete="new-password"
                    hint=format!("At least {PASSWORD_MIN_CHARS} characters, not your email.")
                    error=Signal::derive(move || form.error("new_password", &errors.get()))
                />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>
                        "Change password"
                    </button>
                </div>
            </form>
        </section>
    }
}
