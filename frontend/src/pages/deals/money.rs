//! Money as people type it ("1,250.50") and as the API keeps it (minor units).

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

/// What people type as a currency, in the API's form.
pub fn currency_code(text: &str) -> String {
    text.trim().to_uppercase()
}
