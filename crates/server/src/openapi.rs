//! The OpenAPI document's frame. Paths and schemas are collected from the registered
//! handlers by utoipa-actix-web, so a route cannot be served without being documented.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kite CRM API",
        description = "REST API of Kite, the open-source CRM. Sign in with `POST /api/v1/auth/login`, \
                       then send the access token as `Authorization: Bearer <token>`. \
                       Integrations use an API key instead (Settings → API keys): send it as \
                       `Authorization: Bearer kite_live_…` or `X-API-Key: kite_live_…`. A key reaches the \
                       routes its scopes open (`contacts:read`, `deals:write`, …, or `full`; write includes \
                       read) and answers 403 `missing_scope` naming the scope otherwise; each key has its own \
                       rate limit, reported in `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`. \
                       Every error has the same JSON shape (`ErrorBody`). \
                       Every list answers one page shape, `{items, next_cursor, total}`, and takes \
                       `cursor` (the previous page's `next_cursor`), `per_page` (1 to 200, default 50; \
                       more is a 422 naming `per_page`, never silently cut) and `total=false` to skip \
                       the count. Pages follow the last row's sort value and id, so rows written while \
                       you page are never skipped or repeated.",
    ),
    modifiers(&BearerAuth),
    components(schemas(kite_shared::ErrorBody, kite_shared::FieldError)),
    tags(
        (name = "auth", description = "Sign-up, sign-in, sessions, password reset, invitations"),
        (name = "users", description = "People of the organization"),
        (name = "companies", description = "Organizations you sell to"),
        (name = "contacts", description = "People you sell to"),
        (name = "pipelines", description = "Sales processes and their stages"),
        (name = "deals", description = "Opportunities on the pipeline board"),
        (name = "activities", description = "Calls, emails, meetings and tasks"),
        (name = "calendar", description = "Events by range, rescheduling, invitations and the ICS feed"),
        (name = "approvals", description = "Approval workflows for deal moves, their requests and decisions"),
        (name = "marketing", description = "Email templates, campaigns with tracking, sequences, the suppression list, SendGrid's events and inbound replies"),
        (name = "analytics", description = "Pipeline reports (conversion, velocity, bottlenecks, win/loss, leaderboard, forecast) and dashboards"),
        (name = "insights", description = "Lead and deal scores: the models learnt from won and lost deals, their measurements and retraining"),
        (name = "assistant", description = "Next best actions for each user, and email drafts by an AI model or the built-in writer"),
        (name = "tags", description = "Labels on contacts, companies and deals"),
        (name = "custom fields", description = "Fields an organization adds to contacts, companies and deals"),
        (name = "records", description = "Notes, timelines, bulk actions and the trash of contacts, companies and deals"),
        (name = "search", description = "One box over contacts, companies and deals"),
        (name = "imports", description = "CSV and spreadsheet imports: upload, mapping, dry run, run, report, undo"),
        (name = "jobs", description = "Background work: imports, exports, email sends"),
        (name = "events", description = "The live stream of server-sent events"),
        (name = "audit", description = "Who changed what"),
        (name = "email", description = "The development outbox"),
        (name = "integrations", description = "API keys for other systems"),
        (name = "system", description = "Health"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer_auth", SecurityScheme::Http(scheme));
    }
}

/// Every operation a signed-in user may call with a token may also be called with an
/// API key, except managing the keys. Run on the finished document, once the routes'
/// paths are in it.
pub fn with_api_keys(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "api_key",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-API-Key",
            "An API key (kite_live_…); `Authorization: Bearer kite_live_…` works too.",
        ))),
    );
    let bearer = SecurityRequirement::new("bearer_auth", Vec::<String>::new());
    let key = SecurityRequirement::new("api_key", Vec::<String>::new());
    for (path, item) in doc.paths.paths.iter_mut() {
        use actix_web::http::Method;
        let operations = [
            (Method::GET, &mut item.get),
            (Method::PUT, &mut item.put),
            (Method::POST, &mut item.post),
            (Method::DELETE, &mut item.delete),
            (Method::PATCH, &mut item.patch),
            (Method::HEAD, &mut item.head),
        ];
        for (method, operation) in operations {
            // Routes keys may not call at all (managing keys, a user's feed URL).
            let Some(operation) = operation
                .as_mut()
                .filter(|_| crate::api_scopes::need_for(&method, path).is_some())
            else {
                continue;
            };
            if let Some(security) = operation.security.as_mut()
                && security.contains(&bearer)
            {
                security.push(key.clone());
            }
        }
    }
    doc
}

/// Answers any route may give besides its own, by what the route takes: too many
/// requests anywhere, a missing or weak credential where one is needed, an unknown id in
/// a path, an unreadable query or body, a body too large. Every error is problem+json.
/// Run on the finished document, once the routes' paths are in it.
pub fn with_error_responses(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{RefOr, Response};
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let takes = |place: ParameterIn| {
                operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let mut common = vec![
                ("429", "Too many requests from this client or API key"),
                (
                    "503",
                    "Every database connection is busy; retry after `Retry-After` seconds",
                ),
            ];
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                common.push(("401", "Not signed in, or the token or key is not valid"));
                common.push(("403", "The role or the API key's scopes do not allow this"));
            }
            if takes(ParameterIn::Path) {
                common.push(("404", "No such record in your organization"));
            }
            if takes(ParameterIn::Query) {
                common.push(("400", "The query string cannot be read"));
                common.push(("422", "A parameter is not valid; `errors` names it"));
            }
            if operation.request_body.is_some() {
                common.push(("400", "The body cannot be read"));
                common.push(("413", "The body is too large"));
                common.push(("422", "A field is not valid; `errors` names it"));
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in common {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(Response::new(description)));
            }
            for (status, response) in responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                let error_body = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"));
                // A status that answers its own body (readiness's 503) keeps it.
                let own_body = response
                    .content
                    .get("application/json")
                    .is_some_and(|c| !matches!(c, RefOr::T(c) if c.schema.as_ref() == Some(&error_body)));
                if !status.starts_with(['4', '5']) || own_body {
                    continue;
                }
                response.content.shift_remove("application/json");
                response.content.insert(
                    "application/problem+json".into(),
                    RefOr::T(utoipa::openapi::Content::new(Some(error_body))),
                );
            }
        }
    }
    doc
}
