//! Approvals: the inbox, one request's page, the decision dialog both use, and the
//! workflow editor of the settings.

mod decision;
mod inbox;
mod request;
mod workflows;

pub use inbox::ApprovalInbox;
pub use request::{ApprovalRequestPage, RequestProgress};
pub use workflows::ApprovalWorkflows;

use kite_shared::approvals::ApprovalStatus;
use leptos::prelude::*;

fn status_badge(status: ApprovalStatus) -> impl IntoView {
    let class = match status {
        ApprovalStatus::Pending => "badge badge-warning",
        ApprovalStatus::Approved => "badge badge-success",
        ApprovalStatus::Rejected => "badge badge-danger",
        ApprovalStatus::Withdrawn | ApprovalStatus::Voided => "badge badge-muted",
    };
    view! { <span class=class data-testid="approval-status">{status.label()}</span> }
}
