//! Campaigns: one template sent to an audience of contacts, throttled, and reported on.

use super::emails::EmailStatus;
use crate::crm::contacts::LifecycleStage;
use crate::validation::{check_name, collect};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const DEFAULT_RATE_PER_MINUTE: u32 = 600;
pub const MAX_RATE_PER_MINUTE: u32 = 60_000;
/// A static list names at most this many contacts; larger audiences are filters.
pub const MAX_LIST_CONTACTS: usize = 50_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    Draft,
    /// Waits for its time; it starts by itself.
    Scheduled,
    Sending,
    Paused,
    Sent,
    Cancelled,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 6] = [
        CampaignStatus::Draft,
        CampaignStatus::Scheduled,
        CampaignStatus::Sending,
        CampaignStatus::Paused,
        CampaignStatus::Sent,
        CampaignStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Scheduled => "scheduled",
            CampaignStatus::Sending => "sending",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Sent => "sent",
            CampaignStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "Draft",
            CampaignStatus::Scheduled => "Scheduled",
            CampaignStatus::Sending => "Sending",
            CampaignStatus::Paused => "Paused",
            CampaignStatus::Sent => "Sent",
            CampaignStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(raw: &str) -> CampaignStatus {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .unwrap_or(CampaignStatus::Draft)
    }

    /// A draft or scheduled campaign can still be edited.
    pub fn editable(self) -> bool {
        matches!(self, CampaignStatus::Draft | CampaignStatus::Scheduled)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// The contacts that match a filter when sending starts.
    #[default]
    Filter,
    /// Contacts picked by hand.
    List,
}

/// The filters of the contacts list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AudienceFilter {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    #[serde(default)]
    pub created_from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub created_to: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Audience {
    #[serde(default)]
    pub kind: AudienceKind,
    #[serde(default)]
    pub filter: AudienceFilter,
    #[serde(default)]
    pub contact_ids: Vec<Uuid>,
}

impl Audience {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.kind == AudienceKind::List {
            if self.contact_ids.is_empty() {
                errors.push(FieldError::new(
                    "audience.contact_ids",
                    "required",
                    "Pick at least one contact.",
                ));
            } else if self.contact_ids.len() > MAX_LIST_CONTACTS {
                errors.push(FieldError::new(
                    "audience.contact_ids",
                    "too_many",
                    format!("A list holds at most {MAX_LIST_CONTACTS} contacts; use a filter."),
                ));
            }
        }
        errors
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub name: String,
    pub template_id: Uuid,
    #[serde(default)]
    pub audience: Audience,
    /// Who the email is from (and replies go to); the caller when not given.
    #[serde(default)]
    pub sender_user_id: Option<UserId>,
    /// When to start sending; with none, the campaign waits for "send".
    #[serde(default)]
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The most messages handed to the provider per minute.
    #[serde(default)]
    pub rate_per_minute: Option<u32>,
}

impl CampaignInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = collect([check_name("name", "Name", &self.name)]);
        errors.extend(self.audience.validate());
        if let Some(rate) = self.rate_per_minute
            && !(1..=MAX_RATE_PER_MINUTE).contains(&rate)
        {
            errors.push(FieldError::new(
                "rate_per_minute",
                "out_of_range",
                format!("Send between 1 and {MAX_RATE_PER_MINUTE} messages per minute."),
            ));
        }
        errors
    }
}

/// The contacts an audience leaves out, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exclusions {
    pub no_email: u64,
    pub unsubscribed: u64,
    pub bounced: u64,
    pub spam_report: u64,
    /// On the suppression list by hand.
    pub suppressed: u64,
}

impl Exclusions {
    pub fn total(&self) -> u64 {
        self.no_email + self.unsubscribed + self.bounced + self.spam_report + self.suppressed
    }
}

/// Who an audience reaches today.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudienceCount {
    /// Contacts the audience matches.
    pub matched: u64,
    /// Of those, the ones who would get the email.
    pub recipients: u64,
    pub excluded: Exclusions,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SenderDto {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

/// The campaign's emails by status, and its opens and clicks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignStats {
    pub recipients: u64,
    pub queued: u64,
    /// Handed to the provider (every email that left, whatever happened next).
    pub sent: u64,
    pub delivered: u64,
    /// Recipients who opened at least once.
    pub opened: u64,
    /// Recipients who clicked at least once.
    pub clicked: u64,
    pub bounced: u64,
    pub dropped: u64,
    pub failed: u64,
    pub spam_reports: u64,
    pub unsubscribed: u64,
    pub excluded: u64,
    pub total_opens: u64,
    pub total_clicks: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignDto {
    pub id: Uuid,
    pub name: String,
    pub template_id: Uuid,
    pub template_name: Option<String>,
    pub audience: Audience,
    pub sender: Option<SenderDto>,
    pub status: CampaignStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub rate_per_minute: u32,
    pub excluded: Exclusions,
    pub stats: CampaignStats,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Clicks on one link of the campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkClicks {
    pub url: String,
    pub clicks: u64,
    pub unique_clicks: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignReport {
    pub campaign: CampaignDto,
    pub links: Vec<LinkClicks>,
}

/// One recipient of a campaign and what their email did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientDto {
    pub email_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub email: String,
    pub status: EmailStatus,
    pub status_reason: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub open_count: u32,
    pub first_opened_at: Option<DateTime<Utc>>,
    pub last_opened_at: Option<DateTime<Utc>>,
    pub click_count: u32,
    pub first_clicked_at: Option<DateTime<Utc>>,
    pub last_clicked_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct RecipientQuery {
    #[serde(default)]
    pub status: Option<EmailStatus>,
}
