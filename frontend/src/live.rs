//! Pages that show records follow their changes: when anyone (this tab, another tab,
//! another user, an import) changes a record of a watched type, the page reloads it.

use crate::event_stream::EventStream;
use gloo_timers::callback::Timeout;
use kite_shared::jobs::ServerEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Changes that arrive together (a bulk edit, an import) make one reload.
const COALESCE_MS: u32 = 300;
/// How long a broken stream waits before it is opened again.
const REOPEN_MS: u32 = 3_000;

/// Calls `on_change` (at most once per 300 ms) while the calling component lives,
/// whenever a record of one of `entity_types` changes. It also calls it once each time
/// the stream opens: a change made after the page read its records but before the stream
/// was open (or while a broken one was down) would otherwise be missed.
pub fn on_record_changes(entity_types: &'static [&'static str], on_change: Callback<()>) {
    follow(
        &["record_changed"],
        move |event| matches!(event, ServerEvent::RecordChanged { entity_type, .. } if entity_types.contains(&entity_type.as_str())),
        on_change,
        None,
    );
}

/// Calls `on_change` (coalesced the same way) whenever the campaign sends a batch or its
/// emails are opened, clicked, bounced or unsubscribed from, and when the stream opens.
pub fn on_campaign_progress(campaign_id: uuid::Uuid, on_change: Callback<()>) {
    follow(
        &["campaign_progress"],
        move |event| matches!(event, ServerEvent::CampaignProgress { campaign_id: id, .. } if *id == campaign_id),
        on_change,
        None,
    );
}

/// The shell's stream: `on_approval` when approvals change (and when the stream opens),
/// `on_reminder` with each reminder for the signed-in user. One stream for both: a
/// browser gives a host six connections across all its tabs, and each open stream
/// holds one, so two tabs with a stream per listener leave none for a page load.
pub fn on_approvals_and_reminders(on_approval: Callback<()>, on_reminder: Callback<ServerEvent>) {
    follow(
        &["record_changed", "reminder"],
        |event| {
            matches!(event, ServerEvent::Reminder { .. })
                || matches!(event, ServerEvent::RecordChanged { entity_type, .. } if entity_type == "approval")
        },
        on_approval,
        Some(Callback::new(move |event| {
            if matches!(event, ServerEvent::Reminder { .. }) {
                on_reminder.run(event);
            }
        })),
    );
}

/// `each` hears every wanted event itself; `on_change` hears that some arrived.
fn follow(
    names: &'static [&'static str],
    wanted: impl Fn(&ServerEvent) -> bool + Copy + 'static,
    on_change: Callback<()>,
    each: Option<Callback<ServerEvent>>,
) {
    let stream = StoredValue::new_local(None::<EventStream>);
    let pending = StoredValue::new_local(None::<Timeout>);
    let reopen = StoredValue::new_local(None::<Timeout>);
    let alive = StoredValue::new(true);
    let changed = move || {
        if pending.with_value(Option::is_some) {
            return;
        }
        let fire = Timeout::new(COALESCE_MS, move || {
            let _ = pending.try_set_value(None);
            if alive.try_get_value().unwrap_or(false) {
                on_change.run(());
            }
        });
        pending.set_value(Some(fire));
    };
    let open = StoredValue::new_local(None::<std::rc::Rc<dyn Fn()>>);
    let start = std::rc::Rc::new(move || {
        spawn_local(async move {
            let on_event = move |event: ServerEvent| {
                if wanted(&event) {
                    changed();
                    if let Some(each) = each {
                        each.run(event);
                    }
                }
            };
            let on_open = changed;
            let on_error = move || {
                // Dropped after this handler returns; opened again a little later.
                spawn_local(async move {
                    let _ = stream.try_set_value(None);
                });
                let timer = Timeout::new(REOPEN_MS, move || {
                    if alive.try_get_value().unwrap_or(false)
                        && let Some(Some(start)) = open.try_with_value(|s| s.clone())
                    {
                        start();
                    }
                });
                let _ = reopen.try_set_value(Some(timer));
            };
            let opened = EventStream::open(names, on_event, on_open, on_error).await;
            if alive.try_get_value().unwrap_or(false) {
                let _ = stream.try_set_value(opened);
            }
        });
    });
    open.set_value(Some(start.clone()));
    start();
    on_cleanup(move || {
        let _ = alive.try_set_value(false);
        let _ = reopen.try_set_value(None);
        let _ = pending.try_set_value(None);
        let _ = open.try_set_value(None);
        if let Some(Some(open)) = stream.try_update_value(Option::take) {
            spawn_local(async move { drop(open) });
        }
    });
}
