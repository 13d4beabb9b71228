//! Insights in the browser: scores on the contacts list with their reasons, the scoring
//! models page, the forecast with its backtest, and scores on the board's cards, on the
//! demo data.

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Loads the demo data and trains the scoring models on it, waiting for the job.
async fn demo_with_scores(server: &Server, token: &str) {
    server.api("POST", "/demo-data", Some(token), json!({})).await;
    let job = server
        .api("POST", "/insights/models/train", Some(token), json!({}))
        .await;
    let id = job["id"].as_str().expect("a training job").to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job: Value = server
            .api("GET", &format!("/jobs/{id}"), Some(token), json!(null))
            .await;
        if job["status"] == "succeeded" {
            return;
        }
        assert!(Instant::now() < deadline, "training never finished: {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The scores of the list's rows, top to bottom.
async fn scores_shown(browser: &Browser) -> Vec<i64> {
    browser
        .script(
            "return [...document.querySelectorAll('[data-testid=contacts-table] td[data-column=score] .score')]\
             .map(b => Number(b.dataset.score))",
        )
        .await
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn contacts_sort_by_score_with_reasons_on_hover_and_insights_show_models_the_backtest_and_board_scores() {
    let server = Server::start().await;
    let email = server.signup("Globex").await;
    let token = server.api_login(&email).await;
    demo_with_scores(&server, &token).await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser
        .find("[data-testid=contacts-table] td[data-column=score] .score")
        .await;
    browser.click("th[data-column=score] button").await;
    browser.find("th[data-column=score][aria-sort=descending]").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let scores = loop {
        let scores = scores_shown(&browser).await;
        if scores.len() > 5 && scores.windows(2).all(|w| w[0] >= w[1]) {
            break scores;
        }
        assert!(Instant::now() < deadline, "the list never sorted by score: {scores:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let best = server
        .api("GET", "/contacts?sort=-score&per_page=1", Some(&token), json!(null))
        .await;
    assert_eq!(
        Some(scores[0]),
        best["items"][0]["score"]["value"].as_i64(),
        "the best score first"
    );

    let top = browser
        .find("[data-testid=contacts-table] td[data-column=score] .score")
        .await;
    let hover = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element: top,
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    browser.client.perform_actions(hover).await.expect("hover the score");
    browser
        .wait_for_text(".score-card", &format!("Score {}", scores[0]))
        .await;
    browser.find(".score-card .score-factors li").await;
    browser.screenshots_in_both_themes("contacts-by-score").await;

    browser.goto("/insights").await;
    browser
        .wait_for_text(
            "[data-testid=model-deal] [data-testid=model-method]",
            "Learnt from your won and lost deals",
        )
        .await;
    browser
        .find("[data-testid=model-deal] [data-testid=model-weights] li")
        .await;
    browser
        .find("[data-testid=model-deal] [data-testid=chart][data-drawn='1']")
        .await;
    browser.screenshots_in_both_themes("insights-models").await;

    browser
        .click("nav[aria-label=Insights] a[href='/insights/forecast']")
        .await;
    browser.find("[data-testid=forecast-method]").await;
    let current = browser
        .script("return [...document.querySelectorAll('nav[aria-label=Insights] a[aria-current=page]')].map(a => a.textContent)")
        .await;
    assert_eq!(current, json!(["Forecast"]), "only the forecast's tab is current");
    browser.wait_for_text("[data-testid=backtest-error]", "%").await;
    browser
        .find("[data-testid=backtest] [data-testid=chart][data-drawn='1']")
        .await;
    browser.find("[data-testid=forecast-owners] tbody tr").await;
    browser.screenshots_in_both_themes("forecast").await;

    // The board's cards carry their deal's score too.
    browser.goto("/deals").await;
    browser.find(".deal-card .deal-card-foot [data-score]").await;
    browser.close().await;
}

#[tokio::test]
async fn a_next_best_action_becomes_a_task_in_one_click_and_a_dismissed_one_stays_away() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let token = server.api_login(&email).await;
    let deal = server
        .api(
            "POST",
            "/deals",
            Some(&token),
            json!({"title": "Umbrella renewal", "expected_close": "2026-01-15"}),
        )
        .await;
    let deal_id = deal["id"].as_str().expect("a deal").to_owned();

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser
        .wait_for_text(
            "[data-testid=next-actions] [data-testid=suggestion][data-kind=close_date_passed]",
            "Umbrella renewal",
        )
        .await;
    browser.screenshots_in_both_themes("next-actions-home").await;

    // The list redraws as scoring updates the deal: clicks retry on a fresh element.
    browser
        .click_text(
            "[data-testid=next-actions] [data-testid=suggestion] a.next-action-title",
            "Umbrella renewal",
        )
        .await;
    browser.wait_for_path(&format!("/deals/{deal_id}")).await;
    let next_step = "[data-testid=next-actions] [data-testid=suggestion][data-kind=no_next_step]";
    browser.wait_for_text(next_step, "Nothing planned next").await;
    browser
        .click_text(&format!("{next_step} [data-testid=suggestion-act]"), "Create task")
        .await;
    browser.wait_gone(next_step).await;
    let tasks = server
        .api(
            "GET",
            &format!("/activities?deal_id={deal_id}"),
            Some(&token),
            json!(null),
        )
        .await;
    assert_eq!(
        tasks["items"][0]["subject"], "Next step for Umbrella renewal",
        "{tasks}"
    );
    assert!(tasks["items"][0]["done_at"].is_null());

    browser
        .click_text(
            "[data-testid=next-actions] [data-testid=suggestion][data-kind=close_date_passed] [data-testid=suggestion-dismiss]",
            "Dismiss",
        )
        .await;
    browser.find("[data-testid=next-actions-empty]").await;
    browser.goto("/").await;
    browser.find("[data-testid=next-actions-empty]").await;
    browser.close().await;
}
