//! When a schedule next runs: daily, weekly or monthly at a wall-clock time in a time
//! zone (so 08:00 stays 08:00 across daylight saving), or a cron expression.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use kite_shared::FieldError;
use kite_shared::scheduled_exports::{Frequency, Schedule, parse_time};
use std::str::FromStr;

/// Everything the shared checks cannot see: the zone and the cron expression.
pub fn validate(schedule: &Schedule) -> Vec<FieldError> {
    let mut errors = schedule.validate();
    if !schedule.time_zone.trim().is_empty() && zone(schedule).is_none() {
        errors.push(FieldError::new(
            "time_zone",
            "unknown_time_zone",
            format!("Unknown time zone \"{}\".", schedule.time_zone),
        ));
    }
    if schedule.frequency == Frequency::Cron
        && let Some(expression) = schedule.cron.as_deref().filter(|c| !c.trim().is_empty())
        && let Err(error) = cron_schedule(expression)
    {
        errors.push(FieldError::new(
            "cron",
            "invalid_cron",
            format!("Not a cron expression: {error}."),
        ));
    }
    errors
}

fn zone(schedule: &Schedule) -> Option<Tz> {
    Tz::from_str(schedule.time_zone.trim()).ok()
}

/// Users write the usual five fields with Sunday as 0 or 7; the crate wants seconds
/// first and counts weekdays from Sunday = 1.
fn cron_schedule(expression: &str) -> Result<cron::Schedule, cron::error::Error> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if let [minute, hour, day, month, weekday] = fields.as_slice() {
        let weekday = crate_weekdays(weekday);
        cron::Schedule::from_str(&format!("0 {minute} {hour} {day} {month} {weekday}"))
    } else {
        cron::Schedule::from_str(expression.trim())
    }
}

/// Moves the numbers of a standard day-of-week field (0–7, Sunday both ends) to the
/// crate's 1–7; names (MON-FRI) and `*` pass as they are.
fn crate_weekdays(field: &str) -> String {
    let shift = |n: &str| {
        n.parse::<u8>()
            .map(|n| (n % 7 + 1).to_string())
            .unwrap_or_else(|_| n.to_owned())
    };
    field
        .split(',')
        .map(|part| {
            let (range, step) = match part.split_once('/') {
                Some((range, step)) => (range, format!("/{step}")),
                None => (part, String::new()),
            };
            match range.split_once('-') {
                // "5-7" (Friday to Sunday) would wrap round as 6-1: split it in two.
                Some((from, "7")) if from != "0" => format!("{}-7{step},1", shift(from)),
                Some((from, to)) => format!("{}-{}{step}", shift(from), shift(to)),
                None => format!("{}{step}", shift(range)),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The first run strictly after `after`, or None for a schedule that never runs again.
pub fn next_run(schedule: &Schedule, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let tz = zone(schedule)?;
    if schedule.frequency == Frequency::Cron {
        let cron = cron_schedule(schedule.cron.as_deref()?).ok()?;
        return cron
            .after(&after.with_timezone(&tz))
            .next()
            .map(|t| t.with_timezone(&Utc));
    }
    let (hour, minute) = parse_time(schedule.time.as_deref()?)?;
    let start = after.with_timezone(&tz).date_naive();
    // A year of days covers every daily, weekly and monthly schedule.
    (0..=366)
        .filter_map(|offset| start.checked_add_signed(Duration::days(offset)))
        .filter(|day| runs_on(schedule, *day))
        .filter_map(|day| at_local(tz, day.and_hms_opt(hour, minute, 0)?))
        .find(|t| *t > after)
}

fn runs_on(schedule: &Schedule, day: NaiveDate) -> bool {
    match schedule.frequency {
        Frequency::Daily | Frequency::Cron => true,
        Frequency::Weekly => schedule.weekday.map(u32::from) == Some(day.weekday().number_from_monday()),
        Frequency::Monthly => {
            let wanted = schedule.day_of_month.map_or(1, u32::from);
            day.day() == Ord::min(wanted, last_day_of_month(day))
        }
    }
}

fn last_day_of_month(day: NaiveDate) -> u32 {
    (28..=31).rev().find(|d| day.with_day(*d).is_some()).unwrap_or(28)
}

/// A wall-clock time in `tz`: the earlier of two in the autumn's repeated hour, and the
/// first minute after the gap when the spring skips it.
fn at_local(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => {
            (1..=180).find_map(
                |minutes| match tz.from_local_datetime(&(local + Duration::minutes(minutes))) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
                    LocalResult::None => None,
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(frequency: Frequency, time: &str, zone: &str) -> Schedule {
        Schedule {
            frequency,
            time: Some(time.into()),
            weekday: None,
            day_of_month: None,
            cron: None,
            time_zone: zone.into(),
        }
    }

    fn utc(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .expect("a time")
    }

    #[test]
    fn a_daily_schedule_runs_at_its_wall_clock_time_in_its_zone() {
        let daily = schedule(Frequency::Daily, "08:00", "Europe/Berlin");
        // 06:00 UTC is 07:00 in Berlin in winter: today at 08:00 Berlin = 07:00 UTC.
        assert_eq!(
            next_run(&daily, utc("2026-01-10T06:00:00Z")),
            Some(utc("2026-01-10T07:00:00Z"))
        );
        // Already past: tomorrow.
        assert_eq!(
            next_run(&daily, utc("2026-01-10T07:00:00Z")),
            Some(utc("2026-01-11T07:00:00Z"))
        );
        // Summer time: 08:00 Berlin = 06:00 UTC.
        assert_eq!(
            next_run(&daily, utc("2026-07-01T00:00:00Z")),
            Some(utc("2026-07-01T06:00:00Z"))
        );
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_runs_just_after_the_gap() {
        let daily = schedule(Frequency::Daily, "02:30", "Europe/Berlin");
        // 2026-03-29 02:00–03:00 does not exist in Berlin; 03:00 CEST = 01:00 UTC.
        assert_eq!(
            next_run(&daily, utc("2026-03-28T12:00:00Z")),
            Some(utc("2026-03-29T01:00:00Z"))
        );
    }

    #[test]
    fn a_weekly_schedule_runs_on_its_weekday() {
        let weekly = Schedule {
            weekday: Some(1),
            ..schedule(Frequency::Weekly, "09:15", "America/New_York")
        };
        // 2026-11-25 is a Wednesday; the next Monday is 11-30, 09:15 EST = 14:15 UTC.
        assert_eq!(
            next_run(&weekly, utc("2026-11-25T12:00:00Z")),
            Some(utc("2026-11-30T14:15:00Z"))
        );
    }

    #[test]
    fn a_monthly_schedule_on_the_31st_runs_on_the_last_day_of_short_months() {
        let monthly = Schedule {
            day_of_month: Some(31),
            ..schedule(Frequency::Monthly, "06:00", "UTC")
        };
        assert_eq!(
            next_run(&monthly, utc("2026-02-01T00:00:00Z")),
            Some(utc("2026-02-28T06:00:00Z"))
        );
        assert_eq!(
            next_run(&monthly, utc("2026-02-28T06:00:00Z")),
            Some(utc("2026-03-31T06:00:00Z"))
        );
    }

    #[test]
    fn a_cron_expression_with_five_fields_runs_in_its_zone() {
        let cron = Schedule {
            cron: Some("30 7 * * 1-5".into()),
            time: None,
            ..schedule(Frequency::Cron, "", "Asia/Tokyo")
        };
        assert!(validate(&cron).is_empty());
        // Friday 2026-11-27 07:30 in Tokyo = 2026-11-26T22:30Z; then Monday 11-30.
        assert_eq!(
            next_run(&cron, utc("2026-11-26T12:00:00Z")),
            Some(utc("2026-11-26T22:30:00Z"))
        );
        assert_eq!(
            next_run(&cron, utc("2026-11-26T22:30:00Z")),
            Some(utc("2026-11-29T22:30:00Z"))
        );
        let weekend = Schedule {
            cron: Some("0 9 * * 6-7".into()),
            ..cron
        };
        // Saturday 11-28 and Sunday 11-29 at 09:00 Tokyo (00:00Z), not Monday.
        assert_eq!(
            next_run(&weekend, utc("2026-11-27T12:00:00Z")),
            Some(utc("2026-11-28T00:00:00Z"))
        );
        assert_eq!(
            next_run(&weekend, utc("2026-11-28T00:00:00Z")),
            Some(utc("2026-11-29T00:00:00Z"))
        );
        assert_eq!(
            next_run(&weekend, utc("2026-11-29T00:00:00Z")),
            Some(utc("2026-12-05T00:00:00Z"))
        );
    }

    #[test]
    fn an_unknown_zone_or_broken_cron_names_its_field() {
        let mut bad = schedule(Frequency::Daily, "08:00", "Mars/Olympus");
        assert_eq!(validate(&bad)[0].field, "time_zone");
        bad = Schedule {
            cron: Some("every tuesday".into()),
            ..schedule(Frequency::Cron, "", "UTC")
        };
        assert_eq!(validate(&bad)[0].field, "cron");
    }
}
