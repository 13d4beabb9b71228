//! Short notices after a mutation: success or failure, announced to screen readers.

use leptos::prelude::*;
use leptos_icons::Icon;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into());
    }

    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into());
    }

    fn push(&self, kind: ToastKind, message: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.list.update(|list| list.push(Toast { id, kind, message }));
        let list = self.list;
        set_timeout(
            move || list.update(|l| l.retain(|t| t.id != id)),
            std::time::Duration::from_secs(if kind == ToastKind::Error { 8 } else { 4 }),
        );
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        list: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toaster" role="status" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div class=move || {
                    format!("toast {}", if toast.kind == ToastKind::Error { "toast-error" } else { "toast-success" })
                }>
                    <span class="toast-icon">
                        {if toast.kind == ToastKind::Error {
                            view! { <Icon icon=icondata::LuCircleAlert /> }
                        } else {
                            view! { <Icon icon=icondata::LuCircleCheck /> }
                        }}
                    </span>
                    <span class="toast-message">{toast.message.clone()}</span>
                    <button
                        class="icon-button"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        <Icon icon=icondata::LuX />
                    </button>
                </div>
            </For>
        </div>
    }
}
