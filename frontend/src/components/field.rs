use crate::forms::FormState;
use leptos::prelude::*;

/// A labelled input whose error is announced and linked by aria-describedby.
#[component]
pub fn TextField(
    /// The request field this input fills; errors are matched on it.
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    form: FormState,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] autofocus: bool,
    /// Values the browser offers as the user types (any other value may still be typed).
    #[prop(optional)]
    suggestions: Vec<String>,
    /// Shown under the error, e.g. a way out of it ("Open Jane Doe").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let list_id = (!suggestions.is_empty()).then(|| format!("{id}-suggestions"));
    let described_by = {
        let (error_id, hint_id, has_hint) = (error_id.clone(), hint_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                autofocus=autofocus
                list=list_id.clone()
                prop:value=move || value.get()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    form.edited(name);
                }
                on:blur=move |_| form.touch(name)
            />
            {list_id
                .map(|list_id| {
                    view! {
                        <datalist id=list_id>
                            {suggestions.into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
                        </datalist>
                    }
                })}
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
            {children.map(|c| c())}
        </div>
    }
}

/// A labelled multi-line input, for notes and addresses.
#[component]
pub fn TextAreaField(
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    form: FormState,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = 3)] rows: u32,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = if hint.is_some() {
        format!("{error_id} {hint_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                prop:value=move || value.get()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    form.edited(name);
                }
                on:blur=move |_| form.touch(name)
            ></textarea>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A labelled select over options `(value, label)`, which may arrive after the page
/// (the team's names, the companies).
#[component]
pub fn SelectField(
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    /// Given, the server's complaint about the field shows under it and clears on change.
    #[prop(optional)]
    form: Option<FormState>,
    #[prop(optional, into)] error: MaybeProp<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-describedby=error_id.clone()
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(form) = form {
                        form.edited(name);
                    }
                }
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = {
                                let v = v.clone();
                                move || value.get() == v
                            };
                            view! { <option value=v prop:selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// The form-level message (wrong password, network down), announced when it appears.
#[component]
pub fn FormAlert(form: FormState) -> impl IntoView {
    view! {
        <Show when=move || form.alert.get().is_some()>
            <div class="form-alert" role="alert">
                {move || form.alert.get()}
            </div>
        </Show>
    }
}
