//! What a template sees for one recipient: only the values that exist, so a missing
//! one prints nothing and `default()` applies.

use kite_entity::{company, contact, deal, user};
use kite_shared::crm::money::format_money;
use serde_json::{Map, Value, json};

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        map.insert(key.to_owned(), json!(value));
    }
}

pub(super) fn contact_values(contact: &contact::Model) -> Value {
    let mut map = Map::new();
    put(&mut map, "first_name", Some(&contact.first_name));
    put(&mut map, "last_name", Some(&contact.last_name));
    let full = format!("{} {}", contact.first_name, contact.last_name);
    put(&mut map, "full_name", Some(&full));
    put(&mut map, "email", contact.email.as_deref());
    put(&mut map, "phone", contact.phone.as_deref());
    put(&mut map, "title", contact.title.as_deref());
    put(&mut map, "lifecycle_stage", Some(&contact.lifecycle_stage));
    Value::Object(map)
}

pub(super) fn company_values(company: &company::Model) -> Value {
    let mut map = Map::new();
    put(&mut map, "name", Some(&company.name));
    put(&mut map, "domain", company.domain.as_deref());
    put(&mut map, "industry", company.industry.as_deref());
    put(&mut map, "website", company.website.as_deref());
    Value::Object(map)
}

pub(super) fn deal_values(deal: &deal::Model, stage: Option<&str>) -> Value {
    let mut map = Map::new();
    put(&mut map, "title", Some(&deal.title));
    put(&mut map, "value", Some(&format_money(deal.value_minor, &deal.currency)));
    put(&mut map, "stage", stage);
    Value::Object(map)
}

/// Everything but the recipient's own link, which the caller adds.
pub(super) struct Shared {
    pub sender: Value,
    pub organization: Value,
}

impl Shared {
    pub fn new(sender: &user::Model, organization_name: &str) -> Self {
        Self {
            sender: json!({"name": sender.name, "email": sender.email}),
            organization: json!({"name": organization_name}),
        }
    }

    pub fn context(
        &self,
        contact: Option<Value>,
        company: Option<Value>,
        deal: Option<Value>,
        unsubscribe_url: &str,
    ) -> Value {
        let mut map = Map::new();
        for (key, value) in [("contact", contact), ("company", company), ("deal", deal)] {
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        }
        map.insert("sender".into(), self.sender.clone());
        map.insert("organization".into(), self.organization.clone());
        map.insert("unsubscribe_url".into(), json!(unsubscribe_url));
        Value::Object(map)
    }
}
