//! One record of a merge, whichever kind it is, seen as the fields a merge chooses between.

use super::MergeKind;
use crate::api::{self, ApiError};
use chrono::{DateTime, Utc};
use kite_shared::UserId;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::merge::{COMPANY_MERGE_FIELDS, CONTACT_MERGE_FIELDS};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub enum MergeRecord {
    Contact(ContactDto),
    Company(CompanyDto),
}

/// How one side of a field reads. Owners are shown by name, which the team knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    Text(String),
    Owner(UserId),
}

/// One side of a field: `key` tells values apart (two companies may share a name), `shown`
/// is what the reader sees. `None` when the record has no value.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub key: String,
    pub shown: Shown,
}

fn text(value: &Option<String>) -> Option<Value> {
    let value = value.as_ref().map(|v| v.trim()).filter(|v| !v.is_empty())?;
    Some(Value {
        key: value.to_owned(),
        shown: Shown::Text(value.to_owned()),
    })
}

fn owner(id: Option<UserId>) -> Option<Value> {
    let id = id?;
    Some(Value {
        key: id.to_string(),
        shown: Shown::Owner(id),
    })
}

impl MergeRecord {
    pub async fn load(kind: MergeKind, id: Uuid) -> Result<Self, ApiError> {
        let path = format!("/{}/{id}", kind.plural());
        match kind {
            MergeKind::Contact => api::get::<ContactDto>(&path).await.map(MergeRecord::Contact),
            MergeKind::Company => api::get::<CompanyDto>(&path).await.map(MergeRecord::Company),
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            MergeRecord::Contact(c) => c.id,
            MergeRecord::Company(c) => c.id,
        }
    }

    pub fn name(&self) -> String {
        match self {
            MergeRecord::Contact(c) => c.full_name(),
            MergeRecord::Company(c) => c.name.clone(),
        }
    }

    /// What tells two records of the same name apart at a glance: email or domain.
    pub fn detail(&self) -> Option<String> {
        match self {
            MergeRecord::Contact(c) => c.email.clone(),
            MergeRecord::Company(c) => c.domain.clone(),
        }
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        match self {
            MergeRecord::Contact(c) => c.created_at,
            MergeRecord::Company(c) => c.created_at,
        }
    }

    /// The fields the server lets a merge choose, in its order.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            MergeRecord::Contact(_) => &CONTACT_MERGE_FIELDS,
            MergeRecord::Company(_) => &COMPANY_MERGE_FIELDS,
        }
    }

    pub fn value(&self, field: &str) -> Option<Value> {
        match self {
            MergeRecord::Contact(c) => match field {
                "first_name" => text(&Some(c.first_name.clone())),
                "last_name" => text(&Some(c.last_name.clone())),
                "email" => text(&c.email),
                "phone" => text(&c.phone),
                "title" => text(&c.title),
                "company_id" => c.company_id.map(|id| Value {
                    key: id.to_string(),
                    shown: Shown::Text(c.company_name.clone().unwrap_or_else(|| "A company".into())),
                }),
                "owner_id" => owner(c.owner_id),
                "lifecycle_stage" => Some(Value {
                    key: c.lifecycle_stage.as_str().to_owned(),
                    shown: Shown::Text(c.lifecycle_stage.label().to_owned()),
                }),
                "source" => text(&c.source),
                _ => None,
            },
            MergeRecord::Company(c) => match field {
                "name" => text(&Some(c.name.clone())),
                "domain" => text(&c.domain),
                "industry" => text(&c.industry),
                "size" => text(&c.size),
                "phone" => text(&c.phone),
                "address" => text(&c.address),
                "website" => text(&c.website),
                "owner_id" => owner(c.owner_id),
                "notes" => text(&c.notes),
                _ => None,
            },
        }
    }
}

pub fn label(field: &str) -> &'static str {
    match field {
        "first_name" => "First name",
        "last_name" => "Last name",
        "email" => "Email",
        "phone" => "Phone",
        "title" => "Job title",
        "company_id" => "Company",
        "owner_id" => "Owner",
        "lifecycle_stage" => "Lifecycle stage",
        "source" => "Source",
        "name" => "Name",
        "domain" => "Domain",
        "industry" => "Industry",
        "size" => "Size",
        "address" => "Address",
        "website" => "Website",
        "notes" => "Notes",
        _ => "Other",
    }
}
