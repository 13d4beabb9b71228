//! Extractors: who is calling ([`Auth`]), from where ([`Client`]), and which page of a
//! list it asks for ([`ListQuery`]).

use crate::error::{ApiError, query_error};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::{LocalBoxFuture, Ready, ready};
use kite_core::{AuthFailure, ClientInfo, CoreError, Ctx};
use kite_shared::page::{PAGE_KEYS, PageQuery};
use serde::de::DeserializeOwned;

/// The request's client address and user agent. The address is the TCP peer: Kite does
/// not trust `X-Forwarded-For`, which any client can set.
pub struct Client(pub ClientInfo);

pub fn client_info(req: &HttpRequest) -> ClientInfo {
    ClientInfo {
        ip: req.peer_addr().map(|addr| addr.ip().to_string()),
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

/// A signed-in user: a valid bearer token of a user who is still active.
pub struct Auth(pub Ctx);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let client = client_info(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Core(CoreError::Internal("application state missing".into())))?;
            let token = token.ok_or(ApiError::Core(CoreError::Unauthenticated(AuthFailure::MissingToken)))?;
            Ok(Auth(state.kite.auth().authenticate(&token, client).await?))
        })
    }
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
        let filters = web::Query::<Q>::from_query(&filters.join("&")).map_err(|e| query_error(e, req))?;
        let page = web::Query::<PageQuery>::from_query(&paging.join("&")).map_err(|e| query_error(e, req))?;
        Ok(Self {
            filters: filters.into_inner(),
            page: page.into_inner(),
        })
    }
}

impl<Q: DeserializeOwned> FromRequest for ListQuery<Q> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string(), req))
    }
}
