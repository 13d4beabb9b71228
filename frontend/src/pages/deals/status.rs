use kite_shared::crm::deals::DealStatus;

/// The badge class and label of a deal's status: won reads as success, lost as danger.
pub fn status_badge_parts(status: DealStatus) -> (&'static str, &'static str) {
    match status {
        DealStatus::Open => ("badge badge-accent", "Open"),
        DealStatus::Won => ("badge badge-success", "Won"),
        DealStatus::Lost => ("badge badge-danger", "Lost"),
    }
}
