//! Who attends an activity: contacts and users of its organization, with the names and
//! addresses invitations go to.

use crate::{CoreError, Ctx};
use kite_entity::{activity_attendee, contact, user};
use kite_shared::crm::activities::{Attendee, AttendeeInput};
use kite_shared::{FieldError, UserId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The attendees of each of these activities, in the order they were added.
pub(crate) async fn of(
    conn: &impl ConnectionTrait,
    activities: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Attendee>>, CoreError> {
    if activities.is_empty() {
        return Ok(HashMap::new());
    }
    let mut rows = activity_attendee::Entity::find()
        .filter(activity_attendee::Column::ActivityId.is_in(activities.iter().copied()))
        .all(conn)
        .await?;
    // Ids are v7: their order is the order they were written.
    rows.sort_by_key(|r| r.id);
    let contact_ids: HashSet<Uuid> = rows.iter().filter_map(|r| r.contact_id).collect();
    let user_ids: HashSet<Uuid> = rows.iter().filter_map(|r| r.user_id).collect();
    let contacts: HashMap<Uuid, contact::Model> = if contact_ids.is_empty() {
        HashMap::new()
    } else {
        contact::Entity::find()
            .filter(contact::Column::Id.is_in(contact_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect()
    };
    let users: HashMap<Uuid, user::Model> = if user_ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(user_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    let mut out: HashMap<Uuid, Vec<Attendee>> = HashMap::new();
    for row in rows {
        let attendee = if let Some(c) = row.contact_id.and_then(|id| contacts.get(&id)) {
            Attendee {
                contact_id: Some(c.id),
                user_id: None,
                name: format!("{} {}", c.first_name, c.last_name).trim().to_owned(),
                email: c.email.clone(),
            }
        } else if let Some(u) = row.user_id.and_then(|id| users.get(&id)) {
            Attendee {
                contact_id: None,
                user_id: Some(UserId(u.id)),
                name: u.name.clone(),
                email: Some(u.email.clone()),
            }
        } else {
            continue;
        };
        out.entry(row.activity_id).or_default().push(attendee);
    }
    Ok(out)
}

/// Replaces the attendees of an activity; each must be a live contact or an active user
/// of the organization, and naming one twice keeps one.
pub(crate) async fn replace(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    activity_id: Uuid,
    inputs: &[AttendeeInput],
) -> Result<(), CoreError> {
    let org = ctx.organization_id.into_uuid();
    let contact_ids: Vec<Uuid> = inputs.iter().filter_map(|a| a.contact_id).collect();
    let user_ids: Vec<Uuid> = inputs.iter().filter_map(|a| a.user_id.map(UserId::into_uuid)).collect();
    let known_contacts: HashSet<Uuid> = if contact_ids.is_empty() {
        HashSet::new()
    } else {
        contact::Entity::find()
            .filter(contact::Column::OrganizationId.eq(org))
            .filter(contact::Column::DeletedAt.is_null())
            .filter(contact::Column::Id.is_in(contact_ids.iter().copied()))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    let known_users: HashSet<Uuid> = if user_ids.is_empty() {
        HashSet::new()
    } else {
        user::Entity::find()
            .filter(user::Column::OrganizationId.eq(org))
            .filter(user::Column::Active.eq(true))
            .filter(user::Column::Id.is_in(user_ids.iter().copied()))
            .all(conn)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect()
    };
    let mut errors = Vec::new();
    for (i, attendee) in inputs.iter().enumerate() {
        if attendee.contact_id.is_some_and(|id| !known_contacts.contains(&id)) {
            errors.push(FieldError::new(
                &format!("attendees[{i}]"),
                "unknown_record",
                "No such contact.",
            ));
        }
        if attendee
            .user_id
            .is_some_and(|id| !known_users.contains(&id.into_uuid()))
        {
            errors.push(FieldError::new(
                &format!("attendees[{i}]"),
                "unknown_user",
                "No such user.",
            ));
        }
    }
    CoreError::validation(errors)?;
    activity_attendee::Entity::delete_many()
        .filter(activity_attendee::Column::ActivityId.eq(activity_id))
        .exec(conn)
        .await?;
    let mut seen = HashSet::new();
    let rows: Vec<activity_attendee::ActiveModel> = inputs
        .iter()
        .filter(|a| seen.insert((a.contact_id, a.user_id)))
        .map(|a| activity_attendee::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org),
            activity_id: Set(activity_id),
            contact_id: Set(a.contact_id),
            user_id: Set(a.user_id.map(UserId::into_uuid)),
        })
        .collect();
    if !rows.is_empty() {
        activity_attendee::Entity::insert_many(rows).exec(conn).await?;
    }
    Ok(())
}
