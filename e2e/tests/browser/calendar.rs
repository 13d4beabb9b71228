//! The calendar: a meeting is created on a day, dragged to another day, moved one more
//! day by keyboard, and the moves are what the API then returns.

use crate::deals::drag;
use chrono::{Datelike, NaiveDate, Utc};
use fantoccini::key::Key;
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::Value;

fn cell(day: NaiveDate) -> String {
    format!("[data-day='{}']", day.format("%Y-%m-%d"))
}

async fn start_of(server: &Server, token: &str, id: &str) -> String {
    let activity: Value = server
        .api("GET", "/activities?kind=meeting", Some(token), Value::Null)
        .await;
    let found = activity["items"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["id"] == id))
        .cloned()
        .unwrap_or(Value::Null);
    found["due_at"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_meeting_created_on_the_calendar_is_dragged_to_another_day_and_moved_by_keyboard() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let token = server.api_login(&email).await;
    // Days of the month on screen, away from its edges.
    let today = Utc::now().date_naive();
    let day = |d: u32| NaiveDate::from_ymd_opt(today.year(), today.month(), d).expect("a day");
    let (first, second, third) = (day(10), day(12), day(13));

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/calendar").await;
    browser.find("[data-testid=calendar-grid]").await;
    browser.click(&format!("{} .cal-add", cell(first))).await;
    browser.fill("#field-subject", "Demo with Initech").await;
    browser.fill("#field-location", "Room 4").await;
    browser.screenshots_in_both_themes("calendar-new-event").await;
    browser.click_text(".modal button[type=submit]", "Save").await;
    browser.wait_for_text(&cell(first), "Demo with Initech").await;
    let id = browser
        .script(&format!(
            "return document.querySelector(\"{} [data-event-id]\").dataset.eventId",
            cell(first)
        ))
        .await;
    let id = id.as_str().expect("the event's id").to_owned();
    let chip = format!("[data-event-id='{id}']");
    let before = start_of(&server, &token, &id).await;

    drag(&browser, &chip, &cell(second)).await;
    browser.wait_for_text(&cell(second), "Demo with Initech").await;
    browser.wait_for_text_gone(&cell(first), "Demo with Initech").await;
    let after = start_of(&server, &token, &id).await;
    assert_eq!(
        &after[..10],
        second.format("%Y-%m-%d").to_string(),
        "moved to the day it was dropped on"
    );
    assert_eq!(&after[10..], &before[10..], "at the same time of day");
    browser.screenshots_in_both_themes("calendar-month").await;

    let alt_right = format!("{}{}", Key::Alt, Key::Right);
    browser
        .find(&chip)
        .await
        .send_keys(&alt_right)
        .await
        .expect("Alt+Right");
    browser.wait_for_text(&cell(third), "Demo with Initech").await;
    let moved = start_of(&server, &token, &id).await;
    assert_eq!(
        &moved[..10],
        third.format("%Y-%m-%d").to_string(),
        "the keyboard moved it a day"
    );

    browser.click_text(".segmented-option", "Agenda").await;
    browser
        .find("[data-testid=calendar-grid], [data-testid=calendar-agenda], .cal-agenda-empty")
        .await;
    browser.click_text(".segmented-option", "Week").await;
    browser.find("[data-testid=calendar-grid]").await;
    browser.close().await;
}
