use crate::FieldError;
use serde::{Deserialize, Serialize};

/// An amount in minor units (cents) of an ISO 4217 currency. Never a float, and never
/// added to an amount of another currency.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub minor: i64,
    /// Three upper-case letters, e.g. `EUR`.
    pub currency: String,
}

/// A sum per currency, as board columns and list footers show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrencyTotal {
    pub currency: String,
    pub minor: i64,
    pub count: u64,
}

pub fn check_currency(field: &str, currency: &str) -> Option<FieldError> {
    let valid = currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase());
    (!valid).then(|| {
        FieldError::new(
            field,
            "invalid_currency",
            "Use a three-letter currency code such as EUR.",
        )
    })
}

pub fn check_money(field: &str, money: &Money) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = check_currency(&format!("{field}.currency"), &money.currency)
        .into_iter()
        .collect();
    if money.minor < 0 {
        errors.push(FieldError::new(
            &format!("{field}.minor"),
            "negative",
            "The value cannot be negative.",
        ));
    }
    errors
}

/// "1,250.5" → 125050. `None` when it is not an amount; blank is zero.
pub fn parse_amount(text: &str) -> Option<i64> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    if cleaned.is_empty() {
        return Some(0);
    }
    let (whole, cents) = match cleaned.split_once('.') {
        Some((w, c)) => (w, c),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(cents) || cents.len() > 2 || (whole.is_empty() && cents.is_empty()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let cents: i64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().ok()? * 10,
        _ => cents.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(cents)
}

/// The amount as the form shows it again: "1250.50".
pub fn amount_text(minor: i64) -> String {
    if minor == 0 {
        return String::new();
    }
    format!("{}.{:02}", minor / 100, (minor % 100).abs())
}

/// "€1,234.50"-style text without locale data: symbol for common currencies, two decimals.
pub fn format_money(minor: i64, currency: &str) -> String {
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    };
    let (whole, cents) = (minor / 100, (minor % 100).abs());
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if symbol.is_empty() {
        format!("{sign}{grouped}.{cents:02} {currency}")
    } else {
        format!("{sign}{symbol}{grouped}.{cents:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_three_upper_case_letters() {
        assert!(check_currency("c", "EUR").is_none());
        for bad in ["eur", "EU", "EURO", "€", ""] {
            assert!(check_currency("c", bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn money_is_formatted_with_grouping_and_cents() {
        assert_eq!(format_money(123_456_789, "EUR"), "€1,234,567.89");
        assert_eq!(format_money(5, "CHF"), "0.05 CHF");
        assert_eq!(format_money(-250, "USD"), "-$2.50");
    }
}
