//! The organization's tags, for a list page: the chips' colours, the tag filter and the
//! bulk tag dialog all read one copy, and a bulk action that creates a tag refreshes it.

use crate::api::{self, ApiError};
use kite_shared::crm::tags::TagDto;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct TagList {
    tags: LocalResource<Result<Vec<TagDto>, ApiError>>,
}

impl TagList {
    pub fn load() -> Self {
        Self {
            tags: LocalResource::new(|| api::get::<Vec<TagDto>>("/tags")),
        }
    }

    pub fn refetch(&self) {
        self.tags.refetch();
    }

    fn with_tags<R>(&self, f: impl FnOnce(&[TagDto]) -> R) -> R {
        self.tags.with(|r| match r {
            Some(Ok(tags)) => f(tags),
            _ => f(&[]),
        })
    }

    /// Names as the organization spells them, in the API's order.
    pub fn names(&self) -> Vec<String> {
        self.with_tags(|tags| tags.iter().map(|t| t.name.clone()).collect())
    }

    /// The tag's colour; none while the tags load or for a neutral tag.
    pub fn color_of(&self, name: &str) -> Option<String> {
        let name = name.to_lowercase();
        self.with_tags(|tags| {
            tags.iter()
                .find(|t| t.name.to_lowercase() == name)
                .and_then(|t| t.color.clone())
        })
    }

    /// The known tag of that name, any case.
    pub fn find(&self, name: &str) -> Option<String> {
        let name = name.to_lowercase();
        self.with_tags(|tags| {
            tags.iter()
                .find(|t| t.name.to_lowercase() == name)
                .map(|t| t.name.clone())
        })
    }
}
