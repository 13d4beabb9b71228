//! The browser suite: a user's view of Kite in headless Chromium.

mod auth;
mod crm;
mod settings;
mod shell;
