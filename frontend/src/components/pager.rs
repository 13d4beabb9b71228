//! Paging through a list by cursor: the server hands out the next page's cursor, and
//! the way back is the stack of cursors of the pages visited.

use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;

#[derive(Clone, Debug, Default, PartialEq)]
struct Visited {
    /// The list query (filters and order) the cursors belong to.
    query: String,
    /// The cursors of the pages before the one on screen; `None` is the first page.
    before: Vec<Option<String>>,
    current: Option<String>,
}

/// Where a list is among its pages. The cursors belong to one query of the list: once
/// its filters or order change, the list is on its first page again, so a cursor is
/// never sent with a query it was not made for.
#[derive(Clone, Copy)]
pub struct Cursors {
    query: Signal<String>,
    visited: RwSignal<Visited>,
}

impl Cursors {
    /// `query` is the list's request without its cursor.
    pub fn new(query: impl Into<Signal<String>>) -> Self {
        Self {
            query: query.into(),
            visited: RwSignal::new(Visited::default()),
        }
    }

    fn with_current<R>(&self, f: impl FnOnce(Option<&Visited>) -> R) -> R {
        let query = self.query.get();
        self.visited.with(|v| f((v.query == query).then_some(v)))
    }

    /// The cursor to ask for the page on screen with; none for the first page.
    pub fn cursor(&self) -> Option<String> {
        self.with_current(|v| v.and_then(|v| v.current.clone()))
    }

    /// How many pages come before the one on screen.
    pub fn index(&self) -> usize {
        self.with_current(|v| v.map_or(0, |v| v.before.len()))
    }

    pub fn next(&self, cursor: String) {
        let query = self.query.get_untracked();
        self.visited.update(|v| {
            if v.query != query {
                *v = Visited {
                    query,
                    ..Visited::default()
                };
            }
            // A second click before the next page arrived still names the same page.
            if v.current.as_ref() == Some(&cursor) {
                return;
            }
            v.before.push(v.current.take());
            v.current = Some(cursor);
        });
    }

    pub fn previous(&self) {
        let query = self.query.get_untracked();
        self.visited.update(|v| {
            if v.query == query {
                v.current = v.before.pop().flatten();
            }
        });
    }
}

/// What the pager shows of the page on screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageInfo {
    pub shown: usize,
    pub total: Option<u64>,
    pub next: Option<String>,
}

impl PageInfo {
    pub fn of<T>(page: &Page<T>) -> Self {
        Self {
            shown: page.items.len(),
            total: page.total,
            next: page.next_cursor.clone(),
        }
    }
}

/// "1,234" for 1234.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "1–50 of 1,234" (or "51–100" when the list has no total), with previous and next.
fn range(index: usize, per_page: u64, info: &PageInfo) -> String {
    if info.shown == 0 && index == 0 {
        return "No results".to_owned();
    }
    let first = (index as u64).saturating_mul(per_page) + 1;
    let last = (first + info.shown as u64).saturating_sub(1).max(first);
    match info.total {
        Some(total) => format!("{}–{} of {}", thousands(first), thousands(last), thousands(total)),
        None => format!("{}–{}", thousands(first), thousands(last)),
    }
}

#[component]
pub fn Pager(
    cursors: Cursors,
    per_page: u64,
    /// The page on screen, once it has loaded.
    #[prop(into)]
    page: Signal<Option<PageInfo>>,
) -> impl IntoView {
    let info = move || page.get().unwrap_or_default();
    view! {
        <nav class="pager" aria-label="Pagination">
            <span class="pager-range" data-testid="pager-range">{move || range(cursors.index(), per_page, &info())}</span>
            <button
                class="icon-button"
                aria-label="Previous page"
                disabled=move || cursors.index() == 0
                on:click=move |_| cursors.previous()
            >
                <Icon icon=icondata::LuChevronLeft />
            </button>
            <span class="pager-page">
                {move || {
                    let at = cursors.index() as u64 + 1;
                    match info().total {
                        Some(total) => format!("Page {at} of {}", total.div_ceil(per_page.max(1)).max(1)),
                        None => format!("Page {at}"),
                    }
                }}
            </span>
            <button
                class="icon-button"
                aria-label="Next page"
                disabled=move || info().next.is_none()
                on:click=move |_| {
                    if let Some(next) = info().next {
                        cursors.next(next);
                    }
                }
            >
                <Icon icon=icondata::LuChevronRight />
            </button>
        </nav>
    }
}
