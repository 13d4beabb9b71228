//! Pipeline analytics and dashboards: the questions every report answers over a period
//! (with the period before it for comparison), and the dashboards that arrange them.

pub mod dashboards;
pub mod layout;
pub mod period;
pub mod reports;
pub mod tables;

pub use period::{DateSpan, PeriodKind, Periods};

use crate::FieldError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The filters every analytics endpoint takes, as its query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    /// Which period: `this_week` (from Monday), `this_month`, `this_quarter`, `this_year`,
    /// `last_n_days` (with `days`), `custom` (with `from` and `to`) or `all_time`.
    /// Default `this_quarter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodKind>,
    /// For `last_n_days`: 1 to 3650.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// For `custom`: the first day, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    /// For `custom`: the last day, inclusive; at most 10 years after `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<chrono::NaiveDate>,
    /// The IANA time zone days begin in, e.g. `Europe/Berlin`. Default UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// Also compute the period before, of the same length, for deltas. Default `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<bool>,
    /// Reports about one pipeline's stages use this one; default, the first pipeline.
    /// Others narrow to its deals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<Uuid>,
    /// Only this owner's deals and activities. Sales reps and viewers only ever see their
    /// own figures: for them this is always themselves, and anyone else is refused (403).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Uuid>,
    /// The currency totals are ranked and compared in; default, the organization's most
    /// used one. Amounts are never converted: other currencies are listed beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl AnalyticsQuery {
    /// Checks what can be checked without the clock or the database.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(currency) = &self.currency
            && let Some(error) = crate::crm::money::check_currency("currency", currency)
        {
            errors.push(error);
        }
        if let Err(mut period_errors) = period::check(self) {
            errors.append(&mut period_errors);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A report over the chosen period and, when asked, the same report over the period
/// before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compared<T> {
    pub periods: Periods,
    pub current: T,
    /// The period before, when asked for; absent otherwise. (Absent rather than null:
    /// utoipa cannot mark an Option of a generic parameter nullable.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<T>,
}

/// The change from `previous` to `current` as a share of `previous` (0.25 = +25 %);
/// `None` when there is nothing to compare with.
pub fn relative_change(current: f64, previous: f64) -> Option<f64> {
    (previous != 0.0).then(|| (current - previous) / previous.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_change_is_a_share_of_the_previous_value_and_none_from_zero() {
        assert_eq!(relative_change(125.0, 100.0), Some(0.25));
        assert_eq!(relative_change(50.0, 100.0), Some(-0.5));
        assert_eq!(relative_change(3.0, 0.0), None);
    }

    #[test]
    fn a_malformed_currency_is_refused_by_name() {
        let query = AnalyticsQuery {
            currency: Some("euro".into()),
            ..Default::default()
        };
        let errors = query.validate().expect_err("refused");
        assert_eq!(errors[0].field, "currency");
    }
}
