//! Which scores a batch of domain events makes stale. A contact's score reads the
//! contact, their company, emails and activities; a deal's also reads its first
//! contact, so a change to a contact or company reaches the open deals they are on.

use kite_entity::{contact, deal, deal_contact, domain_event};
use kite_shared::domain_events::DomainEventKind;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The events that can move a score.
pub const RESCORED_ON: &[DomainEventKind] = &[
    DomainEventKind::ContactCreated,
    DomainEventKind::ContactUpdated,
    DomainEventKind::ContactRestored,
    DomainEventKind::ContactMerged,
    DomainEventKind::CompanyUpdated,
    DomainEventKind::CompanyMerged,
    DomainEventKind::DealCreated,
    DomainEventKind::DealUpdated,
    DomainEventKind::DealRestored,
    DomainEventKind::DealStageChanged,
    DomainEventKind::DealWon,
    DomainEventKind::DealLost,
    DomainEventKind::ActivityCreated,
    DomainEventKind::ActivityUpdated,
    DomainEventKind::ActivityDeleted,
    DomainEventKind::ImportCompleted,
    DomainEventKind::ImportUndone,
];

/// One organization's stale scores.
#[derive(Debug, Default, PartialEq)]
pub struct Stale {
    /// An import touched an unknown number of records: rescore them all.
    pub everything: bool,
    pub contacts: BTreeSet<Uuid>,
    pub deals: BTreeSet<Uuid>,
    pub companies: BTreeSet<Uuid>,
}

/// What the events name directly, per organization.
pub fn named(events: &[domain_event::Model]) -> BTreeMap<Uuid, Stale> {
    let mut stale: BTreeMap<Uuid, Stale> = BTreeMap::new();
    for event in events {
        let Some(kind) = DomainEventKind::parse(&event.kind) else {
            continue;
        };
        let org = stale.entry(event.organization_id).or_default();
        let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
        let linked = |field: &str| payload[field].as_str().and_then(|id| id.parse::<Uuid>().ok());
        match kind.entity_type() {
            "contact" => org.contacts.extend(event.entity_id),
            "company" => org.companies.extend(event.entity_id),
            "deal" => org.deals.extend(event.entity_id),
            "activity" => {
                org.contacts.extend(linked("contact_id"));
                org.deals.extend(linked("deal_id"));
            }
            "import" => org.everything = true,
            _ => {}
        }
    }
    stale
}

impl Stale {
    /// Adds the contacts of changed companies, and the open deals of changed contacts
    /// and companies.
    pub async fn widen(&mut self, db: &DatabaseConnection, org: Uuid) -> Result<(), DbErr> {
        if self.everything {
            return Ok(());
        }
        let companies: Vec<Uuid> = self.companies.iter().copied().collect();
        for chunk in companies.chunks(crate::load::CHUNK) {
            let people: Vec<Uuid> = contact::Entity::find()
                .select_only()
                .column(contact::Column::Id)
                .filter(contact::Column::OrganizationId.eq(org))
                .filter(contact::Column::CompanyId.is_in(chunk.iter().copied()))
                .filter(contact::Column::DeletedAt.is_null())
                .into_tuple()
                .all(db)
                .await?;
            self.contacts.extend(people);
            let deals: Vec<Uuid> = open_deals(org)
                .filter(deal::Column::CompanyId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            self.deals.extend(deals);
        }
        let contacts: Vec<Uuid> = self.contacts.iter().copied().collect();
        for chunk in contacts.chunks(crate::load::CHUNK) {
            let on: Vec<Uuid> = deal_contact::Entity::find()
                .select_only()
                .column(deal_contact::Column::DealId)
                .filter(deal_contact::Column::OrganizationId.eq(org))
                .filter(deal_contact::Column::ContactId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            for deals in on.chunks(crate::load::CHUNK) {
                let open: Vec<Uuid> = open_deals(org)
                    .filter(deal::Column::Id.is_in(deals.iter().copied()))
                    .into_tuple()
                    .all(db)
                    .await?;
                self.deals.extend(open);
            }
        }
        Ok(())
    }
}

fn open_deals(org: Uuid) -> sea_orm::Select<deal::Entity> {
    deal::Entity::find()
        .select_only()
        .column(deal::Column::Id)
        .filter(deal::Column::OrganizationId.eq(org))
        .filter(deal::Column::Status.eq("open"))
        .filter(deal::Column::DeletedAt.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn event(
        org: Uuid,
        kind: DomainEventKind,
        entity: Option<Uuid>,
        payload: serde_json::Value,
    ) -> domain_event::Model {
        domain_event::Model {
            id: Uuid::now_v7(),
            organization_id: org,
            kind: kind.as_str().to_owned(),
            entity_type: kind.entity_type().to_owned(),
            entity_id: entity,
            actor_user_id: None,
            payload: payload.to_string(),
            created_at: Utc::now(),
            dispatched_at: None,
        }
    }

    #[test]
    fn an_activity_makes_the_contact_and_deal_it_is_on_stale_per_organization() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let (person, deal, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let stale = named(&[
            event(
                a,
                DomainEventKind::ActivityCreated,
                Some(Uuid::now_v7()),
                json!({"contact_id": person, "deal_id": deal}),
            ),
            event(b, DomainEventKind::ContactUpdated, Some(other), json!({})),
        ]);
        assert_eq!(stale[&a].contacts, BTreeSet::from([person]));
        assert_eq!(stale[&a].deals, BTreeSet::from([deal]));
        assert_eq!(stale[&b].contacts, BTreeSet::from([other]));
        assert!(stale[&b].deals.is_empty());
        assert!(!stale[&a].everything);
    }

    #[test]
    fn a_completed_import_makes_everything_stale() {
        let org = Uuid::now_v7();
        let stale = named(&[event(
            org,
            DomainEventKind::ImportCompleted,
            Some(Uuid::now_v7()),
            json!({}),
        )]);
        assert!(stale[&org].everything);
    }
}
