//! Who is signed in, shared by every page through context.

use crate::api;
use kite_shared::Permission;
use kite_shared::auth::{AuthResponse, MeResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// Asking the server whether the refresh cookie still holds a session.
    Checking,
    SignedOut,
    SignedIn(MeResponse),
}

#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
}

impl Session {
    pub fn me(&self) -> Option<MeResponse> {
        match self.state.get() {
            SessionState::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.state.with(|s| match s {
            SessionState::SignedIn(me) => me.permissions.contains(&permission),
            _ => false,
        })
    }

    /// Adopts a fresh session from sign-in, sign-up or an accepted invitation.
    pub fn start(&self, auth: AuthResponse) {
        api::set_access_token(Some(auth.access_token.clone()));
        let state = self.state;
        spawn_local(async move {
            match api::get::<MeResponse>("/me").await {
                Ok(me) => state.set(SessionState::SignedIn(me)),
                Err(_) => state.set(SessionState::SignedOut),
            }
        });
    }

    /// Replaces what the app shows about the user (after a profile change).
    pub fn update(&self, me: MeResponse) {
        self.state.set(SessionState::SignedIn(me));
    }

    pub fn sign_out(&self) {
        let state = self.state;
        spawn_local(async move {
            api::logout().await;
            state.set(SessionState::SignedOut);
        });
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Creates the session context and restores a session from the refresh cookie, so a
/// reload keeps the user signed in without keeping any token in storage.
pub fn provide_session() -> Session {
    let session = Session {
        state: RwSignal::new(SessionState::Checking),
    };
    provide_context(session);
    let state = session.state;
    api::on_session_lost(move || state.set(SessionState::SignedOut));
    api::listen_to_other_tabs(
        move |auth| {
            api::set_access_token(Some(auth.access_token));
        },
        move || {
            api::set_access_token(None);
            state.set(SessionState::SignedOut);
        },
    );
    spawn_local(async move {
        let restored = match api::refresh().await {
            Ok(_) => api::get::<MeResponse>("/me").await.ok(),
            Err(_) => None,
        };
        state.set(match restored {
            Some(me) => SessionState::SignedIn(me),
            None => SessionState::SignedOut,
        });
    });
    session
}
