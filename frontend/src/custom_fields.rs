//! The organization's custom fields of one kind of record, loaded once per page, and
//! what the pages make of them: inputs in the create and edit dialogs, rows on the
//! record page edited in place, list columns and a list filter.

use crate::api::{self, ApiError};
use crate::components::Column;
use crate::forms::FormState;
use crate::pages::record_list::typed;
use crate::team::Team;
use kite_shared::FieldError;
use kite_shared::crm::custom_fields::{CustomFieldDto, CustomFieldEntity, CustomFieldType};
use kite_shared::crm::custom_values::{CustomValues, error_field, parse_value};
use leptos::prelude::*;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashSet;

#[derive(Clone, Copy)]
pub struct CustomFieldList {
    fields: LocalResource<Result<Vec<CustomFieldDto>, ApiError>>,
}

impl CustomFieldList {
    /// The live fields of `entity`, in the order forms show them.
    pub fn load(entity: CustomFieldEntity) -> Self {
        Self {
            fields: LocalResource::new(move || async move {
                api::get::<Vec<CustomFieldDto>>(&format!("/custom-fields?entity={}", entity.as_str())).await
            }),
        }
    }

    /// The fields; none while they load (or when they cannot be read).
    pub fn get(&self) -> Vec<CustomFieldDto> {
        self.fields.with(|r| match r {
            Some(Ok(fields)) => fields.clone(),
            _ => Vec::new(),
        })
    }

    /// Whether the fields have arrived (or failed to), so a page may build what depends on them.
    pub fn loaded(&self) -> bool {
        self.fields.with(Option::is_some)
    }
}

thread_local! {
    static INTERNED: RefCell<HashSet<&'static str>> = RefCell::new(HashSet::new());
}

/// `text` as a `&'static str`, kept once however often it is asked for: list columns and
/// query pairs name built-in fields by static names, and custom ones join them.
pub fn intern(text: String) -> &'static str {
    INTERNED.with(|interned| {
        let mut interned = interned.borrow_mut();
        if let Some(known) = interned.get(text.as_str()) {
            return *known;
        }
        let leaked: &'static str = Box::leak(text.into_boxed_str());
        interned.insert(leaked);
        leaked
    })
}

/// A value as a reader sees it; a dash when there is none.
pub fn display(field: &CustomFieldDto, value: Option<&Value>, team: Team) -> String {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return "—".into();
    };
    match (field.field_type, value) {
        (CustomFieldType::Boolean, Value::Bool(b)) => if *b { "Yes" } else { "No" }.into(),
        (CustomFieldType::Currency, Value::Number(n)) => format!(
            "{} {:.2}",
            field.currency.as_deref().unwrap_or_default(),
            n.as_f64().unwrap_or_default()
        ),
        (CustomFieldType::User, Value::String(id)) => team.name_of(id.parse().ok().map(kite_shared::UserId)),
        (_, Value::Array(items)) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        (_, Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}

/// The errors of `values` by the shared rules, and the required fields left empty (all
/// of them on a new record).
pub fn check_values(fields: &[CustomFieldDto], values: &CustomValues, creating: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for field in fields {
        let value = values.get(&field.key);
        let parsed = match value {
            Some(value) => parse_value(field, value),
            None => Ok(None),
        };
        match parsed {
            Err(error) => errors.push(error),
            Ok(None) if field.required && (creating || value.is_some()) => errors.push(FieldError::new(
                &error_field(&field.key),
                "required",
                format!("{} is required.", field.label),
            )),
            Ok(_) => {}
        }
    }
    errors
}

/// What an input's text stands for: a number when it reads as one (else the text, which
/// the rules then refuse), nothing when empty.
fn typed_value(field_type: CustomFieldType, text: String) -> Value {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Value::Null;
    }
    match field_type {
        CustomFieldType::Number | CustomFieldType::Currency => trimmed
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::from(text), Value::Number),
        _ => Value::from(text),
    }
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The control that enters one field's value. `live` reports every keystroke (a form's
/// draft); otherwise a text reports when it is committed (Enter or leaving it), as a
/// value edited in place is saved then.
#[component]
pub fn CustomFieldControl(
    field: CustomFieldDto,
    #[prop(into)] value: Signal<Value>,
    on_change: Callback<Value>,
    #[prop(optional)] live: bool,
    team: Team,
    /// The element id, for the label.
    id: String,
    #[prop(into)] invalid: Signal<bool>,
) -> impl IntoView {
    let field_type = field.field_type;
    let name = field.key.clone();
    let aria_invalid = move || if invalid.get() { "true" } else { "false" };
    let report = move |ev: leptos::ev::Event| on_change.run(typed_value(field_type, event_target_value(&ev)));
    let on_input = move |ev| {
        if live {
            report(ev)
        }
    };
    let on_commit = move |ev| {
        if !live {
            report(ev)
        }
    };
    match field_type {
        CustomFieldType::Boolean => view! {
            <input
                id=id
                name=name
                type="checkbox"
                prop:checked=move || value.get().as_bool().unwrap_or(false)
                on:change=move |ev| on_change.run(Value::Bool(event_target_checked(&ev)))
            />
        }
        .into_any(),
        CustomFieldType::SingleSelect | CustomFieldType::User => {
            let options: Vec<(String, String)> = if field_type == CustomFieldType::User {
                team.owner_options(None)
            } else {
                field.options.iter().map(|o| (o.clone(), o.clone())).collect()
            };
            view! {
                <select
                    id=id
                    name=name
                    aria-invalid=aria_invalid
                    prop:value=move || as_text(&value.get())
                    on:change=move |ev| on_change.run(typed_value(field_type, event_target_value(&ev)))
                >
                    <option value="">"—"</option>
                    {options
                        .into_iter()
                        .map(|(v, label)| {
                            let v2 = v.clone();
                            view! {
                                <option value=v selected=move || as_text(&value.get()) == v2>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        CustomFieldType::MultiSelect => {
            let chosen = move || -> Vec<String> {
                value
                    .get()
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default()
            };
            view! {
                <div class="check-group" id=id role="group" aria-label=field.label.clone()>
                    {field
                        .options
                        .iter()
                        .cloned()
                        .map(|option| {
                            let o = option.clone();
                            let toggle = move |on: bool| {
                                let mut now = chosen();
                                now.retain(|c| c != &o);
                                if on {
                                    now.push(o.clone());
                                }
                                on_change.run(Value::from(now));
                            };
                            let shown = option.clone();
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || chosen().contains(&shown)
                                        on:change=move |ev| toggle(event_target_checked(&ev))
                                    />
                                    {option}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            }
            .into_any()
        }
        CustomFieldType::LongText => view! {
            <textarea
                id=id
                name=name
                rows="3"
                aria-invalid=aria_invalid
                prop:value=move || as_text(&value.get())
                on:input=on_input
                on:change=on_commit
            ></textarea>
        }
        .into_any(),
        _ => {
            let (input_type, inputmode) = match field_type {
                CustomFieldType::Date => ("date", None),
                CustomFieldType::Url => ("url", None),
                CustomFieldType::Email => ("email", None),
                CustomFieldType::Number | CustomFieldType::Currency => ("text", Some("decimal")),
                _ => ("text", None),
            };
            view! {
                <input
                    id=id
                    name=name
                    type=input_type
                    inputmode=inputmode
                    autocomplete="off"
                    aria-invalid=aria_invalid
                    prop:value=move || as_text(&value.get())
                    on:input=on_input
                    on:change=on_commit
                    on:keydown=move |ev| {
                        if !live && ev.key() == "Enter" {
                            ev.prevent_default();
                            report(ev.into())
                        }
                    }
                />
            }
            .into_any()
        }
    }
}

/// The custom fields of a create or edit dialog, filling `values`.
#[component]
pub fn CustomFieldInputs(
    fields: CustomFieldList,
    values: RwSignal<CustomValues>,
    form: FormState,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    team: Team,
) -> impl IntoView {
    move || {
        fields
            .get()
            .into_iter()
            .map(|field| {
                let name = error_field(&field.key);
                let id = format!("field-{name}");
                let key = field.key.clone();
                let value = Signal::derive(move || values.with(|v| v.get(&key).cloned().unwrap_or(Value::Null)));
                let error = {
                    let name = name.clone();
                    Signal::derive(move || form.error(&name, &errors.get()))
                };
                let key = field.key.clone();
                let edited = name.clone();
                let on_change = Callback::new(move |v: Value| {
                    values.update(|all| {
                        all.insert(key.clone(), v);
                    });
                    form.edited(&edited);
                });
                let label = if field.required {
                    format!("{} *", field.label)
                } else {
                    field.label.clone()
                };
                view! {
                    <div class="field" class:field-invalid=move || error.get().is_some()>
                        <label for=id.clone()>{label}</label>
                        <CustomFieldControl
                            field=field
                            value=value
                            on_change=on_change
                            live=true
                            team=team
                            id=id
                            invalid=Signal::derive(move || error.get().is_some())
                        />
                        <p class="field-error" role="alert">
                            {move || error.get()}
                        </p>
                    </div>
                }
            })
            .collect_view()
    }
}

/// A record's custom fields on its page: each value shown, and edited in place when the
/// reader may edit the record; `save` stores one field's new value and answers the
/// record's values as saved, or the error to show.
#[component]
pub fn CustomFieldDetails<F, Fut>(
    fields: CustomFieldList,
    values: CustomValues,
    editable: bool,
    team: Team,
    save: F,
) -> impl IntoView
where
    F: Fn(String, Value) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<CustomValues, ApiError>> + 'static,
{
    let saved = RwSignal::new(values);
    let problems = RwSignal::new(Vec::<FieldError>::new());
    // The field saved last, which says so until another is.
    let just_saved = RwSignal::new(None::<String>);
    move || {
        let shown = fields.get();
        (!shown.is_empty()).then(|| {
            let rows = shown
                .into_iter()
                .map(|field| {
                    let name = error_field(&field.key);
                    let key = field.key.clone();
                    let value = Signal::derive(move || saved.with(|v| v.get(&key).cloned().unwrap_or(Value::Null)));
                    let error = {
                        let name = name.clone();
                        Signal::derive(move || {
                            problems.with(|p| p.iter().find(|e| e.field == name).map(|e| e.message.clone()))
                        })
                    };
                    let label = field.label.clone();
                    let content = if editable {
                        let key = field.key.clone();
                        let check = field.clone();
                        let on_change = Callback::new(move |v: Value| {
                            if let Err(e) = parse_value(&check, &v) {
                                problems.set(vec![e]);
                                return;
                            }
                            let (key, name) = (key.clone(), name.clone());
                            just_saved.set(None);
                            leptos::task::spawn_local(async move {
                                match save(key.clone(), v).await {
                                    Ok(values) => {
                                        problems.set(Vec::new());
                                        saved.set(values);
                                        just_saved.set(Some(key));
                                    }
                                    Err(e) if !e.errors.is_empty() => problems.set(e.errors),
                                    Err(e) => problems.set(vec![FieldError::new(&name, "failed", e.message)]),
                                }
                            });
                        });
                        let this = field.key.clone();
                        view! {
                            <CustomFieldControl
                                field=field.clone()
                                value=value
                                on_change=on_change
                                team=team
                                id=format!("custom-{}", field.key)
                                invalid=Signal::derive(move || error.get().is_some())
                            />
                            <span class="muted small" role="status">
                                {move || just_saved.with(|k| k.as_deref() == Some(this.as_str())).then_some("Saved")}
                            </span>
                            <p class="field-error" role="alert">
                                {move || error.get()}
                            </p>
                        }
                        .into_any()
                    } else {
                        let field = field.clone();
                        (move || display(&field, Some(&value.get()), team)).into_any()
                    };
                    view! {
                        <div class="detail" data-custom-field=field.key.clone()>
                            <dt>
                                <label for=format!("custom-{}", field.key)>{label}</label>
                            </dt>
                            <dd>{content}</dd>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <h3 class="detail-heading">"Custom fields"</h3>
                <dl class="details details-custom" data-testid="custom-field-details">
                    {rows}
                </dl>
            }
        })
    }
}

/// A list column per field, after the built-in ones, sorted by the field where one value
/// orders it; the first few show by default.
pub fn columns<T: 'static>(fields: &[CustomFieldDto], team: Team, values: fn(&T) -> &CustomValues) -> Vec<Column<T>> {
    fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let shown = field.clone();
            let column = Column::new(
                intern(format!("cf.{}", field.key)),
                intern(field.label.clone()),
                move |row: &T| display(&shown, values(row).get(&shown.key), team).into_any(),
            )
            .class("hide-narrow")
            .cell_class("muted cell-truncate");
            // Several values, or long text, have no one place in an order.
            let sortable = !matches!(
                field.field_type,
                CustomFieldType::MultiSelect | CustomFieldType::LongText
            );
            let column = if sortable {
                column.sort(intern(format!("cf.{}", field.key)))
            } else {
                column
            };
            if i < 3 { column } else { column.hidden() }
        })
        .collect()
}

/// The list toolbar's filter on one custom field: the field, then its value (a range
/// for numbers, amounts and dates). `pairs` gets the `cf.*` query pairs it makes.
#[component]
pub fn CustomFilter(fields: CustomFieldList, pairs: RwSignal<Vec<(&'static str, String)>>) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let min = RwSignal::new(String::new());
    let max = RwSignal::new(String::new());
    let (value_typed, min_typed, max_typed) = (typed(value), typed(min), typed(max));
    let field = Memo::new(move |_| fields.get().into_iter().find(|f| f.key == chosen.get()));
    Effect::new(move |_| {
        let next = match field.get() {
            None => Vec::new(),
            Some(f)
                if matches!(
                    f.field_type,
                    CustomFieldType::Number | CustomFieldType::Currency | CustomFieldType::Date
                ) =>
            {
                vec![
                    (intern(format!("cf.{}.min", f.key)), min_typed.get()),
                    (intern(format!("cf.{}.max", f.key)), max_typed.get()),
                ]
            }
            Some(f) => vec![(intern(format!("cf.{}", f.key)), value_typed.get())],
        };
        if pairs.with_untracked(|p| *p != next) {
            pairs.set(next);
        }
    });
    let pick = move |ev| {
        chosen.set(event_target_value(&ev));
        value.set(String::new());
        min.set(String::new());
        max.set(String::new());
    };
    let value_input = move || {
        let f = field.get()?;
        let label = f.label.clone();
        Some(match f.field_type {
            CustomFieldType::Number | CustomFieldType::Currency | CustomFieldType::Date => {
                let input_type = if f.field_type == CustomFieldType::Date {
                    "date"
                } else {
                    "text"
                };
                view! {
                    <input
                        type=input_type
                        class="filter-bound"
                        placeholder="From"
                        aria-label=format!("{label} from")
                        prop:value=move || min.get()
                        on:input=move |ev| min.set(event_target_value(&ev))
                    />
                    <input
                        type=input_type
                        class="filter-bound"
                        placeholder="To"
                        aria-label=format!("{label} to")
                        prop:value=move || max.get()
                        on:input=move |ev| max.set(event_target_value(&ev))
                    />
                }
                .into_any()
            }
            CustomFieldType::Boolean | CustomFieldType::SingleSelect | CustomFieldType::MultiSelect => {
                let options: Vec<(String, String)> = if f.field_type == CustomFieldType::Boolean {
                    vec![("true".into(), "Yes".into()), ("false".into(), "No".into())]
                } else {
                    f.options.iter().map(|o| (o.clone(), o.clone())).collect()
                };
                view! {
                    <select aria-label=format!("{label} is") on:change=move |ev| value.set(event_target_value(&ev))>
                        <option value="">"Any"</option>
                        {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                }
                .into_any()
            }
            _ => view! {
                <input
                    type="search"
                    placeholder="Contains…"
                    aria-label=format!("{label} contains")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            }
            .into_any(),
        })
    };
    move || {
        let all = fields.get();
        (!all.is_empty()).then(|| {
            view! {
                <span class="custom-filter" data-testid="custom-filter">
                    <select aria-label="Filter by a custom field" on:change=pick>
                        <option value="">"Custom field…"</option>
                        {all
                            .into_iter()
                            .filter(|f| f.field_type != CustomFieldType::User)
                            .map(|f| view! { <option value=f.key.clone()>{f.label.clone()}</option> })
                            .collect_view()}
                    </select>
                    {value_input}
                </span>
            }
        })
    }
}
