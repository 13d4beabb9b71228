//! The one API client of the SPA. Every call goes through [`request`], which attaches the
//! access token, refreshes it once on a 401 and retries, and turns the error envelope
//! into [`ApiError`].

mod session_sync;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder};
use kite_shared::auth::AuthResponse;
use kite_shared::{ErrorBody, FieldError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;

pub use session_sync::{broadcast_logout, listen as listen_to_other_tabs};

const BASE: &str = "/api/v1";

/// A failed call, as the server described it (or as the network failed).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub errors: Vec<FieldError>,
    /// More about the problem, e.g. the contact that already has a `duplicate_email`.
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    fn network() -> Self {
        Self {
            status: 0,
            code: "network".into(),
            message: "Kite cannot be reached. Check your connection and try again.".into(),
            errors: Vec::new(),
            details: None,
        }
    }

    fn unexpected(status: u16) -> Self {
        Self {
            status,
            code: "unexpected_response".into(),
            message: format!("Kite answered in an unexpected way ({status}). Try again."),
            errors: Vec::new(),
            details: None,
        }
    }
}

impl ApiError {
    /// What a record page shows for an address that cannot name a record.
    pub fn not_found(what: &str) -> Self {
        Self {
            status: 404,
            code: "not_found".into(),
            message: format!("No such {what}."),
            errors: Vec::new(),
            details: None,
        }
    }

    /// The first field's own message when the server named one, else the general one:
    /// for places without a form to put field errors beside.
    pub fn explained(&self) -> String {
        match self.errors.first() {
            Some(field) => format!("{} ({})", field.message, field.field),
            None => self.message.clone(),
        }
    }
}

impl From<ErrorBody> for ApiError {
    fn from(body: ErrorBody) -> Self {
        Self {
            status: body.status,
            code: body.code,
            message: body.message,
            errors: body.errors,
            details: body.details,
        }
    }
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<AuthResponse, ApiError>>>;

thread_local! {
    static ACCESS_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static REFRESHING: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
    static ON_SESSION_LOST: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

pub fn set_access_token(token: Option<String>) {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = token);
}

fn access_token() -> Option<String> {
    ACCESS_TOKEN.with(|t| t.borrow().clone())
}

/// Called when the session cannot be renewed, so the app can send the user to sign in.
pub fn on_session_lost(callback: impl Fn() + 'static) {
    ON_SESSION_LOST.with(|c| *c.borrow_mut() = Some(Box::new(callback)));
}

fn session_lost() {
    set_access_token(None);
    ON_SESSION_LOST.with(|c| {
        if let Some(callback) = c.borrow().as_ref() {
            callback();
        }
    });
}

/// What a request carries.
enum Body<'a> {
    None,
    Json(&'a serde_json::Value),
    /// A multipart form; the browser writes its boundary into the content type.
    Form(&'a web_sys::FormData),
}

async fn send(method: Method, path: &str, body: &Body<'_>) -> Result<gloo_net::http::Response, ApiError> {
    let mut builder = RequestBuilder::new(&format!("{BASE}{path}")).method(method);
    if let Some(token) = access_token() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Body::Json(json) => builder.json(json).map_err(|_| ApiError::network())?,
        Body::Form(form) => builder.body(*form).map_err(|_| ApiError::network())?,
        Body::None => builder.build().map_err(|_| ApiError::network())?,
    };
    request.send().await.map_err(|_| ApiError::network())
}

fn error_from(status: u16, text: &str) -> ApiError {
    match serde_json::from_str::<ErrorBody>(text) {
        Ok(body) => body.into(),
        Err(_) => ApiError::unexpected(status),
    }
}

/// Sends once, and on a 401 refreshes the session and sends again.
async fn send_signed_in(method: Method, path: &str, body: Body<'_>) -> Result<gloo_net::http::Response, ApiError> {
    let response = send(method.clone(), path, &body).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    match refresh().await {
        Ok(_) => send(method, path, &body).await,
        Err(error) => {
            session_lost();
            Err(error)
        }
    }
}

async fn decode<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, ApiError> {
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::network())?;
    if (200..300).contains(&status) {
        let text = if text.is_empty() { "null" } else { &text };
        return serde_json::from_str(text).map_err(|_| ApiError::unexpected(status));
    }
    Err(error_from(status, &text))
}

/// Calls the API as the signed-in user and decodes its JSON answer.
pub async fn request<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, ApiError> {
    let json = match body {
        Some(b) => Some(serde_json::to_value(b).map_err(|_| ApiError::unexpected(0))?),
        None => None,
    };
    let body = json.as_ref().map_or(Body::None, Body::Json);
    decode(send_signed_in(method, path, body).await?).await
}

/// Posts a multipart form (a file upload).
pub async fn post_form<T: DeserializeOwned>(path: &str, form: &web_sys::FormData) -> Result<T, ApiError> {
    decode(send_signed_in(Method::POST, path, Body::Form(form)).await?).await
}

/// A file the API sent as an attachment.
pub struct Download {
    /// From `Content-Disposition`, when the server named it.
    pub file_name: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// `filename="contacts-2026-01-31.csv"` out of a `Content-Disposition` header.
fn attachment_name(disposition: &str) -> Option<String> {
    let name = disposition
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename="))?
        .trim_matches('"');
    // A name is only a name: no path may come with it.
    let name = name.rsplit(['/', '\\']).next().unwrap_or_default();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Fetches a file with the session's token, which a plain link could not carry.
pub async fn download(path: &str) -> Result<Download, ApiError> {
    let response = send_signed_in(Method::GET, path, Body::None).await?;
    let status = response.status();
    if !(200..300).contains(&status) {
        let text = response.text().await.map_err(|_| ApiError::network())?;
        return Err(error_from(status, &text));
    }
    let headers = response.headers();
    let file_name = headers.get("content-disposition").as_deref().and_then(attachment_name);
    let content_type = headers
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let bytes = response.binary().await.map_err(|_| ApiError::network())?;
    Ok(Download {
        file_name,
        content_type,
        bytes,
    })
}

/// Hands bytes to the browser as a downloaded file.
pub fn save_file(name: &str, content_type: &str, bytes: &[u8]) -> Option<()> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download starts after this task; revoking the URL at once could cancel it.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    request(Method::GET, path, None::<&()>).await
}

pub async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    request(Method::POST, path, Some(body)).await
}

pub async fn patch<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    request(Method::PATCH, path, Some(body)).await
}

pub async fn put<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    request(Method::PUT, path, Some(body)).await
}

pub async fn delete(path: &str) -> Result<(), ApiError> {
    request(Method::DELETE, path, None::<&()>).await
}

/// For the routes that work without a session (sign-in, sign-up, reset): no token, no
/// refresh on failure.
pub async fn post_public<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    let json = serde_json::to_value(body).map_err(|_| ApiError::unexpected(0))?;
    let response = RequestBuilder::new(&format!("{BASE}{path}"))
        .method(Method::POST)
        .json(&json)
        .map_err(|_| ApiError::network())?
        .send()
        .await
        .map_err(|_| ApiError::network())?;
    decode(response).await
}

/// Trades the HttpOnly refresh cookie for a new access token. Concurrent callers in this
/// tab share one request; other tabs are coordinated by [`session_sync`] so that two
/// tabs never spend the same refresh token (which would end the session).
pub async fn refresh() -> Result<AuthResponse, ApiError> {
    let shared = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| session_sync::refresh_once().boxed_local().shared())
            .clone()
    });
    let result = shared.await;
    REFRESHING.with(|r| *r.borrow_mut() = None);
    if let Ok(auth) = &result {
        set_access_token(Some(auth.access_token.clone()));
    }
    result
}

/// Ends the session on the server (the cookie goes with the request) and in every tab.
pub async fn logout() {
    let _ = RequestBuilder::new(&format!("{BASE}/auth/logout"))
        .method(Method::POST)
        .send()
        .await;
    set_access_token(None);
    broadcast_logout();
}

/// Every query string of a list goes through here, so values are always encoded.
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter_map(|(key, value)| {
            let value = value.as_ref().filter(|v| !v.is_empty())?;
            let value: String = js_sys::encode_uri_component(value).into();
            Some(format!("{key}={value}"))
        })
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

/// `path` (a list's request) asking for the page after `cursor`; the first page without.
pub fn with_cursor(path: &str, cursor: Option<String>) -> String {
    match cursor {
        Some(cursor) => {
            let cursor: String = js_sys::encode_uri_component(&cursor).into();
            let joiner = if path.contains('?') { '&' } else { '?' };
            format!("{path}{joiner}cursor={cursor}")
        }
        None => path.to_owned(),
    }
}

/// Every page of a list that is short by nature (a deal's stage history), read page
/// after page by cursor.
pub async fn get_all<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, ApiError> {
    let mut items = Vec::new();
    let mut cursor = None;
    loop {
        let page: kite_shared::page::Page<T> = get(&with_cursor(path, cursor)).await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(items),
        }
    }
}
