//! Light and dark themes: follows the system until the user picks one, remembered in
//! localStorage. index.html applies the stored choice before the app loads, so there is
//! no flash of the wrong theme.

use leptos::prelude::*;
use leptos_use_color_mode::{ColorMode, UseColorModeOptions, UseColorModeReturn, use_color_mode_with_options};

pub const STORAGE_KEY: &str = "kite-theme";

#[derive(Clone, Copy)]
pub struct Theme {
    pub mode: Signal<ColorMode>,
    pub set_mode: WriteSignal<ColorMode>,
}

pub fn provide_theme() {
    let UseColorModeReturn { mode, set_mode, .. } = use_color_mode_with_options(
        UseColorModeOptions::default()
            .storage_key(STORAGE_KEY)
            .attribute("data-theme")
            .target("html")
            .emit_auto(false),
    );
    provide_context(Theme { mode, set_mode });
}

pub fn use_theme() -> Theme {
    expect_context::<Theme>()
}
