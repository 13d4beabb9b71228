//! "Draft with AI": a model's draft put into an email to a contact, and the built-in
//! writer's into a template when no model is set up.

use kite_ai::fake_openai::{FAKE_AI_KEY, FAKE_MODEL, FakeOpenAi};
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::json;

#[tokio::test]
async fn an_ai_draft_goes_into_an_email_to_a_contact() {
    let fake = FakeOpenAi::start().expect("fake AI server");
    let server = Server::start_with_env(&[
        ("KITE_AI_BASE_URL", &fake.base_url),
        ("KITE_AI_API_KEY", FAKE_AI_KEY),
        ("KITE_AI_MODEL", FAKE_MODEL),
    ])
    .await;
    let email = server.signup("Initech").await;
    let token = server.api_login(&email).await;
    let contact = server
        .api(
            "POST",
            "/contacts",
            Some(&token),
            json!({"first_name": "Peter", "last_name": "Gibbons", "email": "peter@initech.example"}),
        )
        .await;
    let contact_id = contact["id"].as_str().expect("a contact");

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(&format!("/contacts/{contact_id}?compose=1")).await;
    browser
        .click("[data-testid=email-contact-form] [data-testid=draft-ai-toggle]")
        .await;
    browser
        .wait_for_text("[data-testid=draft-ai]", "The AI model fake-model writes drafts")
        .await;
    browser
        .fill("[data-testid=draft-intent]", "Follow up after the demo")
        .await;
    browser.click("[data-testid=draft-write]").await;
    browser
        .wait_for_text("[data-testid=draft-writer]", "Written by the AI model fake-model")
        .await;
    assert_eq!(
        browser.value("[data-testid=email-contact-form] #field-subject").await,
        "About: Follow up after the demo"
    );
    assert!(
        browser
            .value("[data-testid=email-contact-form] #field-body_html")
            .await
            .starts_with("<p>Hi {{ contact.first_name"),
        "the draft keeps its variables"
    );
    assert_eq!(fake.received().len(), 1);
    browser.screenshots_in_both_themes("draft-ai-email").await;

    browser.click("[data-testid=send-email]").await;
    browser.wait_for_text(".toast", "is on its way").await;
    browser
        .wait_for_text("[data-testid=timeline]", "About: Follow up after the demo")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn without_a_model_the_built_in_writer_drafts_a_template() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/campaigns/templates/new").await;
    browser.click("[data-testid=draft-ai-toggle]").await;
    browser
        .wait_for_text("[data-testid=draft-ai]", "No AI model is set up")
        .await;
    browser.fill("[data-testid=draft-intent]", "Schedule a call").await;
    browser
        .find("[data-testid=draft-tone]")
        .await
        .select_by_label("Formal")
        .await
        .expect("choose a tone");
    browser.click("[data-testid=draft-write]").await;
    browser
        .wait_for_text("[data-testid=draft-writer]", "Written by the built-in writer")
        .await;
    assert_eq!(browser.value("#field-subject").await, "Time for a call?");
    assert!(
        browser
            .value("#field-body_html")
            .await
            .starts_with("<p>Dear {{ contact.full_name"),
        "a formal greeting, as a variable"
    );
    browser
        .wait_for_text("[data-testid=preview-subject]", "Time for a call?")
        .await;
    browser.screenshots_in_both_themes("draft-built-in-template").await;
    browser.close().await;
}
