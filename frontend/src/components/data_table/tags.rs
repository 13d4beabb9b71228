//! Tags on a list: a column of chips in each tag's colour, and a filter by tag.

use super::Column;
use crate::components::tag_style;
use crate::tag_list::TagList;
use leptos::prelude::*;

/// The "Tags" column; `tags_of` reads a row's tags.
pub fn tags_column<T: 'static>(tags: TagList, tags_of: fn(&T) -> &[String]) -> Column<T> {
    Column::new("tags", "Tags", move |row: &T| {
        let chips = tags_of(row)
            .iter()
            .map(|name| {
                let style = {
                    let name = name.clone();
                    // The colours may arrive after the rows.
                    move || tag_style(tags.color_of(&name).as_deref())
                };
                view! {
                    <li class="tag tag-small" style=style data-testid="tag-chip" data-tag=name.clone()>
                        <span class="tag-name">{name.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="tag-list tag-list-cell" aria-label="Tags">{chips}</ul> }.into_any()
    })
    .class("hide-narrow")
}

/// "All tags" or one of the organization's tags, as the `tag` filter of a list.
#[component]
pub fn TagFilter(value: RwSignal<String>, tags: TagList) -> impl IntoView {
    view! {
        <select aria-label="Filter by tag" data-testid="tag-filter" on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="" prop:selected=move || value.with(String::is_empty)>
                "All tags"
            </option>
            {move || {
                tags.names()
                    .into_iter()
                    .map(|name| {
                        let selected = {
                            let name = name.clone();
                            move || value.with(|v| *v == name)
                        };
                        view! { <option value=name.clone() prop:selected=selected>{name.clone()}</option> }
                    })
                    .collect_view()
            }}
        </select>
    }
}
