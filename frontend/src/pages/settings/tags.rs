//! The organization's tags: colour, name and how many records carry each. Managers and
//! admins rename, recolour and delete them; anyone who edits records may create one.

use crate::api;
use crate::components::{ConfirmDialog, EmptyState, InlineText, Palette, SkeletonTable, tag_style};
use crate::session::use_session;
use crate::toast::{Toasts, use_toasts};
use kite_shared::Permission;
use kite_shared::crm::tags::{TagDto, TagInput, check_tag};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_use_on_click_outside::on_click_outside;
use uuid::Uuid;

fn by_name(list: &mut [TagDto]) {
    list.sort_by_key(|t| t.name.to_lowercase());
}

fn name_rule(name: &str) -> Option<String> {
    check_tag("name", name).map(|e| e.message)
}

/// The page's copy of the tags, changed at once and put back when the server refuses.
#[derive(Clone, Copy)]
struct TagStore {
    list: RwSignal<Vec<TagDto>>,
    toasts: Toasts,
}

impl TagStore {
    fn find(&self, id: Uuid) -> Option<TagDto> {
        self.list.with(|l| l.iter().find(|t| t.id == id).cloned())
    }

    fn put(&self, tag: TagDto) {
        self.list.update(|l| {
            if let Some(slot) = l.iter_mut().find(|t| t.id == tag.id) {
                *slot = tag;
            } else {
                l.push(tag);
            }
            by_name(l);
        });
    }

    fn update(self, before: TagDto, input: TagInput, success: String) {
        self.put(TagDto {
            name: input.name.clone(),
            color: input.color.clone(),
            ..before.clone()
        });
        spawn_local(async move {
            match api::put::<TagDto>(&format!("/tags/{}", before.id), &input).await {
                Ok(tag) => {
                    self.put(tag);
                    self.toasts.success(success);
                }
                Err(error) => {
                    self.put(before);
                    self.toasts.error(error.message);
                }
            }
        });
    }

    fn delete(self, tag: TagDto) {
        self.list.update(|l| l.retain(|t| t.id != tag.id));
        spawn_local(async move {
            match api::delete(&format!("/tags/{}", tag.id)).await {
                Ok(()) => self.toasts.success(format!("Tag “{}” was deleted.", tag.name)),
                Err(error) => {
                    self.toasts.error(error.message);
                    self.put(tag);
                }
            }
        });
    }
}

#[component]
pub fn Tags() -> impl IntoView {
    let session = use_session();
    let can_manage = session.can(Permission::EditAllRecords);
    let can_create = session.can(Permission::EditOwnRecords);
    let store = TagStore {
        list: RwSignal::new(Vec::new()),
        toasts: use_toasts(),
    };
    let loaded = LocalResource::new(|| api::get::<Vec<TagDto>>("/tags"));
    Effect::new(move |_| {
        if let Some(Ok(mut list)) = loaded.get() {
            by_name(&mut list);
            store.list.set(list);
        }
    });
    let doomed = RwSignal::new(None::<TagDto>);
    let confirm_open = RwSignal::new(false);
    let confirm_text = Signal::derive(move || {
        doomed.with(|d| {
            d.as_ref().map_or_else(String::new, |t| match t.uses {
                0 => format!("“{}” is not on any record.", t.name),
                1 => format!("“{}” comes off the 1 record that carries it.", t.name),
                n => format!("“{}” comes off the {n} records that carry it.", t.name),
            })
        })
    });
    let ask_delete = Callback::new(move |tag: TagDto| {
        doomed.set(Some(tag));
        confirm_open.set(true);
    });
    view! {
        <section class="card" data-testid="tag-settings">
            <div>
                <h2 class="card-title">"Tags"</h2>
                <p class="muted">
                    "Tags label contacts, companies and deals so the team can filter and act on them together."
                </p>
            </div>
            {can_create.then(|| view! { <NewTag store=store /> })}
            {move || match loaded.get() {
                None => view! { <SkeletonTable rows=4 columns=3 /> }.into_any(),
                Some(Err(e)) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(_)) if store.list.with(Vec::is_empty) => {
                    view! {
                        <EmptyState
                            icon=icondata::LuTags
                            title="No tags yet"
                            text="Create one here, or type a new tag on any contact, company or deal."
                        />
                    }
                        .into_any()
                }
                Some(Ok(_)) => {
                    view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="tag-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Tag"</th>
                                        <th scope="col">"Used on"</th>
                                        <th scope="col">
                                            <span class="visually-hidden">"Actions"</span>
                                        </th>
                                    </tr>
                                </thead>
                                <tbody>
                                    <For each=move || store.list.with(|l| l.iter().map(|t| t.id).collect::<Vec<_>>()) key=|id| *id let:id>
                                        <TagRow id=id store=store can_manage=can_manage on_delete=ask_delete />
                                    </For>
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
        <ConfirmDialog
            open=confirm_open
            title="Delete this tag?"
            message=confirm_text
            confirm_label="Delete tag"
            on_confirm=Callback::new(move |_| {
                if let Some(tag) = doomed.get_untracked() {
                    store.delete(tag);
                }
            })
        />
    }
}

#[component]
fn TagRow(id: Uuid, store: TagStore, can_manage: bool, on_delete: Callback<TagDto>) -> impl IntoView {
    let tag = Memo::new(move |_| store.find(id));
    let name = Memo::new(move |_| tag.get().map(|t| t.name).unwrap_or_default());
    let color = Memo::new(move |_| tag.get().and_then(|t| t.color));
    let uses = move || match tag.get().map_or(0, |t| t.uses) {
        1 => "1 record".to_owned(),
        n => format!("{n} records"),
    };
    let picking = RwSignal::new(false);
    let picker = NodeRef::<leptos::html::Div>::new();
    let _ = on_click_outside(picker, move |_| picking.set(false));
    let rename = Callback::new(move |new_name: String| {
        if let Some(before) = tag.get_untracked() {
            let success = format!("Tag “{}” renamed to “{new_name}”.", before.name);
            let input = TagInput {
                name: new_name,
                color: before.color.clone(),
            };
            store.update(before, input, success);
        }
    });
    let recolor = Callback::new(move |new_color: Option<String>| {
        picking.set(false);
        if let Some(before) = tag.get_untracked().filter(|t| t.color != new_color) {
            let colour_name = new_color
                .as_deref()
                .and_then(|c| {
                    crate::components::PALETTE
                        .iter()
                        .find(|(v, _)| v.eq_ignore_ascii_case(c))
                })
                .map_or("no colour", |(_, n)| n);
            let success = format!("Tag “{}” is now {}.", before.name, colour_name.to_lowercase());
            let input = TagInput {
                name: before.name.clone(),
                color: new_color,
            };
            store.update(before, input, success);
        }
    });
    view! {
        <tr data-testid="tag-row" data-tag=move || name.get()>
            <td>
                <div class="tag-cell">
                    {if can_manage {
                        view! {
                            <div class="swatch-picker" node_ref=picker>
                                <button
                                    type="button"
                                    class="swatch"
                                    class:swatch-none=move || color.get().is_none()
                                    style=move || tag_style(color.get().as_deref())
                                    aria-label=move || format!("Colour of {}", name.get())
                                    aria-expanded=move || picking.get().to_string()
                                    data-testid="tag-color"
                                    on:click=move |_| picking.update(|p| *p = !*p)
                                ></button>
                                <Show when=move || picking.get()>
                                    <div class="swatch-popover">
                                        <Palette value=color on_pick=recolor label=format!("Colour of {}", name.get_untracked()) />
                                    </div>
                                </Show>
                            </div>
                            <InlineText
                                value=name
                                label=Signal::derive(move || format!("Name of tag {}", name.get()))
                                validate=name_rule
                                on_save=rename
                                class="tag-name-input"
                            />
                        }
                            .into_any()
                    } else {
                        view! {
                            <span class="tag" style=move || tag_style(color.get().as_deref())>
                                <span class="tag-name">{move || name.get()}</span>
                            </span>
                        }
                            .into_any()
                    }}
                </div>
            </td>
            <td class="muted nowrap" data-testid="tag-uses">{uses}</td>
            <td class="cell-actions">
                {can_manage
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=move || format!("Delete tag {}", name.get())
                                title="Delete"
                                data-testid="delete-tag"
                                on:click=move |_| {
                                    if let Some(t) = tag.get_untracked() {
                                        on_delete.run(t);
                                    }
                                }
                            >
                                <Icon icon=icondata::LuTrash2 />
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}

/// A name and a colour make a new tag.
#[component]
fn NewTag(store: TagStore) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(None::<String>);
    let tried = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let input = move || TagInput {
        name: name.get().trim().to_owned(),
        color: color.get(),
    };
    let error = Memo::new(move |_| {
        problem.get().or_else(|| {
            tried
                .get()
                .then(|| input().validate().into_iter().next().map(|e| e.message))
                .flatten()
        })
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        problem.set(None);
        let body = untrack(input);
        if !body.validate().is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::post::<TagDto>("/tags", &body).await {
                Ok(tag) => {
                    store.toasts.success(format!("Tag “{}” created.", tag.name));
                    store.put(tag);
                    name.set(String::new());
                    color.set(None);
                    tried.set(false);
                }
                Err(e) => problem.set(Some(e.errors.first().map_or(e.message, |f| f.message.clone()))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="new-tag" on:submit=on_submit novalidate=true>
            <div class="field" class:field-invalid=move || error.get().is_some()>
                <label for="field-new-tag">"New tag"</label>
                <input
                    id="field-new-tag"
                    type="text"
                    placeholder="e.g. vip"
                    maxlength=60
                    autocomplete="off"
                    aria-describedby="field-new-tag-error"
                    prop:value=move || name.get()
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        problem.set(None);
                    }
                />
                <p class="field-error" id="field-new-tag-error" role="alert">{move || error.get()}</p>
            </div>
            <div class="field">
                <span class="field-label">"Colour"</span>
                <Palette value=color on_pick=Callback::new(move |c| color.set(c)) label="Colour of the new tag" />
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                <Icon icon=icondata::LuPlus />
                "Create tag"
            </button>
        </form>
    }
}
