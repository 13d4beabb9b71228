use crate::deals::{column, drag, stages, wait_for_stage};
use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::json;

#[tokio::test]
async fn a_big_deal_dragged_into_a_guarded_stage_moves_once_two_approvers_sign_off() {
    let server = Server::start().await;
    let admin_email = server.signup("Umbrella").await;
    let (manager_email, rep_email) = (unique_email("manager"), unique_email("rep"));
    server.add_user(&admin_email, &manager_email, "manager").await;
    server.add_user(&admin_email, &rep_email, "sales_rep").await;
    let admin = server.api_login(&admin_email).await;
    let rep = server.api_login(&rep_email).await;
    let stages = stages(&server, &admin).await;
    let (guarded_id, guarded_name) = stages[2].clone();

    // The admin builds the workflow in Settings: over 10,000, the manager then the admin.
    let browser = Browser::open(&server, 1440, 900).await;
    browser.login(&admin_email, PASSWORD).await;
    browser.goto("/settings/approvals").await;
    browser
        .wait_for_text("[data-testid=priority-rule]", "only the first runs")
        .await;
    browser.click("[data-testid=new-workflow]").await;
    browser.fill("#wf-name", "Big deals").await;
    browser.wait_for_text("#wf-stage", &guarded_name).await;
    browser
        .find("#wf-stage")
        .await
        .select_by_value(&guarded_id)
        .await
        .expect("choose the stage");
    browser.fill("#wf-amount", "10000").await;
    browser.click("[data-testid=add-step]").await;
    browser
        .fill(
            "[data-testid=step-row]:nth-child(2) [data-testid=step-name]",
            "Director",
        )
        .await;
    browser
        .click(&format!(
            "[data-testid=step-row]:nth-child(2) [data-approver-email='{admin_email}'] input"
        ))
        .await;
    browser.screenshots_in_both_themes("approval-workflow-editor").await;
    browser.click("[data-testid=save-workflow]").await;
    browser
        .wait_for_text("[data-testid=workflows-table]", "Manager → Director")
        .await;
    browser.sign_out().await;

    let deal = server
        .api(
            "POST",
            "/deals",
            Some(&rep),
            json!({"title": "Umbrella rollout", "value": {"minor": 1_500_000, "currency": "EUR"}}),
        )
        .await;
    let deal_id = deal["id"].as_str().expect("a deal id").to_owned();

    // The rep drags it into the guarded stage: the request dialog opens instead of a move.
    browser.login(&rep_email, PASSWORD).await;
    browser.goto("/deals").await;
    browser.wait_for_text(&column(1), "Umbrella rollout").await;
    drag(&browser, &format!("[data-deal-id='{deal_id}']"), &column(3)).await;
    browser
        .wait_for_text("[data-testid=approval-dialog]", "Big deals")
        .await;
    browser.fill("#field-note", "Three-year commitment").await;
    browser.click("[data-testid=request-approval]").await;
    browser.wait_for_text(".toast", "Sent for approval").await;
    browser
        .wait_for_text(&format!("[data-deal-id='{deal_id}']"), "Awaiting approval")
        .await;
    browser.wait_for_text(&column(1), "Umbrella rollout").await;
    browser.sign_out().await;

    // The manager approves from the inbox.
    browser.login(&manager_email, PASSWORD).await;
    browser.wait_for_text("[data-testid=approvals-badge]", "1").await;
    browser.goto("/approvals").await;
    browser
        .wait_for_text("[data-testid=approvals-table]", "Umbrella rollout")
        .await;
    browser.screenshots_in_both_themes("approvals-inbox").await;
    browser.click("[data-testid=approval-row] [data-testid=approve]").await;
    browser.fill("#field-comment", "Good margin").await;
    browser.click("[data-testid=decision-submit]").await;
    browser.wait_for_text(".toast", "Approved.").await;
    browser.sign_out().await;

    // The admin approves the second step on the request page.
    let requests = server.api("GET", "/approvals?box=all", Some(&admin), json!(null)).await;
    let request_id = requests["items"][0]["id"].as_str().expect("the request").to_owned();
    browser.login(&admin_email, PASSWORD).await;
    browser.goto(&format!("/approvals/{request_id}")).await;
    browser
        .wait_for_text("[data-testid=approval-steps]", "Good margin")
        .await;
    browser.click("[data-testid=approve]").await;
    browser.click("[data-testid=decision-submit]").await;
    browser.wait_for_text("[data-testid=approval-status]", "Approved").await;
    browser.wait_for_text("[data-testid=approval-trail]", "applied").await;
    browser.screenshots_in_both_themes("approval-request").await;
    wait_for_stage(&server, &admin, &deal_id, &guarded_id).await;

    browser.goto(&format!("/deals/{deal_id}")).await;
    browser.wait_for_text("[data-testid=deal-stage]", &guarded_name).await;
    browser.wait_for_text(".timeline", "Approved move applied").await;
    browser.wait_for_text(".timeline", "Asked for approval").await;
    browser.close().await;
}
