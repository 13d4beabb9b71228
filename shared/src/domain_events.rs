//! The kinds of change Kite announces: recorded with the change itself, then handed to
//! whoever subscribes (the live stream today; webhooks, sequences and scores later).

use serde::{Deserialize, Serialize};

macro_rules! domain_event_kinds {
    ($($variant:ident => $name:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum DomainEventKind {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl DomainEventKind {
            pub const ALL: &'static [DomainEventKind] = &[$(DomainEventKind::$variant,)*];

            /// The name subscribers see, `<record>.<what happened>`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(DomainEventKind::$variant => $name,)*
                }
            }

            pub fn parse(raw: &str) -> Option<DomainEventKind> {
                match raw {
                    $($name => Some(DomainEventKind::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

domain_event_kinds! {
    ContactCreated => "contact.created",
    ContactUpdated => "contact.updated",
    ContactDeleted => "contact.deleted",
    ContactRestored => "contact.restored",
    ContactMerged => "contact.merged",
    CompanyCreated => "company.created",
    CompanyUpdated => "company.updated",
    CompanyDeleted => "company.deleted",
    CompanyRestored => "company.restored",
    CompanyMerged => "company.merged",
    DealCreated => "deal.created",
    DealUpdated => "deal.updated",
    DealDeleted => "deal.deleted",
    DealRestored => "deal.restored",
    DealStageChanged => "deal.stage_changed",
    DealReordered => "deal.reordered",
    DealWon => "deal.won",
    DealLost => "deal.lost",
    ActivityCreated => "activity.created",
    ActivityUpdated => "activity.updated",
    ActivityDeleted => "activity.deleted",
    NoteCreated => "note.created",
    NoteDeleted => "note.deleted",
    ImportCompleted => "import.completed",
    ImportUndone => "import.undone",
    ApprovalRequested => "approval.requested",
    ApprovalApproved => "approval.approved",
    ApprovalRejected => "approval.rejected",
    ApprovalCommented => "approval.commented",
    ApprovalWithdrawn => "approval.withdrawn",
    ApprovalReassigned => "approval.reassigned",
    ApprovalVoided => "approval.voided",
    ApprovalApplied => "approval.applied",
}

impl DomainEventKind {
    /// The record type the event is about (`contact`, `deal`, …).
    pub fn entity_type(self) -> &'static str {
        self.as_str().split('.').next().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name_and_serializes_as_it() {
        for kind in DomainEventKind::ALL {
            assert_eq!(DomainEventKind::parse(kind.as_str()), Some(*kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::String(kind.as_str().into()))
            );
        }
        assert_eq!(DomainEventKind::DealStageChanged.entity_type(), "deal");
        assert_eq!(DomainEventKind::parse("deal.exploded"), None);
    }
}
