use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::json;

#[tokio::test]
async fn a_company_and_its_contact_are_created_through_the_ui() {
    let server = Server::start().await;
    let email = server.signup("Penetrode").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;

    browser.goto("/companies").await;
    browser.wait_for_text(".empty-state", "No companies yet").await;
    browser.click_text(".empty-state button", "New company").await;
    browser.fill(".modal #field-name", "Initech").await;
    browser.fill(".modal #field-domain", "not a domain").await;
    browser.click(".modal #field-industry").await;
    browser.wait_for_text("#field-domain-error", "acme.com").await;
    browser.fill(".modal #field-domain", "https://www.initech.com/").await;
    browser.fill(".modal #field-industry", "Software").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toast", "Initech was created").await;
    browser
        .wait_for_text("[data-testid=companies-table]", "initech.com")
        .await;
    browser
        .wait_for_text("[data-testid=companies-table]", "Ada Admin")
        .await;

    browser.goto("/contacts").await;
    browser.wait_for_text(".empty-state", "No contacts yet").await;
    for (first, last, address, company) in [
        ("Peter", "Gibbons", "peter@initech.com", Some("Initech")),
        ("Michael", "Bolton", "michael@example.com", None),
    ] {
        browser.click("[data-testid=new-contact]").await;
        browser.fill(".modal #field-first_name", first).await;
        browser.fill(".modal #field-last_name", last).await;
        browser.fill(".modal #field-email", address).await;
        browser.fill(".modal #field-title", "Engineer").await;
        if let Some(company) = company {
            browser.choose(".modal #field-company_id", company).await;
        }
        browser.click(".modal button[type=submit]").await;
        browser
            .wait_for_text(".toast", &format!("{first} {last} was created"))
            .await;
        browser.wait_for_text("[data-testid=contacts-table]", last).await;
    }

    // The same email again: the form names who has it and offers to open them.
    browser.click("[data-testid=new-contact]").await;
    browser.fill(".modal #field-first_name", "Pete").await;
    browser.fill(".modal #field-email", "PETER@initech.com").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text("#field-email-error", "Peter Gibbons").await;
    browser.screenshot("contact-duplicate-light").await;
    browser.click_text(".modal .field-link", "Open Peter Gibbons").await;
    browser.wait_for_text("h1", "Peter Gibbons").await;
    browser
        .wait_for_text("[data-testid=contact-details]", "peter@initech.com")
        .await;

    // The company's page lists the contact.
    browser.click_text("[data-testid=contact-details] a", "Initech").await;
    browser.wait_for_text("h1", "Initech").await;
    browser
        .wait_for_text("[data-testid=company-contacts]", "Peter Gibbons")
        .await;
    let contacts = browser
        .find("[data-testid=company-contacts]")
        .await
        .text()
        .await
        .expect("text");
    assert!(!contacts.contains("Bolton"), "{contacts}");

    // Search narrows the list; a header click sorts it.
    browser.goto("/contacts").await;
    browser.wait_for_text("[data-testid=contacts-table]", "Bolton").await;
    browser.fill("input[aria-label='Search contacts']", "gibb").await;
    browser
        .wait_for_text_gone("[data-testid=contacts-table]", "Bolton")
        .await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "Peter Gibbons")
        .await;
    // Backspace, as a person would: clearing the field programmatically sends no input event.
    let search = browser.find("input[aria-label='Search contacts']").await;
    search.send_keys(&"\u{E003}".repeat(4)).await.expect("erase");
    browser.wait_for_text("[data-testid=contacts-table]", "Bolton").await;
    browser.click("th button[data-sort=email]").await;
    browser.wait_for_text("th[aria-sort=ascending]", "EMAIL").await;
    let first_row = "[data-testid=contacts-table] tbody tr:first-child";
    browser.wait_for_text(first_row, "Bolton").await;
    browser.click("th button[data-sort=email]").await;
    browser.wait_for_text("th[aria-sort=descending]", "EMAIL").await;
    browser.wait_for_text(first_row, "Gibbons").await;
    browser.close().await;
}

#[tokio::test]
async fn a_viewer_cannot_create_edit_or_delete_contacts() {
    let server = Server::start().await;
    let admin_email = server.signup("Chotchkie's").await;
    let admin = server.api_login(&admin_email).await;
    let joanna = server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Joanna", "last_name": "Smith", "email": "joanna@example.com"}),
        )
        .await;
    let viewer = unique_email("viewer");
    server.add_user(&admin_email, &viewer, "viewer").await;

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&viewer, PASSWORD).await;
    browser.goto("/contacts").await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "Joanna Smith")
        .await;
    let header = browser.find(".page-header").await.text().await.expect("header");
    assert!(!header.contains("New contact"), "{header}");
    assert!(!browser.exists("[data-testid=new-contact]").await);

    browser
        .click_text("[data-testid=contacts-table] a", "Joanna Smith")
        .await;
    let id = joanna["id"].as_str().expect("an id");
    browser.wait_for_path(&format!("/contacts/{id}")).await;
    browser
        .wait_for_text("[data-testid=contact-details]", "joanna@example.com")
        .await;
    let actions = browser.find(".page-actions").await.text().await.expect("actions");
    assert!(!actions.contains("Edit") && !actions.contains("Delete"), "{actions}");
    browser.close().await;
}

#[tokio::test]
async fn an_admin_edits_and_deletes_a_contact() {
    let server = Server::start().await;
    let email = server.signup("Vandelay").await;
    let admin = server.api_login(&email).await;
    let art = server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Art", "last_name": "Vandelay", "lifecycle_stage": "lead"}),
        )
        .await;
    let id = art["id"].as_str().expect("an id");
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(&format!("/contacts/{id}")).await;
    browser.click("[data-testid=edit-record]").await;
    browser.fill(".modal #field-title", "Importer-exporter").await;
    browser
        .find(".modal #field-lifecycle_stage")
        .await
        .select_by_value("customer")
        .await
        .expect("choose a stage");
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toast", "Art Vandelay was saved").await;
    browser
        .wait_for_text("[data-testid=contact-details]", "Importer-exporter")
        .await;
    browser.wait_for_text("[data-testid=contact-details]", "Customer").await;

    browser.click_text(".page-actions button", "Delete").await;
    browser.click_text(".modal button", "Delete").await;
    browser.wait_for_text(".toast", "Art Vandelay was deleted").await;
    browser.wait_for_path("/contacts").await;
    browser.wait_for_text(".empty-state", "No contacts yet").await;
    browser.close().await;
}

/// The screenshots to look at: the CRM lists and record pages, in both themes.
#[tokio::test]
async fn crm_pages_in_both_themes() {
    let server = Server::start().await;
    let email = server.signup("Acme Corporation").await;
    let admin = server.api_login(&email).await;
    let mut company_ids = Vec::new();
    for (name, domain, industry) in [
        ("Globex", "globex.com", "Energy"),
        ("Initech", "initech.com", "Software"),
        ("Umbrella", "umbrella.co.uk", "Pharmaceuticals"),
    ] {
        let company = server
            .api(
                "POST",
                "/companies",
                Some(&admin),
                json!({"name": name, "domain": domain, "industry": industry, "size": "50–200",
                       "phone": "+1 555 0100", "website": format!("https://{domain}"),
                       "address": "1 Main Street\nSpringfield"}),
            )
            .await;
        company_ids.push(company["id"].as_str().expect("an id").to_owned());
    }
    let people = [
        ("Hank", "Scorpio", "Chief executive", "customer", 0),
        ("Peter", "Gibbons", "Programmer", "lead", 1),
        ("Samir", "Nagheenanajar", "Programmer", "opportunity", 1),
        ("Albert", "Wesker", "Researcher", "mql", 2),
        ("Jill", "Valentine", "", "subscriber", 2),
    ];
    let mut contact_id = String::new();
    for (first, last, title, stage, company) in people {
        let contact = server
            .api(
                "POST",
                "/contacts",
                Some(&admin),
                json!({"first_name": first, "last_name": last, "title": title,
                       "email": format!("{}@example.com", first.to_lowercase()),
                       "phone": "+1 555 0199", "lifecycle_stage": stage, "source": "Trade show",
                       "company_id": company_ids[company]}),
            )
            .await;
        if last == "Gibbons" {
            contact_id = contact["id"].as_str().expect("an id").to_owned();
        }
    }
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto("/contacts").await;
        browser.wait_for_text("[data-testid=contacts-table]", "Valentine").await;
        browser.wait_for_text("[data-testid=contacts-table]", "Ada Admin").await;
        browser.screenshot(&format!("contacts-{theme}")).await;
        browser.click("[data-testid=new-contact]").await;
        browser.wait_for_text(".modal #field-company_id", "Umbrella").await;
        browser.screenshot(&format!("contact-form-{theme}")).await;
        browser.click_text(".modal button", "Cancel").await;
        browser.goto(&format!("/contacts/{contact_id}")).await;
        browser
            .wait_for_text("[data-testid=contact-details]", "Ada Admin")
            .await;
        browser.screenshot(&format!("contact-{theme}")).await;
        browser.goto("/companies").await;
        browser.wait_for_text("[data-testid=companies-table]", "Umbrella").await;
        browser
            .wait_for_text("[data-testid=companies-table]", "Ada Admin")
            .await;
        browser.screenshot(&format!("companies-{theme}")).await;
        browser.goto(&format!("/companies/{}", company_ids[1])).await;
        browser.wait_for_text("[data-testid=company-contacts]", "Samir").await;
        browser.screenshot(&format!("company-{theme}")).await;
    }
    browser.client.set_window_size(390, 844).await.expect("phone width");
    let sideways = "return document.documentElement.scrollWidth > document.documentElement.clientWidth";
    browser.goto("/contacts").await;
    browser.wait_for_text("[data-testid=contacts-table]", "Valentine").await;
    browser.screenshot("contacts-phone").await;
    assert_eq!(
        browser.script(sideways).await,
        false,
        "the contacts list scrolls sideways"
    );
    browser.goto(&format!("/contacts/{contact_id}")).await;
    browser
        .wait_for_text("[data-testid=contact-details]", "Ada Admin")
        .await;
    browser.screenshot("contact-phone").await;
    assert_eq!(
        browser.script(sideways).await,
        false,
        "a contact's page scrolls sideways"
    );
    browser.close().await;
}
