use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::{Value, json};

/// The path of the first link in `html` that goes to `prefix` on the server.
fn link(server: &Server, html: &str, prefix: &str) -> String {
    let needle = format!("{}{prefix}", server.base_url);
    let start = html.find(&needle).unwrap_or_else(|| panic!("no {needle} in {html}"));
    let rest = &html[start + server.base_url.len()..];
    rest[..rest.find('"').unwrap_or(rest.len())].to_owned()
}

async fn contact_named(server: &Server, token: &str, first_name: &str) -> String {
    let contacts = server.api("GET", "/contacts", Some(token), json!(null)).await;
    contacts["items"]
        .as_array()
        .and_then(|items| items.iter().find(|c| c["first_name"] == first_name))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("no contact {first_name}"))
        .to_owned()
}

/// The campaign emails the server kept in its outbox (no SendGrid key in the suite).
async fn campaign_mails(server: &Server, token: &str, expected: usize) -> Vec<Value> {
    for _ in 0..100 {
        let outbox = server
            .api("GET", "/outbox?category=campaign", Some(token), json!(null))
            .await;
        let items = outbox["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= expected {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the campaign's emails never reached the outbox");
}

#[tokio::test]
async fn a_template_previews_a_campaign_sends_and_its_report_fills_as_recipients_click_and_unsubscribe() {
    let server = Server::start().await;
    let admin_email = server.signup("Umbrella").await;
    let admin = server.api_login(&admin_email).await;
    for (first, last) in [("Grace", "Hopper"), ("Alan", "Turing")] {
        server
            .api(
                "POST",
                "/contacts",
                Some(&admin),
                json!({"first_name": first, "last_name": last, "email": unique_email(first), "tags": ["launch"]}),
            )
            .await;
    }

    // A template with a variable, previewed for sample data and then for a contact.
    let browser = Browser::open(&server, 1440, 1000).await;
    browser.login(&admin_email, PASSWORD).await;
    browser.goto("/campaigns/templates/new").await;
    browser.fill("#field-name", "Launch").await;
    browser.fill("#field-subject", "Hello {{ contact.first_name }}").await;
    browser
        .fill(
            "#field-body_html",
            &format!(
                "<h2>Big news, {{{{ contact.first_name }}}}</h2><p>We launched.</p><a href=\"{}/api/v1/health\">See the launch</a>",
                server.base_url
            ),
        )
        .await;
    browser
        .wait_for_text("[data-testid=preview-subject]", "Hello Ada")
        .await;
    let contact_id = contact_named(&server, &admin, "Grace").await;
    browser
        .find("[data-testid=preview-contact]")
        .await
        .select_by_value(&contact_id)
        .await
        .expect("preview as Grace");
    browser
        .wait_for_text("[data-testid=preview-subject]", "Hello Grace")
        .await;
    let frame = browser
        .script("return document.querySelector('[data-testid=preview-frame]').getAttribute('srcdoc')")
        .await;
    assert!(
        frame.as_str().is_some_and(|html| html.contains("Big news, Grace")),
        "{frame}"
    );
    browser.screenshots_in_both_themes("template-editor").await;
    browser.click("[data-testid=save-template]").await;
    browser.wait_for_text(".toast", "Template \"Launch\" saved").await;

    // A campaign for the tag: the count before sending, then send.
    let template_id = server.api("GET", "/email-templates", Some(&admin), json!(null)).await["items"][0]["id"]
        .as_str()
        .expect("template id")
        .to_owned();
    browser.goto("/campaigns/new").await;
    browser.fill("#field-name", "Spring launch").await;
    browser.wait_for_text("#field-template_id", "Launch").await;
    browser
        .find("#field-template_id")
        .await
        .select_by_value(&template_id)
        .await
        .expect("template");
    browser.wait_for_text("#field-audience\\.filter\\.tag", "launch").await;
    browser
        .find("#field-audience\\.filter\\.tag")
        .await
        .select_by_value("launch")
        .await
        .expect("tag");
    browser
        .wait_for_text("[data-testid=audience-count]", "2 recipients")
        .await;
    browser.click("[data-testid=save-campaign]").await;
    browser
        .wait_for_text("[data-testid=campaign-name]", "Spring launch")
        .await;
    browser.click("[data-testid=send-campaign]").await;
    browser.click_text(".modal button", "Send now").await;
    browser.wait_for_text("[data-testid=kpi-sent]", "2").await;
    browser.wait_for_text("[data-testid=campaign-status]", "Sent").await;

    // The recipient's side: a tracked click lands on the original link; the unsubscribe
    // link asks, then unsubscribes.
    let mails = campaign_mails(&server, &admin, 2).await;
    let grace = mails
        .iter()
        .find(|m| m["subject"] == "Hello Grace")
        .and_then(|m| m["html_body"].as_str())
        .expect("Grace's email");
    let click = link(&server, grace, "/t/c/");
    let unsubscribe = link(&server, grace, "/u/");
    let report_path = browser
        .script("return location.pathname")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned();
    browser.goto(&click).await;
    browser.wait_for_path("/api/v1/health").await;
    browser.goto(&unsubscribe).await;
    browser.wait_for_text("h1", "Unsubscribe from Umbrella?").await;
    browser.click("#unsubscribe").await;
    browser.wait_for_text("h1", "You are unsubscribed").await;

    browser.goto(&report_path).await;
    browser.wait_for_text("[data-testid=kpi-click-rate]", "50.0%").await;
    browser
        .wait_for_text("[data-testid=link-clicks]", "/api/v1/health")
        .await;
    browser
        .wait_for_text("[data-testid=recipients-table]", "Unsubscribed")
        .await;
    browser.screenshots_in_both_themes("campaign-report").await;

    // Grace unsubscribed; Alan did not. A one-off email from his page lands on his
    // timeline, beside the campaign's.
    let alan_id = contact_named(&server, &admin, "Alan").await;
    browser.goto(&format!("/contacts/{alan_id}")).await;
    browser
        .wait_for_text("[data-kind=email]", "Email sent: Hello Alan")
        .await;
    browser.click("[data-testid=email-contact]").await;
    browser
        .fill("#field-subject", "Following up, {{ contact.first_name }}")
        .await;
    browser
        .fill("#field-body_html", "<p>Shall we talk on Monday?</p>")
        .await;
    browser.click("[data-testid=send-email]").await;
    browser.wait_for_text(".toast", "is on its way").await;
    browser
        .wait_for_text(".timeline", "Email sent: Following up, Alan")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_sequence_built_in_the_editor_sends_its_first_email_when_a_contact_is_enrolled() {
    let server = Server::start().await;
    let admin_email = server.signup("Initech").await;
    let admin = server.api_login(&admin_email).await;
    server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Ada", "last_name": "Lovelace", "email": unique_email("ada")}),
        )
        .await;
    let mut templates = Vec::new();
    for (name, subject) in [
        ("Intro", "Hello {{ contact.first_name }}"),
        ("Nudge", "Still there, {{ contact.first_name }}?"),
    ] {
        let created = server
            .api(
                "POST",
                "/email-templates",
                Some(&admin),
                json!({"name": name, "subject": subject, "body_html": "<p>Hi {{ contact.first_name }}</p>"}),
            )
            .await;
        templates.push(created["id"].as_str().expect("template id").to_owned());
    }

    // Two emails two days apart, built in the editor.
    let browser = Browser::open(&server, 1440, 1000).await;
    browser.login(&admin_email, PASSWORD).await;
    browser.goto("/campaigns/sequences").await;
    browser.click("[data-testid=new-sequence]").await;
    browser.wait_for_path("/campaigns/sequences/new").await;
    browser.fill("#field-name", "Ada follow-up").await;
    let template_of = |n: usize| format!("[data-testid=sequence-step]:nth-child({n}) [data-testid=step-template]");
    browser.click("[data-testid=add-email-step]").await;
    browser.wait_for_text(&template_of(1), "Intro").await;
    browser
        .find(&template_of(1))
        .await
        .select_by_value(&templates[0])
        .await
        .expect("first template");
    browser.click("[data-testid=add-wait-step]").await;
    browser
        .wait_for_text("[data-testid=sequence-step]:nth-child(2)", "Wait")
        .await;
    browser.click("[data-testid=add-email-step]").await;
    browser.wait_for_text(&template_of(3), "Nudge").await;
    browser
        .find(&template_of(3))
        .await
        .select_by_value(&templates[1])
        .await
        .expect("second template");
    browser
        .wait_for_text(".step-summary", "Email “Intro” → Wait 2 days → Email “Nudge”")
        .await;
    browser.click("[data-testid=save-sequence]").await;
    browser
        .wait_for_text("[data-testid=sequence-name]", "Ada follow-up")
        .await;
    let sequence_path = browser
        .script("return location.pathname")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(sequence_path.starts_with("/campaigns/sequences/0"), "{sequence_path}");

    // Enrolled from her page, Ada gets the first email at once.
    let ada_id = contact_named(&server, &admin, "Ada").await;
    browser.goto(&format!("/contacts/{ada_id}")).await;
    browser.click("[data-testid=enroll-contact]").await;
    browser.wait_for_text("#field-sequence_id", "Ada follow-up").await;
    let sequence_id = sequence_path.trim_start_matches("/campaigns/sequences/").to_owned();
    browser
        .find("#field-sequence_id")
        .await
        .select_by_value(&sequence_id)
        .await
        .expect("sequence");
    browser.click("[data-testid=enroll-submit]").await;
    browser.wait_for_text(".toast", "1 enrolled").await;
    browser.wait_for_text(".timeline", "Email sent: Hello Ada").await;
    browser.wait_for_text(".timeline", "Sequence “Ada follow-up”").await;

    // The sequence page: Ada waits for the third step; the first step sent one email.
    browser.goto(&sequence_path).await;
    browser
        .wait_for_text("[data-testid=enrollments-table]", "Ada Lovelace")
        .await;
    browser.wait_for_text("[data-testid=enrollments-table]", "Step 3").await;
    browser
        .wait_for_text(
            "[data-testid=sequence-step]:nth-child(1) [data-testid=step-stats]",
            "1 sent",
        )
        .await;
    browser.screenshots_in_both_themes("sequence-page").await;
    browser.close().await;
}
