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
