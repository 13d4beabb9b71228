use crate::CoreError;
use kite_shared::{OrganizationId, Permission, Role, UserId};

/// Where a request came from, for the audit log and refresh-token records.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Who is asking: built by the server's extractor from a verified access token and the
/// user's current row, so a role change or deactivation takes effect on the next request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub role: Role,
    /// The user's name at the time of the request, kept in audit rows.
    pub actor_label: String,
    pub client: ClientInfo,
    /// The API key the request came with; `None` for a signed-in user.
    pub api_key_id: Option<uuid::Uuid>,
}

impl Ctx {
    pub fn require(&self, permission: Permission) -> Result<(), CoreError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(CoreError::Forbidden)
        }
    }
}

impl Ctx {
    /// The context of work done later for a user (an import, a scheduled export): with
    /// the permissions they have now, and refused once they are deactivated.
    pub(crate) async fn of_user(
        conn: &impl sea_orm::ConnectionTrait,
        organization_id: uuid::Uuid,
        user_id: Option<uuid::Uuid>,
        field: &str,
    ) -> Result<Ctx, CoreError> {
        use sea_orm::EntityTrait;
        let user = kite_entity::user::Entity::find_by_id(user_id.unwrap_or_default())
            .one(conn)
            .await?
            .filter(|u| u.active && u.organization_id == organization_id)
            .ok_or_else(|| CoreError::field(field, "inactive", "The user who set this up is no longer active."))?;
        Ok(Ctx {
            organization_id: OrganizationId(organization_id),
            user_id: UserId(user.id),
            role: user.role.parse().unwrap_or(Role::Viewer),
            actor_label: user.name,
            client: ClientInfo::default(),
            api_key_id: None,
        })
    }
}
