//! Email marketing: campaigns and their reports, sequences, templates with a live
//! preview, and the suppression list, under one set of tabs.

mod campaign_form;
mod campaign_report;
mod campaigns;
mod email_dialog;
mod enroll_dialog;
mod inbox;
mod selection_campaign;
mod sequence_page;
mod sequences;
mod suppressions;
mod template_editor;
mod templates;

pub use campaign_form::CampaignForm;
pub use campaign_report::CampaignReportPage;
pub use campaigns::CampaignList;
pub use email_dialog::EmailContactDialog;
pub use enroll_dialog::EnrollDialog;
pub use inbox::InboxPage;
pub use selection_campaign::CampaignForContactsDialog;
pub use sequence_page::SequencePage;
pub use sequences::SequenceList;
pub use suppressions::SuppressionList;
pub use template_editor::TemplateEditor;
pub use templates::TemplateList;

use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::marketing::campaigns::CampaignStatus;
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::marketing::sequences::SequenceStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The tabs over the email pages; the suppression list is for those who send campaigns,
/// the unmatched mail for admins.
#[component]
fn EmailTabs() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let section = move || {
        let path = location.pathname.get();
        if path.starts_with("/campaigns/templates") {
            "templates"
        } else if path.starts_with("/campaigns/suppressions") {
            "suppressions"
        } else if path.starts_with("/campaigns/sequences") {
            "sequences"
        } else if path.starts_with("/campaigns/inbox") {
            "inbox"
        } else {
            "campaigns"
        }
    };
    let tab = move |href: &'static str, label: &'static str, testid: &'static str| {
        let name = testid.trim_start_matches("tab-");
        let current = move || section() == name;
        view! {
            // A plain link: the router's own marks every tab under `/campaigns` as current.
            <a href=href class="pill-tab" data-testid=testid aria-current=move || current().then_some("page")>
                {label}
            </a>
        }
    };
    view! {
        <nav class="pill-tabs email-tabs" aria-label="Email">
            {tab("/campaigns", "Campaigns", "tab-campaigns")}
            {tab("/campaigns/sequences", "Sequences", "tab-sequences")}
            {tab("/campaigns/templates", "Templates", "tab-templates")}
            {move || session.can(Permission::ManageCampaigns).then(|| tab("/campaigns/suppressions", "Suppression list", "tab-suppressions"))}
            {move || session.can(Permission::ManageOrganization).then(|| tab("/campaigns/inbox", "Unmatched mail", "tab-inbox"))}
        </nav>
    }
}

fn campaign_badge(status: CampaignStatus) -> impl IntoView {
    let class = match status {
        CampaignStatus::Draft | CampaignStatus::Cancelled => "badge badge-muted",
        CampaignStatus::Scheduled => "badge badge-accent",
        CampaignStatus::Sending | CampaignStatus::Paused => "badge badge-warning",
        CampaignStatus::Sent => "badge badge-success",
    };
    view! { <span class=class data-testid="campaign-status">{status.label()}</span> }
}

fn sequence_badge(status: SequenceStatus) -> impl IntoView {
    let class = match status {
        SequenceStatus::Active => "badge badge-success",
        SequenceStatus::Paused => "badge badge-warning",
    };
    view! { <span class=class data-testid="sequence-status">{status.label()}</span> }
}

fn email_badge(status: EmailStatus) -> impl IntoView {
    let class = match status {
        EmailStatus::Delivered | EmailStatus::Opened | EmailStatus::Clicked | EmailStatus::Sent => {
            "badge badge-success"
        }
        EmailStatus::Queued | EmailStatus::Sending | EmailStatus::Excluded | EmailStatus::Received => {
            "badge badge-muted"
        }
        EmailStatus::Bounced | EmailStatus::Dropped | EmailStatus::Failed | EmailStatus::SpamReport => {
            "badge badge-danger"
        }
        EmailStatus::Unsubscribed => "badge badge-warning",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// `part` of `whole` as a whole percentage ("—" of nothing).
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}
