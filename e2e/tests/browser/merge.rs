use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::{Value, json};

fn id_of(record: &Value) -> String {
    record["id"].as_str().expect("an id").to_owned()
}

/// Sets the theme the SPA reads on start; the next `goto` shows it.
async fn use_theme(browser: &Browser, theme: &str) {
    browser
        .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
        .await;
}

#[tokio::test]
async fn duplicate_contacts_merge_through_the_dialog_keeping_the_chosen_email_and_every_link() {
    let server = Server::start().await;
    let email = server.signup("Analytical Engines").await;
    let admin = server.api_login(&email).await;
    let company = server
        .api(
            "POST",
            "/companies",
            Some(&admin),
            json!({"name": "Babbage & Co", "domain": "babbage.example"}),
        )
        .await;
    let company_id = id_of(&company);
    // Created one after the other, so the first is the older and stays by default.
    let older = server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@babbage.example",
                   "title": "Analyst", "company_id": company_id}),
        )
        .await;
    let newer = server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Ada", "last_name": "Lovelace", "email": "countess@lovelace.example",
                   "phone": "+44 20 7946 0000", "company_id": company_id}),
        )
        .await;
    let (older_id, newer_id) = (id_of(&older), id_of(&newer));
    let deal = server
        .api(
            "POST",
            "/deals",
            Some(&admin),
            json!({"title": "Difference engine upgrade", "value": {"minor": 1_200_000, "currency": "GBP"},
                   "company_id": company_id, "contact_ids": [newer_id]}),
        )
        .await;
    server
        .api(
            "POST",
            "/activities",
            Some(&admin),
            json!({"kind": "call", "subject": "Talked about the notes on the engine", "done": true,
                   "contact_id": newer_id}),
        )
        .await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.click("[data-testid=find-duplicates]").await;
    browser.wait_for_path("/contacts/duplicates").await;
    let pair = "[data-testid=duplicate-pair]";
    browser.wait_for_text(pair, "Same name and company").await;
    browser.wait_for_text(pair, "ada@babbage.example").await;
    browser.wait_for_text(pair, "countess@lovelace.example").await;

    for theme in ["light", "dark"] {
        use_theme(&browser, theme).await;
        browser.goto("/contacts/duplicates").await;
        browser.wait_for_text(pair, "Same name and company").await;
        browser.screenshot(&format!("duplicates-{theme}")).await;
        browser.click_text(&format!("{pair} button"), "Review & merge").await;
        // The counts arrive after the records: the picture waits for both.
        browser.wait_for_text("[data-testid=merge-summary]", "1 activity").await;
        browser.screenshot(&format!("merge-dialog-{theme}")).await;
        browser.click_text(".modal button", "Cancel").await;
    }

    browser.click_text(&format!("{pair} button"), "Review & merge").await;
    browser
        .wait_for_text(
            "[data-testid=merge-summary]",
            "1 activity and its deals, tags and timeline move to Ada Lovelace (ada@babbage.example",
        )
        .await;
    // Same name and company on both: nothing to choose there.
    browser
        .wait_for_text("[data-testid=merge-fields] tr[data-field=company_id]", "Same on both")
        .await;
    browser
        .click_text(".modal .merge-choice", "countess@lovelace.example")
        .await;
    browser.click("[data-testid=merge-submit]").await;
    browser.wait_for_text(".toast", "Merged into Ada Lovelace").await;
    browser.wait_for_path(&format!("/contacts/{older_id}")).await;
    let details = "[data-testid=contact-details]";
    browser.wait_for_text(details, "countess@lovelace.example").await;
    // The email not kept stays as an extra one; the phone only the other had comes along.
    browser.wait_for_text(details, "ada@babbage.example").await;
    browser.wait_for_text(details, "+44 20 7946 0000").await;
    browser.wait_for_text(details, "Analyst").await;

    assert_eq!(server.api_status(&format!("/contacts/{newer_id}"), &admin).await, 404);
    let deal = server
        .api("GET", &format!("/deals/{}", id_of(&deal)), Some(&admin), json!(null))
        .await;
    assert_eq!(deal["contact_ids"], json!([older_id]), "{deal}");
    let survivor = server
        .api("GET", &format!("/contacts/{older_id}"), Some(&admin), json!(null))
        .await;
    assert_eq!(survivor["email"], "countess@lovelace.example", "{survivor}");

    // The call moved with the contact, and its link names the contact it now belongs to.
    browser.goto("/activities").await;
    let link = "[data-testid=activities-table] .related-link";
    browser.wait_for_text(link, "Ada Lovelace").await;
    let href = browser
        .find(link)
        .await
        .attr("href")
        .await
        .expect("an href")
        .unwrap_or_default();
    assert!(href.ends_with(&format!("/contacts/{older_id}")), "{href}");
    browser.close().await;
}

#[tokio::test]
async fn a_company_is_merged_with_another_found_from_its_page() {
    let server = Server::start().await;
    let email = server.signup("Penetrode").await;
    let admin = server.api_login(&email).await;
    let initech = server
        .api(
            "POST",
            "/companies",
            Some(&admin),
            json!({"name": "Initech", "domain": "initech.com"}),
        )
        .await;
    let inc = server
        .api(
            "POST",
            "/companies",
            Some(&admin),
            json!({"name": "Initech Inc.", "industry": "Software"}),
        )
        .await;
    server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Milton", "last_name": "Waddams", "company_id": id_of(&inc)}),
        )
        .await;
    let initech_id = id_of(&initech);

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(&format!("/companies/{initech_id}")).await;
    browser.click("[data-testid=merge-with]").await;
    browser
        .fill("[data-testid=merge-picker] input[type=search]", "initech")
        .await;
    // The company itself is not offered.
    browser.click_text(".picker-option", "Initech Inc.").await;
    browser
        .wait_for_text(
            "[data-testid=merge-summary]",
            "1 contact and its tags and timeline move to Initech (initech.com",
        )
        .await;
    browser
        .wait_for_text("[data-testid=merge-fields] tr[data-field=industry]", "Software")
        .await;
    browser.click("[data-testid=merge-submit]").await;
    browser.wait_for_text(".toast", "Merged into Initech").await;
    browser
        .wait_for_text("[data-testid=company-contacts]", "Milton Waddams")
        .await;
    // The other's industry came along, since this one had none.
    browser.wait_for_text(".details", "Software").await;
    assert_eq!(
        server.api_status(&format!("/companies/{}", id_of(&inc)), &admin).await,
        404
    );
    browser.close().await;
}

#[tokio::test]
async fn a_sales_rep_is_offered_no_merging() {
    let server = Server::start().await;
    let admin_email = server.signup("Chotchkie's").await;
    let admin = server.api_login(&admin_email).await;
    let rep = unique_email("rep");
    server.add_user(&admin_email, &rep, "sales_rep").await;
    let joanna = server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Joanna", "last_name": "Smith"}),
        )
        .await;

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&rep, PASSWORD).await;
    browser.goto("/contacts").await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "Joanna Smith")
        .await;
    browser.find("[data-testid=new-contact]").await;
    assert!(!browser.exists("[data-testid=find-duplicates]").await);
    browser.goto("/companies").await;
    browser.wait_for_text(".empty-state", "No companies yet").await;
    assert!(!browser.exists("[data-testid=find-duplicates]").await);
    browser.goto(&format!("/contacts/{}", id_of(&joanna))).await;
    browser.wait_for_text("h1", "Joanna Smith").await;
    assert!(!browser.exists("[data-testid=merge-with]").await);
    browser.close().await;
}
