//! Exports that run on a schedule and are emailed to a list of recipients.

use crate::FieldError;
use crate::imports::ImportEntity;
use crate::validation::{self, normalize_email};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many days a run's file can be downloaded.
pub const RUN_FILE_DAYS: i64 = 30;
pub const MAX_RECIPIENTS: usize = 20;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn parse(raw: &str) -> Option<ExportFormat> {
        match raw {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    #[default]
    Daily,
    Weekly,
    Monthly,
    /// A cron expression (five fields, or six with seconds first).
    Cron,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Cron];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Cron => "cron",
        }
    }

    pub fn parse(raw: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Daily => "Every day",
            Frequency::Weekly => "Every week",
            Frequency::Monthly => "Every month",
            Frequency::Cron => "Cron expression",
        }
    }
}

/// A schedule: when it runs, in the time zone it was set in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub frequency: Frequency,
    /// `HH:MM`, 24-hour, for daily, weekly and monthly schedules.
    #[serde(default)]
    pub time: Option<String>,
    /// 1 = Monday … 7 = Sunday, for weekly schedules.
    #[serde(default)]
    pub weekday: Option<u8>,
    /// 1–31 for monthly schedules; a shorter month runs on its last day.
    #[serde(default)]
    pub day_of_month: Option<u8>,
    #[serde(default)]
    pub cron: Option<String>,
    /// An IANA time zone such as `Europe/Berlin`.
    pub time_zone: String,
}

/// The hour and minute of `HH:MM`.
pub fn parse_time(raw: &str) -> Option<(u32, u32)> {
    let (hour, minute) = raw.trim().split_once(':')?;
    let hour: u32 = hour.parse().ok()?;
    let minute: u32 = minute.parse().ok()?;
    (hour < 24 && minute < 60 && raw.trim().len() <= 5).then_some((hour, minute))
}

impl Schedule {
    /// The checks both sides can make; the server also checks the time zone and cron.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let needs_time = self.frequency != Frequency::Cron;
        if needs_time && self.time.as_deref().and_then(parse_time).is_none() {
            errors.push(FieldError::new("time", "invalid_time", "Give a time as HH:MM."));
        }
        if self.frequency == Frequency::Weekly && !self.weekday.is_some_and(|d| (1..=7).contains(&d)) {
            errors.push(FieldError::new(
                "weekday",
                "invalid_weekday",
                "Choose a day of the week.",
            ));
        }
        if self.frequency == Frequency::Monthly && !self.day_of_month.is_some_and(|d| (1..=31).contains(&d)) {
            errors.push(FieldError::new(
                "day_of_month",
                "invalid_day",
                "Choose a day from 1 to 31.",
            ));
        }
        if self.frequency == Frequency::Cron && self.cron.as_deref().is_none_or(|c| c.trim().is_empty()) {
            errors.push(FieldError::new("cron", "required", "Give a cron expression."));
        }
        if self.time_zone.trim().is_empty() {
            errors.push(FieldError::new("time_zone", "required", "Choose a time zone."));
        }
        errors
    }

    /// "Every Monday at 08:00 (Europe/Berlin)".
    pub fn describe(&self) -> String {
        let time = self.time.clone().unwrap_or_default();
        let zone = &self.time_zone;
        match self.frequency {
            Frequency::Daily => format!("Every day at {time} ({zone})"),
            Frequency::Weekly => {
                let day = self
                    .weekday
                    .and_then(|d| WEEKDAYS.get(usize::from(d).saturating_sub(1)))
                    .copied()
                    .unwrap_or("week");
                format!("Every {day} at {time} ({zone})")
            }
            Frequency::Monthly => format!("Monthly on day {} at {time} ({zone})", self.day_of_month.unwrap_or(1)),
            Frequency::Cron => format!("Cron {} ({zone})", self.cron.clone().unwrap_or_default()),
        }
    }
}

pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduledExportInput {
    pub name: String,
    pub entity: ImportEntity,
    #[serde(default)]
    pub format: ExportFormat,
    /// The list's filters and sort as its query string, e.g. `tag=vip&sort=-created_at`.
    #[serde(default)]
    pub filters: String,
    pub schedule: Schedule,
    pub recipients: Vec<String>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

impl ScheduledExportInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([validation::check_name("name", "Name", &self.name)]);
        errors.extend(self.schedule.validate());
        if self.recipients.is_empty() {
            errors.push(FieldError::new("recipients", "required", "Add at least one recipient."));
        } else if self.recipients.len() > MAX_RECIPIENTS {
            errors.push(FieldError::new(
                "recipients",
                "too_many",
                format!("At most {MAX_RECIPIENTS} recipients."),
            ));
        }
        for (i, email) in self.recipients.iter().enumerate() {
            errors.extend(validation::check_email(
                &format!("recipients[{i}]"),
                &normalize_email(email),
            ));
        }
        if self.filters.len() > 2000 {
            errors.push(FieldError::new("filters", "too_long", "At most 2000 characters."));
        }
        errors
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> RunStatus {
        match raw {
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            _ => RunStatus::Running,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportRunDto {
    pub id: Uuid,
    pub scheduled_export_id: Uuid,
    pub status: RunStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub rows: Option<u64>,
    pub file_name: Option<String>,
    pub file_size: Option<u64>,
    /// Whether the email carried the file (large files are sent as a link).
    pub attached: bool,
    pub error: Option<String>,
    /// The file can be downloaded until then.
    pub expires_at: DateTime<Utc>,
    pub downloadable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledExportDto {
    pub id: Uuid,
    pub name: String,
    pub entity: ImportEntity,
    pub format: ExportFormat,
    pub filters: String,
    pub schedule: Schedule,
    pub recipients: Vec<String>,
    pub enabled: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run: Option<ExportRunDto>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily(time: &str) -> Schedule {
        Schedule {
            frequency: Frequency::Daily,
            time: Some(time.into()),
            weekday: None,
            day_of_month: None,
            cron: None,
            time_zone: "Europe/Berlin".into(),
        }
    }

    #[test]
    fn a_time_must_be_hours_and_minutes_of_a_day() {
        assert_eq!(parse_time("08:30"), Some((8, 30)));
        assert_eq!(parse_time("8:05"), Some((8, 5)));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("12:60"), None);
        assert_eq!(parse_time("noon"), None);
        assert!(daily("25:00").validate().iter().any(|e| e.field == "time"));
        assert!(daily("07:00").validate().is_empty());
    }

    #[test]
    fn a_weekly_schedule_needs_its_day() {
        let weekly = Schedule {
            frequency: Frequency::Weekly,
            weekday: Some(8),
            ..daily("07:00")
        };
        assert_eq!(weekly.validate()[0].field, "weekday");
        let monday = Schedule {
            weekday: Some(1),
            ..weekly
        };
        assert_eq!(monday.describe(), "Every Monday at 07:00 (Europe/Berlin)");
    }
}
