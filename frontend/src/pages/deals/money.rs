//! Money as people type it ("1,250.50") and as the API keeps it (minor units).

pub use kite_shared::crm::money::{amount_text, parse_amount};

/// What people type as a currency, in the API's form.
pub fn currency_code(text: &str) -> String {
    text.trim().to_uppercase()
}
