//! The emails Kite sent (or received) for a contact, and what became of each.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A one-off email to a contact: a template, or a subject and body written for them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OneOffEmailInput {
    #[serde(default)]
    pub template_id: Option<Uuid>,
    /// With no template: the subject and the body (variables allowed).
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body_html: Option<String>,
    /// The deal it is about: `{{ deal.title }}` works, and it shows on the deal too.
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

/// An email queued for sending.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuedEmail {
    pub email_id: Uuid,
    pub to: String,
    pub subject: String,
}

/// Where SendGrid's Inbound Parse posts the organization's mail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundAddress {
    pub url: String,
}

/// What became of one posted message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundOutcome {
    /// None when the same message was posted before.
    pub email_id: Option<Uuid>,
    /// The contact it was filed under; none leaves it in the unmatched list.
    pub contact_id: Option<Uuid>,
    /// The email of ours it answers.
    pub replied_to: Option<Uuid>,
    pub duplicate: bool,
}

/// A message a contact (or a stranger) sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundEmailDto {
    pub id: Uuid,
    pub contact_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub from_email: String,
    pub from_name: Option<String>,
    pub to_email: String,
    pub subject: String,
    pub text_body: Option<String>,
    pub received_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignInbound {
    pub contact_id: Uuid,
}

/// Where one email stands. Later states outrank earlier ones (an opened email that
/// is then delivered stays opened); the bad ends outrank every good one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    Queued,
    /// Handed to the provider; not yet confirmed.
    Sending,
    Sent,
    Delivered,
    Opened,
    Clicked,
    Bounced,
    Dropped,
    Failed,
    SpamReport,
    Unsubscribed,
    /// Left out at send time: the address was suppressed meanwhile.
    Excluded,
    /// An email a contact sent.
    Received,
}

impl EmailStatus {
    pub const ALL: [EmailStatus; 13] = [
        EmailStatus::Queued,
        EmailStatus::Sending,
        EmailStatus::Sent,
        EmailStatus::Delivered,
        EmailStatus::Opened,
        EmailStatus::Clicked,
        EmailStatus::Bounced,
        EmailStatus::Dropped,
        EmailStatus::Failed,
        EmailStatus::SpamReport,
        EmailStatus::Unsubscribed,
        EmailStatus::Excluded,
        EmailStatus::Received,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sending => "sending",
            EmailStatus::Sent => "sent",
            EmailStatus::Delivered => "delivered",
            EmailStatus::Opened => "opened",
            EmailStatus::Clicked => "clicked",
            EmailStatus::Bounced => "bounced",
            EmailStatus::Dropped => "dropped",
            EmailStatus::Failed => "failed",
            EmailStatus::SpamReport => "spam_report",
            EmailStatus::Unsubscribed => "unsubscribed",
            EmailStatus::Excluded => "excluded",
            EmailStatus::Received => "received",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EmailStatus::Queued => "Queued",
            EmailStatus::Sending => "Sending",
            EmailStatus::Sent => "Sent",
            EmailStatus::Delivered => "Delivered",
            EmailStatus::Opened => "Opened",
            EmailStatus::Clicked => "Clicked",
            EmailStatus::Bounced => "Bounced",
            EmailStatus::Dropped => "Dropped",
            EmailStatus::Failed => "Failed",
            EmailStatus::SpamReport => "Spam report",
            EmailStatus::Unsubscribed => "Unsubscribed",
            EmailStatus::Excluded => "Excluded",
            EmailStatus::Received => "Received",
        }
    }

    pub fn parse(raw: &str) -> Option<EmailStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// How far along the email is; a status only ever moves to a higher rank.
    pub fn rank(self) -> u8 {
        match self {
            EmailStatus::Queued | EmailStatus::Received => 0,
            EmailStatus::Sending => 1,
            EmailStatus::Sent => 2,
            EmailStatus::Delivered => 3,
            EmailStatus::Opened => 4,
            EmailStatus::Clicked => 5,
            EmailStatus::Bounced | EmailStatus::Dropped | EmailStatus::Failed | EmailStatus::Excluded => 6,
            EmailStatus::SpamReport | EmailStatus::Unsubscribed => 7,
        }
    }

    /// Reached the provider (whatever happened next).
    pub fn was_sent(self) -> bool {
        matches!(
            self,
            EmailStatus::Sent
                | EmailStatus::Delivered
                | EmailStatus::Opened
                | EmailStatus::Clicked
                | EmailStatus::Bounced
                | EmailStatus::Dropped
                | EmailStatus::SpamReport
                | EmailStatus::Unsubscribed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_name() {
        for status in EmailStatus::ALL {
            assert_eq!(EmailStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn a_bad_end_outranks_every_good_state() {
        assert!(EmailStatus::Bounced.rank() > EmailStatus::Clicked.rank());
        assert!(EmailStatus::Unsubscribed.rank() > EmailStatus::Bounced.rank());
        assert!(EmailStatus::Opened.rank() > EmailStatus::Delivered.rank());
    }
}
