//! Extractors: who is calling ([`Auth`]) and from where ([`Client`]).

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::{LocalBoxFuture, Ready, ready};
use kite_core::{AuthFailure, ClientInfo, CoreError, Ctx};

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
