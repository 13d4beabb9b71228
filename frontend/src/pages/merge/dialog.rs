//! The merge dialog: both records side by side, the record that stays, a choice for every
//! field on which they differ, what else moves, and the merge itself.

use super::MergeKind;
use super::record::{MergeRecord, Shown, Value, label};
use super::summary::MoveSummary;
use crate::api::{self, ApiError};
use crate::components::{Modal, SkeletonRows};
use crate::format::date;
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::merge::{MergeRequest, MergeSide};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Merges the two records of `pair` once the user has chosen; opened by whoever sets it.
#[component]
pub fn MergeDialog(
    open: RwSignal<bool>,
    kind: MergeKind,
    #[prop(into)] pair: Signal<Option<(Uuid, Uuid)>>,
    team: Team,
) -> impl IntoView {
    view! {
        <Modal open=open title=format!("Merge {}", kind.plural()) wide=true>
            {move || pair.get().map(|(a, b)| view! { <MergeForm open=open kind=kind a=a b=b team=team /> })}
        </Modal>
    }
}

/// Loads both records afresh (the list that offered them may be old) and lets the user
/// merge them. `back` returns to whatever chose the second record.
#[component]
pub(super) fn MergeForm(
    open: RwSignal<bool>,
    kind: MergeKind,
    a: Uuid,
    b: Uuid,
    team: Team,
    #[prop(optional)] back: Option<Callback<()>>,
    /// Told the survivor's id after a merge, for a page that shows it already.
    #[prop(optional)]
    on_merged: Option<Callback<Uuid>>,
) -> impl IntoView {
    let records = LocalResource::new(move || async move {
        let (x, y) = futures::try_join!(MergeRecord::load(kind, a), MergeRecord::load(kind, b))?;
        Ok::<_, ApiError>(if y.created_at() < x.created_at() {
            [y, x]
        } else {
            [x, y]
        })
    });
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=8 /> }>
            {move || {
                records
                    .get()
                    .map(|result| match result {
                        Ok(records) => {
                            view! {
                                <MergeChoices open=open kind=kind records=records team=team back=back on_merged=on_merged />
                            }
                                .into_any()
                        }
                        Err(e) => {
                            view! {
                                <p class="form-alert" role="alert">{e.message}</p>
                                <div class="modal-actions">
                                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Close"</button>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// A field on which the two records differ (or agree), with both sides' values.
#[derive(Clone, Debug)]
struct Row {
    field: &'static str,
    values: [Option<Value>; 2],
}

impl Row {
    fn differs(&self) -> bool {
        self.values[0].as_ref().map(|v| &v.key) != self.values[1].as_ref().map(|v| &v.key)
    }
}

/// The side each differing field takes when `survivor` stays: its own value, or the
/// other's when it has none, so that nothing is lost unless the user says so.
fn defaults(rows: &[Row], survivor: usize) -> BTreeMap<&'static str, usize> {
    rows.iter()
        .filter(|r| r.differs())
        .map(|r| {
            let side = if r.values[survivor].is_some() {
                survivor
            } else {
                1 - survivor
            };
            (r.field, side)
        })
        .collect()
}

fn request(ids: [Uuid; 2], survivor: usize, choices: &BTreeMap<&'static str, usize>) -> MergeRequest {
    let fields = choices
        .iter()
        .map(|(field, &side)| {
            let side = if side == survivor {
                MergeSide::Survivor
            } else {
                MergeSide::Merged
            };
            ((*field).to_owned(), side)
        })
        .collect();
    MergeRequest {
        survivor_id: ids[survivor],
        merged_id: ids[1 - survivor],
        fields,
    }
}

/// The server's complaint, with each field's message, since a merge form has no inputs
/// to put them under.
fn problem_text(error: &ApiError) -> String {
    std::iter::once(error.message.clone())
        .chain(error.errors.iter().map(|e| e.message.clone()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn MergeChoices(
    open: RwSignal<bool>,
    kind: MergeKind,
    /// Oldest first: the older record stays unless the user says otherwise.
    records: [MergeRecord; 2],
    team: Team,
    back: Option<Callback<()>>,
    on_merged: Option<Callback<Uuid>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let rows: Vec<Row> = records[0]
        .fields()
        .iter()
        .map(|&field| Row {
            field,
            values: [records[0].value(field), records[1].value(field)],
        })
        .filter(|r| r.values.iter().any(Option::is_some))
        .collect();
    let ids = [records[0].id(), records[1].id()];
    let names = [records[0].name(), records[1].name()];
    let survivor = RwSignal::new(0usize);
    let choices = RwSignal::new(defaults(&rows, 0));
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let rows = StoredValue::new(rows);
    let choose_survivor = move |side: usize| {
        survivor.set(side);
        choices.set(rows.with_value(|rows| defaults(rows, side)));
        problem.set(None);
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let stays = survivor.get_untracked();
        let body = choices.with_untracked(|c| request(ids, stays, c));
        let navigate = navigate.clone();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let path = format!("/{}/merge", kind.plural());
            let merged = match kind {
                MergeKind::Contact => api::post::<ContactDto>(&path, &body).await.map(|c| c.full_name()),
                MergeKind::Company => api::post::<CompanyDto>(&path, &body).await.map(|c| c.name),
            };
            busy.set(false);
            match merged {
                Ok(name) => {
                    toasts.success(format!("Merged into {name}."));
                    open.set(false);
                    if let Some(callback) = on_merged {
                        callback.run(body.survivor_id);
                    }
                    navigate(&format!("/{}/{}", kind.plural(), body.survivor_id), Default::default());
                }
                Err(e) => problem.set(Some(problem_text(&e))),
            }
        });
    };
    let side_caption = move |side: usize| {
        let created = date(&records[side].created_at());
        let detail = records[side].detail().filter(|d| !d.trim().is_empty());
        match detail {
            Some(d) => format!("{d} · created {created}"),
            None => format!("Created {created}"),
        }
    };
    let captions = [side_caption(0), side_caption(1)];
    let merged_id = Signal::derive(move || ids[1 - survivor.get()]);
    let survivor_label = Signal::derive({
        let (names, captions) = (names.clone(), captions.clone());
        move || {
            let s = survivor.get();
            format!("{} ({})", names[s], captions[s])
        }
    });
    let merged_label = Signal::derive({
        let (names, captions) = (names.clone(), captions.clone());
        move || {
            let gone = 1 - survivor.get();
            format!("{} ({})", names[gone], captions[gone])
        }
    });
    view! {
        <form class="merge-form" data-testid="merge-form" on:submit=on_submit novalidate=true>
            <fieldset class="merge-survivor">
                <legend>"Which record stays?"</legend>
                {[0usize, 1]
                    .into_iter()
                    .map(|side| {
                        view! {
                            <label class="merge-option" class:merge-option-chosen=move || survivor.get() == side>
                                <input
                                    type="radio"
                                    name="merge-survivor"
                                    value=side.to_string()
                                    prop:checked=move || survivor.get() == side
                                    on:change=move |_| choose_survivor(side)
                                />
                                <span class="merge-option-text">
                                    <strong>{names[side].clone()}</strong>
                                    <span class="muted small">{captions[side].clone()}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="merge-table-wrap">
                <table class="merge-table" data-testid="merge-fields">
                    <thead>
                        <tr>
                            <th scope="col">"Field"</th>
                            {[0usize, 1]
                                .into_iter()
                                .map(|side| {
                                    view! {
                                        <th scope="col">
                                            {move || {
                                                if survivor.get() == side {
                                                    view! { <span class="badge badge-accent">"Stays"</span> }
                                                } else {
                                                    view! { <span class="badge badge-muted">"Goes to the trash"</span> }
                                                }
                                            }}
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .get_value()
                            .into_iter()
                            .map(|row| view! { <FieldRow row=row choices=choices team=team /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <MoveSummary kind=kind merged_id=merged_id merged_label=merged_label survivor_label=survivor_label />
            {move || problem.get().map(|p| view! { <p class="form-alert" role="alert">{p}</p> })}
            <div class="modal-actions">
                {back
                    .map(|back| {
                        view! {
                            <button type="button" class="btn btn-ghost merge-back" on:click=move |_| back.run(())>
                                "Choose another"
                            </button>
                        }
                    })}
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" data-testid="merge-submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Merging…" } else { "Merge" }}
                </button>
            </div>
        </form>
    }
}

fn shown_view(value: &Option<Value>, team: Team) -> AnyView {
    match value.as_ref().map(|v| v.shown.clone()) {
        Some(Shown::Text(text)) => view! { <span class="merge-value">{text}</span> }.into_any(),
        Some(Shown::Owner(id)) => {
            view! { <span class="merge-value">{move || team.name_of(Some(id))}</span> }.into_any()
        }
        None => view! { <span class="muted">"No value"</span> }.into_any(),
    }
}

#[component]
fn FieldRow(row: Row, choices: RwSignal<BTreeMap<&'static str, usize>>, team: Team) -> impl IntoView {
    let field = row.field;
    let label = label(field);
    if !row.differs() {
        return view! {
            <tr data-field=field>
                <th scope="row">{label}</th>
                <td colspan="2" class="merge-same">
                    {shown_view(&row.values[0], team)}
                    <span class="muted small merge-same-note">"Same on both"</span>
                </td>
            </tr>
        }
        .into_any();
    }
    view! {
        <tr data-field=field>
            <th scope="row">{label}</th>
            {[0usize, 1]
                .into_iter()
                .map(|side| {
                    let chosen = move || choices.with(|c| c.get(field) == Some(&side));
                    view! {
                        <td class:merge-picked=chosen>
                            <label class="merge-choice">
                                <input
                                    type="radio"
                                    name=format!("merge-{field}")
                                    value=side.to_string()
                                    prop:checked=chosen
                                    on:change=move |_| {
                                        choices
                                            .update(|c| {
                                                c.insert(field, side);
                                            })
                                    }
                                />
                                {shown_view(&row.values[side], team)}
                            </label>
                        </td>
                    }
                })
                .collect_view()}
        </tr>
    }
    .into_any()
}
