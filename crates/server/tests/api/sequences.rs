use crate::campaigns::{contact, template, with_sendgrid};
use crate::email_tracking::signed_post;
use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use chrono::{Duration, Utc};
use kite_core::marketing::AdvanceEnrollment;
use kite_entity::sequence_enrollment as enrollment;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

async fn sequence(app: &TestApp, session: &Session, steps: Value) -> Value {
    let created = app
        .post(
            "/api/v1/sequences",
            Some(&session.access_token),
            json!({"name": "Follow up", "steps": steps}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body
}

/// A sequence of an email, a two-day wait and a second email.
pub(crate) async fn two_emails(app: &TestApp, session: &Session) -> Value {
    let first = template(app, session, "<p>Hi {{ contact.first_name }}</p>").await;
    let second = template(app, session, "<p>Still there, {{ contact.first_name }}?</p>").await;
    sequence(
        app,
        session,
        json!([
            {"kind": "email", "template_id": first},
            {"kind": "wait", "wait_amount": 2, "wait_unit": "days"},
            {"kind": "email", "template_id": second},
        ]),
    )
    .await
}

pub(crate) async fn enroll(app: &TestApp, session: &Session, sequence_id: &str, contact_ids: &[&str]) -> Value {
    let enrolled = app
        .post(
            &format!("/api/v1/sequences/{sequence_id}/enrollments"),
            Some(&session.access_token),
            json!({"audience": {"kind": "list", "contact_ids": contact_ids}}),
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::OK, "{}", enrolled.body);
    enrolled.body
}

pub(crate) async fn enrollments(app: &TestApp, session: &Session, sequence_id: &str) -> Vec<Value> {
    let list = app
        .get(
            &format!("/api/v1/sequences/{sequence_id}/enrollments"),
            &session.access_token,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.body["items"].as_array().expect("items").clone()
}

pub(crate) async fn only_enrollment(app: &TestApp, session: &Session, sequence_id: &str) -> Value {
    let mut all = enrollments(app, session, sequence_id).await;
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

/// Moves every open enrollment's next step to now, as if its wait had passed, and runs
/// what the tick would queue.
async fn time_passes(app: &TestApp) {
    let kite = &app.state.kite;
    enrollment::Entity::update_many()
        .col_expr(
            enrollment::Column::NextStepAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(enrollment::Column::NextStepAt.is_not_null())
        .exec(&kite.db)
        .await
        .expect("move time");
    kite.marketing().queue_due_steps(Utc::now()).await.expect("tick");
    app.settle_jobs().await;
}

fn sequence_emails(app: &TestApp) -> impl std::future::Future<Output = i64> + '_ {
    app.count_rows("emails", "WHERE source = 'sequence'")
}

async fn a_two_step_sequence_sends_the_first_email_at_once_and_the_second_after_the_wait(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &[]).await;
    let ann_id = ann["id"].as_str().expect("id");
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");

    let outcome = enroll(&app, &admin, seq_id, &[ann_id]).await;
    assert_eq!(outcome["enrolled"], 1);
    let timeline = app
        .get(&format!("/api/v1/contacts/{ann_id}/timeline"), &admin.access_token)
        .await;
    let titles: Vec<&str> = timeline.body["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["kind"] == "email")
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["Email sent: News for Ann"],
        "the first email is on the timeline at once"
    );
    app.settle_jobs().await;
    let mails = fake.received();
    assert_eq!(mails.len(), 1);
    let html = mails[0].body["content"][1]["value"].as_str().unwrap_or_default();
    assert!(html.contains("Hi Ann") && html.contains("/u/"), "{html}");
    assert!(
        mails[0].body["headers"]["List-Unsubscribe"].is_string(),
        "{}",
        mails[0].body
    );

    let waiting = only_enrollment(&app, &admin, seq_id).await;
    assert_eq!(
        (waiting["state"].as_str(), waiting["current_step"].as_u64()),
        (Some("active"), Some(2))
    );
    let next: chrono::DateTime<Utc> = serde_json::from_value(waiting["next_step_at"].clone()).expect("next step time");
    assert!(
        next > Utc::now() + Duration::hours(47) && next < Utc::now() + Duration::hours(49),
        "the wait is two days: {next}"
    );
    app.state
        .kite
        .marketing()
        .queue_due_steps(Utc::now())
        .await
        .expect("tick");
    app.settle_jobs().await;
    assert_eq!(fake.received_count(), 1, "nothing more before the wait ends");

    time_passes(&app).await;
    let mails = fake.received();
    assert_eq!(mails.len(), 2);
    let html = mails[1].body["content"][1]["value"].as_str().unwrap_or_default();
    assert!(html.contains("Still there, Ann?"), "{html}");
    let done = only_enrollment(&app, &admin, seq_id).await;
    assert_eq!(done["state"], "finished");
    assert!(done["next_step_at"].is_null());

    let seq = app
        .get(&format!("/api/v1/sequences/{seq_id}"), &admin.access_token)
        .await;
    let sent: Vec<u64> = seq.body["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["stats"]["sent"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(sent, [1, 0, 1]);
    assert_eq!(seq.body["enrollments"]["finished"], 1);
}
on_both_databases!(a_two_step_sequence_sends_the_first_email_at_once_and_the_second_after_the_wait);

async fn a_step_run_by_racing_jobs_sends_one_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let contacts: Vec<String> = {
        let mut ids = Vec::new();
        for i in 0..12 {
            let c = contact(&app, &admin, &format!("C{i}"), Some(&unique_email("c")), &[]).await;
            ids.push(c["id"].as_str().expect("id").to_owned());
        }
        ids
    };
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    // Twelve contacts are more than enrolling runs at once: the tick takes them.
    let ids: Vec<&str> = contacts.iter().map(String::as_str).collect();
    assert_eq!(enroll(&app, &admin, seq_id, &ids).await["enrolled"], 12);
    let org = Uuid::parse_str(&admin.organization_id).expect("org id");
    let kite = &app.state.kite;
    let all = enrollments(&app, &admin, seq_id).await;
    let runs = all.iter().flat_map(|e| {
        let payload = AdvanceEnrollment {
            enrollment_id: Uuid::parse_str(e["id"].as_str().expect("id")).expect("uuid"),
            organization_id: org,
        };
        (0..3).map(move |_| payload.clone())
    });
    let results =
        futures_util::future::join_all(runs.map(|p| async move { kite.marketing().advance_enrollment(&p).await }))
            .await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    kite.marketing().queue_due_steps(Utc::now()).await.expect("tick");
    app.settle_jobs().await;
    assert_eq!(
        sequence_emails(&app).await,
        12,
        "one email per contact, however many ran the step"
    );
    for e in enrollments(&app, &admin, seq_id).await {
        assert_eq!(e["current_step"], 2, "{e}");
    }
}
on_both_databases!(a_step_run_by_racing_jobs_sends_one_email);

async fn a_task_step_gives_the_contacts_owner_a_task(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let ann = contact(&app, &rep, "Ann", Some(&unique_email("ann")), &[]).await;
    let ann_id = ann["id"].as_str().expect("id");
    let seq = sequence(
        &app,
        &admin,
        json!([{"kind": "task", "task_kind": "call", "task_title": "Call about the trial"}]),
    )
    .await;
    enroll(&app, &admin, seq["id"].as_str().expect("id"), &[ann_id]).await;
    let tasks = app
        .get(&format!("/api/v1/activities?contact_id={ann_id}"), &admin.access_token)
        .await;
    let task = &tasks.body["items"][0];
    assert_eq!(task["subject"], "Call about the trial", "{}", tasks.body);
    assert_eq!(task["kind"], "call");
    assert_eq!(task["owner_id"], ann["owner_id"], "the contact's owner gets it");
    let done = only_enrollment(&app, &admin, seq["id"].as_str().expect("id")).await;
    assert_eq!(done["state"], "finished");
}
on_both_databases!(a_task_step_gives_the_contacts_owner_a_task);

async fn enrolling_counts_who_is_already_in_has_no_address_or_is_suppressed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &["s"]).await;
    contact(&app, &admin, "Nomail", None, &["s"]).await;
    let blocked = unique_email("blocked");
    contact(&app, &admin, "Blocked", Some(&blocked), &["s"]).await;
    app.post(
        "/api/v1/suppressions",
        Some(&admin.access_token),
        json!({"email": blocked}),
    )
    .await;
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    enroll(&app, &admin, seq_id, &[ann["id"].as_str().expect("id")]).await;

    let by_tag = app
        .post(
            &format!("/api/v1/sequences/{seq_id}/enrollments"),
            Some(&admin.access_token),
            json!({"audience": {"kind": "filter", "filter": {"tag": "s"}}}),
        )
        .await;
    assert_eq!(by_tag.status, StatusCode::OK, "{}", by_tag.body);
    assert_eq!(by_tag.body["enrolled"], 0);
    assert_eq!(by_tag.body["already_enrolled"], 1);
    assert_eq!(by_tag.body["excluded"]["no_email"], 1);
    assert_eq!(by_tag.body["excluded"]["suppressed"], 1);
    assert_eq!(enrollments(&app, &admin, seq_id).await.len(), 1);
}
on_both_databases!(enrolling_counts_who_is_already_in_has_no_address_or_is_suppressed);

async fn a_paused_enrollment_or_sequence_waits_and_goes_on_when_resumed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &[]).await;
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    enroll(&app, &admin, seq_id, &[ann["id"].as_str().expect("id")]).await;
    let id = only_enrollment(&app, &admin, seq_id).await["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let paused = app
        .post(
            &format!("/api/v1/sequence-enrollments/{id}/pause"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(paused.body["state"], "paused", "{}", paused.body);
    let again = app
        .post(
            &format!("/api/v1/sequence-enrollments/{id}/pause"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    time_passes(&app).await;
    assert_eq!(sequence_emails(&app).await, 1, "a paused enrollment sends nothing");
    let resumed = app
        .post(
            &format!("/api/v1/sequence-enrollments/{id}/resume"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(resumed.body["state"], "active");

    let paused = app
        .post(
            &format!("/api/v1/sequences/{seq_id}/pause"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(paused.body["status"], "paused", "{}", paused.body);
    time_passes(&app).await;
    assert_eq!(sequence_emails(&app).await, 1, "a paused sequence sends nothing");
    let resumed = app
        .post(
            &format!("/api/v1/sequences/{seq_id}/resume"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(resumed.body["status"], "active");
    time_passes(&app).await;
    assert_eq!(sequence_emails(&app).await, 2);
    assert_eq!(only_enrollment(&app, &admin, seq_id).await["state"], "finished");
}
on_both_databases!(a_paused_enrollment_or_sequence_waits_and_goes_on_when_resumed);

async fn stopping_by_hand_unsubscribing_and_bouncing_exit_the_sequence(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let mut ids = Vec::new();
    for name in ["Ann", "Bo", "Cy"] {
        let c = contact(&app, &admin, name, Some(&unique_email(name)), &[]).await;
        ids.push(c["id"].as_str().expect("id").to_owned());
    }
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    let list: Vec<&str> = ids.iter().map(String::as_str).collect();
    enroll(&app, &admin, seq_id, &list).await;
    app.settle_jobs().await;
    let by_contact = |all: &[Value], id: &str| all.iter().find(|e| e["contact_id"] == id).cloned().expect("enrollment");
    let all = enrollments(&app, &admin, seq_id).await;

    // Ann: stopped by hand.
    let ann = by_contact(&all, &ids[0]);
    let stopped = app
        .post(
            &format!("/api/v1/sequence-enrollments/{}/exit", ann["id"].as_str().expect("id")),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(
        (stopped.body["state"].as_str(), stopped.body["exit_reason"].as_str()),
        (Some("exited"), Some("manual"))
    );
    // Bo: clicks the unsubscribe link of the first email.
    let mails = fake.received();
    let bo_mail = mails
        .iter()
        .find(|m| m.email_id().is_some() && m.to().is_some_and(|to| to.starts_with("bo-")))
        .expect("Bo's email");
    let html = bo_mail.body["content"][1]["value"].as_str().unwrap_or_default();
    let start = html.find("http://kite.test/u/").expect("unsubscribe link");
    let token = html[start + "http://kite.test/u/".len()..]
        .split('"')
        .next()
        .expect("token");
    let unsubscribed = app
        .client
        .post(format!("{}/u/{token}", app.address))
        .send()
        .await
        .expect("post");
    assert!(unsubscribed.status().is_success(), "{}", unsubscribed.status());
    // Cy: the first email bounces.
    let cy_mail = mails
        .iter()
        .find(|m| m.to().is_some_and(|to| to.starts_with("cy-")))
        .expect("Cy's email");
    let bounce = json!([{"email": cy_mail.to(), "event": "bounce", "type": "bounce", "reason": "550 gone", "sg_event_id": "seq-bounce-1", "timestamp": 1_800_000_000, "kite_email_id": cy_mail.email_id()}]);
    let posted = signed_post(&app, &bounce).send().await.expect("post");
    assert_eq!(posted.status(), StatusCode::OK);

    let all = enrollments(&app, &admin, seq_id).await;
    let reasons: Vec<Option<&str>> = ids
        .iter()
        .map(|id| {
            all.iter()
                .find(|e| e["contact_id"] == id.as_str())
                .and_then(|e| e["exit_reason"].as_str())
        })
        .collect();
    assert_eq!(reasons, [Some("manual"), Some("unsubscribed"), Some("bounced")]);
    time_passes(&app).await;
    assert_eq!(sequence_emails(&app).await, 3, "nobody who left gets the second email");
    let again = app
        .post(
            &format!("/api/v1/sequence-enrollments/{}/exit", ann["id"].as_str().expect("id")),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}
on_both_databases!(stopping_by_hand_unsubscribing_and_bouncing_exit_the_sequence);

async fn winning_a_deal_takes_its_contacts_out_of_their_sequences(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &[]).await;
    let ann_id = ann["id"].as_str().expect("id");
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&admin.access_token),
            json!({"title": "Rollout", "value": {"minor": 100, "currency": "EUR"}, "contact_ids": [ann_id]}),
        )
        .await;
    assert_eq!(deal.status, StatusCode::CREATED, "{}", deal.body);
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    enroll(&app, &admin, seq_id, &[ann_id]).await;
    let stages = app.get("/api/v1/pipelines", &admin.access_token).await;
    let won = stages.body[0]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["kind"] == "won")
        .cloned()
        .expect("a won stage");
    let moved = app
        .post(
            &format!("/api/v1/deals/{}/move", deal.body["id"].as_str().expect("id")),
            Some(&admin.access_token),
            json!({"stage_id": won["id"]}),
        )
        .await;
    assert_eq!(moved.body["status"], "won", "{}", moved.body);
    for _ in 0..200 {
        if only_enrollment(&app, &admin, seq_id).await["state"] == "exited" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(only_enrollment(&app, &admin, seq_id).await["exit_reason"], "deal_won");
}
on_both_databases!(winning_a_deal_takes_its_contacts_out_of_their_sequences);

async fn bad_steps_are_422_naming_the_step_and_a_template_in_use_cannot_go(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let other = app.signup("Other", &unique_email("other")).await;
    let theirs = template(&app, &other, "<p>x</p>").await;
    let bad = app
        .post(
            "/api/v1/sequences",
            Some(&admin.access_token),
            json!({"name": "Bad", "steps": [
                {"kind": "email", "template_id": theirs},
                {"kind": "wait", "wait_amount": 0, "wait_unit": "days"},
                {"kind": "wait", "wait_amount": 3, "wait_unit": "hours", "business_days": true},
                {"kind": "task", "task_title": "  "},
            ]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let fields: Vec<String> = bad.field_codes().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["steps[1].wait_amount", "steps[2].business_days", "steps[3].task_title"],
        "shared rules first"
    );
    let foreign = app
        .post(
            "/api/v1/sequences",
            Some(&admin.access_token),
            json!({"name": "Bad", "steps": [{"kind": "email", "template_id": theirs}]}),
        )
        .await;
    assert_eq!(
        foreign.field_codes(),
        [("steps[0].template_id".to_owned(), "not_found".to_owned())]
    );
    assert_eq!(app.count_rows("sequences", "").await, 0, "nothing half-written");

    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    let template_id = seq["steps"][0]["template_id"].as_str().expect("template");
    let delete = app
        .delete(&format!("/api/v1/email-templates/{template_id}"), &admin.access_token)
        .await;
    assert_eq!(delete.status, StatusCode::CONFLICT);
    let mut steps: Vec<Value> = seq["steps"].as_array().expect("steps").clone();
    steps[1]["id"] = json!(Uuid::now_v7());
    let unknown = app
        .put(
            &format!("/api/v1/sequences/{seq_id}"),
            &admin.access_token,
            json!({"name": "Follow up", "steps": steps.iter().map(|s| json!({"id": s["id"], "kind": s["kind"], "template_id": s["template_id"], "wait_amount": s["wait_amount"], "wait_unit": s["wait_unit"]})).collect::<Vec<_>>()}),
        )
        .await;
    assert_eq!(
        unknown.field_codes(),
        [("steps[1].id".to_owned(), "unknown_step".to_owned())]
    );
}
on_both_databases!(bad_steps_are_422_naming_the_step_and_a_template_in_use_cannot_go);

async fn editing_the_steps_keeps_the_statistics_of_the_steps_it_keeps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &[]).await;
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    enroll(&app, &admin, seq_id, &[ann["id"].as_str().expect("id")]).await;
    app.settle_jobs().await;
    let first = &seq["steps"][0];
    let task = json!({"kind": "task", "task_kind": "call", "task_title": "Call"});
    let saved = app
        .put(
            &format!("/api/v1/sequences/{seq_id}"),
            &admin.access_token,
            json!({"name": "Follow up v2", "steps": [task, {"id": first["id"], "kind": "email", "template_id": first["template_id"]}]}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["name"], "Follow up v2");
    let kinds: Vec<&str> = saved.body["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["task", "email"]);
    assert_eq!(saved.body["steps"][1]["id"], first["id"]);
    assert_eq!(
        saved.body["steps"][1]["stats"]["sent"], 1,
        "the kept step keeps its email"
    );
}
on_both_databases!(editing_the_steps_keeps_the_statistics_of_the_steps_it_keeps);

async fn reps_enroll_contacts_they_pick_managers_build_sequences_and_others_see_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let outsider = app.signup("Other", &unique_email("other")).await;
    let ann = contact(&app, &rep, "Ann", Some(&unique_email("ann")), &["x"]).await;
    let ann_id = ann["id"].as_str().expect("id");
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");

    let rep_builds = app
        .post(
            "/api/v1/sequences",
            Some(&rep.access_token),
            json!({"name": "Mine", "steps": []}),
        )
        .await;
    assert_eq!(rep_builds.status, StatusCode::FORBIDDEN);
    let rep_segment = app
        .post(
            &format!("/api/v1/sequences/{seq_id}/enrollments"),
            Some(&rep.access_token),
            json!({"audience": {"kind": "filter", "filter": {"tag": "x"}}}),
        )
        .await;
    assert_eq!(rep_segment.status, StatusCode::FORBIDDEN, "a segment needs a manager");
    let viewer_enrolls = app
        .post(
            &format!("/api/v1/sequences/{seq_id}/enrollments"),
            Some(&viewer.access_token),
            json!({"audience": {"kind": "list", "contact_ids": [ann_id]}}),
        )
        .await;
    assert_eq!(viewer_enrolls.status, StatusCode::FORBIDDEN);
    assert_eq!(enroll(&app, &rep, seq_id, &[ann_id]).await["enrolled"], 1);
    let id = only_enrollment(&app, &rep, seq_id).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let paused = app
        .post(
            &format!("/api/v1/sequence-enrollments/{id}/pause"),
            Some(&rep.access_token),
            json!({}),
        )
        .await;
    assert_eq!(paused.status, StatusCode::OK, "reps manage their own enrollments");

    for (path, body) in [
        (
            format!("/api/v1/sequences/{seq_id}/enrollments"),
            json!({"audience": {"kind": "list", "contact_ids": [ann_id]}}),
        ),
        (format!("/api/v1/sequence-enrollments/{id}/exit"), json!({})),
        (format!("/api/v1/sequences/{seq_id}/pause"), json!({})),
    ] {
        let response = app.post(&path, Some(&outsider.access_token), body).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}: {}", response.body);
    }
    let read = app
        .get(&format!("/api/v1/sequences/{seq_id}"), &outsider.access_token)
        .await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    let theirs = contact(&app, &outsider, "Zed", Some(&unique_email("zed")), &[]).await;
    let foreign_contact = app
        .post(
            &format!("/api/v1/sequences/{seq_id}/enrollments"),
            Some(&admin.access_token),
            json!({"audience": {"kind": "list", "contact_ids": [theirs["id"]]}}),
        )
        .await;
    assert_eq!(foreign_contact.status, StatusCode::NOT_FOUND);
}
on_both_databases!(reps_enroll_contacts_they_pick_managers_build_sequences_and_others_see_404);
