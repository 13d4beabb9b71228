//! Scheduled exports: setting one up through the dialog, the server's reasons on the
//! fields, running one now (run history, download, the email in the outbox), scheduling a
//! list from its Export menu, and who is offered the page.

use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::{Value, json};

const PAGE: &str = "/settings/scheduled-exports";

fn row(name: &str) -> String {
    format!("[data-testid=schedule][data-name='{name}']")
}

#[tokio::test]
async fn an_admin_schedules_a_weekly_export_and_sees_when_it_runs_next() {
    let server = Server::start().await;
    let email = server.signup("Vandelay Industries").await;
    let admin = server.api_login(&email).await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/profile").await;
    browser.click_text(".tabs a", "Scheduled exports").await;
    browser.wait_for_path(PAGE).await;
    browser.wait_for_text(".empty-state", "No scheduled exports yet").await;

    browser.click("[data-testid=new-schedule]").await;
    browser.fill(".modal #field-name", "Weekly VIPs").await;
    browser.fill(".modal #field-filters", "tag=vip").await;
    browser.choose(".modal #field-frequency", "Every week").await;
    browser.choose(".modal #field-weekday", "Monday").await;
    assert_eq!(browser.value(".modal #field-time").await, "08:00");
    browser.fill(".modal #field-time_zone", "Europe/Berlin").await;
    assert_eq!(
        browser.value(".modal #field-recipients").await,
        email,
        "a new schedule is not sent to its author"
    );
    // The shared rules name the address that cannot be one before anything is sent.
    browser
        .fill(".modal #field-recipients", "boss@vandelay.example\nart-at-vandelay")
        .await;
    browser.click(".modal button[type=submit]").await;
    browser
        .wait_for_text(
            ".modal #field-recipients-error",
            "art-at-vandelay: Enter a valid email address.",
        )
        .await;
    browser
        .fill(
            ".modal #field-recipients",
            "boss@vandelay.example, art@vandelay.example",
        )
        .await;
    browser
        .wait_for_text_gone(".modal .field:has(#field-recipients)", "Enter a valid")
        .await;
    browser.screenshots_in_both_themes("scheduled-export-dialog").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toaster", "“Weekly VIPs” was scheduled.").await;
    browser.wait_gone(".modal").await;

    let listed = row("Weekly VIPs");
    browser
        .wait_for_text(
            &format!("{listed} [data-testid=schedule-when]"),
            "Every Monday at 08:00 (Europe/Berlin)",
        )
        .await;
    browser
        .wait_for_text(
            &format!("{listed} [data-testid=schedule-recipients]"),
            "art@vandelay.example",
        )
        .await;
    browser.wait_for_text(&listed, "Contacts · CSV").await;
    browser
        .wait_for_text(&format!("{listed} [data-testid=last-run]"), "Never")
        .await;
    // The next run is the server's, written in the browser's own time zone and locale.
    let schedules = server.api("GET", "/scheduled-exports", Some(&admin), json!(null)).await["items"].clone();
    let next = schedules[0]["next_run_at"].clone();
    assert!(next.is_string(), "{schedules}");
    let local: Value = browser
        .client
        .execute(
            "return new Date(arguments[0]).toLocaleString('default', {dateStyle: 'medium', timeStyle: 'short'})",
            vec![next],
        )
        .await
        .expect("format the next run");
    let local = local.as_str().expect("a date").to_owned();
    browser
        .wait_for_text(&format!("{listed} [data-testid=next-run]"), &local)
        .await;
    browser.screenshots_in_both_themes("scheduled-exports").await;

    // A cron expression only the server can read is refused next to the field.
    browser.click(&format!("{listed} [data-testid=edit-schedule]")).await;
    assert_eq!(browser.value(".modal #field-name").await, "Weekly VIPs");
    browser.choose(".modal #field-frequency", "Cron expression").await;
    browser.fill(".modal #field-cron", "every monday morning").await;
    browser.click(".modal button[type=submit]").await;
    browser
        .wait_for_text(".modal #field-cron-error", "Not a cron expression")
        .await;
    assert!(browser.exists(".modal").await, "the dialog closed on a refusal");
    browser.fill(".modal #field-cron", "30 7 * * 1-5").await;
    browser
        .wait_for_text_gone(".modal .field:has(#field-cron)", "Not a cron expression")
        .await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toaster", "“Weekly VIPs” was saved.").await;
    browser
        .wait_for_text(
            &format!("{listed} [data-testid=schedule-when]"),
            "Cron 30 7 * * 1-5 (Europe/Berlin)",
        )
        .await;

    // Paused, it has no next run; deleted, it leaves the list.
    browser.click(&format!("{listed} [data-testid=schedule-enabled]")).await;
    browser.wait_for_text(".toaster", "“Weekly VIPs” is paused.").await;
    browser
        .wait_for_text(&format!("{listed} [data-testid=next-run]"), "Paused")
        .await;
    let paused = server.api("GET", "/scheduled-exports", Some(&admin), json!(null)).await["items"].clone();
    assert_eq!(paused[0]["enabled"], false, "{paused}");
    browser.click(&format!("{listed} [data-testid=delete-schedule]")).await;
    browser.wait_for_text(".modal", "“Weekly VIPs” stops running").await;
    browser.click_text(".modal button", "Delete").await;
    browser.wait_for_text(".toaster", "“Weekly VIPs” was deleted.").await;
    browser.wait_for_text(".empty-state", "No scheduled exports yet").await;
    let left = server.api("GET", "/scheduled-exports", Some(&admin), json!(null)).await["items"].clone();
    assert_eq!(left, json!([]));
    browser.close().await;
}

#[tokio::test]
async fn run_now_emails_the_vip_contacts_and_the_run_can_be_downloaded() {
    let server = Server::start().await;
    let email = server.signup("Kramerica").await;
    let admin = server.api_login(&email).await;
    for (first, last, address, tags) in [
        ("Jerry", "Seinfeld", "jerry@kramerica.example", json!(["vip"])),
        ("Elaine", "Benes", "elaine@kramerica.example", json!(["vip"])),
        ("Newman", "Postman", "newman@kramerica.example", json!([])),
    ] {
        server
            .api(
                "POST",
                "/contacts",
                Some(&admin),
                json!({"first_name": first, "last_name": last, "email": address, "tags": tags}),
            )
            .await;
    }
    server
        .api(
            "POST",
            "/scheduled-exports",
            Some(&admin),
            json!({
                "name": "VIP contacts",
                "entity": "contacts",
                "format": "csv",
                "filters": "tag=vip&sort=last_name",
                "schedule": {"frequency": "daily", "time": "07:00", "time_zone": "UTC"},
                "recipients": ["kramer@kramerica.example"],
                "enabled": true,
            }),
        )
        .await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(PAGE).await;
    let listed = row("VIP contacts");
    browser
        .wait_for_text(&format!("{listed} [data-testid=last-run]"), "Never")
        .await;
    browser.click(&format!("{listed} [data-testid=run-now]")).await;
    // The toaster holds every toast; the job may finish while the first one still shows.
    browser.wait_for_text(".toaster", "“VIP contacts” is running").await;
    browser
        .wait_for_text(".toaster", "“VIP contacts” was exported and emailed.")
        .await;
    let run = format!("{listed} [data-testid=run-history] [data-testid=run][data-status=succeeded]");
    browser
        .wait_for_text(&format!("{run} [data-testid=run-rows]"), "2")
        .await;
    browser
        .wait_for_text(&format!("{run} [data-testid=run-delivery]"), "Attached")
        .await;
    browser
        .wait_for_text(&format!("{listed} [data-testid=last-run]"), "Succeeded")
        .await;
    browser.screenshots_in_both_themes("scheduled-export-runs").await;

    browser.click(&format!("{run} [data-testid=download-run]")).await;
    let (name, csv) = browser.downloaded().await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(name, format!("vip-contacts-{today}.csv"));
    // Excel reads UTF-8 only after a byte order mark.
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("Kite id,First name,Last name,Email"),
        "{csv}"
    );
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[0].contains("elaine@kramerica.example"), "{csv}");
    assert!(rows[1].contains("jerry@kramerica.example"), "{csv}");

    browser.goto("/settings/outbox").await;
    browser.click_text(".mail-head", "Kite export: VIP contacts").await;
    browser
        .wait_for_text(".mail-body", "Your scheduled export \"VIP contacts\" is attached")
        .await;
    browser.wait_for_text(".mail-attachments", &name).await;
    browser.close().await;
}

#[tokio::test]
async fn a_lists_export_menu_schedules_the_list_as_it_is_filtered() {
    let server = Server::start().await;
    let email = server.signup("Pendant Publishing").await;
    let admin = server.api_login(&email).await;
    for name in ["Pendant Publishing", "Vandelay Industries"] {
        server
            .api("POST", "/companies", Some(&admin), json!({"name": name}))
            .await;
    }
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/companies").await;
    let table = "[data-testid=companies-table]";
    browser.wait_for_text(table, "Vandelay Industries").await;
    browser.fill("input[aria-label='Search companies']", "pendant").await;
    // The search reaches the list (and its export) after a pause in typing.
    browser.wait_for_text_gone(table, "Vandelay Industries").await;
    browser.click("[data-testid=export-menu]").await;
    browser.click("[data-testid=schedule-export]").await;

    browser.wait_for_path(PAGE).await;
    browser.find(".modal [data-testid=schedule-form]").await;
    assert_eq!(browser.value(".modal #field-entity").await, "companies");
    assert_eq!(browser.value(".modal #field-name").await, "Companies export");
    assert_eq!(browser.value(".modal #field-filters").await, "q=pendant&sort=name");
    browser.click(".modal button[type=submit]").await;
    browser
        .wait_for_text(".toaster", "“Companies export” was scheduled.")
        .await;
    let schedules = server.api("GET", "/scheduled-exports", Some(&admin), json!(null)).await["items"].clone();
    assert_eq!(schedules[0]["entity"], "companies", "{schedules}");
    assert_eq!(schedules[0]["filters"], "q=pendant&sort=name", "{schedules}");

    // The request left the address: a reload shows the page, not the dialog again.
    browser.client.refresh().await.expect("reload");
    browser.find(&row("Companies export")).await;
    assert!(!browser.exists(".modal").await, "the dialog opened again on a reload");
    browser.close().await;
}

#[tokio::test]
async fn a_sales_rep_is_not_offered_scheduled_exports() {
    let server = Server::start().await;
    let admin_email = server.signup("Monk's Café").await;
    let rep_email = unique_email("rep");
    server.add_user(&admin_email, &rep_email, "sales_rep").await;
    let rep = server.api_login(&rep_email).await;
    assert_eq!(server.api_status("/scheduled-exports", &rep).await, 403);

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&rep_email, PASSWORD).await;
    browser.goto("/settings/profile").await;
    let tabs = browser.find(".tabs").await.text().await.expect("tabs");
    assert!(tabs.contains("Tags"), "{tabs}");
    assert!(
        !tabs.contains("Scheduled exports"),
        "a sales rep is offered scheduled exports: {tabs}"
    );
    browser.goto(PAGE).await;
    browser
        .wait_for_text(".empty-state", "Only managers and admins can schedule exports")
        .await;
    assert!(!browser.exists("[data-testid=new-schedule]").await);

    browser.goto("/contacts").await;
    browser.click("[data-testid=export-menu]").await;
    browser.find("[data-testid=export-csv]").await;
    assert!(
        !browser.exists("[data-testid=schedule-export]").await,
        "a sales rep's Export menu offers to schedule the export"
    );
    browser.close().await;
}
