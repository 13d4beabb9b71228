use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PAGE: &str = "/settings/pipelines";

/// The organization's only (default) pipeline, as the API has it.
async fn pipeline(server: &Server, token: &str) -> Value {
    let pipelines = server.api("GET", "/pipelines", Some(token), json!(null)).await;
    pipelines[0].clone()
}

fn stage_names(pipeline: &Value) -> Vec<String> {
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["name"].as_str().expect("a name").to_owned())
        .collect()
}

fn stage_id(pipeline: &Value, name: &str) -> String {
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["id"].as_str())
        .unwrap_or_else(|| panic!("no stage {name} in {pipeline}"))
        .to_owned()
}

/// The stage rows of the page, top to bottom.
async fn rows_shown(browser: &Browser) -> Vec<String> {
    let names = browser
        .script(
            "return Array.from(document.querySelectorAll('[data-testid=stage-row]'))
                .map(r => r.getAttribute('data-stage-name'))",
        )
        .await;
    serde_json::from_value(names).expect("a list of names")
}

fn row(name: &str) -> String {
    format!("[data-testid=stage-row][data-stage-name='{name}']")
}

async fn wait_until_gone(browser: &Browser, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while browser.exists(css).await {
        assert!(Instant::now() < deadline, "`{css}` is still on the page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_admin_drags_the_third_stage_to_the_top_and_the_order_stays_after_a_reload() {
    let server = Server::start().await;
    let email = server.signup("Stark Industries").await;
    let admin = server.api_login(&email).await;
    assert_eq!(
        stage_names(&pipeline(&server, &admin).await),
        [
            "Lead in",
            "Qualified",
            "Meeting",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;

    // A real press, travel and release, as a hand on a mouse would: up past two rows,
    // ending in the upper half of the first one.
    let handle = browser
        .find(&format!("{} [data-testid=stage-handle]", row("Meeting")))
        .await;
    let top = browser.find(&row("Lead in")).await;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: handle,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 0.0,
            y: -10.0,
        })
        .then(PointerAction::MoveToElement {
            element: top,
            duration: Some(Duration::from_millis(400)),
            x: 0.0,
            y: -12.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.client.perform_actions(drag).await.expect("drag the stage");
    browser.client.release_actions().await.expect("release");

    let expected = [
        "Meeting",
        "Lead in",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ];
    browser.wait_for_text(".toaster", "“Meeting” moved to position 1").await;
    assert_eq!(rows_shown(&browser).await, expected);
    assert_eq!(stage_names(&pipeline(&server, &admin).await), expected);

    browser.client.refresh().await.expect("reload");
    browser.find(&row("Meeting")).await;
    assert_eq!(rows_shown(&browser).await, expected, "after a reload");

    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto(PAGE).await;
        browser.find(&row("Negotiation")).await;
        browser.screenshot(&format!("pipelines-{theme}")).await;
    }
    browser.client.set_window_size(390, 844).await.expect("phone width");
    browser.goto(PAGE).await;
    browser.find(&row("Negotiation")).await;
    browser.screenshot("pipelines-phone").await;
    let sideways = "return document.documentElement.scrollWidth > document.documentElement.clientWidth";
    assert_eq!(browser.script(sideways).await, false, "the page scrolls sideways");
    browser.close().await;
}

#[tokio::test]
async fn the_move_down_button_reorders_stages_by_keyboard() {
    let server = Server::start().await;
    let email = server.signup("Oscorp").await;
    let admin = server.api_login(&email).await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;

    let enter = "\u{E007}";
    browser
        .find(&format!("{} [data-move=down]", row("Lead in")))
        .await
        .send_keys(enter)
        .await
        .expect("move down");
    browser.wait_for_text(".toaster", "“Lead in” moved to position 2").await;
    // The focus stays on the moved stage's button, so Enter again moves it further.
    let focused = "return document.activeElement.closest('[data-testid=stage-row]').getAttribute('data-stage-name')";
    assert_eq!(browser.script(focused).await, "Lead in");
    assert_eq!(
        stage_names(&pipeline(&server, &admin).await),
        [
            "Qualified",
            "Lead in",
            "Meeting",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    browser.close().await;
}

#[tokio::test]
async fn deleting_a_stage_that_holds_a_deal_asks_where_to_move_it_and_the_move_is_in_its_history() {
    let server = Server::start().await;
    let email = server.signup("Wayne Enterprises").await;
    let admin = server.api_login(&email).await;
    let before = pipeline(&server, &admin).await;
    let (qualified, meeting) = (stage_id(&before, "Qualified"), stage_id(&before, "Meeting"));
    let deal = server
        .api(
            "POST",
            "/deals",
            Some(&admin),
            json!({"title": "Batcave retrofit", "value": {"minor": 1_000_000, "currency": "USD"}, "stage_id": qualified}),
        )
        .await;
    let deal_id = deal["id"].as_str().expect("a deal id").to_owned();

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;
    browser
        .click(&format!("{} [data-testid=delete-stage]", row("Qualified")))
        .await;
    browser.wait_for_text(".modal", "Delete this stage?").await;
    browser.click_text(".modal button", "Delete stage").await;

    browser
        .wait_for_text("[data-testid=move-deals-dialog]", "Move its 1 deal to…")
        .await;
    browser
        .click("[data-testid=move-deals-dialog] input[data-stage-name='Meeting']")
        .await;
    browser.screenshot("pipelines-move-deals-light").await;
    browser
        .click_text("[data-testid=move-deals-dialog] button", "Move and delete")
        .await;
    browser
        .wait_for_text(".toaster", "Stage “Qualified” deleted; its 1 deal moved to “Meeting”")
        .await;
    wait_until_gone(&browser, &row("Qualified")).await;
    assert!(!browser.exists("[data-testid=move-deals-dialog]").await);

    let after = pipeline(&server, &admin).await;
    assert_eq!(
        stage_names(&after),
        ["Lead in", "Meeting", "Proposal", "Negotiation", "Won", "Lost"]
    );
    let moved = server
        .api("GET", &format!("/deals/{deal_id}"), Some(&admin), json!(null))
        .await;
    assert_eq!(moved["stage_id"], meeting.as_str());
    let history = server
        .api("GET", &format!("/deals/{deal_id}/history"), Some(&admin), json!(null))
        .await;
    let changes = history["items"].as_array().expect("a history");
    assert!(
        changes
            .iter()
            .any(|c| c["from_stage_id"] == qualified.as_str() && c["to_stage_id"] == meeting.as_str()),
        "no Qualified → Meeting move in {history}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_viewer_reads_the_pipelines_but_gets_no_controls_to_change_them() {
    let server = Server::start().await;
    let admin_email = server.signup("Daily Planet").await;
    server.add_user(&admin_email, "viewer@planet.example", "viewer").await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login("viewer@planet.example", PASSWORD).await;
    browser.goto(PAGE).await;
    browser.find(&row("Negotiation")).await;
    assert_eq!(
        rows_shown(&browser).await,
        [
            "Lead in",
            "Qualified",
            "Meeting",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    for control in [
        "[data-testid=stage-handle]",
        "[data-testid=delete-stage]",
        "[data-testid=new-pipeline]",
        "[data-testid=new-stage-name]",
        "[data-testid=stage-list] input",
    ] {
        assert!(!browser.exists(control).await, "a viewer is offered {control}");
    }
    browser.close().await;
}

#[tokio::test]
async fn a_reorder_the_server_refuses_is_rolled_back_with_a_toast() {
    let server = Server::start().await;
    let email = server.signup("Queen Consolidated").await;
    let admin = server.api_login(&email).await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;
    browser.find(&row("Proposal")).await;
    // Someone else deletes a stage meanwhile, so the order this page sends is stale.
    let proposal = stage_id(&pipeline(&server, &admin).await, "Proposal");
    server
        .api("DELETE", &format!("/stages/{proposal}"), Some(&admin), json!(null))
        .await;

    browser.click(&format!("{} [data-move=down]", row("Lead in"))).await;
    browser
        .wait_for_text(".toast-error", "The new order was not saved")
        .await;
    assert_eq!(
        rows_shown(&browser).await,
        [
            "Lead in",
            "Qualified",
            "Meeting",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ],
        "the page shows the order it had"
    );
    assert_eq!(
        stage_names(&pipeline(&server, &admin).await),
        ["Lead in", "Qualified", "Meeting", "Negotiation", "Won", "Lost"]
    );
    browser.close().await;
}

#[tokio::test]
async fn stages_are_added_renamed_and_given_a_probability_in_place() {
    let server = Server::start().await;
    let email = server.signup("Kord Industries").await;
    let admin = server.api_login(&email).await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;

    browser.fill("[data-testid=new-stage-name]", "Demo").await;
    browser.click_text(".add-stage button", "Add stage").await;
    browser.wait_for_text(".toaster", "Stage “Demo” added.").await;
    let name = browser.find(&format!("{} .stage-name-input", row("Demo"))).await;
    name.send_keys("\u{E009}a\u{E000}Product demo\u{E007}")
        .await
        .expect("rename");
    browser
        .wait_for_text(".toaster", "Stage “Demo” renamed to “Product demo”.")
        .await;
    let probability = browser
        .find(&format!("{} .probability-input", row("Product demo")))
        .await;
    probability
        .send_keys("\u{E009}a\u{E000}101\u{E007}")
        .await
        .expect("type a probability out of range");
    browser
        .wait_for_text(&row("Product demo"), "Use a whole number from 0 to 100.")
        .await;
    probability
        .send_keys("\u{E009}a\u{E000}60\u{E007}")
        .await
        .expect("type a probability");
    browser
        .wait_for_text(".toaster", "“Product demo” now starts deals at 60%.")
        .await;

    let after = pipeline(&server, &admin).await;
    assert_eq!(
        stage_names(&after),
        [
            "Lead in",
            "Qualified",
            "Meeting",
            "Proposal",
            "Negotiation",
            "Product demo",
            "Won",
            "Lost"
        ]
    );
    let demo = &after["stages"][5];
    assert_eq!(demo["probability"], 60);
    browser.close().await;
}

#[tokio::test]
async fn an_admin_creates_renames_makes_default_and_deletes_a_pipeline() {
    let server = Server::start().await;
    let email = server.signup("LexCorp").await;
    let admin = server.api_login(&email).await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;

    browser.click("[data-testid=new-pipeline]").await;
    browser.fill(".modal #field-name", "Partners").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toaster", "Pipeline “Partners” created.").await;
    browser
        .wait_for_text("[aria-selected=true][data-testid=pipeline-tab]", "Partners")
        .await;
    let name = browser.find(".pipeline-name-input").await;
    name.send_keys("\u{E009}a\u{E000}Channel partners\u{E007}")
        .await
        .expect("rename");
    browser
        .wait_for_text(".toaster", "Pipeline renamed to “Channel partners”.")
        .await;
    browser.click("[data-testid=make-default]").await;
    browser
        .wait_for_text(".toaster", "“Channel partners” is now the default pipeline.")
        .await;
    browser.find("[data-testid=default-badge]").await;

    // The default pipeline cannot be deleted, so it offers no delete.
    assert!(!browser.exists("[data-testid=delete-pipeline]").await);

    browser.click_text("[data-testid=pipeline-tab]", "Sales").await;
    browser.click("[data-testid=make-default]").await;
    browser
        .wait_for_text(".toaster", "“Sales” is now the default pipeline.")
        .await;
    browser
        .click_text("[data-testid=pipeline-tab]", "Channel partners")
        .await;
    browser.click("[data-testid=delete-pipeline]").await;
    browser.click_text(".modal button", "Delete pipeline").await;
    browser
        .wait_for_text(".toaster", "Pipeline “Channel partners” was deleted.")
        .await;
    browser
        .wait_for_text("[aria-selected=true][data-testid=pipeline-tab]", "Sales")
        .await;

    let pipelines = server.api("GET", "/pipelines", Some(&admin), json!(null)).await;
    let list = pipelines.as_array().expect("pipelines");
    assert_eq!(list.len(), 1, "{pipelines}");
    assert_eq!(list[0]["name"], "Sales");
    assert_eq!(list[0]["is_default"], true);
    browser.close().await;
}
