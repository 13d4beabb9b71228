//! When an activity happens, as stored: all-day events on whole UTC days, the time
//! zone checked, and the moment its reminder is due.

use crate::CoreError;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use kite_shared::crm::activities::check_times;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Timing {
    pub due_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub time_zone: Option<String>,
    pub reminder_minutes: Option<i32>,
    pub remind_at: Option<DateTime<Utc>>,
}

impl Timing {
    pub fn new(
        due_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
        all_day: bool,
        time_zone: Option<&str>,
        reminder_minutes: Option<i32>,
    ) -> Result<Timing, CoreError> {
        let time_zone = time_zone.map(str::trim).filter(|z| !z.is_empty());
        if let Some(zone) = time_zone
            && Tz::from_str(zone).is_err()
        {
            return Err(CoreError::field(
                "time_zone",
                "unknown_time_zone",
                &format!("Unknown time zone \"{zone}\"."),
            ));
        }
        let (due_at, ends_at) = if all_day {
            let start = due_at.map(midnight);
            // The end is exclusive: an event on the 3rd ends at 00:00 on the 4th.
            let end = start.map(|start| {
                ends_at
                    .map(|end| {
                        if end == midnight(end) {
                            end
                        } else {
                            midnight(end) + Duration::days(1)
                        }
                    })
                    .filter(|end| *end > start)
                    .unwrap_or(start + Duration::days(1))
            });
            (start, end)
        } else {
            (due_at, ends_at)
        };
        if let Some(error) = check_times(due_at, ends_at) {
            return Err(CoreError::Validation(vec![error]));
        }
        let reminder_minutes = due_at.and(reminder_minutes);
        Ok(Timing {
            due_at,
            ends_at,
            all_day,
            time_zone: time_zone.map(str::to_owned),
            reminder_minutes,
            remind_at: due_at
                .zip(reminder_minutes)
                .map(|(due, minutes)| due - Duration::minutes(i64::from(minutes))),
        })
    }

    /// The same event at another time: all-day stays on whole days, the length is kept
    /// when no end is given.
    pub fn moved(&self, due_at: DateTime<Utc>, ends_at: Option<DateTime<Utc>>) -> Result<Timing, CoreError> {
        let length = self.due_at.zip(self.ends_at).map(|(start, end)| end - start);
        let ends_at = ends_at.or_else(|| length.map(|length| due_at + length));
        Timing::new(
            Some(due_at),
            ends_at,
            self.all_day,
            self.time_zone.as_deref(),
            self.reminder_minutes,
        )
    }
}

fn midnight(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive().and_time(chrono::NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).single().expect("a time")
    }

    #[test]
    fn an_all_day_event_covers_whole_days_with_an_exclusive_end() {
        let one = Timing::new(Some(at(3, 15)), None, true, None, None).expect("valid");
        assert_eq!((one.due_at, one.ends_at), (Some(at(3, 0)), Some(at(4, 0))));
        let two = Timing::new(Some(at(3, 15)), Some(at(4, 9)), true, None, None).expect("valid");
        assert_eq!(two.ends_at, Some(at(5, 0)));
    }

    #[test]
    fn the_reminder_is_due_its_minutes_before_the_start() {
        let timing = Timing::new(Some(at(3, 10)), None, false, Some("Europe/Berlin"), Some(30)).expect("valid");
        assert_eq!(timing.remind_at, Some(at(3, 10) - Duration::minutes(30)));
    }

    #[test]
    fn a_move_keeps_the_length() {
        let timing = Timing::new(Some(at(3, 10)), Some(at(3, 11)), false, None, None).expect("valid");
        let moved = timing.moved(at(5, 14), None).expect("valid");
        assert_eq!((moved.due_at, moved.ends_at), (Some(at(5, 14)), Some(at(5, 15))));
    }

    #[test]
    fn an_unknown_zone_is_refused_naming_the_field() {
        let Err(CoreError::Validation(errors)) = Timing::new(Some(at(3, 10)), None, false, Some("Mars/Base"), None)
        else {
            panic!("accepted an unknown zone");
        };
        assert_eq!(errors[0].field, "time_zone");
    }
}
