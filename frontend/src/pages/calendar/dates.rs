//! The calendar's days are the user's own: an event's day and time come from the
//! browser's time zone, except all-day events, which are whole UTC dates.

use crate::format::local_to_utc;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use kite_shared::crm::activities::ActivityDto;
use wasm_bindgen::JsValue;

fn js(at: &DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64))
}

/// The user's date of a moment.
pub fn local_date(at: &DateTime<Utc>) -> NaiveDate {
    let d = js(at);
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date()).unwrap_or_default()
}

/// "09:30" on the user's clock.
pub fn local_time(at: &DateTime<Utc>) -> String {
    let d = js(at);
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The moment `time` ("09:30") happens on `day` on the user's clock.
pub fn at_local(day: NaiveDate, time: &str) -> Option<DateTime<Utc>> {
    local_to_utc(&format!("{}T{time}", day.format("%Y-%m-%d")))
}

pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    at_local(day, "00:00").unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// The first and last day an event covers (inclusive).
pub fn days_of(event: &ActivityDto) -> Option<(NaiveDate, NaiveDate)> {
    let start = event.due_at?;
    if event.all_day {
        let first = start.date_naive();
        let last = event
            .ends_at
            .map_or(first, |end| (end - Duration::seconds(1)).date_naive())
            .max(first);
        return Some((first, last));
    }
    let first = local_date(&start);
    let last = event
        .ends_at
        .filter(|end| *end > start)
        .map_or(first, |end| local_date(&(end - Duration::seconds(1))))
        .max(first);
    Some((first, last))
}

/// Where an event lands when dropped on `day`: the same time of day (or the same date
/// for an all-day event).
pub fn moved_to(event: &ActivityDto, day: NaiveDate) -> Option<DateTime<Utc>> {
    let start = event.due_at?;
    if event.all_day {
        Some(day.and_time(chrono::NaiveTime::MIN).and_utc())
    } else {
        at_local(day, &local_time(&start))
    }
}

pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The weeks a month view shows: Monday before the 1st to the Sunday after the last day.
pub fn month_days(anchor: NaiveDate) -> Vec<NaiveDate> {
    let first = anchor.with_day(1).unwrap_or(anchor);
    let next_month = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .unwrap_or(first);
    let last = next_month - Duration::days(1);
    let start = monday_of(first);
    let end = monday_of(last) + Duration::days(6);
    start.iter_days().take_while(|d| *d <= end).collect()
}

pub fn week_days(anchor: NaiveDate) -> Vec<NaiveDate> {
    monday_of(anchor).iter_days().take(7).collect()
}

pub fn add_months(day: NaiveDate, months: i32) -> NaiveDate {
    let total = day.year() * 12 + day.month0() as i32 + months;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(day)
}

pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];
