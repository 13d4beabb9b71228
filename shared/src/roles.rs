//! Roles and the permission matrix. The SPA hides what this matrix refuses, and the
//! server refuses it; both read the same table.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    SalesRep,
    Viewer,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::ReadRecords,
        Permission::EditOwnRecords,
        Permission::EditAllRecords,
        Permission::DeleteRecords,
        Permission::ViewReports,
        Permission::ViewTeamReports,
        Permission::ManageCampaigns,
        Permission::TrainModels,
        Permission::ManageUsers,
        Permission::ViewAuditLog,
        Permission::ViewOutbox,
        Permission::ManageOrganization,
    ];
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::SalesRep, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::SalesRep => "sales_rep",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::SalesRep => "Sales rep",
            Role::Viewer => "Viewer",
        }
    }

    /// Whether this role may do `permission` at all. Ownership rules (a rep edits only
    /// what they own) are applied on top of this by the services.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Manager => matches!(
                permission,
                ReadRecords
                    | EditOwnRecords
                    | EditAllRecords
                    | DeleteRecords
                    | ViewReports
                    | ViewTeamReports
                    | ManageCampaigns
                    | TrainModels
            ),
            Role::SalesRep => matches!(permission, ReadRecords | EditOwnRecords | ViewReports),
            // Viewers own nothing: they look on, at the whole team.
            Role::Viewer => matches!(permission, ReadRecords | ViewReports | ViewTeamReports),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown role `{}`", self.0)
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// What a user may do, independent of which record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See contacts, companies, deals and activities.
    ReadRecords,
    /// Create records and edit the ones the user owns.
    EditOwnRecords,
    /// Edit every record of the organization, whoever owns it.
    EditAllRecords,
    /// Delete records and restore them from the trash.
    DeleteRecords,
    /// Analytics and dashboards with one's own figures.
    ViewReports,
    /// Everyone's figures, not only one's own.
    ViewTeamReports,
    /// Create and send email campaigns and sequences.
    ManageCampaigns,
    /// Retrain the organization's scoring models.
    TrainModels,
    /// Invite users, change roles, deactivate.
    ManageUsers,
    ViewAuditLog,
    ViewOutbox,
    ManageOrganization,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users_and_read_the_audit_log() {
        for role in Role::ALL {
            let admin = role == Role::Admin;
            assert_eq!(role.can(Permission::ManageUsers), admin, "{role}");
            assert_eq!(role.can(Permission::ViewAuditLog), admin, "{role}");
            assert_eq!(role.can(Permission::ViewOutbox), admin, "{role}");
        }
    }

    #[test]
    fn viewers_read_but_never_edit() {
        assert!(Role::Viewer.can(Permission::ReadRecords));
        assert!(!Role::Viewer.can(Permission::EditOwnRecords));
        assert!(!Role::Viewer.can(Permission::EditAllRecords));
        assert!(!Role::Viewer.can(Permission::DeleteRecords));
    }

    #[test]
    fn reps_edit_their_own_records_and_managers_edit_all() {
        assert!(Role::SalesRep.can(Permission::EditOwnRecords));
        assert!(!Role::SalesRep.can(Permission::EditAllRecords));
        assert!(Role::Manager.can(Permission::EditAllRecords));
    }

    #[test]
    fn campaigns_are_for_managers_and_admins() {
        assert!(Role::Admin.can(Permission::ManageCampaigns));
        assert!(Role::Manager.can(Permission::ManageCampaigns));
        assert!(!Role::SalesRep.can(Permission::ManageCampaigns));
        assert!(!Role::Viewer.can(Permission::ManageCampaigns));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
