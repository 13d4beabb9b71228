//! Believable records for a new organization (the "load demo data" choice and
//! `kite-server seed --demo`) and large sets for benchmarks (`seed --contacts N`).
//! Deterministic for a given seed, so a benchmark database is the same every time.

use super::companies::write::CompanyFields;
use super::contacts::write::ContactFields;
use super::deals::write::DealFields;
use super::write::Origin;
use super::{companies, contacts, deals};
use crate::CoreError;
use chrono::{Duration, Utc};
use kite_entity::{
    activity, company, contact, custom_field, custom_field_value, deal, deal_contact, deal_stage_change, stage,
};
use kite_shared::crm::activities::ActivityKind;
use kite_shared::crm::contacts::LifecycleStage;
use kite_shared::crm::pipelines::StageKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use uuid::Uuid;

const FIRST: [&str; 24] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam", "Maya", "Noah",
    "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Zoe",
];
const LAST: [&str; 24] = [
    "Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ito", "Jensen", "Kowalski", "Lopez",
    "Müller", "Nakamura", "Okafor", "Petrov", "Quint", "Rossi", "Schmidt", "Tanaka", "Urban", "Varga", "Weber",
    "Young",
];
const COMPANY_A: [&str; 16] = [
    "Blue", "North", "Bright", "Silver", "Green", "Iron", "Swift", "Clear", "Bold", "Prime", "Summit", "Harbor",
    "Maple", "Atlas", "Nova", "Cedar",
];
const COMPANY_B: [&str; 16] = [
    "Logistics",
    "Analytics",
    "Foods",
    "Robotics",
    "Health",
    "Energy",
    "Media",
    "Systems",
    "Textiles",
    "Labs",
    "Retail",
    "Capital",
    "Studios",
    "Motors",
    "Software",
    "Travel",
];
const INDUSTRIES: [&str; 8] = [
    "Software",
    "Manufacturing",
    "Retail",
    "Healthcare",
    "Logistics",
    "Finance",
    "Media",
    "Energy",
];
const SIZES: [&str; 5] = ["1-10", "11-50", "51-200", "201-1000", "1000+"];
const PRODUCTS: [&str; 8] = [
    "annual licence",
    "pilot",
    "expansion",
    "renewal",
    "onboarding package",
    "support plan",
    "rollout",
    "upgrade",
];
const TITLES: [&str; 8] = [
    "CEO",
    "Head of Sales",
    "CTO",
    "Operations Manager",
    "Buyer",
    "CFO",
    "Marketing Lead",
    "Product Manager",
];
const LOST_REASONS: [&str; 4] = ["Went with a competitor", "No budget this year", "Timing", "No decision"];
const SOURCES: [&str; 5] = ["Website", "Referral", "Event", "Outbound", "Import"];
const BATCH: usize = 500;

#[derive(Clone, Copy, Debug)]
pub struct SeedPlan {
    pub companies: usize,
    pub contacts: usize,
    pub deals: usize,
    pub activities: usize,
}

impl SeedPlan {
    /// A small team's living CRM: enough to see every page with data.
    pub const DEMO: SeedPlan = SeedPlan {
        companies: 40,
        contacts: 160,
        deals: 1600,
        activities: 400,
    };
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub companies: usize,
    pub contacts: usize,
    pub deals: usize,
    pub activities: usize,
}

/// The chance a closed demo deal was won. Its history has the structure of a real
/// team's, so scores and the forecast's backtest have something to find: referrals win
/// more and cold outreach less, deals that sat for weeks in each stage mostly died there,
/// big deals are harder, and the first owner sells better than the rest.
fn win_chance(source: Option<&str>, slow: bool, best_owner: bool, value_minor: i64) -> f64 {
    let mut logit: f64 = -0.1;
    logit += match source {
        Some("Referral") => 1.6,
        Some("Event") => 0.3,
        Some("Outbound") => -1.2,
        _ => 0.0,
    };
    logit += if slow { -2.0 } else { 0.7 };
    if value_minor >= 1_000_000 {
        logit -= 0.5;
    }
    if best_owner {
        logit += 0.5;
    }
    1.0 / (1.0 + (-logit).exp())
}

fn pick<'a>(rng: &mut fastrand::Rng, list: &[&'a str]) -> &'a str {
    list[rng.usize(..list.len())]
}

/// Fills `organization` with `plan`'s records, owned by `owners` in turn, in batches.
const TIERS: [&str; 4] = ["Gold", "Silver", "Bronze", "Platinum"];

/// A benchmark's custom fields on contacts, a tier (select) and seats (number), with a
/// value of each on every contact, as a team that uses them would have.
async fn custom_values(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    contact_ids: &[Uuid],
    rng: &mut fastrand::Rng,
) -> Result<(), CoreError> {
    let now = Utc::now();
    let field = |position: i32, key: &str, label: &str, field_type: &str, options: &[&str]| custom_field::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization),
        entity: Set("contact".into()),
        key: Set(key.into()),
        label: Set(label.into()),
        field_type: Set(field_type.into()),
        required: Set(false),
        options: Set(serde_json::json!(options)),
        currency: Set(None),
        position: Set(position),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let tier = field(0, "tier", "Tier", "single_select", &TIERS).insert(conn).await?;
    let seats = field(1, "seats", "Seats", "number", &[]).insert(conn).await?;
    let value = |field_id: Uuid, record_id: Uuid| super::custom_fields::values::row(organization, field_id, record_id);
    let mut rows = Vec::with_capacity(contact_ids.len() * 2);
    for id in contact_ids {
        rows.push(custom_field_value::ActiveModel {
            value_text: Set(Some(pick(rng, &TIERS).to_owned())),
            ..value(tier.id, *id)
        });
        rows.push(custom_field_value::ActiveModel {
            value_number: Set(Some(f64::from(rng.u32(1..=100)))),
            ..value(seats.id, *id)
        });
    }
    for batch in rows.chunks(BATCH) {
        custom_field_value::Entity::insert_many(batch.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub async fn fill(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    owners: &[Uuid],
    plan: SeedPlan,
    seed: u64,
) -> Result<SeedReport, CoreError> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let now = Utc::now();
    let owner = |i: usize| owners.get(i % owners.len().max(1)).copied();
    let unique = plan.contacts > 1000;
    let origin = |i: usize, at| Origin {
        organization_id: organization,
        created_by: owner(i),
        import_id: None,
        at,
    };

    let mut companies = Vec::with_capacity(plan.companies);
    for i in 0..plan.companies {
        let a = pick(&mut rng, &COMPANY_A);
        let b = pick(&mut rng, &COMPANY_B);
        let name = if unique || i >= 200 {
            format!("{a} {b} {i}")
        } else {
            format!("{a} {b}")
        };
        let slug = name.to_lowercase().replace(' ', "");
        let created = now - Duration::days(rng.i64(30..720));
        let fields = CompanyFields {
            domain: Some(format!("{slug}.example")),
            industry: Some(pick(&mut rng, &INDUSTRIES).to_owned()),
            size: Some(pick(&mut rng, &SIZES).to_owned()),
            phone: Some(format!("+1 555 {:04}", rng.u32(0..10_000))),
            website: Some(format!("https://{slug}.example")),
            owner_id: owner(i),
            name,
            ..CompanyFields::default()
        };
        companies.push(companies::write::build_new(Uuid::now_v7(), fields, &origin(i, created)));
    }
    let company_ids: Vec<Uuid> = companies.iter().filter_map(|c| c.id.clone().take()).collect();
    let company_domains: Vec<String> = companies
        .iter()
        .map(|c| {
            c.domain
                .clone()
                .take()
                .flatten()
                .unwrap_or_else(|| "mail.example".into())
        })
        .collect();
    for batch in companies.chunks(BATCH) {
        company::Entity::insert_many(batch.to_vec()).exec(conn).await?;
    }

    let mut contacts = Vec::with_capacity(plan.contacts);
    for i in 0..plan.contacts {
        let first = pick(&mut rng, &FIRST);
        let last = pick(&mut rng, &LAST);
        let company = (!company_ids.is_empty() && rng.u8(..10) < 8).then(|| rng.usize(..company_ids.len()));
        let domain = company.map_or("mail.example", |c| company_domains[c].as_str());
        let local = format!("{}.{}", first.to_lowercase(), last.to_lowercase()).replace(['é', 'í', 'ü'], "e");
        let created = now - Duration::days(rng.i64(1..600));
        let source = pick(&mut rng, &SOURCES);
        let fields = ContactFields {
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            email: Some(format!("{local}.{i}@{domain}")),
            phone: Some(format!("+1 555 {:04}", rng.u32(0..10_000))),
            title: Some(pick(&mut rng, &TITLES).to_owned()),
            company_id: company.map(|c| company_ids[c]),
            owner_id: owner(i),
            lifecycle_stage: Some(LifecycleStage::ALL[rng.usize(..6)]),
            source: Some(source.to_owned()),
            ..ContactFields::default()
        };
        contacts.push(contacts::write::build_new(Uuid::now_v7(), fields, &origin(i, created)));
    }
    let contact_ids: Vec<Uuid> = contacts.iter().filter_map(|c| c.id.clone().take()).collect();
    let source_of: HashMap<Uuid, &str> = contacts
        .iter()
        .filter_map(|c| Some((c.id.clone().take()?, c.source.clone().take().flatten()?)))
        .filter_map(|(id, source)| Some((id, *SOURCES.iter().find(|s| **s == source)?)))
        .collect();
    let mut people: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for c in &contacts {
        if let (Some(Some(company)), Some(id)) = (c.company_id.clone().take(), c.id.clone().take()) {
            people.entry(company).or_default().push(id);
        }
    }
    for batch in contacts.chunks(BATCH) {
        contact::Entity::insert_many(batch.to_vec()).exec(conn).await?;
    }
    if unique {
        custom_values(conn, organization, &contact_ids, &mut rng).await?;
    }

    let stages = default_stages(conn, organization).await?;
    let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == StageKind::Open.as_str()).collect();
    let won = stages.iter().find(|s| s.kind == StageKind::Won.as_str());
    let lost = stages.iter().find(|s| s.kind == StageKind::Lost.as_str());
    let mut deals = Vec::with_capacity(plan.deals);
    let mut history = Vec::new();
    let mut deal_people = Vec::new();
    // Its own generator, so that which contacts deals name leaves every other seeded
    // figure as it was.
    let mut naming = fastrand::Rng::with_seed(seed.wrapping_add(1));
    for i in 0..plan.deals {
        if open.is_empty() {
            break;
        }
        let id = Uuid::now_v7();
        let company = (!company_ids.is_empty()).then(|| company_ids[rng.usize(..company_ids.len())]);
        // A deal names one of its company's people, or someone without a company.
        let person = company
            .and_then(|c| people.get(&c))
            .map(|them| them[naming.usize(..them.len())])
            .or_else(|| (!contact_ids.is_empty()).then(|| contact_ids[naming.usize(..contact_ids.len())]));
        if let Some(person) = person {
            deal_people.push(deal_contact::ActiveModel {
                organization_id: Set(organization),
                deal_id: Set(id),
                contact_id: Set(person),
            });
        }
        let source = person.and_then(|p| source_of.get(&p).copied());
        let value_minor = i64::from(rng.u32(10..2_000)) * 10_000;
        // Some deals move briskly, others sit in each stage for weeks.
        let slow = rng.u8(..10) < 4;
        let reached = rng.usize(..open.len());
        let stays: Vec<i64> = (0..=reached)
            .map(|_| if slow { rng.i64(12..40) } else { rng.i64(1..10) })
            .collect();
        let walked: i64 = stays.iter().sum();
        let closes = rng.u8(..10) < 5;
        let final_stage = match (closes, won, lost) {
            (true, Some(w), Some(l)) => {
                let chance = win_chance(source, slow, i % owners.len().max(1) == 0, value_minor);
                if rng.f64() < chance { w } else { l }
            }
            _ => open[reached],
        };
        // Closed deals closed over the past year; open ones are still in their last stage.
        let created = if closes {
            now - Duration::days(walked + rng.i64(1..330))
        } else {
            now - Duration::days(walked)
        };
        let mut at = created;
        let mut from = None;
        for (stage, stay) in open.iter().zip(&stays) {
            history.push(change(organization, id, from, stage.id, owner(i), at));
            from = Some((stage.id, at));
            at += Duration::days(*stay);
        }
        let is_closed = final_stage.kind != StageKind::Open.as_str();
        if is_closed {
            history.push(change(organization, id, from, final_stage.id, owner(i), at));
        }
        let currency = match rng.u8(..10) {
            0 => "USD",
            1 => "GBP",
            _ => "EUR",
        };
        let expected_close = if is_closed {
            at.date_naive()
        } else {
            (now + Duration::days(rng.i64(-30..120))).date_naive()
        };
        let fields = DealFields {
            title: format!("{} – {}", pick(&mut rng, &COMPANY_A), pick(&mut rng, &PRODUCTS)),
            value_minor: Some(value_minor),
            currency: Some(currency.to_owned()),
            expected_close: Some(expected_close),
            lost_reason: (final_stage.kind == StageKind::Lost.as_str())
                .then(|| pick(&mut rng, &LOST_REASONS).to_owned()),
            owner_id: owner(i),
            company_id: company,
            probability: None,
            discount_percent: (rng.u8(..4) == 0).then(|| i32::from(rng.u8(5..30))),
        };
        let mut row = deals::write::build_new(id, fields, final_stage, i as f64, &origin(i, created));
        // A demo deal has lived: it closed, and last changed, after it was created.
        if is_closed {
            row.closed_at = Set(Some(at));
        }
        row.updated_at = Set(at.min(now));
        deals.push(row);
    }
    let deal_ids: Vec<Uuid> = deals.iter().filter_map(|d| d.id.clone().take()).collect();
    for batch in deals.chunks(BATCH) {
        deal::Entity::insert_many(batch.to_vec()).exec(conn).await?;
    }
    for batch in history.chunks(BATCH) {
        deal_stage_change::Entity::insert_many(batch.to_vec())
            .exec(conn)
            .await?;
    }
    for batch in deal_people.chunks(BATCH) {
        deal_contact::Entity::insert_many(batch.to_vec()).exec(conn).await?;
    }

    let mut activities = Vec::with_capacity(plan.activities);
    for i in 0..plan.activities {
        let kind = ActivityKind::ALL[rng.usize(..4)];
        let due = now + Duration::hours(rng.i64(-24 * 14..24 * 21));
        let created = due - Duration::days(rng.i64(1..10));
        let done = (due < now && rng.bool()).then_some(due);
        let subject = match kind {
            ActivityKind::Call => "Follow-up call",
            ActivityKind::Email => "Send the proposal",
            ActivityKind::Meeting => "Demo meeting",
            _ => "Prepare the quote",
        };
        activities.push(activity::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(organization),
            kind: Set(kind.as_str().to_owned()),
            subject: Set(subject.to_owned()),
            body: Set(None),
            due_at: Set(Some(due)),
            done_at: Set(done),
            owner_id: Set(owner(i)),
            contact_id: Set((!contact_ids.is_empty()).then(|| contact_ids[rng.usize(..contact_ids.len())])),
            company_id: Set(None),
            deal_id: Set((!deal_ids.is_empty()).then(|| deal_ids[rng.usize(..deal_ids.len())])),
            created_by: Set(owner(i)),
            created_at: Set(created.min(now)),
            updated_at: Set(created.min(now)),
            deleted_at: Set(None),
            ends_at: Set((kind == ActivityKind::Meeting).then(|| due + Duration::hours(1))),
            ..Default::default()
        });
    }
    for batch in activities.chunks(BATCH) {
        activity::Entity::insert_many(batch.to_vec()).exec(conn).await?;
    }

    Ok(SeedReport {
        companies: company_ids.len(),
        contacts: contact_ids.len(),
        deals: deal_ids.len(),
        activities: plan.activities,
    })
}

fn change(
    organization: Uuid,
    deal: Uuid,
    from: Option<(Uuid, chrono::DateTime<Utc>)>,
    to: Uuid,
    by: Option<Uuid>,
    at: chrono::DateTime<Utc>,
) -> deal_stage_change::ActiveModel {
    let now = Utc::now();
    deal_stage_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization),
        deal_id: Set(deal),
        from_stage_id: Set(from.map(|(stage, _)| stage)),
        to_stage_id: Set(to),
        moved_by: Set(by),
        moved_at: Set(at.min(now)),
        entered_at: Set(from.map(|(_, entered)| entered.min(now))),
    }
}

async fn default_stages(conn: &impl ConnectionTrait, organization: Uuid) -> Result<Vec<stage::Model>, CoreError> {
    let pipeline = kite_entity::pipeline::Entity::find()
        .filter(kite_entity::pipeline::Column::OrganizationId.eq(organization))
        .order_by_desc(kite_entity::pipeline::Column::IsDefault)
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("pipeline"))?;
    Ok(stage::Entity::find()
        .filter(stage::Column::PipelineId.eq(pipeline.id))
        .filter(stage::Column::DeletedAt.is_null())
        .order_by_asc(stage::Column::Position)
        .all(conn)
        .await?)
}

pub struct DemoService<'a> {
    kite: &'a crate::Kite,
}

impl<'a> DemoService<'a> {
    pub(crate) fn new(kite: &'a crate::Kite) -> Self {
        Self { kite }
    }

    /// Fills an organization that has no records yet with demo data owned by its active
    /// users, all in one transaction. Admins only.
    pub async fn load(&self, ctx: &crate::Ctx) -> Result<SeedReport, CoreError> {
        use sea_orm::PaginatorTrait;
        ctx.require(kite_shared::Permission::ManageOrganization)?;
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        let has_records = company::Entity::find()
            .filter(company::Column::OrganizationId.eq(org))
            .count(&*txn)
            .await?
            + contact::Entity::find()
                .filter(contact::Column::OrganizationId.eq(org))
                .count(&*txn)
                .await?
            + deal::Entity::find()
                .filter(deal::Column::OrganizationId.eq(org))
                .count(&*txn)
                .await?;
        if has_records > 0 {
            return Err(CoreError::Conflict {
                code: "not_empty",
                message: "Demo data can only be loaded into an organization without records.".into(),
                field: None,
                details: None,
            });
        }
        let owners: Vec<Uuid> = kite_entity::user::Entity::find()
            .filter(kite_entity::user::Column::OrganizationId.eq(org))
            .filter(kite_entity::user::Column::Active.eq(true))
            .order_by_asc(kite_entity::user::Column::CreatedAt)
            .all(&*txn)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let report = fill(&*txn, org, &owners, SeedPlan::DEMO, org.as_u128() as u64).await?;
        crate::audit::record(
            &*txn,
            &crate::audit::Actor::from(ctx),
            crate::audit::Event::new("organization.demo_loaded", "organization", org).after(serde_json::json!({
                "companies": report.companies, "contacts": report.contacts, "deals": report.deals,
            })),
        )
        .await?;
        txn.commit().await?;
        for kind in [
            super::companies::KIND,
            super::contacts::KIND,
            super::deals::KIND,
            super::activities::KIND,
        ] {
            self.kite.counts.invalidate(org, kind);
        }
        Ok(report)
    }
}
