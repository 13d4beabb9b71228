//! The frame around every signed-in page: sidebar, top bar, and the settings tabs.

mod shell;
mod user_menu;

pub use shell::{AppShell, SettingsLayout};
