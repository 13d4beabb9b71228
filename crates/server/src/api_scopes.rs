//! Which scope an API key needs for a route: the area is the path's first segment under
//! `/api/v1`, the access is read for GET and HEAD and write for everything else. A new
//! route outside the named areas needs full access until it is given one here.

use actix_web::http::Method;
use kite_shared::integrations::api_keys::{Access, ApiArea, ScopeNeed};

/// What a key needs to call `method path`, or `None` when keys may not call it at all
/// (managing the keys themselves).
pub fn need_for(method: &Method, path: &str) -> Option<ScopeNeed> {
    let segment = path
        .strip_prefix("/api/v1/")
        .unwrap_or(path)
        .split('/')
        .next()
        .unwrap_or_default();
    let access = if matches!(*method, Method::GET | Method::HEAD) {
        Access::Read
    } else {
        Access::Write
    };
    let area = match segment {
        // A feed URL is a user's own secret, not an integration's.
        "api-keys" | "calendar-feed" => return None,
        "me" => return Some(ScopeNeed::AnyKey),
        // Any key that reads records needs to know what their custom fields are.
        "custom-fields" if access == Access::Read => return Some(ScopeNeed::AnyKey),
        "contacts" => ApiArea::Contacts,
        "companies" => ApiArea::Companies,
        "deals" | "board" | "pipelines" | "stages" => ApiArea::Deals,
        "activities" | "my-tasks" | "notes" | "calendar" => ApiArea::Activities,
        "campaigns"
        | "email-templates"
        | "sequences"
        | "sequence-enrollments"
        | "suppressions"
        | "inbound"
        | "drafts" => ApiArea::Marketing,
        "analytics" | "dashboards" | "insights" | "suggestions" => ApiArea::Analytics,
        "webhook-subscriptions" => ApiArea::Webhooks,
        _ => return Some(ScopeNeed::Full),
    };
    Some(ScopeNeed::Area(area, access))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_of_an_area_need_its_read_and_write_scopes() {
        assert_eq!(
            need_for(&Method::GET, "/api/v1/contacts/0190"),
            Some(ScopeNeed::Area(ApiArea::Contacts, Access::Read))
        );
        assert_eq!(
            need_for(&Method::PATCH, "/api/v1/deals/0190/stage"),
            Some(ScopeNeed::Area(ApiArea::Deals, Access::Write))
        );
        assert_eq!(
            need_for(&Method::GET, "/api/v1/board"),
            Some(ScopeNeed::Area(ApiArea::Deals, Access::Read))
        );
    }

    #[test]
    fn routes_outside_the_areas_need_full_access_and_keys_never_manage_keys() {
        assert_eq!(need_for(&Method::GET, "/api/v1/users"), Some(ScopeNeed::Full));
        assert_eq!(need_for(&Method::GET, "/api/v1/audit-log"), Some(ScopeNeed::Full));
        assert_eq!(need_for(&Method::POST, "/api/v1/api-keys"), None);
        assert_eq!(need_for(&Method::GET, "/api/v1/me"), Some(ScopeNeed::AnyKey));
        assert_eq!(need_for(&Method::POST, "/api/v1/calendar-feed"), None);
        assert_eq!(need_for(&Method::GET, "/api/v1/custom-fields"), Some(ScopeNeed::AnyKey));
        assert_eq!(need_for(&Method::POST, "/api/v1/custom-fields"), Some(ScopeNeed::Full));
    }

    #[test]
    fn the_calendar_is_part_of_the_activities_area() {
        assert_eq!(
            need_for(&Method::GET, "/api/v1/calendar"),
            Some(ScopeNeed::Area(ApiArea::Activities, Access::Read))
        );
    }
}
