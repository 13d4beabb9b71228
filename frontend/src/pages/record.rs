//! What every record page (a company, a contact) needs to know about its record.

use crate::session::Session;
use kite_shared::{Permission, UserId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The `:id` of the route; `None` when the address holds no valid id.
pub fn record_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
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
