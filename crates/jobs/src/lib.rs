//! Kite's workers. Each worker claims a due job from the job table (see
//! `kite_core::jobs`), runs the handler registered for its kind, keeps the job's lease
//! alive while it runs, and records the outcome: done, retried after a backoff, failed,
//! or cancelled.

mod handler;
pub mod kinds;
mod runtime;

pub use handler::{JobError, JobHandler, JobRun};
pub use runtime::{WorkerConfig, Workers};
