//! Background jobs as the API shows them, and the events the live stream carries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> JobStatus {
        match raw {
            "running" => JobStatus::Running,
            "succeeded" => JobStatus::Succeeded,
            "failed" => JobStatus::Failed,
            "cancelled" => JobStatus::Cancelled,
            _ => JobStatus::Queued,
        }
    }

    /// A job in this state will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled)
    }
}

/// The answer to a request that started background work: follow the job for its progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobStarted {
    pub job_id: Uuid,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProgress {
    pub done: u64,
    /// Unknown until the job has counted its work.
    pub total: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobDto {
    pub id: Uuid,
    pub kind: String,
    pub status: JobStatus,
    pub progress: JobProgress,
    pub attempts: i32,
    /// What the job produced, when it succeeded.
    pub result: Option<serde_json::Value>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What the live stream (`GET /api/v1/events`) sends; the SSE event name is `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerEvent {
    /// A job of the user's moved on.
    JobProgress {
        job_id: Uuid,
        job_kind: String,
        status: JobStatus,
        progress: JobProgress,
    },
    /// A record of the organization changed: open lists, boards and dashboards that show
    /// it reload.
    RecordChanged {
        event_id: Uuid,
        event: crate::domain_events::DomainEventKind,
        entity_type: String,
        entity_id: Option<Uuid>,
    },
    /// A campaign sent a batch, or its emails were opened, clicked or bounced: its
    /// report reloads.
    CampaignProgress {
        campaign_id: Uuid,
        status: crate::marketing::campaigns::CampaignStatus,
    },
    /// An activity of the user starts, or a task of theirs is due, soon.
    Reminder {
        activity_id: Uuid,
        activity_kind: crate::crm::activities::ActivityKind,
        subject: String,
        due_at: DateTime<Utc>,
    },
}

impl ServerEvent {
    pub fn name(&self) -> &'static str {
        match self {
            ServerEvent::JobProgress { .. } => "job_progress",
            ServerEvent::RecordChanged { .. } => "record_changed",
            ServerEvent::CampaignProgress { .. } => "campaign_progress",
            ServerEvent::Reminder { .. } => "reminder",
        }
    }
}

/// A one-time ticket that opens the event stream: browsers' EventSource cannot send an
/// Authorization header, and an access token in a URL would end up in logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventTicket {
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
}
