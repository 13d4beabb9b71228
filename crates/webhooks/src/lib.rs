//! What Kite needs to call other systems' URLs safely: which addresses are refused
//! ([`guard`]), how a message is signed ([`signature`], the Standard Webhooks scheme)
//! and one delivery attempt with its limits ([`send`]). The subscriptions, the log and
//! the retry schedule live in kite-core; the jobs that deliver live in kite-jobs.

pub mod guard;
pub mod send;
pub mod signature;
#[cfg(feature = "test-receiver")]
pub mod test_receiver;

pub use guard::{AddressPolicy, Refused};
pub use send::{Attempt, Outgoing, deliver};
