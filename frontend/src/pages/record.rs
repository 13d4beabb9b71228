//! What every record page (a company, a contact, a deal) needs: its record, loaded for the
//! address, the frame around it, who may edit it, and the save of its "New …" and
//! "Edit …" forms.

use crate::api::{self, ApiError};
use crate::components::{EmptyState, ListRow, SkeletonRows};
use crate::forms::FormState;
use crate::session::Session;
use crate::toast::{Toasts, use_toasts};
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::notes::RecordKind;
use kite_shared::{FieldError, Permission, UserId};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;
use uuid::Uuid;

/// The `:id` of the route; `None` when the address holds no valid id.
pub fn record_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}

/// The record of the route's `:id`, fetched again whenever `reload` is bumped (after an
/// edit or a merge on the page). An address without a valid id is a missing `noun`.
pub fn load_record<T, Fut>(
    noun: &'static str,
    reload: RwSignal<u32>,
    fetch: impl Fn(Uuid) -> Fut + 'static,
) -> LocalResource<Result<T, ApiError>>
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let id = record_id();
    LocalResource::new(move || {
        reload.track();
        let loaded = id.get().map(&fetch);
        async move {
            match loaded {
                Some(loaded) => loaded.await,
                None => Err(ApiError::not_found(noun)),
            }
        }
    })
}

/// The frame of a record's page: the link back to its list, then the record's own view
/// once it has loaded, or what became of it.
#[component]
pub fn RecordPage<T, F, V>(
    /// The list the record belongs to, e.g. `/companies`.
    back_to: &'static str,
    /// The name of that list on the link back, e.g. "Companies".
    back_label: &'static str,
    record: LocalResource<Result<T, ApiError>>,
    /// Shown when there is no such record (deleted, or a wrong link).
    missing_icon: icondata::Icon,
    missing_title: &'static str,
    missing_text: &'static str,
    /// The page of the loaded record.
    render: F,
) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <div class="page">
            <A href=back_to attr:class="back-link">
                <Icon icon=icondata::LuArrowLeft />
                {back_label}
            </A>
            <Transition fallback=|| view! { <SkeletonRows rows=6 /> }>
                {move || {
                    record
                        .get()
                        .map(|result| match result {
                            Ok(record) => render(record).into_any(),
                            Err(e) if e.status == 404 => {
                                view! { <EmptyState icon=missing_icon title=missing_title text=missing_text /> }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

/// What a tag change reads back of the saved record.
#[derive(Deserialize)]
struct SavedTags {
    tags: Vec<String>,
}

/// Changes part of a record: the update replaces every field, so the others go along as
/// the server has them now (an edit made meanwhile in another tab is kept).
async fn save_part<T: DeserializeOwned, B: Serialize, R: DeserializeOwned>(
    kind: RecordKind,
    id: Uuid,
    change: impl FnOnce(T) -> B,
) -> Result<R, ApiError> {
    let path = format!("/{}/{id}", kind.plural());
    let now = api::get::<T>(&path).await?;
    api::put::<R>(&path, &change(now)).await
}

/// Changes only the tags of a record; the tags as saved.
pub async fn save_tags<T: DeserializeOwned, B: Serialize>(
    kind: RecordKind,
    id: Uuid,
    tags: Vec<String>,
    with_tags: fn(T, Vec<String>) -> B,
) -> Result<Vec<String>, ApiError> {
    Ok(save_part::<T, B, SavedTags>(kind, id, |now| with_tags(now, tags))
        .await?
        .tags)
}

/// What a custom value's change reads back of the saved record.
#[derive(Deserialize)]
struct SavedCustom {
    custom_fields: CustomValues,
}

/// Changes one custom value of a record; the record's values as saved.
pub async fn save_custom_value<T: DeserializeOwned, B: Serialize>(
    kind: RecordKind,
    id: Uuid,
    key: String,
    value: serde_json::Value,
    with_custom: fn(T, CustomValues) -> B,
) -> Result<CustomValues, ApiError> {
    let change = CustomValues::from([(key, value)]);
    Ok(save_part::<T, B, SavedCustom>(kind, id, |now| with_custom(now, change))
        .await?
        .custom_fields)
}

/// Mirrors the server's rule so nobody is offered an edit that would be refused: reps
/// edit what they own, managers and admins edit everything.
pub fn can_edit(session: &Session, owner: Option<UserId>) -> bool {
    if session.can(Permission::EditAllRecords) {
        return true;
    }
    let mine = session.me().is_some_and(|me| Some(me.user.id) == owner);
    mine && session.can(Permission::EditOwnRecords)
}

/// Where a record's form sends, and what follows a save: a toast naming the record, the
/// dialog closed, and the saved record handed to `on_saved`.
pub struct RecordSave<T: 'static> {
    kind: RecordKind,
    /// The record being edited; `None` creates one.
    id: Option<Uuid>,
    form: FormState,
    open: RwSignal<bool>,
    on_saved: Callback<T>,
    toasts: Toasts,
}

// Derived Clone and Copy would ask the same of `T`, which the callback does not need.
impl<T> Clone for RecordSave<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for RecordSave<T> {}

impl<T: ListRow> RecordSave<T> {
    pub fn new(
        kind: RecordKind,
        id: Option<Uuid>,
        form: FormState,
        open: RwSignal<bool>,
        on_saved: Callback<T>,
    ) -> Self {
        Self {
            kind,
            id,
            form,
            open,
            on_saved,
            toasts: use_toasts(),
        }
    }

    /// The form's submit: once the `client` rules pass, creates the record (`POST`) or
    /// replaces the edited one (`PUT`). A refusal goes to the form, after `on_refused`
    /// has seen it.
    pub fn submit(
        self,
        ev: SubmitEvent,
        client: &[FieldError],
        body: impl Serialize + 'static,
        on_refused: impl FnOnce(&ApiError) + 'static,
    ) {
        let Self {
            kind,
            id,
            form,
            open,
            on_saved,
            toasts,
        } = self;
        let sent = async move {
            let saved = match id {
                Some(id) => api::put::<T>(&format!("/{}/{id}", kind.plural()), &body).await,
                None => api::post::<T>(&format!("/{}", kind.plural()), &body).await,
            };
            if let Err(e) = &saved {
                on_refused(e);
            }
            saved
        };
        form.submit(ev, client, sent, move |record| {
            let verb = if id.is_some() { "saved" } else { "created" };
            toasts.success(format!("{} was {verb}.", record.name()));
            open.set(false);
            on_saved.run(record);
        });
    }
}
