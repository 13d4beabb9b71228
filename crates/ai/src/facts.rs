//! What a draft is written from: these fields and nothing else. They are all that is
//! ever sent to a model, so a record's text cannot pull another record's data into a
//! draft (the model never sees one). The README lists them for administrators.

use kite_core::{CoreError, Ctx, Kite};
use kite_entity::{organization, stage};
use kite_shared::assistant::drafts::{DraftInput, DraftLength, DraftTone};
use kite_shared::crm::money::format_money;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::PageQuery;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

/// Timeline entries a draft may refer to, newest first.
const RECENT_ENTRIES: u64 = 5;
/// A longer field is cut: a draft needs the gist, and a prompt stays small.
const MAX_FIELD_CHARS: usize = 160;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContactFacts {
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub lifecycle_stage: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CompanyFacts {
    pub name: String,
    pub industry: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DealFacts {
    pub title: String,
    pub stage: Option<String>,
    /// "12,000.00 EUR".
    pub value: String,
    /// "2026-12-31".
    pub expected_close: Option<String>,
}

/// One line of the record's timeline: "Call: Demo with Ann", on "2026-12-01".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RecentEntry {
    pub on: String,
    pub what: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DraftFacts {
    pub intent: String,
    pub tone: DraftTone,
    pub length: DraftLength,
    pub contact: Option<ContactFacts>,
    pub company: Option<CompanyFacts>,
    pub deal: Option<DealFacts>,
    /// The deal's timeline when there is a deal, the contact's otherwise.
    pub recent: Vec<RecentEntry>,
    pub sender_name: String,
    pub organization_name: String,
}

fn cut(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_FIELD_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn cut_opt(text: Option<String>) -> Option<String> {
    text.map(|t| cut(&t)).filter(|t| !t.is_empty())
}

impl DraftFacts {
    /// Reads the named fields of the input's contact and deal (404 for another
    /// organization's) with the caller's permissions.
    pub async fn load(kite: &Kite, ctx: &Ctx, input: &DraftInput) -> Result<Self, CoreError> {
        let org = ctx.organization_id.into_uuid();
        let contact = match input.contact_id {
            Some(id) => Some(kite.contacts().get(ctx, id).await?),
            None => None,
        };
        let deal = match input.deal_id {
            Some(id) => Some(kite.deals().get(ctx, id).await?),
            None => None,
        };
        let company_id = contact
            .as_ref()
            .and_then(|c| c.company_id)
            .or_else(|| deal.as_ref().and_then(|d| d.company_id));
        // A trashed company still linked to the contact is left out, not an error.
        let company = match company_id {
            Some(id) => match kite.companies().get(ctx, id).await {
                Ok(company) => Some(company),
                Err(CoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let deal_facts = match &deal {
            Some(deal) => {
                let stage = stage::Entity::find_by_id(deal.stage_id)
                    .filter(stage::Column::OrganizationId.eq(org))
                    .one(&kite.db)
                    .await?
                    .map(|s| s.name);
                Some(DealFacts {
                    title: cut(&deal.title),
                    stage,
                    value: format_money(deal.value.minor, &deal.value.currency),
                    expected_close: deal.expected_close.map(|d| d.to_string()),
                })
            }
            None => None,
        };
        let timeline_of: Option<(RecordKind, Uuid)> = match (&deal, &contact) {
            (Some(deal), _) => Some((RecordKind::Deal, deal.id)),
            (None, Some(contact)) => Some((RecordKind::Contact, contact.id)),
            (None, None) => None,
        };
        let recent = match timeline_of {
            Some((kind, id)) => kite
                .timeline()
                .for_record(ctx, kind, id, &PageQuery::first(RECENT_ENTRIES))
                .await?
                .items
                .into_iter()
                .map(|entry| RecentEntry {
                    on: entry.at.date_naive().to_string(),
                    what: cut(&entry.title),
                })
                .collect(),
            None => Vec::new(),
        };
        let organization_name = organization::Entity::find_by_id(org)
            .one(&kite.db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        Ok(Self {
            intent: input.intent.trim().to_owned(),
            tone: input.tone.unwrap_or_default(),
            length: input.length.unwrap_or_default(),
            contact: contact.map(|c| ContactFacts {
                first_name: cut(&c.first_name),
                last_name: cut(&c.last_name),
                title: cut_opt(c.title),
                lifecycle_stage: c.lifecycle_stage.as_str().to_owned(),
            }),
            company: company.map(|c| CompanyFacts {
                name: cut(&c.name),
                industry: cut_opt(c.industry),
            }),
            deal: deal_facts,
            recent,
            sender_name: ctx.actor_label.clone(),
            organization_name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_FIELD_CHARS + 10);
        let cut = cut(&long);
        assert_eq!(cut.chars().count(), MAX_FIELD_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(super::cut("  Ann  "), "Ann");
    }
}
