use crate::format::initials;
use crate::session::use_session;
use crate::theme::use_theme;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_use_color_mode::ColorMode;
use leptos_use_on_click_outside::on_click_outside;

/// The avatar button of the top bar: who you are, your profile, the theme, sign out.
#[component]
pub fn UserMenu() -> impl IntoView {
    let session = use_session();
    let theme = use_theme();
    let open = RwSignal::new(false);
    let menu = NodeRef::<leptos::html::Div>::new();
    let _ = on_click_outside(menu, move |_| open.set(false));
    let _ = leptos_use_event_listener::use_event_listener(
        leptos_use_document::use_document(),
        leptos::ev::keydown,
        move |ev| {
            if ev.key() == "Escape" {
                open.set(false);
            }
        },
    );
    let name = move || session.me().map(|m| m.user.name).unwrap_or_default();
    let email = move || session.me().map(|m| m.user.email).unwrap_or_default();
    let role = move || session.me().map(|m| m.user.role.label()).unwrap_or_default();
    let theme_button = move |mode: ColorMode, label: &'static str, icon: icondata::Icon| {
        let selected = {
            let mode = mode.clone();
            move || theme.mode.get() == mode
        };
        view! {
            <button
                class="theme-option"
                role="menuitemradio"
                aria-checked=move || selected().to_string()
                data-theme-choice=label.to_lowercase()
                on:click=move |_| theme.set_mode.set(mode.clone())
            >
                <Icon icon=icon />
                <span>{label}</span>
            </button>
        }
    };
    view! {
        <div class="user-menu" node_ref=menu>
            <button
                class="avatar-button"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-label="Account menu"
                data-testid="user-menu"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar">{move || initials(&name())}</span>
                <Icon icon=icondata::LuChevronDown />
            </button>
            <Show when=move || open.get()>
                <div class="menu" role="menu">
                    <div class="menu-header">
                        <strong>{name}</strong>
                        <span class="muted">{email}</span>
                        <span class="badge">{role}</span>
                    </div>
                    <A href="/settings/profile" attr:class="menu-item" attr:role="menuitem" on:click=move |_| open.set(false)>
                        <Icon icon=icondata::LuUser />
                        "Profile"
                    </A>
                    <div class="menu-section" role="group" aria-label="Theme">
                        <span class="menu-label">"Theme"</span>
                        <div class="theme-options">
                            {theme_button(ColorMode::Auto, "System", icondata::LuMonitor)}
                            {theme_button(ColorMode::Light, "Light", icondata::LuSun)}
                            {theme_button(ColorMode::Dark, "Dark", icondata::LuMoon)}
                        </div>
                    </div>
                    <button class="menu-item" role="menuitem" data-testid="sign-out" on:click=move |_| {
                        open.set(false);
                        session.sign_out();
                    }>
                        <Icon icon=icondata::LuLogOut />
                        "Sign out"
                    </button>
                </div>
            </Show>
        </div>
    }
}
