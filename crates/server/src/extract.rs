//! Extractors: who is calling ([`Auth`]: a user or an API key), from where ([`Client`]), which page of a
//! list it asks for ([`ListQuery`]), and bodies and query strings whose errors name the
//! exact field ([`CheckedJson`], [`CheckedQuery`]).

use crate::api_scopes::need_for;
use crate::client_ip::TrustedProxies;
use crate::error::{ApiError, query_error};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::{LocalBoxFuture, Ready, ready};
use kite_core::crm::custom_fields::filters::split_query;
use kite_core::{AuthFailure, ClientInfo, CoreError, Ctx};
use kite_shared::crm::custom_values::CustomFiltered;
use kite_shared::integrations::api_keys::SECRET_PREFIX;
use kite_shared::page::{PAGE_KEYS, PageQuery};
use serde::de::DeserializeOwned;

/// The request's client address and user agent. The address is the TCP peer's, or
/// from `X-Forwarded-For` when the peer is a trusted proxy.
pub struct Client(pub ClientInfo);

pub fn client_info(req: &HttpRequest) -> ClientInfo {
    let peer = req.peer_addr().map(|addr| addr.ip());
    let ip = match req.app_data::<TrustedProxies>() {
        Some(proxies) => proxies.client(peer, req.headers()),
        None => peer,
    };
    ClientInfo {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

impl FromRequest for Client {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Client(client_info(req))))
    }
}

/// Who is calling: a signed-in user (a valid access token of a user who is still
/// active), or an API key (`Authorization: Bearer kite_live_…` or `X-API-Key`) whose
/// scopes cover the route and whose own rate limit has room.
pub struct Auth(pub Ctx);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req).or_else(|| header_value(req, "x-api-key"));
        let client = client_info(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Core(CoreError::Internal("application state missing".into())))?;
            let token = token.ok_or(ApiError::Core(CoreError::Unauthenticated(AuthFailure::MissingToken)))?;
            if token.starts_with(SECRET_PREFIX) {
                return api_key(&state, &req, &token, client).await.map(Auth);
            }
            Ok(Auth(state.kite.auth().authenticate(&token, client).await?))
        })
    }
}

async fn api_key(state: &AppState, req: &HttpRequest, secret: &str, client: ClientInfo) -> Result<Ctx, ApiError> {
    let principal = state.kite.api_keys().authenticate(secret, client).await?;
    let spent = state
        .key_limits
        .spend(principal.key_id, principal.rate_limit_per_minute);
    let budget = match &spent {
        Ok(budget) | Err((budget, _)) => *budget,
    };
    req.extensions_mut().insert(budget);
    spent.map_err(|(_, error)| error)?;
    let need = need_for(req.method(), req.path()).ok_or(ApiError::SessionRequired)?;
    if !need.met_by(&principal.scopes) {
        return Err(ApiError::MissingScope(need.scope()));
    }
    Ok(principal.ctx)
}

fn header_value(req: &HttpRequest, name: &str) -> Option<String> {
    let value = req.headers().get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_owned())
}

/// A list's query string: its own filters in `Q`, which refuses keys it does not know,
/// and the paging keys every list shares (`cursor`, `per_page`, `total`) in a
/// [`PageQuery`].
pub struct ListQuery<Q> {
    pub filters: Q,
    pub page: PageQuery,
}

impl<Q: DeserializeOwned> ListQuery<Q> {
    pub fn parse(query_string: &str, req: &HttpRequest) -> Result<Self, actix_web::Error> {
        let (paging, filters): (Vec<&str>, Vec<&str>) = query_string
            .split('&')
            .filter(|pair| !pair.is_empty())
            .partition(|pair| PAGE_KEYS.contains(&pair.split('=').next().unwrap_or_default()));
        // A wrong value names its parameter (422); an unknown one stays the query's fault
        // (400), as the list has always answered.
        let filters: Q = parse_query(&filters.join("&")).map_err(|error| match error {
            ApiError::Core(CoreError::Validation(errors)) if errors.iter().any(|e| e.code == "unknown_field") => {
                ApiError::BadRequest {
                    code: "invalid_query",
                    message: format!(
                        "The query string is not valid: {}",
                        errors.first().map(|e| e.message.as_str()).unwrap_or_default()
                    ),
                }
            }
            other => other,
        })?;
        let page = web::Query::<PageQuery>::from_query(&paging.join("&")).map_err(|e| query_error(e, req))?;
        Ok(Self {
            filters,
            page: page.into_inner(),
        })
    }
}

/// The query string of a list of contacts, companies or deals: a [`ListQuery`] whose
/// `cf.<key>` parameters become its custom field filters.
pub struct RecordListQuery<Q>(pub ListQuery<Q>);

impl<Q: DeserializeOwned + CustomFiltered> FromRequest for RecordListQuery<Q> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (rest, custom) = split_query(req.query_string());
        ready(ListQuery::<Q>::parse(&rest, req).map(|list| {
            RecordListQuery(ListQuery {
                filters: list.filters.with_custom_filters(custom),
                page: list.page,
            })
        }))
    }
}

impl<Q: DeserializeOwned> FromRequest for ListQuery<Q> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string(), req))
    }
}

/// What a path-tracking deserializer found wrong, as a 422 naming the field's path
/// (`widgets[2].kind`).
fn path_error<E: std::fmt::Display>(error: serde_path_to_error::Error<E>) -> ApiError {
    let path = error.path().to_string();
    let field = if path == "." { "body".to_owned() } else { path };
    let message = error.inner().to_string();
    let code = if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "required"
    } else {
        "invalid_value"
    };
    ApiError::Core(CoreError::Validation(vec![kite_shared::FieldError::new(
        &field, code, message,
    )]))
}

/// A JSON body like `web::Json`, whose type errors name the nested field at fault.
pub struct CheckedJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CheckedJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            serde_path_to_error::deserialize(value)
                .map(CheckedJson)
                .map_err(|e| path_error(e).into())
        })
    }
}

/// A query string like `web::Query`, whose errors name the parameter at fault.
pub struct CheckedQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for CheckedQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(CheckedQuery))
    }
}

/// A query string as `T`, its errors naming the parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(path_error)
}
