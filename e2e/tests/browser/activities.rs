use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::json;

#[tokio::test]
async fn my_tasks_groups_by_due_day_a_ticked_task_leaves_and_a_new_task_is_listed() {
    let server = Server::start().await;
    let email = server.signup("Globex").await;
    let admin = server.api_login(&email).await;
    let company = server
        .api("POST", "/companies", Some(&admin), json!({"name": "Initech"}))
        .await;
    let company_id = company["id"].as_str().expect("a company id").to_owned();

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    // "Today" is the browser's today, so the test asks the browser where it is.
    let offset = browser
        .script("return -new Date().getTimezoneOffset()")
        .await
        .as_i64()
        .expect("an offset");
    let offset = Duration::minutes(offset);
    let now = Utc::now();
    let local_midnight = (now + offset)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        - offset;
    let later_today = (now + Duration::hours(1)).min(local_midnight + Duration::days(1) - Duration::minutes(1));
    let overdue = now - Duration::days(2);
    for (subject, due, link) in [
        ("Call back Initech", overdue, Some(&company_id)),
        ("Send the proposal", later_today, None),
    ] {
        server
            .api(
                "POST",
                "/activities",
                Some(&admin),
                json!({"kind": "task", "subject": subject, "due_at": due, "company_id": link}),
            )
            .await;
    }

    browser.goto("/activities").await;
    browser
        .wait_for_text("[data-testid=tasks-overdue]", "Call back Initech")
        .await;
    browser
        .wait_for_text("[data-testid=tasks-today]", "Send the proposal")
        .await;
    // The link names the record, not just its kind.
    browser
        .wait_for_text("[data-testid=tasks-overdue] .related-link", "Initech")
        .await;
    browser
        .wait_for_text("[data-testid=activities-table]", "Call back Initech")
        .await;

    browser.click("[data-testid=tasks-overdue] input[type=checkbox]").await;
    browser.wait_for_text(".toast", "Done").await;
    browser
        .wait_for_text_gone("[data-testid=my-tasks]", "Call back Initech")
        .await;
    browser
        .wait_for_text("[data-testid=my-tasks]", "Send the proposal")
        .await;

    // The due time is typed in the user's time zone and stored in UTC.
    browser.click("[data-testid=add-task]").await;
    browser.fill(".modal #field-subject", "Book the demo room").await;
    browser
        .script(
            "const input = document.querySelector('.modal #field-due_at');
             input.value = '2031-03-14T09:30';
             input.dispatchEvent(new Event('input', { bubbles: true }));
             return true",
        )
        .await;
    browser.fill(".modal #field-body", "Room 4 has the big screen.").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toast", "Task added").await;
    browser
        .wait_for_text("[data-testid=tasks-upcoming]", "Book the demo room")
        .await;
    browser
        .wait_for_text("[data-testid=activities-table]", "Book the demo room")
        .await;
    let found = server
        .api("GET", "/activities?kind=task&done=false", Some(&admin), json!(null))
        .await;
    let added = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["subject"] == "Book the demo room")
        .expect("the new task")
        .clone();
    let wall_clock = NaiveDateTime::parse_from_str("2031-03-14T09:30", "%Y-%m-%dT%H:%M").expect("a time");
    let due: DateTime<Utc> = serde_json::from_value(added["due_at"].clone()).expect("a due time");
    // The browser's offset on that day, which may differ from today's (daylight saving).
    let then_offset = browser
        .script("return -new Date(2031, 2, 14, 9, 30).getTimezoneOffset()")
        .await
        .as_i64()
        .expect("an offset");
    assert_eq!(due, wall_clock.and_utc() - Duration::minutes(then_offset));

    // One more overdue task, so the pictures show the Overdue group too.
    server
        .api(
            "POST",
            "/activities",
            Some(&admin),
            json!({"kind": "task", "subject": "Renew the support contract", "due_at": overdue}),
        )
        .await;
    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto("/activities").await;
        browser
            .wait_for_text("[data-testid=tasks-today]", "Send the proposal")
            .await;
        browser
            .wait_for_text("[data-testid=activities-table]", "Call back Initech")
            .await;
        browser
            .wait_for_text("[data-testid=tasks-overdue]", "Renew the support contract")
            .await;
        browser.screenshot(&format!("activities-{theme}")).await;
    }
    browser.client.set_window_size(390, 844).await.expect("phone width");
    browser.goto("/activities").await;
    browser
        .wait_for_text("[data-testid=tasks-today]", "Send the proposal")
        .await;
    browser.screenshot("activities-phone").await;
    let sideways = "return document.documentElement.scrollWidth > document.documentElement.clientWidth";
    assert_eq!(browser.script(sideways).await, false, "the page scrolls sideways");
    browser.close().await;
}
