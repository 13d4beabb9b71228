use crate::api;
use crate::components::ConfirmDialog;
use crate::toast::use_toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::hooks::use_navigate;

/// "Delete" on a record's page: asks first, deletes, says so, and returns to the list,
/// since the page it was on no longer has anything to show.
#[component]
pub fn DeleteRecord(
    /// The record's API path, e.g. `/contacts/{id}`.
    path: String,
    /// What the confirmation and the toast call the record, e.g. its name.
    #[prop(into)]
    name: String,
    /// Where to go once it is gone.
    back_to: &'static str,
) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = Signal::derive({
        let name = name.clone();
        move || format!("{name} moves to the trash. An admin can restore it.")
    });
    let on_confirm = Callback::new({
        let name = name.clone();
        move |_| {
            let (path, name, navigate) = (path.clone(), name.clone(), navigate.clone());
            busy.set(true);
            spawn_local(async move {
                match api::delete(&path).await {
                    Ok(()) => {
                        toasts.success(format!("{name} was deleted."));
                        navigate(back_to, Default::default());
                    }
                    Err(error) => {
                        busy.set(false);
                        toasts.error(error.message);
                    }
                }
            });
        }
    });
    view! {
        <button class="btn btn-ghost btn-danger-text" disabled=move || busy.get() on:click=move |_| open.set(true)>
            <Icon icon=icondata::LuTrash2 />
            "Delete"
        </button>
        <ConfirmDialog
            open=open
            title=format!("Delete {name}?")
            message=message
            confirm_label="Delete"
            on_confirm=on_confirm
        />
    }
}
