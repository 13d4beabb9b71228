//! Dates are stored in UTC and shown in the user's own time zone and locale.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use wasm_bindgen::JsValue;

fn js_date(at: &DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64))
}

/// e.g. "25/11/2026, 09:14:03", in the browser's locale and time zone.
pub fn date_time(at: &DateTime<Utc>) -> String {
    js_date(at).to_locale_string("default", &JsValue::UNDEFINED).into()
}

pub fn date(at: &DateTime<Utc>) -> String {
    js_date(at).to_locale_date_string("default", &JsValue::UNDEFINED).into()
}

/// "just now", "5 min ago", "3 h ago", then the date.
pub fn relative(at: &DateTime<Utc>) -> String {
    let seconds = ((js_sys::Date::now() - at.timestamp_millis() as f64) / 1000.0).max(0.0) as i64;
    match seconds {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", seconds / 60),
        3600..=86_399 => format!("{} h ago", seconds / 3600),
        _ => date(at),
    }
}

/// The browser's clock. `Utc::now()` panics on wasm32 (std has no clock there), so every
/// "now" of the SPA comes from here.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Initials for an avatar: "Ada Lovelace" → "AL".
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    letters.to_uppercase()
}

/// A calendar day (a deal's expected close) in the user's locale. Noon UTC is the same
/// day in every time zone people work in.
pub fn day(day: &chrono::NaiveDate) -> String {
    day.and_hms_opt(12, 0, 0)
        .map(|at| date(&at.and_utc()))
        .unwrap_or_else(|| day.to_string())
}

/// e.g. "Nov 25, 2026, 9:30 AM": a due time, to the minute, as the user's locale writes it.
pub fn due(at: &DateTime<Utc>) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    js_date(at).to_locale_string("default", &options).into()
}

/// e.g. "12.4 KB": a file's size, in the units people read.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

/// The browser's IANA time zone, e.g. `Europe/Berlin`.
pub fn local_time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Every IANA time zone the browser knows, to offer while typing one.
pub fn time_zones() -> Vec<String> {
    js_sys::Intl::supported_values_of(js_sys::Intl::SupportedValuesKey::TimeZone)
        .iter()
        .filter_map(|zone| zone.as_string())
        .collect()
}

/// What `<input type="datetime-local">` holds ("2026-05-01T14:30") is the user's wall
/// clock; the browser knows their time zone (and its daylight saving), so it converts.
pub fn local_to_utc(value: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let date = js_sys::Date::new_with_year_month_day_hr_min_sec(
        local.year() as u32,
        local.month0() as i32,
        local.day() as i32,
        local.hour() as i32,
        local.minute() as i32,
        local.second() as i32,
    );
    let millis = date.get_time();
    if millis.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}
