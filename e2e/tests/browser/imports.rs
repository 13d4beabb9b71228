//! Importing files: the wizard from upload to report, workbooks with several sheets,
//! undo, the history page and the server's reasons for refusing a file.

use kite_e2e::{Browser, PASSWORD, Server};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// German headers, semicolons, and one row whose email cannot be right.
const KONTAKTE: &str = "E-Mail;Vorname;Nachname;Firma\n\
    ada@example.com;Ada;Lovelace;Analytical Engines\n\
    alan@example.com;Alan;Turing;Bletchley Park\n\
    not-an-email;Grace;Hopper;Navy\n";

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the file to upload");
    path
}

/// A workbook whose first sheet is notes, and whose companies sit on the second sheet
/// under a header with stray spaces, hyphens and capitals.
fn firmen_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notizen").expect("sheet name");
    notes.write_string(0, 0, "Notiz").expect("cell");
    notes.write_string(1, 0, "Export vom Messestand").expect("cell");
    let sheet = book.add_worksheet();
    sheet.set_name("Firmen").expect("sheet name");
    for (col, header) in [" Firmenname ", "Web-Site", "BRANCHE"].into_iter().enumerate() {
        sheet
            .write_string(0, u16::try_from(col).expect("column"), header)
            .expect("cell");
    }
    for (row, cells) in [
        ["Initech", "https://www.initech.example", "Software"],
        ["Umbrella Corporation", "umbrella.example", "Pharma"],
    ]
    .into_iter()
    .enumerate()
    {
        for (col, cell) in cells.into_iter().enumerate() {
            sheet
                .write_string(
                    u32::try_from(row + 1).expect("row"),
                    u16::try_from(col).expect("column"),
                    cell,
                )
                .expect("cell");
        }
    }
    book.save_to_buffer().expect("an xlsx file")
}

/// Imports `csv` as contacts through the API with the suggested mapping and waits until
/// it is done; returns the import's id.
async fn import_through_api(server: &Server, token: &str, file_name: &str, csv: &str) -> String {
    let form = Form::new().text("entity", "contacts").part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name(file_name.to_owned()),
    );
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/imports", server.base_url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 201, "upload through the API");
    let uploaded: Value = response.json().await.expect("an upload answer");
    let id = uploaded["id"].as_str().expect("an import id").to_owned();
    let mapping = json!({"mapping": uploaded["suggested_mapping"], "duplicates": "skip"});
    server
        .api("PUT", &format!("/imports/{id}/mapping"), Some(token), mapping)
        .await;
    server
        .api("POST", &format!("/imports/{id}/run"), Some(token), json!({}))
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let import = server
            .api("GET", &format!("/imports/{id}"), Some(token), json!(null))
            .await;
        if import["status"] == "done" {
            return id;
        }
        assert!(Instant::now() < deadline, "the import never finished: {import}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn total(server: &Server, token: &str, path: &str) -> u64 {
    let page = server.api("GET", path, Some(token), json!(null)).await;
    page["total"].as_u64().expect("a total")
}

async fn selected_field(browser: &Browser, column: &str) -> String {
    browser
        .value(&format!(
            "[data-testid=mapping-table] tr[data-column='{column}'] select"
        ))
        .await
}

#[tokio::test]
async fn a_semicolon_csv_with_german_headers_goes_through_every_step_to_the_report() {
    let server = Server::start().await;
    let email = server.signup("Analytical Engines").await;
    let admin = server.api_login(&email).await;
    let files = tempfile::tempdir().expect("a folder for the file");
    let file = write_file(files.path(), "kontakte.csv", KONTAKTE.as_bytes());

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.click("[data-testid=import-records]").await;
    browser.wait_for_path("/imports/new").await;
    browser
        .find("input[data-testid=import-file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .expect("choose the file");

    // A file of one sheet goes straight on to the mapping, with the headers recognised.
    browser.find("[data-testid=mapping-table]").await;
    for (column, field) in [
        ("E-Mail", "email"),
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("Firma", "company"),
    ] {
        assert_eq!(selected_field(&browser, column).await, field, "{column}");
    }
    browser
        .wait_for_text(
            "[data-testid=mapping-table] tr[data-column='E-Mail']",
            "ada@example.com",
        )
        .await;
    browser.screenshots_in_both_themes("import-mapping").await;

    browser.click("[data-testid=mapping-next]").await;
    browser.find("[data-testid=dry-run]").await;
    for (count, value) in [("rows", "3"), ("created", "2"), ("failed", "1")] {
        browser
            .wait_for_text(&format!("[data-testid=dry-run] [data-count={count}] dd"), value)
            .await;
    }
    browser
        .wait_for_text("[data-testid=row-errors]", "Enter a valid email address")
        .await;
    assert_eq!(
        total(&server, &admin, "/contacts").await,
        0,
        "the dry run wrote contacts"
    );

    browser.click("[data-testid=run-import]").await;
    browser
        .wait_for_text("[data-testid=import-report] [data-testid=import-status]", "Done")
        .await;
    for (count, value) in [("rows", "3"), ("created", "2"), ("skipped", "0"), ("failed", "1")] {
        browser
            .wait_for_text(&format!("[data-testid=import-report] [data-count={count}] dd"), value)
            .await;
    }
    browser
        .wait_for_text("[data-testid=import-report] [data-testid=row-errors]", "Email")
        .await;
    browser.find("[data-testid=download-failed]").await;
    browser.screenshots_in_both_themes("import-report").await;

    let contacts = server
        .api("GET", "/contacts?sort=last_name", Some(&admin), json!(null))
        .await;
    assert_eq!(contacts["total"], 2, "{contacts}");
    assert_eq!(contacts["items"][0]["email"], "ada@example.com", "{contacts}");
    assert_eq!(contacts["items"][1]["email"], "alan@example.com", "{contacts}");

    browser.click("[data-testid=open-imported]").await;
    browser.wait_for_path("/contacts").await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "Ada Lovelace")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn an_xlsx_workbook_with_a_messy_header_imports_companies_from_the_chosen_sheet() {
    let server = Server::start().await;
    let email = server.signup("Initrode").await;
    let admin = server.api_login(&email).await;
    let files = tempfile::tempdir().expect("a folder for the file");
    let file = write_file(files.path(), "firmen.xlsx", &firmen_workbook());

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/companies").await;
    browser.click("[data-testid=import-records]").await;
    browser.wait_for_path("/imports/new").await;
    let companies = browser.find("input[name=entity][value=companies]").await;
    assert_eq!(
        companies.prop("checked").await.expect("checked").as_deref(),
        Some("true"),
        "the companies list's Import button did not choose companies"
    );
    browser
        .find("input[data-testid=import-file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .expect("choose the file");

    // The first sheet is read until the user picks another.
    browser
        .wait_for_text("[data-testid=import-file-summary]", "1 columns")
        .await;
    browser
        .find("#field-sheet")
        .await
        .select_by_label("Firmen")
        .await
        .expect("choose the sheet");
    browser
        .wait_for_text("[data-testid=import-file-summary]", "3 columns")
        .await;
    browser.click("[data-testid=upload-next]").await;

    browser.find("[data-testid=mapping-table]").await;
    for (column, field) in [("Firmenname", "name"), ("Web-Site", "website"), ("BRANCHE", "industry")] {
        assert_eq!(selected_field(&browser, column).await, field, "{column}");
    }
    browser.click("[data-testid=mapping-next]").await;
    browser
        .wait_for_text("[data-testid=dry-run] [data-count=created] dd", "2")
        .await;
    browser.click("[data-testid=run-import]").await;
    browser
        .wait_for_text("[data-testid=import-report] [data-testid=import-status]", "Done")
        .await;
    browser
        .wait_for_text("[data-testid=import-report] [data-count=created] dd", "2")
        .await;
    assert!(
        !browser.exists("[data-testid=download-failed]").await,
        "failed rows are offered when none failed"
    );

    let list = server
        .api("GET", "/companies?sort=name", Some(&admin), json!(null))
        .await;
    assert_eq!(list["total"], 2, "{list}");
    assert_eq!(list["items"][0]["name"], "Initech", "{list}");
    assert_eq!(list["items"][0]["industry"], "Software", "{list}");
    assert_eq!(list["items"][1]["name"], "Umbrella Corporation", "{list}");
    browser.close().await;
}

#[tokio::test]
async fn undoing_an_import_from_its_report_removes_the_records_it_created() {
    let server = Server::start().await;
    let email = server.signup("Difference Engines").await;
    let admin = server.api_login(&email).await;
    let id = import_through_api(&server, &admin, "kontakte.csv", KONTAKTE).await;
    assert_eq!(total(&server, &admin, "/contacts").await, 2);

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(&format!("/imports/{id}")).await;
    browser
        .wait_for_text("[data-testid=import-report] [data-count=created] dd", "2")
        .await;
    browser.click("[data-testid=undo-import]").await;
    browser.wait_for_text(".modal", "go to the trash").await;
    browser.click_text(".modal button", "Undo import").await;
    browser.wait_for_text(".toaster", "The import was undone.").await;
    browser
        .wait_for_text("[data-testid=import-report] [data-testid=import-status]", "Undone")
        .await;
    assert!(
        !browser.exists("[data-testid=undo-import]").await,
        "an undone import offers to be undone again"
    );

    assert_eq!(total(&server, &admin, "/contacts").await, 0);
    browser.close().await;
}

#[tokio::test]
async fn the_imports_page_lists_past_imports_and_opens_their_report() {
    let server = Server::start().await;
    let email = server.signup("Bletchley Park").await;
    let admin = server.api_login(&email).await;
    let id = import_through_api(&server, &admin, "kontakte.csv", KONTAKTE).await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.click_text(".nav-link", "Imports").await;
    browser.wait_for_path("/imports").await;
    let row = format!("[data-testid=imports-table] tr[data-id='{id}']");
    for text in ["kontakte.csv", "Contacts", "Done", "2 created", "1 failed"] {
        browser.wait_for_text(&row, text).await;
    }
    browser.click(&format!("{row} a")).await;
    browser.wait_for_path(&format!("/imports/{id}")).await;
    browser
        .wait_for_text("[data-testid=import-report] [data-count=failed] dd", "1")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_spreadsheet_is_refused_with_the_servers_reason() {
    let server = Server::start().await;
    let email = server.signup("Navy").await;
    let files = tempfile::tempdir().expect("a folder for the file");
    let file = write_file(
        files.path(),
        "photo.csv",
        &[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0, 1, 2, 3],
    );

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/imports/new").await;
    browser
        .find("input[data-testid=import-file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .expect("choose the file");
    browser
        .wait_for_text("[data-testid=upload-error]", "not a text or spreadsheet file")
        .await;
    assert!(
        !browser.exists("[data-testid=mapping-table]").await,
        "a refused file went on to the mapping"
    );
    browser.close().await;
}
