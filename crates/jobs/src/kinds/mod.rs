//! The kinds of job Kite runs.

mod email;
mod import;
mod scheduled_export;

use crate::JobHandler;
use std::sync::Arc;

/// Every handler a server process registers.
pub fn all() -> Vec<Arc<dyn JobHandler>> {
    vec![
        Arc::new(email::SendEmail),
        Arc::new(import::RunImport),
        Arc::new(scheduled_export::RunScheduledExport),
    ]
}
