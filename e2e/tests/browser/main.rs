//! The browser suite: a user's view of Kite in headless Chromium.

mod activities;
mod auth;
mod crm;
mod deals;
mod merge;
mod settings;
mod shell;
