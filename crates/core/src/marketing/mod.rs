//! Email marketing: templates ([`templates`]), the suppression list
//! ([`suppressions`]), campaigns and their audiences ([`campaigns`], [`audience`]),
//! the batch sender ([`sending`]), tracked opens, clicks and unsubscribes
//! ([`tracking`]) and SendGrid's events ([`provider_events`]).
//!
//! Every email is a row of `emails`, made before it is sent; its id is the idempotency
//! key the provider carries back. A batch marks its emails `sending` and commits
//! before handing them over, and records the outcome after: an email left `sending` by
//! a crash is settled by the provider's events (or by the outbox, which can tell), and
//! only sent again once the reconciliation window has passed without either.

mod audience;
mod campaigns;
mod context;
mod one_off;
mod provider_events;
pub mod render;
mod sending;
mod suppressions;
mod templates;
pub mod tokens;
mod tracking;

pub use provider_events::{MAX_EVENTS as MAX_PROVIDER_EVENTS, ProviderEventsOutcome};
pub use sending::{BatchOutcome, SendBatch};
pub use tracking::{Click, Unsubscribed};

use crate::{CoreError, Kite};

pub struct MarketingService<'a> {
    kite: &'a Kite,
}

impl<'a> MarketingService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }
}

fn conflict(code: &'static str, message: impl Into<String>) -> CoreError {
    CoreError::Conflict {
        code,
        message: message.into(),
        field: None,
        details: None,
    }
}
