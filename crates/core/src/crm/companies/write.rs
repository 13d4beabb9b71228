//! The one way a company's row is written, from the API, an import (its rows and the
//! companies its contacts and deals name), demo data, a merge or an undo.

use crate::crm::access::clean;
use crate::crm::write::{Edit, Origin};
use kite_entity::company;
use kite_shared::FieldError;
use kite_shared::crm::companies::{CompanyInput, normalize_domain};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A company's editable fields, as given; [`build_new`] and [`apply_update`] store them
/// normalised. Also what an import keeps of a company it changes, for undo (as JSON with
/// the names of the company DTO, which earlier versions kept): a renamed field would make
/// those unreadable.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct CompanyFields {
    pub name: String,
    /// Any form of it (`https://www.Acme.com/about`): stored as the host.
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub notes: Option<String>,
    /// An active user of the organization: the caller resolves it.
    pub owner_id: Option<Uuid>,
}

impl CompanyFields {
    /// The fields of `input` if it passes the shared rules (the forms' as well). Its
    /// owner is taken as given: the caller resolves it.
    pub(crate) fn parse(input: &CompanyInput) -> Result<CompanyFields, Vec<FieldError>> {
        let errors = input.validate();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CompanyFields {
            name: input.name.clone(),
            domain: input.domain.clone(),
            industry: input.industry.clone(),
            size: input.size.clone(),
            phone: input.phone.clone(),
            address: input.address.clone(),
            website: input.website.clone(),
            notes: input.notes.clone(),
            owner_id: input.owner_id.map(|o| o.into_uuid()),
        })
    }

    /// The domain as stored and as imports find a company by.
    pub(crate) fn stored_domain(&self) -> Option<String> {
        self.domain.as_deref().and_then(normalize_domain)
    }

    fn normalized(self) -> CompanyFields {
        CompanyFields {
            name: self.name.trim().to_owned(),
            domain: self.stored_domain(),
            industry: clean(&self.industry),
            size: clean(&self.size),
            phone: clean(&self.phone),
            address: clean(&self.address),
            website: clean(&self.website),
            notes: clean(&self.notes),
            owner_id: self.owner_id,
        }
    }
}

impl From<&company::Model> for CompanyFields {
    /// The fields a stored company has.
    fn from(row: &company::Model) -> CompanyFields {
        CompanyFields {
            name: row.name.clone(),
            domain: row.domain.clone(),
            industry: row.industry.clone(),
            size: row.size.clone(),
            phone: row.phone.clone(),
            address: row.address.clone(),
            website: row.website.clone(),
            notes: row.notes.clone(),
            owner_id: row.owner_id,
        }
    }
}

/// The row of a new company.
pub(crate) fn build_new(id: Uuid, fields: CompanyFields, origin: &Origin) -> company::ActiveModel {
    let f = fields.normalized();
    company::ActiveModel {
        id: Set(id),
        organization_id: Set(origin.organization_id),
        name: Set(f.name),
        domain: Set(f.domain),
        industry: Set(f.industry),
        size: Set(f.size),
        phone: Set(f.phone),
        address: Set(f.address),
        website: Set(f.website),
        owner_id: Set(origin.owner(f.owner_id)),
        notes: Set(f.notes),
        created_by: Set(origin.created_by),
        created_at: Set(origin.at),
        updated_at: Set(origin.at),
        deleted_at: Set(None),
        import_id: Set(origin.import_id),
        merged_into_id: Set(None),
    }
}

/// `existing` changed by `fields`: only the columns that change are set.
pub(crate) fn apply_update(
    existing: &company::Model,
    fields: CompanyFields,
    edit: Edit,
    at: chrono::DateTime<chrono::Utc>,
) -> company::ActiveModel {
    let f = fields.normalized();
    let mut row = existing.clone().into_active_model();
    edit.put(&mut row.name, f.name);
    edit.put(&mut row.domain, f.domain);
    edit.put(&mut row.industry, f.industry);
    edit.put(&mut row.size, f.size);
    edit.put(&mut row.phone, f.phone);
    edit.put(&mut row.address, f.address);
    edit.put(&mut row.website, f.website);
    edit.put(&mut row.owner_id, f.owner_id);
    edit.put(&mut row.notes, f.notes);
    edit.stamp(row.is_changed(), &mut row.updated_at, at);
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_company_keeps_its_domain_as_the_host_and_drops_empty_values() {
        let origin = Origin {
            organization_id: Uuid::now_v7(),
            created_by: Some(Uuid::now_v7()),
            import_id: None,
            at: chrono::Utc::now(),
        };
        let fields = CompanyFields {
            name: " Initech ".into(),
            domain: Some("HTTPS://www.Initech.example/about".into()),
            industry: Some(" Software ".into()),
            size: Some("   ".into()),
            ..CompanyFields::default()
        };
        let row = build_new(Uuid::now_v7(), fields, &origin);
        assert_eq!(row.name.as_ref(), "Initech");
        assert_eq!(row.domain.as_ref().as_deref(), Some("initech.example"));
        assert_eq!(row.industry.as_ref().as_deref(), Some("Software"));
        assert_eq!(row.size.as_ref(), &None);
    }
}
