//! Keeps several tabs of one browser on one session. Refresh tokens are single-use, so
//! two tabs refreshing with the same cookie at once would look like theft and end the
//! session. A tab about to refresh takes a short lock in localStorage; a tab that finds
//! the lock taken waits for the holder to broadcast the new access token instead.

use super::{ApiError, BASE, decode};
use gloo_net::http::{Method, RequestBuilder};
use gloo_timers::future::TimeoutFuture;
use kite_shared::auth::AuthResponse;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

const CHANNEL: &str = "kite-session";
const LOCK_KEY: &str = "kite.refresh-lock";
/// Longer than any refresh takes; a lock older than this was left by a closed tab.
const LOCK_MS: f64 = 8_000.0;

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    Refreshed { auth: Box<AuthResponse> },
    LoggedOut,
}

thread_local! {
    static CHANNEL_HANDLE: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
    static FROM_OTHER_TAB: RefCell<Option<AuthResponse>> = const { RefCell::new(None) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

fn channel() -> Option<web_sys::BroadcastChannel> {
    CHANNEL_HANDLE.with(|c| {
        if c.borrow().is_none() {
            *c.borrow_mut() = web_sys::BroadcastChannel::new(CHANNEL).ok();
        }
        c.borrow().clone()
    })
}

fn post(message: &Message) {
    if let (Some(channel), Ok(text)) = (channel(), serde_json::to_string(message)) {
        let _ = channel.post_message(&text.into());
    }
}

pub fn broadcast_logout() {
    post(&Message::LoggedOut);
}

/// Listens for the other tabs: a refreshed session is adopted, a logout is followed.
pub fn listen(on_refreshed: impl Fn(AuthResponse) + 'static, on_logged_out: impl Fn() + 'static) {
    let Some(channel) = channel() else { return };
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        match serde_json::from_str::<Message>(&text) {
            Ok(Message::Refreshed { auth }) => {
                FROM_OTHER_TAB.with(|f| *f.borrow_mut() = Some((*auth).clone()));
                GENERATION.with(|g| g.set(g.get() + 1));
                on_refreshed(*auth);
            }
            Ok(Message::LoggedOut) => on_logged_out(),
            Err(_) => {}
        }
    });
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The listener lives as long as the app.
    handler.forget();
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn lock_held_by_another_tab() -> bool {
    let now = js_sys::Date::now();
    storage()
        .and_then(|s| s.get_item(LOCK_KEY).ok().flatten())
        .and_then(|v| v.parse::<f64>().ok())
        .is_some_and(|taken_at| now - taken_at < LOCK_MS)
}

fn set_lock(taken: bool) {
    if let Some(storage) = storage() {
        let _ = if taken {
            storage.set_item(LOCK_KEY, &js_sys::Date::now().to_string())
        } else {
            storage.remove_item(LOCK_KEY)
        };
    }
}

pub(super) async fn refresh_once() -> Result<AuthResponse, ApiError> {
    if lock_held_by_another_tab() {
        let seen = GENERATION.with(Cell::get);
        let mut waited = 0.0;
        while waited < LOCK_MS {
            TimeoutFuture::new(100).await;
            waited += 100.0;
            if GENERATION.with(Cell::get) != seen
                && let Some(auth) = FROM_OTHER_TAB.with(|f| f.borrow().clone())
            {
                return Ok(auth);
            }
            if !lock_held_by_another_tab() {
                break;
            }
        }
    }
    set_lock(true);
    let result = async {
        let response = RequestBuilder::new(&format!("{BASE}/auth/refresh"))
            .method(Method::POST)
            .send()
            .await
            .map_err(|_| ApiError::network())?;
        decode::<AuthResponse>(response).await
    }
    .await;
    set_lock(false);
    if let Ok(auth) = &result {
        // The refresh token stays in its HttpOnly cookie; other tabs only need the rest.
        let mut shared = auth.clone();
        shared.refresh_token.clear();
        post(&Message::Refreshed { auth: Box::new(shared) });
    }
    result
}
