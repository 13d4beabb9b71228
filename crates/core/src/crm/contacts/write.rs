//! The one way a contact's row is written, from the API, an import, demo data, a merge or
//! an undo: every normalising rule of its fields is here.

use crate::crm::access::clean;
use crate::crm::write::{Edit, Origin, clean_list, json_list};
use kite_entity::contact;
use kite_shared::FieldError;
use kite_shared::crm::contacts::{ContactInput, LifecycleStage};
use kite_shared::validation::normalize_email;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A contact's editable fields, as given; [`build_new`] and [`apply_update`] store them
/// normalised. Also what an import keeps of a contact it changes, for undo (as JSON with
/// the names of the contact DTO, which earlier versions kept): a renamed field would make
/// those unreadable.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ContactFields {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub other_emails: Vec<String>,
    pub phone: Option<String>,
    pub other_phones: Vec<String>,
    pub title: Option<String>,
    /// None leaves the stage as it is; a new contact starts as a lead.
    pub lifecycle_stage: Option<LifecycleStage>,
    pub source: Option<String>,
    /// A live company of the organization: the caller resolves it.
    pub company_id: Option<Uuid>,
    /// An active user of the organization: the caller resolves it.
    pub owner_id: Option<Uuid>,
}

impl ContactFields {
    /// The fields of `input` if it passes the shared rules (the forms' as well). Its
    /// company and owner are taken as given: the caller checks and resolves them.
    pub(crate) fn parse(input: &ContactInput) -> Result<ContactFields, Vec<FieldError>> {
        let errors = input.validate();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ContactFields {
            first_name: input.first_name.clone(),
            last_name: input.last_name.clone(),
            email: input.email.clone(),
            other_emails: input.other_emails.clone(),
            phone: input.phone.clone(),
            other_phones: input.other_phones.clone(),
            title: input.title.clone(),
            lifecycle_stage: input.lifecycle_stage,
            source: input.source.clone(),
            company_id: input.company_id,
            owner_id: input.owner_id.map(|o| o.into_uuid()),
        })
    }

    /// The email as stored and as duplicates are found by: one live contact has it.
    pub(crate) fn stored_email(&self) -> Option<String> {
        self.email.as_deref().map(normalize_email).filter(|e| !e.is_empty())
    }

    fn normalized(self) -> ContactFields {
        ContactFields {
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            email: self.stored_email(),
            other_emails: clean_list(&self.other_emails, normalize_email),
            phone: clean(&self.phone),
            other_phones: clean_list(&self.other_phones, str::to_owned),
            title: clean(&self.title),
            source: clean(&self.source),
            ..self
        }
    }
}

impl From<&contact::Model> for ContactFields {
    /// The fields a stored contact has.
    fn from(row: &contact::Model) -> ContactFields {
        let list = |raw: &str| serde_json::from_str(raw).unwrap_or_default();
        ContactFields {
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            email: row.email.clone(),
            other_emails: list(&row.other_emails),
            phone: row.phone.clone(),
            other_phones: list(&row.other_phones),
            title: row.title.clone(),
            lifecycle_stage: row.lifecycle_stage.parse().ok(),
            source: row.source.clone(),
            company_id: row.company_id,
            owner_id: row.owner_id,
        }
    }
}

/// The row of a new contact.
pub(crate) fn build_new(id: Uuid, fields: ContactFields, origin: &Origin) -> contact::ActiveModel {
    let f = fields.normalized();
    contact::ActiveModel {
        id: Set(id),
        organization_id: Set(origin.organization_id),
        first_name: Set(f.first_name),
        last_name: Set(f.last_name),
        email: Set(f.email),
        other_emails: Set(json_list(&f.other_emails)),
        phone: Set(f.phone),
        other_phones: Set(json_list(&f.other_phones)),
        title: Set(f.title),
        company_id: Set(f.company_id),
        owner_id: Set(origin.owner(f.owner_id)),
        lifecycle_stage: Set(f.lifecycle_stage.unwrap_or(LifecycleStage::Lead).as_str().to_owned()),
        source: Set(f.source),
        created_by: Set(origin.created_by),
        created_at: Set(origin.at),
        updated_at: Set(origin.at),
        deleted_at: Set(None),
        import_id: Set(origin.import_id),
        merged_into_id: Set(None),
        score: Set(None),
        score_detail: Set(None),
        scored_at: Set(None),
    }
}

/// `existing` changed by `fields`: only the columns that change are set.
pub(crate) fn apply_update(
    existing: &contact::Model,
    fields: ContactFields,
    edit: Edit,
    at: chrono::DateTime<chrono::Utc>,
) -> contact::ActiveModel {
    let f = fields.normalized();
    let mut row = existing.clone().into_active_model();
    edit.put(&mut row.first_name, f.first_name);
    edit.put(&mut row.last_name, f.last_name);
    edit.put(&mut row.email, f.email);
    edit.put_list(&mut row.other_emails, &f.other_emails);
    edit.put(&mut row.phone, f.phone);
    edit.put_list(&mut row.other_phones, &f.other_phones);
    edit.put(&mut row.title, f.title);
    edit.put(&mut row.company_id, f.company_id);
    edit.put(&mut row.owner_id, f.owner_id);
    if let Some(stage) = f.lifecycle_stage {
        row.lifecycle_stage.set_if_not_equals(stage.as_str().to_owned());
    }
    edit.put(&mut row.source, f.source);
    edit.stamp(row.is_changed(), &mut row.updated_at, at);
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::TryIntoModel;

    fn origin() -> Origin {
        Origin {
            organization_id: Uuid::now_v7(),
            created_by: Some(Uuid::now_v7()),
            import_id: None,
            at: chrono::Utc::now(),
        }
    }

    fn messy() -> ContactFields {
        ContactFields {
            first_name: "  Ada ".into(),
            last_name: " Lovelace".into(),
            email: Some(" ADA@Example.COM ".into()),
            other_emails: vec![" Ada.L@Example.com ".into(), "ada.l@example.com".into(), " ".into()],
            phone: Some("  ".into()),
            other_phones: vec![" +44 1 ".into(), String::new()],
            title: Some(" CTO ".into()),
            source: Some(String::new()),
            ..ContactFields::default()
        }
    }

    #[test]
    fn a_new_contact_is_stored_trimmed_lower_cased_and_without_empty_values() {
        let origin = origin();
        let row = build_new(Uuid::now_v7(), messy(), &origin);
        assert_eq!(row.first_name.as_ref(), "Ada");
        assert_eq!(row.last_name.as_ref(), "Lovelace");
        assert_eq!(row.email.as_ref().as_deref(), Some("ada@example.com"));
        assert_eq!(row.other_emails.as_ref(), r#"["ada.l@example.com"]"#);
        assert_eq!(row.phone.as_ref(), &None);
        assert_eq!(row.other_phones.as_ref(), r#"["+44 1"]"#);
        assert_eq!(row.title.as_ref().as_deref(), Some("CTO"));
        assert_eq!(row.source.as_ref(), &None);
        assert_eq!(row.lifecycle_stage.as_ref(), "lead");
        assert_eq!(row.owner_id.as_ref(), &origin.created_by, "the creator owns it");
    }

    #[test]
    fn a_fill_keeps_what_is_empty_and_a_save_clears_it() {
        let origin = origin();
        let stored = build_new(Uuid::now_v7(), messy(), &origin)
            .try_into_model()
            .expect("a full row");
        let only_title = ContactFields {
            title: Some("CEO".into()),
            ..ContactFields::default()
        };
        let filled = apply_update(&stored, only_title.clone(), Edit::Fill, origin.at);
        assert_eq!(filled.title.as_ref().as_deref(), Some("CEO"));
        assert!(filled.first_name.is_unchanged() && filled.email.is_unchanged());
        assert!(filled.other_emails.is_unchanged());
        let saved = apply_update(&stored, only_title, Edit::Save, origin.at);
        assert_eq!(saved.email.as_ref(), &None);
        assert_eq!(saved.other_emails.as_ref(), "[]");
        let same = apply_update(&stored, ContactFields::default(), Edit::Fill, origin.at);
        assert!(!same.is_changed(), "a row that changes nothing is not written");
    }
}
