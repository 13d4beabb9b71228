use leptos::prelude::*;

/// A value edited where it is shown (a stage's name, a tag's name): saved when the user
/// presses Enter or leaves the field, put back by Escape. The shared rule runs as the
/// user types; a value it refuses is never sent, and leaving the field puts the saved
/// value back.
#[component]
pub fn InlineText(
    /// The saved value. The field follows it, so an optimistic change that the server
    /// refuses (and the caller rolls back) shows the old value again.
    #[prop(into)]
    value: Signal<String>,
    /// The field's accessible name, e.g. "Name of Meeting".
    #[prop(into)]
    label: Signal<String>,
    /// The shared validation rule: the message for a value it refuses.
    validate: fn(&str) -> Option<String>,
    on_save: Callback<String>,
    #[prop(optional, into)] class: String,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = 60)] maxlength: u32,
) -> impl IntoView {
    // Only a change of the saved value resets the field: another row's save must not
    // wipe what the user is typing here.
    let value = Memo::new(move |_| value.get());
    let draft = RwSignal::new(value.get_untracked());
    Effect::new(move |_| draft.set(value.get()));
    let error = Memo::new(move |_| {
        let text = draft.get();
        (text != value.get()).then(|| validate(&text)).flatten()
    });
    let commit = move || {
        let text = draft.get_untracked().trim().to_owned();
        if text == value.get_untracked() {
            draft.set(text);
            return false;
        }
        if error.get_untracked().is_some() {
            return false;
        }
        on_save.run(text);
        true
    };
    view! {
        <span class="inline-edit" class:inline-edit-invalid=move || error.get().is_some()>
            <input
                type="text"
                class=format!("inline-input {class}")
                inputmode=inputmode
                maxlength=maxlength
                aria-label=move || label.get()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                title=move || error.get()
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| match ev.key().as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        commit();
                    }
                    "Escape" => draft.set(value.get_untracked()),
                    _ => {}
                }
                on:blur=move |_| {
                    if !commit() {
                        draft.set(value.get_untracked());
                    }
                }
            />
            <span class="inline-error" role="alert">{move || error.get()}</span>
        </span>
    }
}
