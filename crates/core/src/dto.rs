//! Rows to API types. The only place that knows both shapes.

use kite_entity::{audit_log, organization, outbox_message, user};
use kite_shared::audit::AuditEntryDto;
use kite_shared::auth::{OrganizationDto, UserDto};
use kite_shared::outbox::OutboxMessageDto;
use kite_shared::{OrganizationId, Role, UserId};

pub(crate) fn user_dto(row: &user::Model) -> UserDto {
    UserDto {
        id: UserId(row.id),
        organization_id: OrganizationId(row.organization_id),
        email: row.email.clone(),
        name: row.name.clone(),
        // The column only ever holds names written from Role, so the fallback is the
        // least-privileged role rather than a panic.
        role: row.role.parse().unwrap_or(Role::Viewer),
        active: row.active,
        has_password: row.password_hash.is_some(),
        created_at: row.created_at,
    }
}

pub(crate) fn organization_dto(row: &organization::Model) -> OrganizationDto {
    OrganizationDto {
        id: OrganizationId(row.id),
        name: row.name.clone(),
        created_at: row.created_at,
    }
}

pub(crate) fn audit_dto(row: audit_log::Model) -> AuditEntryDto {
    AuditEntryDto {
        id: row.id,
        organization_id: row.organization_id.map(OrganizationId),
        actor_user_id: row.actor_user_id.map(UserId),
        actor_label: row.actor_label,
        action: row.action,
        entity_type: row.entity_type,
        entity_id: row.entity_id,
        before: row.before,
        after: row.after,
        ip: row.ip,
        user_agent: row.user_agent,
        created_at: row.created_at,
    }
}

pub(crate) fn outbox_dto(row: outbox_message::Model) -> OutboxMessageDto {
    let names = row
        .attachments
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|a| a.get("filename").and_then(|f| f.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    OutboxMessageDto {
        id: row.id,
        to: serde_json::from_str(&row.to_addresses).unwrap_or_default(),
        subject: row.subject,
        text_body: row.text_body,
        html_body: row.html_body,
        category: row.category,
        attachment_names: names,
        created_at: row.created_at,
    }
}
