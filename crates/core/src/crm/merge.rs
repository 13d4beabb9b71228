//! Merging duplicate contacts or companies, and finding likely duplicates.
//!
//! The survivor takes, per field, the value the user chose, and keeps every deal,
//! activity, note and tag of both. The merged record goes to the trash with a pointer to
//! the survivor, so its history stays on the survivor's timeline.

use super::companies::write::CompanyFields;
use super::contacts::write::ContactFields;
use super::records::{self, CrmEntity};
use super::write::Edit;
use super::{companies, contacts, tags};
use crate::audit::{self, Actor, Event};
use crate::{CoreError, Ctx, Kite, WriteTxn};
use chrono::Utc;
use kite_entity::{activity, company, contact, deal, deal_contact, note, record_tag};
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::merge::{
    COMPANY_MERGE_FIELDS, CONTACT_MERGE_FIELDS, DuplicatePair, DuplicateReason, DuplicateRecord, MergeRequest,
    MergeSide,
};
use kite_shared::crm::notes::RecordKind;
use kite_shared::{FieldError, Permission};
use sea_orm::sea_query::{Expr, Func, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// At most this many suggestions per request: a to-do list, not a report.
const MAX_SUGGESTIONS: usize = 50;

fn side(request: &MergeRequest, field: &str) -> MergeSide {
    request.fields.get(field).copied().unwrap_or_default()
}

/// The chosen side's value; by default the survivor's, or the other's when the survivor
/// has none.
fn pick<T: Clone>(side: MergeSide, survivor: &Option<T>, merged: &Option<T>) -> Option<T> {
    match side {
        MergeSide::Merged => merged.clone(),
        MergeSide::Survivor => survivor.clone().or_else(|| merged.clone()),
    }
}

fn pick_text(side: MergeSide, survivor: &str, merged: &str) -> String {
    let as_option = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
    pick(side, &as_option(survivor), &as_option(merged)).unwrap_or_default()
}

fn check_request(request: &MergeRequest, allowed: &[&str]) -> Result<(), CoreError> {
    let mut errors: Vec<FieldError> = request
        .fields
        .keys()
        .filter(|key| !allowed.contains(&key.as_str()))
        .map(|key| {
            FieldError::new(
                &format!("fields.{key}"),
                "unknown_field",
                "This field cannot be merged.",
            )
        })
        .collect();
    if request.survivor_id == request.merged_id {
        errors.push(FieldError::new(
            "merged_id",
            "same_record",
            "Choose two different records.",
        ));
    }
    CoreError::validation(errors)
}

fn json_list(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}

/// Every value of both records except `primary`, once each, in order of appearance.
fn union_without(primary: &Option<String>, lists: [Vec<String>; 2]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in lists.into_iter().flatten() {
        let value = value.trim().to_owned();
        if !value.is_empty() && Some(&value) != primary.as_ref() && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// Moves the notes and tags of `merged` to `survivor`, and the pointers of records that
/// were merged into `merged` before.
async fn absorb_common(
    txn: &WriteTxn,
    ctx: &Ctx,
    kind: RecordKind,
    survivor: Uuid,
    merged: Uuid,
) -> Result<(), CoreError> {
    let conn = &**txn;
    let org = ctx.organization_id.into_uuid();
    note::Entity::update_many()
        .col_expr(note::Column::RecordId, Expr::value(survivor))
        .filter(note::Column::OrganizationId.eq(org))
        .filter(note::Column::RecordId.eq(merged))
        .exec(conn)
        .await?;
    let tag_ids: Vec<Uuid> = record_tag::Entity::find()
        .select_only()
        .column(record_tag::Column::TagId)
        .filter(record_tag::Column::RecordId.eq(merged))
        .into_tuple()
        .all(conn)
        .await?;
    for tag_id in tag_ids {
        tags::link(conn, org, kind, tag_id, &[survivor]).await?;
    }
    record_tag::Entity::delete_many()
        .filter(record_tag::Column::RecordId.eq(merged))
        .exec(conn)
        .await?;
    // The survivor keeps its own custom values and gains those only the other had.
    super::custom_fields::values::fill_from(conn, merged, survivor).await?;
    Ok(())
}

async fn load_pair<E: CrmEntity>(
    txn: &WriteTxn,
    ctx: &Ctx,
    request: &MergeRequest,
) -> Result<(E::Model, E::Model), CoreError> {
    let survivor = records::find_live::<E>(&**txn, ctx, request.survivor_id).await?;
    let merged = records::find_live::<E>(&**txn, ctx, request.merged_id).await?;
    Ok((survivor, merged))
}

async fn record_merge(
    txn: &WriteTxn,
    ctx: &Ctx,
    kind: RecordKind,
    survivor: (Uuid, serde_json::Value),
    merged: (Uuid, String, serde_json::Value),
    after: serde_json::Value,
) -> Result<(), CoreError> {
    let action = format!("{}.merged", kind.as_str());
    audit::record(
        &**txn,
        &Actor::from(ctx),
        Event::new(&action, kind.as_str(), survivor.0)
            .before(json!({"survivor": survivor.1, "merged": merged.2}))
            .after(json!({"record": after, "merged": {"id": merged.0, "name": merged.1}})),
    )
    .await
}

pub struct MergeService<'a> {
    kite: &'a Kite,
}

impl<'a> MergeService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Merges two contacts (managers and admins: the merged one is deleted).
    pub async fn merge_contacts(&self, ctx: &Ctx, request: &MergeRequest) -> Result<ContactDto, CoreError> {
        ctx.require(Permission::DeleteRecords)?;
        check_request(request, &CONTACT_MERGE_FIELDS)?;
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        let (survivor, merged) = load_pair::<contact::Entity>(&txn, ctx, request).await?;
        let email = pick(side(request, "email"), &survivor.email, &merged.email);
        let phone = pick(side(request, "phone"), &survivor.phone, &merged.phone);
        let other_emails = union_without(
            &email,
            [
                survivor
                    .email
                    .iter()
                    .cloned()
                    .chain(json_list(&survivor.other_emails))
                    .collect(),
                merged
                    .email
                    .iter()
                    .cloned()
                    .chain(json_list(&merged.other_emails))
                    .collect(),
            ],
        );
        let other_phones = union_without(
            &phone,
            [
                survivor
                    .phone
                    .iter()
                    .cloned()
                    .chain(json_list(&survivor.other_phones))
                    .collect(),
                merged
                    .phone
                    .iter()
                    .cloned()
                    .chain(json_list(&merged.other_phones))
                    .collect(),
            ],
        );

        // The merged contact leaves first, so its email is free for the survivor.
        let mut gone = merged.clone().into_active_model();
        gone.email = Set(None);
        gone.deleted_at = Set(Some(Utc::now()));
        gone.merged_into_id = Set(Some(survivor.id));
        gone.update(&*txn).await?;

        let fields = ContactFields {
            first_name: pick_text(side(request, "first_name"), &survivor.first_name, &merged.first_name),
            last_name: pick_text(side(request, "last_name"), &survivor.last_name, &merged.last_name),
            email,
            other_emails,
            phone,
            other_phones,
            title: pick(side(request, "title"), &survivor.title, &merged.title),
            lifecycle_stage: pick_text(
                side(request, "lifecycle_stage"),
                &survivor.lifecycle_stage,
                &merged.lifecycle_stage,
            )
            .parse()
            .ok(),
            source: pick(side(request, "source"), &survivor.source, &merged.source),
            company_id: pick(side(request, "company_id"), &survivor.company_id, &merged.company_id),
            owner_id: pick(side(request, "owner_id"), &survivor.owner_id, &merged.owner_id),
        };
        let after = contacts::write::apply_update(&survivor, fields, Edit::Save, Utc::now())
            .update(&*txn)
            .await?;

        // Deals both were on keep one link; the others move over.
        deal_contact::Entity::delete_many()
            .filter(deal_contact::Column::ContactId.eq(merged.id))
            .filter(
                deal_contact::Column::DealId.in_subquery(
                    Query::select()
                        .column(deal_contact::Column::DealId)
                        .from(deal_contact::Entity)
                        .and_where(deal_contact::Column::ContactId.eq(survivor.id))
                        .to_owned(),
                ),
            )
            .exec(&*txn)
            .await?;
        deal_contact::Entity::update_many()
            .col_expr(deal_contact::Column::ContactId, Expr::value(survivor.id))
            .filter(deal_contact::Column::ContactId.eq(merged.id))
            .exec(&*txn)
            .await?;
        activity::Entity::update_many()
            .col_expr(activity::Column::ContactId, Expr::value(survivor.id))
            .filter(activity::Column::OrganizationId.eq(org))
            .filter(activity::Column::ContactId.eq(merged.id))
            .exec(&*txn)
            .await?;
        contact::Entity::update_many()
            .col_expr(contact::Column::MergedIntoId, Expr::value(survivor.id))
            .filter(contact::Column::OrganizationId.eq(org))
            .filter(contact::Column::MergedIntoId.eq(merged.id))
            .exec(&*txn)
            .await?;
        absorb_common(&txn, ctx, RecordKind::Contact, survivor.id, merged.id).await?;
        let dto = |row: &contact::Model| serde_json::to_value(contacts::contact_dto(row, None)).unwrap_or_default();
        record_merge(
            &txn,
            ctx,
            RecordKind::Contact,
            (survivor.id, dto(&survivor)),
            (merged.id, contact::Entity::display_name(&merged), dto(&merged)),
            dto(&after),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(org, contacts::KIND);
        self.kite.contacts().get(ctx, survivor.id).await
    }

    /// Merges two companies (managers and admins: the merged one is deleted).
    pub async fn merge_companies(&self, ctx: &Ctx, request: &MergeRequest) -> Result<CompanyDto, CoreError> {
        ctx.require(Permission::DeleteRecords)?;
        check_request(request, &COMPANY_MERGE_FIELDS)?;
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        let (survivor, merged) = load_pair::<company::Entity>(&txn, ctx, request).await?;

        let mut gone = merged.clone().into_active_model();
        gone.deleted_at = Set(Some(Utc::now()));
        gone.merged_into_id = Set(Some(survivor.id));
        gone.update(&*txn).await?;

        let fields = CompanyFields {
            name: pick_text(side(request, "name"), &survivor.name, &merged.name),
            domain: pick(side(request, "domain"), &survivor.domain, &merged.domain),
            industry: pick(side(request, "industry"), &survivor.industry, &merged.industry),
            size: pick(side(request, "size"), &survivor.size, &merged.size),
            phone: pick(side(request, "phone"), &survivor.phone, &merged.phone),
            address: pick(side(request, "address"), &survivor.address, &merged.address),
            website: pick(side(request, "website"), &survivor.website, &merged.website),
            notes: pick(side(request, "notes"), &survivor.notes, &merged.notes),
            owner_id: pick(side(request, "owner_id"), &survivor.owner_id, &merged.owner_id),
        };
        let after = companies::write::apply_update(&survivor, fields, Edit::Save, Utc::now())
            .update(&*txn)
            .await?;

        contact::Entity::update_many()
            .col_expr(contact::Column::CompanyId, Expr::value(survivor.id))
            .filter(contact::Column::OrganizationId.eq(org))
            .filter(contact::Column::CompanyId.eq(merged.id))
            .exec(&*txn)
            .await?;
        deal::Entity::update_many()
            .col_expr(deal::Column::CompanyId, Expr::value(survivor.id))
            .filter(deal::Column::OrganizationId.eq(org))
            .filter(deal::Column::CompanyId.eq(merged.id))
            .exec(&*txn)
            .await?;
        activity::Entity::update_many()
            .col_expr(activity::Column::CompanyId, Expr::value(survivor.id))
            .filter(activity::Column::OrganizationId.eq(org))
            .filter(activity::Column::CompanyId.eq(merged.id))
            .exec(&*txn)
            .await?;
        company::Entity::update_many()
            .col_expr(company::Column::MergedIntoId, Expr::value(survivor.id))
            .filter(company::Column::OrganizationId.eq(org))
            .filter(company::Column::MergedIntoId.eq(merged.id))
            .exec(&*txn)
            .await?;
        absorb_common(&txn, ctx, RecordKind::Company, survivor.id, merged.id).await?;
        let dto = |row: &company::Model| {
            serde_json::to_value(companies::company_dto(row, Vec::new(), Default::default())).unwrap_or_default()
        };
        record_merge(
            &txn,
            ctx,
            RecordKind::Company,
            (survivor.id, dto(&survivor)),
            (merged.id, merged.name.clone(), dto(&merged)),
            dto(&after),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(org, companies::KIND);
        self.kite.counts.invalidate(org, contacts::KIND);
        self.kite.counts.invalidate(org, super::deals::KIND);
        self.kite.companies().get(ctx, survivor.id).await
    }

    /// Contacts that are probably one person: an address shared between them, or the same
    /// name at the same company.
    pub async fn contact_duplicates(&self, ctx: &Ctx) -> Result<Vec<DuplicatePair>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        let live = || records::live::<contact::Entity>(ctx);
        let mut groups: Vec<(DuplicateReason, Vec<contact::Model>)> = Vec::new();

        // Extra addresses are rare, so the contacts holding any are few.
        let with_others = live()
            .filter(contact::Column::OtherEmails.ne("[]"))
            .limit(5000)
            .all(db)
            .await?;
        let mut by_address: HashMap<String, Vec<contact::Model>> = HashMap::new();
        for c in &with_others {
            for address in json_list(&c.other_emails) {
                by_address.entry(address).or_default().push(c.clone());
            }
        }
        if !by_address.is_empty() {
            let holders = live()
                .filter(contact::Column::Email.is_in(by_address.keys().cloned()))
                .all(db)
                .await?;
            for holder in holders {
                if let Some(email) = &holder.email
                    && let Some(others) = by_address.get(email)
                {
                    for other in others.iter().filter(|o| o.id != holder.id) {
                        groups.push((DuplicateReason::SameEmail, vec![holder.clone(), other.clone()]));
                    }
                }
            }
        }

        let first: SimpleExpr = Func::lower(Expr::col(contact::Column::FirstName)).into();
        let last: SimpleExpr = Func::lower(Expr::col(contact::Column::LastName)).into();
        let repeated: Vec<(String, String, Option<Uuid>)> = live()
            .select_only()
            .column_as(first.clone(), "first")
            .column_as(last.clone(), "last")
            .column(contact::Column::CompanyId)
            .group_by(first.clone())
            .group_by(last.clone())
            .group_by(contact::Column::CompanyId)
            .having(Expr::col(contact::Column::Id).count().gt(1))
            .limit(MAX_SUGGESTIONS as u64)
            .into_tuple()
            .all(db)
            .await?;
        for (first_name, last_name, company_id) in repeated {
            let company = match company_id {
                Some(id) => contact::Column::CompanyId.eq(id),
                None => contact::Column::CompanyId.is_null(),
            };
            let rows = live()
                .filter(Expr::expr(first.clone()).eq(first_name))
                .filter(Expr::expr(last.clone()).eq(last_name))
                .filter(company)
                .order_by_asc(contact::Column::CreatedAt)
                .limit(10)
                .all(db)
                .await?;
            groups.push((DuplicateReason::SameNameAndCompany, rows));
        }
        Ok(pairs(groups, |c| DuplicateRecord {
            id: c.id,
            name: contact::Entity::display_name(c),
            detail: c.email.clone(),
            created_at: c.created_at,
        }))
    }

    /// Companies that are probably one: the same domain, or the same name.
    pub async fn company_duplicates(&self, ctx: &Ctx) -> Result<Vec<DuplicatePair>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        let live = || records::live::<company::Entity>(ctx);
        let mut groups: Vec<(DuplicateReason, Vec<company::Model>)> = Vec::new();
        let domains: Vec<String> = live()
            .select_only()
            .column(company::Column::Domain)
            .filter(company::Column::Domain.is_not_null())
            .group_by(company::Column::Domain)
            .having(Expr::col(company::Column::Id).count().gt(1))
            .limit(MAX_SUGGESTIONS as u64)
            .into_tuple()
            .all(db)
            .await?;
        for domain in domains {
            let rows = live()
                .filter(company::Column::Domain.eq(domain))
                .order_by_asc(company::Column::CreatedAt)
                .limit(10)
                .all(db)
                .await?;
            groups.push((DuplicateReason::SameDomain, rows));
        }
        let name: SimpleExpr = Func::lower(Expr::col(company::Column::Name)).into();
        let names: Vec<String> = live()
            .select_only()
            .column_as(name.clone(), "name")
            .group_by(name.clone())
            .having(Expr::col(company::Column::Id).count().gt(1))
            .limit(MAX_SUGGESTIONS as u64)
            .into_tuple()
            .all(db)
            .await?;
        for lower in names {
            let rows = live()
                .filter(Expr::expr(name.clone()).eq(lower))
                .order_by_asc(company::Column::CreatedAt)
                .limit(10)
                .all(db)
                .await?;
            groups.push((DuplicateReason::SameName, rows));
        }
        Ok(pairs(groups, |c| DuplicateRecord {
            id: c.id,
            name: c.name.clone(),
            detail: c.domain.clone(),
            created_at: c.created_at,
        }))
    }
}

/// The oldest record of each group paired with each of the others; a pair found for two
/// reasons is listed once.
fn pairs<M>(groups: Vec<(DuplicateReason, Vec<M>)>, describe: impl Fn(&M) -> DuplicateRecord) -> Vec<DuplicatePair> {
    let mut out: Vec<DuplicatePair> = Vec::new();
    for (reason, rows) in groups {
        let mut described: Vec<DuplicateRecord> = rows.iter().map(&describe).collect();
        described.sort_by_key(|r| r.created_at);
        let Some((first, rest)) = described.split_first() else {
            continue;
        };
        for second in rest {
            let seen = out.iter().any(|p| {
                (p.first.id == first.id && p.second.id == second.id)
                    || (p.first.id == second.id && p.second.id == first.id)
            });
            if !seen && out.len() < MAX_SUGGESTIONS {
                out.push(DuplicatePair {
                    reason,
                    first: first.clone(),
                    second: second.clone(),
                });
            }
        }
    }
    out
}
