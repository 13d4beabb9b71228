use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::Element;
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The default pipeline's stages, in board order: (id, name).
pub(crate) async fn stages(server: &Server, token: &str) -> Vec<(String, String)> {
    let pipelines = server.api("GET", "/pipelines", Some(token), json!(null)).await;
    pipelines[0]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().expect("id").to_owned(),
                s["name"].as_str().expect("name").to_owned(),
            )
        })
        .collect()
}

async fn create_deal(server: &Server, token: &str, body: Value) -> String {
    let deal = server.api("POST", "/deals", Some(token), body).await;
    deal["id"].as_str().expect("a deal id").to_owned()
}

async fn deal(server: &Server, token: &str, id: &str) -> Value {
    server
        .api("GET", &format!("/deals/{id}"), Some(token), json!(null))
        .await
}

/// Waits until the server has the deal in `stage_id`: the board moves the card at once and
/// saves in the background.
pub(crate) async fn wait_for_stage(server: &Server, token: &str, id: &str, stage_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let deal = deal(server, token, id).await;
        if deal["stage_id"] == stage_id {
            return deal;
        }
        assert!(Instant::now() < deadline, "the deal never reached {stage_id}: {deal}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) fn column(n: usize) -> String {
    format!("[data-testid=board-column]:nth-child({n})")
}

/// Presses on `card` and moves a few steps away, as a hand would, so the board sees a drag.
async fn press_and_start_dragging(browser: &Browser, card: Element) {
    let start = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: card,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 4.0,
            y: 2.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 20.0,
            y: 10.0,
        });
    browser.client.perform_actions(start).await.expect("press and move");
}

async fn drop_on(browser: &Browser, target: Element) {
    let finish = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: target.clone(),
            duration: Some(Duration::from_millis(250)),
            x: 0.0,
            y: -5.0,
        })
        .then(PointerAction::MoveToElement {
            element: target,
            duration: Some(Duration::from_millis(100)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.client.perform_actions(finish).await.expect("move and drop");
}

pub(crate) async fn drag(browser: &Browser, card_css: &str, target_css: &str) {
    let card = browser.find(card_css).await;
    press_and_start_dragging(browser, card).await;
    let target = browser.find(target_css).await;
    drop_on(browser, target).await;
    browser.client.release_actions().await.expect("release");
}

#[tokio::test]
async fn a_deal_is_created_on_the_board_dragged_to_the_next_stage_and_its_move_is_kept() {
    let server = Server::start().await;
    let email = server.signup("Initrode").await;
    let admin = server.api_login(&email).await;
    let stages = stages(&server, &admin).await;
    let company = server
        .api(
            "POST",
            "/companies",
            Some(&admin),
            json!({"name": "Initech", "domain": "initech.com"}),
        )
        .await;
    let company_id = company["id"].as_str().expect("a company id").to_owned();
    server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Peter", "last_name": "Gibbons", "email": "peter@initech.com", "company_id": company_id}),
        )
        .await;
    // Two currencies in one column: the header shows two totals, never one sum.
    for (title, minor, currency, stage) in [
        ("Umbrella expansion", 4_200_000, "EUR", 1),
        ("Cyberdyne pilot", 950_000, "USD", 1),
        ("Tyrell support plan", 1_800_000, "EUR", 2),
        ("Soylent renewal", 720_000, "GBP", 3),
    ] {
        create_deal(
            &server,
            &admin,
            json!({"title": title, "value": {"minor": minor, "currency": currency}, "stage_id": stages[stage].0,
                   "expected_close": "2031-03-15"}),
        )
        .await;
    }

    let browser = Browser::open(&server, 1440, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/deals").await;
    browser.wait_for_text(&column(2), "Cyberdyne pilot").await;
    browser.wait_for_text(&column(2), "$9,500.00").await;
    browser.wait_for_text(&column(2), "€42,000.00").await;

    browser.click("[data-testid=new-deal]").await;
    browser.fill(".modal #field-title", "Initech renewal").await;
    browser.fill(".modal #field-value", "12500").await;
    browser.wait_for_text(".modal #field-company_id", "Initech").await;
    browser
        .find(".modal #field-company_id")
        .await
        .select_by_label("Initech")
        .await
        .expect("choose the company");
    browser.wait_for_text(".modal .contact-picker", "Peter Gibbons").await;
    browser.click(".modal .contact-picker input[type=checkbox]").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toast", "Initech renewal was created").await;
    browser.wait_for_text(&column(1), "Initech renewal").await;
    browser.wait_for_text(&column(1), "€12,500.00").await;

    let found = server.api("GET", "/deals?q=Initech", Some(&admin), json!(null)).await;
    let id = found["items"][0]["id"].as_str().expect("the new deal").to_owned();
    drag(&browser, &format!("[data-deal-id='{id}']"), &column(2)).await;
    // The card lands at once; the server has it soon after.
    browser.wait_for_text(&column(2), "Initech renewal").await;
    let moved = wait_for_stage(&server, &admin, &id, &stages[1].0).await;
    assert_eq!(moved["status"], "open");
    browser
        .wait_for_text(".toast", "Initech renewal moved to Qualified")
        .await;

    browser.goto("/deals").await;
    browser.wait_for_text(&column(2), "Initech renewal").await;
    browser.wait_for_text_gone(&column(1), "Initech renewal").await;

    browser.click(&format!("[data-deal-id='{id}'] .deal-card-title")).await;
    browser.wait_for_path(&format!("/deals/{id}")).await;
    browser.wait_for_text("h1", "Initech renewal").await;
    browser
        .wait_for_text("[data-testid=stage-history]", "Lead in → Qualified")
        .await;
    browser.wait_for_text("[data-testid=stage-history]", "Ada Admin").await;
    browser
        .wait_for_text("[data-testid=deal-details]", "Peter Gibbons")
        .await;
    browser.wait_for_text("[data-testid=deal-details]", "Initech").await;

    // A note from the deal's page lands on its timeline.
    browser
        .fill("[data-testid=quick-actions] textarea", "Wants a three-year term.")
        .await;
    browser.click("[data-testid=quick-actions] button[type=submit]").await;
    browser.wait_for_text(".toast", "Note added").await;
    browser
        .wait_for_text("[data-testid=timeline]", "Wants a three-year term.")
        .await;

    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto("/deals").await;
        browser.wait_for_text(&column(2), "Initech renewal").await;
        browser.wait_for_text(&column(2), "AA").await;
        browser.screenshot(&format!("board-{theme}")).await;
        browser.goto(&format!("/deals/{id}")).await;
        browser
            .wait_for_text("[data-testid=stage-history]", "Lead in → Qualified")
            .await;
        browser.wait_for_text("[data-testid=timeline]", "three-year").await;
        browser.screenshot(&format!("deal-{theme}")).await;
    }
    browser.client.set_window_size(390, 844).await.expect("phone width");
    browser.goto("/deals").await;
    browser.wait_for_text(&column(2), "Initech renewal").await;
    browser.screenshot("board-phone").await;
    let sideways = "return document.documentElement.scrollWidth > document.documentElement.clientWidth";
    assert_eq!(
        browser.script(sideways).await,
        false,
        "the page, not just the board, scrolls sideways"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_move_to_menu_moves_a_deal_by_keyboard_and_lost_asks_why() {
    let server = Server::start().await;
    let email = server.signup("Vandelay").await;
    let admin = server.api_login(&email).await;
    let stages = stages(&server, &admin).await;
    let id = create_deal(
        &server,
        &admin,
        json!({"title": "Latex order", "value": {"minor": 50_000, "currency": "USD"}}),
    )
    .await;
    let other = create_deal(
        &server,
        &admin,
        json!({"title": "Import deal", "value": {"minor": 80_000, "currency": "USD"}}),
    )
    .await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/deals").await;
    browser.wait_for_text(&column(1), "Latex order").await;

    // Keyboard only: Enter on the card's move button, Enter on a stage.
    let enter = "\u{E007}";
    let button = browser
        .find(&format!("[data-deal-id='{id}'] [data-testid=move-to]"))
        .await;
    button.send_keys(enter).await.expect("open the menu");
    browser
        .find(".move-option[data-stage-name=Meeting]")
        .await
        .send_keys(enter)
        .await
        .expect("choose");
    browser.wait_for_text(&column(3), "Latex order").await;
    wait_for_stage(&server, &admin, &id, &stages[2].0).await;

    // Lost by the menu: the reason is required.
    let button = browser
        .find(&format!("[data-deal-id='{id}'] [data-testid=move-to]"))
        .await;
    button.send_keys(enter).await.expect("open the menu");
    browser.click(".move-option[data-stage-name=Lost]").await;
    browser.wait_for_text(".modal", "Why was it lost?").await;
    browser.click(".modal button[type=submit]").await;
    browser
        .wait_for_text("#field-lost_reason-error", "Say why the deal was lost")
        .await;
    browser.fill("#field-lost_reason", "Went with a cheaper supplier").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toast", "Latex order was marked lost").await;
    browser.wait_for_text_gone("[data-testid=board]", "Latex order").await;
    let lost = wait_for_stage(&server, &admin, &id, &stages[6].0).await;
    assert_eq!(lost["status"], "lost");
    assert_eq!(lost["lost_reason"], "Went with a cheaper supplier");

    // Dragging onto the Lost zone asks too; cancelling sends nothing.
    let card = browser.find(&format!("[data-deal-id='{other}']")).await;
    press_and_start_dragging(&browser, card).await;
    let zone = browser.find("[data-testid=drop-lost]").await;
    browser.screenshot("board-dragging").await;
    drop_on(&browser, zone).await;
    browser.client.release_actions().await.expect("release");
    browser.wait_for_text(".modal", "Why was it lost?").await;
    browser.click_text(".modal button", "Cancel").await;
    assert_eq!(deal(&server, &admin, &other).await["stage_id"], stages[0].0);
    browser.wait_for_text(&column(1), "Import deal").await;

    // Dragging onto Won closes the deal.
    let card = browser.find(&format!("[data-deal-id='{other}']")).await;
    press_and_start_dragging(&browser, card).await;
    let zone = browser.find("[data-testid=drop-won]").await;
    drop_on(&browser, zone).await;
    browser.client.release_actions().await.expect("release");
    browser.wait_for_text(".toast", "Import deal was won").await;
    let won = wait_for_stage(&server, &admin, &other, &stages[5].0).await;
    assert_eq!(won["status"], "won");
    browser.close().await;
}

#[tokio::test]
async fn a_viewer_sees_the_board_but_cannot_create_or_move_deals() {
    let server = Server::start().await;
    let admin_email = server.signup("Globex").await;
    let admin = server.api_login(&admin_email).await;
    let stages = stages(&server, &admin).await;
    let id = create_deal(
        &server,
        &admin,
        json!({"title": "Hammock district", "value": {"minor": 10_000, "currency": "EUR"}}),
    )
    .await;
    server.add_user(&admin_email, "viewer@globex.example", "viewer").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login("viewer@globex.example", PASSWORD).await;
    browser.goto("/deals").await;
    browser.wait_for_text(&column(1), "Hammock district").await;
    assert!(
        !browser.exists("[data-testid=new-deal]").await,
        "a viewer is offered New deal"
    );
    assert!(
        !browser.exists("[data-testid=move-to]").await,
        "a viewer is offered Move to"
    );
    assert!(
        !browser.exists("[data-testid=quick-add]").await,
        "a viewer is offered quick add"
    );

    drag(&browser, &format!("[data-deal-id='{id}']"), &column(2)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !browser.exists("[data-testid=drop-won]").await,
        "a viewer's press became a drag"
    );
    assert_eq!(deal(&server, &admin, &id).await["stage_id"], stages[0].0);
    browser.wait_for_text(&column(1), "Hammock district").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_of_an_empty_organization_loads_demo_data_from_the_dashboard() {
    let server = Server::start().await;
    let email = server.signup("Empty Co").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.find("[data-testid=demo-offer]").await;
    browser.screenshot("dashboard-empty-light").await;
    browser
        .click_text("[data-testid=demo-offer] button", "Load demo data")
        .await;
    // The toast shows for 4 s from the moment the board opens: read it first.
    browser.wait_for_text(".toast", "Loaded 40 companies").await;
    browser.wait_for_path("/deals").await;
    browser.screenshot("board-demo-light").await;
    browser.goto("/").await;
    browser
        .find("[data-testid=pipeline-widget] [data-testid=stage-count]")
        .await;
    // The offer is gone once there are records.
    browser.wait_gone("[data-testid=demo-offer]").await;
    browser.close().await;
}

#[tokio::test]
async fn a_deal_moved_elsewhere_moves_on_an_open_board_without_a_reload() {
    let server = Server::start().await;
    let email = server.signup("Initrode").await;
    let admin = server.api_login(&email).await;
    let stages = stages(&server, &admin).await;
    let id = create_deal(
        &server,
        &admin,
        json!({"title": "Moved by a colleague", "value": {"minor": 500_000, "currency": "EUR"}, "stage_id": stages[0].0}),
    )
    .await;

    let browser = Browser::open(&server, 1440, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/deals").await;
    browser.wait_for_text(&column(1), "Moved by a colleague").await;
    // Survives only as long as the page is not loaded again.
    browser.script("window.kiteStillHere = true; return true;").await;

    // Another session (a colleague, another tab) moves it.
    server
        .api(
            "POST",
            &format!("/deals/{id}/move"),
            Some(&admin),
            json!({"stage_id": stages[2].0}),
        )
        .await;
    browser.wait_for_text(&column(3), "Moved by a colleague").await;
    browser.wait_for_text_gone(&column(1), "Moved by a colleague").await;
    assert_eq!(
        browser.script("return window.kiteStillHere === true;").await,
        json!(true),
        "the board changed in place"
    );
    browser.close().await;
}
