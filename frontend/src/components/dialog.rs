use leptos::prelude::*;
use leptos_use_event_listener::use_event_listener;

/// A modal dialog: traps attention with a backdrop, closes on Escape or the backdrop.
/// `wide` makes room for side-by-side content (two records compared).
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(optional)] wide: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let _ = use_event_listener(leptos_use_document::use_document(), leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    let title_id = format!("dialog-{}", title.get_untracked().to_lowercase().replace(' ', "-"));
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| open.set(false)></div>
            <div class="modal" class:modal-wide=wide role="dialog" aria-modal="true" aria-labelledby=title_id.clone()>
                <h2 class="modal-title" id=title_id.clone()>{move || title.get()}</h2>
                {children()}
            </div>
        </Show>
    }
}

/// Asks before a destructive action.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    #[prop(into)] message: Signal<String>,
    #[prop(into)] confirm_label: String,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <Modal open=open title=title>
            <p class="modal-text">{move || message.get()}</p>
            <div class="modal-actions">
                <button class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button
                    class="btn btn-danger"
                    autofocus=true
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm_label.clone()}
                </button>
            </div>
        </Modal>
    }
}

/// The open state of a dialog that edits `editing`: open while it holds something, and
/// closing the dialog (Escape, the backdrop, Cancel) clears it. Each side is set only
/// when it differs, so the two effects settle instead of waking each other forever.
pub fn open_while<T: Send + Sync + 'static>(editing: RwSignal<Option<T>>) -> RwSignal<bool> {
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        let want = editing.with(Option::is_some);
        if open.get_untracked() != want {
            open.set(want);
        }
    });
    Effect::new(move |_| {
        if !open.get() && editing.with_untracked(Option::is_some) {
            editing.set(None);
        }
    });
    open
}
