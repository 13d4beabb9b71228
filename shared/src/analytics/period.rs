//! Periods of days ("this quarter", "the last 30 days") and the period each is compared
//! with. Days, not instants: the server turns them into instants in the user's time zone.

use super::AnalyticsQuery;
use crate::FieldError;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest period a report covers.
pub const MAX_YEARS: i32 = 10;
pub const MAX_DAYS: u32 = 3650;

string_enum! {
    PeriodKind {
        ThisWeek => "this_week", "This week",
        ThisMonth => "this_month", "This month",
        ThisQuarter => "this_quarter", "This quarter",
        ThisYear => "this_year", "This year",
        LastNDays => "last_n_days", "Last N days",
        Custom => "custom", "Custom range",
        AllTime => "all_time", "All time",
    }
}

impl PeriodKind {
    /// The periods a picker offers without asking for a number or dates.
    pub const PRESETS: [PeriodKind; 5] = [
        PeriodKind::ThisWeek,
        PeriodKind::ThisMonth,
        PeriodKind::ThisQuarter,
        PeriodKind::ThisYear,
        PeriodKind::AllTime,
    ];
}

/// Days from `start` up to, not including, `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateSpan {
    pub start: NaiveDate,
    /// The first day after the span.
    pub end: NaiveDate,
}

impl DateSpan {
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The last day in the span, as people write ranges.
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }
}

/// The chosen period and the one it is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Periods {
    pub current: DateSpan,
    /// The period before: the same stretch of the previous week, month, quarter or year
    /// for calendar periods ("this month so far" against "last month to the same day"),
    /// else as many days just before. None for `all_time`.
    pub previous: Option<DateSpan>,
}

/// The first day Kite's reports look at for `all_time`.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

pub(super) fn check(query: &AnalyticsQuery) -> Result<(), Vec<FieldError>> {
    // Any day will do: what can be wrong does not depend on today.
    resolve(query, epoch() + Days::new(365 * 20)).map(|_| ())
}

/// The period `query` names, with `today` the user's current day.
pub fn resolve(query: &AnalyticsQuery, today: NaiveDate) -> Result<Periods, Vec<FieldError>> {
    let kind = query.period.unwrap_or(PeriodKind::ThisQuarter);
    let tomorrow = today + Days::new(1);
    let calendar = |start: NaiveDate, back: Months| {
        let current = DateSpan { start, end: tomorrow };
        let previous_start = start - back;
        let previous_end = (previous_start + Days::new(current.days() as u64)).min(start);
        Periods {
            current,
            previous: Some(DateSpan {
                start: previous_start,
                end: previous_end,
            }),
        }
    };
    let before = |current: DateSpan| Periods {
        current,
        previous: Some(DateSpan {
            start: current.start - Days::new(current.days() as u64),
            end: current.start,
        }),
    };
    match kind {
        PeriodKind::ThisWeek => {
            let start = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
            Ok(before(DateSpan { start, end: tomorrow }))
        }
        PeriodKind::ThisMonth => Ok(calendar(today.with_day(1).unwrap_or(today), Months::new(1))),
        PeriodKind::ThisQuarter => {
            let first_month = (today.month0() / 3) * 3 + 1;
            let start = NaiveDate::from_ymd_opt(today.year(), first_month, 1).unwrap_or(today);
            Ok(calendar(start, Months::new(3)))
        }
        PeriodKind::ThisYear => {
            let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
            Ok(calendar(start, Months::new(12)))
        }
        PeriodKind::LastNDays => match query.days {
            Some(days @ 1..=MAX_DAYS) => Ok(before(DateSpan {
                start: tomorrow - Days::new(u64::from(days)),
                end: tomorrow,
            })),
            Some(_) => Err(vec![FieldError::new(
                "days",
                "out_of_range",
                format!("Choose 1 to {MAX_DAYS} days."),
            )]),
            None => Err(vec![FieldError::new("days", "required", "Say how many days.")]),
        },
        PeriodKind::Custom => {
            let mut errors = Vec::new();
            if query.from.is_none() {
                errors.push(FieldError::new("from", "required", "Choose the first day."));
            }
            if query.to.is_none() {
                errors.push(FieldError::new("to", "required", "Choose the last day."));
            }
            let (Some(from), Some(to)) = (query.from, query.to) else {
                return Err(errors);
            };
            if to < from {
                return Err(vec![FieldError::new(
                    "to",
                    "before_start",
                    "The last day is before the first.",
                )]);
            }
            let longest = from.checked_add_months(Months::new(12 * MAX_YEARS as u32));
            if longest.is_none_or(|limit| to > limit) {
                return Err(vec![FieldError::new(
                    "to",
                    "too_long",
                    format!("A range spans at most {MAX_YEARS} years."),
                )]);
            }
            Ok(before(DateSpan {
                start: from,
                end: to + Days::new(1),
            }))
        }
        PeriodKind::AllTime => Ok(Periods {
            current: DateSpan {
                start: epoch().min(today),
                end: tomorrow,
            },
            previous: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn span(start: NaiveDate, end: NaiveDate) -> DateSpan {
        DateSpan { start, end }
    }

    fn of(kind: PeriodKind) -> AnalyticsQuery {
        AnalyticsQuery {
            period: Some(kind),
            ..Default::default()
        }
    }

    #[test]
    fn this_month_so_far_is_compared_with_last_month_to_the_same_day() {
        let periods = resolve(&of(PeriodKind::ThisMonth), day(2026, 3, 10)).expect("valid");
        assert_eq!(periods.current, span(day(2026, 3, 1), day(2026, 3, 11)));
        assert_eq!(periods.previous, Some(span(day(2026, 2, 1), day(2026, 2, 11))));
    }

    #[test]
    fn the_previous_stretch_never_runs_into_the_current_period() {
        // 31 days of March so far against February's 28.
        let periods = resolve(&of(PeriodKind::ThisMonth), day(2026, 3, 31)).expect("valid");
        assert_eq!(periods.previous, Some(span(day(2026, 2, 1), day(2026, 3, 1))));
    }

    #[test]
    fn this_week_starts_on_monday_and_is_compared_with_the_days_before() {
        // 2026-12-03 is a Thursday.
        let periods = resolve(&of(PeriodKind::ThisWeek), day(2026, 12, 3)).expect("valid");
        assert_eq!(periods.current, span(day(2026, 11, 30), day(2026, 12, 4)));
        assert_eq!(periods.previous, Some(span(day(2026, 11, 26), day(2026, 11, 30))));
    }

    #[test]
    fn this_quarter_starts_on_the_quarters_first_day() {
        let periods = resolve(&of(PeriodKind::ThisQuarter), day(2026, 8, 15)).expect("valid");
        assert_eq!(periods.current.start, day(2026, 7, 1));
        assert_eq!(periods.previous.map(|p| p.start), Some(day(2026, 4, 1)));
    }

    #[test]
    fn last_n_days_ends_today_and_is_compared_with_the_n_days_before() {
        let query = AnalyticsQuery {
            period: Some(PeriodKind::LastNDays),
            days: Some(7),
            ..Default::default()
        };
        let periods = resolve(&query, day(2026, 12, 3)).expect("valid");
        assert_eq!(periods.current, span(day(2026, 11, 27), day(2026, 12, 4)));
        assert_eq!(periods.previous, Some(span(day(2026, 11, 20), day(2026, 11, 27))));
    }

    #[test]
    fn a_custom_range_includes_its_last_day() {
        let query = AnalyticsQuery {
            period: Some(PeriodKind::Custom),
            from: Some(day(2026, 1, 1)),
            to: Some(day(2026, 1, 31)),
            ..Default::default()
        };
        let periods = resolve(&query, day(2026, 12, 3)).expect("valid");
        assert_eq!(periods.current, span(day(2026, 1, 1), day(2026, 2, 1)));
        assert_eq!(periods.previous, Some(span(day(2025, 12, 1), day(2026, 1, 1))));
    }

    #[test]
    fn a_range_ending_before_it_starts_is_refused_on_to() {
        let query = AnalyticsQuery {
            period: Some(PeriodKind::Custom),
            from: Some(day(2026, 2, 1)),
            to: Some(day(2026, 1, 1)),
            ..Default::default()
        };
        let errors = query.validate().expect_err("refused");
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("to", "before_start")
        );
    }

    #[test]
    fn a_range_over_ten_years_is_refused_on_to() {
        let query = AnalyticsQuery {
            period: Some(PeriodKind::Custom),
            from: Some(day(2010, 1, 1)),
            to: Some(day(2020, 1, 2)),
            ..Default::default()
        };
        let errors = query.validate().expect_err("refused");
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("to", "too_long"));
    }

    #[test]
    fn last_n_days_needs_a_number_of_days_in_range() {
        let mut query = of(PeriodKind::LastNDays);
        assert_eq!(query.validate().expect_err("refused")[0].field, "days");
        query.days = Some(0);
        assert_eq!(query.validate().expect_err("refused")[0].code, "out_of_range");
    }
}
