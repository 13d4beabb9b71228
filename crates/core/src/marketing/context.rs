//! What a template sees for one recipient: only the values that exist, so a missing
//! one prints nothing and `default()` applies.

use crate::CoreError;
use kite_entity::{company, contact, deal, organization, stage, user};
use kite_shared::crm::money::format_money;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value, json};
use uuid::Uuid;

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

/// Who an email is from: the user and their organization's name.
pub(super) struct From {
    pub user: user::Model,
    pub shared: Shared,
}

pub(super) async fn sender(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    organization_id: Uuid,
) -> Result<From, CoreError> {
    let user = user::Entity::find_by_id(user_id)
        .filter(user::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("user"))?;
    let org_name = organization::Entity::find_by_id(organization_id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let shared = Shared::new(&user, &org_name);
    Ok(From { user, shared })
}

/// The contact's company, when it has one (of the same organization).
pub(super) async fn company_of(
    conn: &impl ConnectionTrait,
    contact: &contact::Model,
) -> Result<Option<company::Model>, CoreError> {
    let Some(id) = contact.company_id else {
        return Ok(None);
    };
    Ok(company::Entity::find_by_id(id)
        .filter(company::Column::OrganizationId.eq(contact.organization_id))
        .one(conn)
        .await?)
}

/// A deal with the name of its stage, as `{{ deal.* }}` shows it.
pub(super) async fn deal_with_stage(
    conn: &impl ConnectionTrait,
    deal: deal::Model,
) -> Result<(deal::Model, Option<String>), CoreError> {
    let stage = stage::Entity::find_by_id(deal.stage_id)
        .one(conn)
        .await?
        .map(|s| s.name);
    Ok((deal, stage))
}
