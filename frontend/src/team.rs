//! The organization's people, for showing owners by name and choosing an owner. A page
//! loads them once and every row and form of the page reads from that one copy.

use crate::api::{self, ApiError};
use kite_shared::UserId;
use kite_shared::auth::UserDto;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Team {
    users: LocalResource<Result<Vec<UserDto>, ApiError>>,
}

impl Team {
    /// Everyone, in pages of the API's largest size: one page for any team Kite is made for.
    pub fn load() -> Self {
        Self {
            users: LocalResource::new(|| api::get_all::<UserDto>("/users?per_page=200&total=false")),
        }
    }

    fn with_users<R>(&self, f: impl FnOnce(&[UserDto]) -> R) -> R {
        self.users.with(|r| match r {
            Some(Ok(users)) => f(users),
            _ => f(&[]),
        })
    }

    /// The owner's name; an empty string while the team loads, so no id flashes up.
    pub fn name_of(&self, id: Option<UserId>) -> String {
        let Some(id) = id else {
            return "—".into();
        };
        self.with_users(|users| {
            users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        })
    }

    /// `(id, name)` of everyone who can own records now; `keep` stays in the list even
    /// when deactivated, so editing a record does not silently change its owner.
    pub fn owner_options(&self, keep: Option<UserId>) -> Vec<(String, String)> {
        self.with_users(|users| {
            users
                .iter()
                .filter(|u| u.active || Some(u.id) == keep)
                .map(|u| (u.id.to_string(), u.name.clone()))
                .collect()
        })
    }

    /// Everyone active, with their roles: who may approve.
    pub fn active(&self) -> Vec<UserDto> {
        self.with_users(|users| users.iter().filter(|u| u.active).cloned().collect())
    }
}
