//! The calendar: meetings are activities with an end, a zone, attendees and a reminder;
//! the range query, rescheduling, the secret ICS feed (parsed back by the `icalendar`
//! crate), invitations with an `.ics`, and reminders sent once.

use crate::helpers::{Backend, Session, TestApp, read_stream_until, unique_email};
use crate::on_both_databases;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use kite_entity::outbox_message;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// Next year's 1 July at `hour` UTC: summer time in Berlin, so a zone shows.
fn july(day: u32, hour: u32) -> DateTime<Utc> {
    let year = chrono::Datelike::year(&Utc::now()) + 1;
    Utc.with_ymd_and_hms(year, 7, day, hour, 0, 0).single().expect("a time")
}

async fn contact(app: &TestApp, session: &Session, first: &str, email: Option<&str>) -> String {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&session.access_token),
            json!({"first_name": first, "last_name": "Lovelace", "email": email}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

async fn meeting(app: &TestApp, session: &Session, body: Value) -> Value {
    let created = app.post("/api/v1/activities", Some(&session.access_token), body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body
}

async fn range(
    app: &TestApp,
    session: &Session,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    user: Option<&str>,
) -> Vec<String> {
    let mut path = format!(
        "/api/v1/calendar?from={}&to={}",
        urlencode(&from.to_rfc3339()),
        urlencode(&to.to_rfc3339())
    );
    if let Some(user) = user {
        path.push_str(&format!("&user_id={user}"));
    }
    let events = app.get(&path, &session.access_token).await;
    assert_eq!(events.status, StatusCode::OK, "{}", events.body);
    events.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["subject"].as_str().expect("subject").to_owned())
        .collect()
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

async fn a_meeting_is_on_the_calendar_of_its_range_and_of_its_attendees(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let bob = app.add_user(&ann, &unique_email("bob"), "sales_rep").await;
    let carl = app.add_user(&ann, &unique_email("carl"), "sales_rep").await;
    let ada = contact(&app, &ann, "Ada", Some("ada@example.com")).await;
    let created = meeting(
        &app,
        &ann,
        json!({
            "kind": "meeting", "subject": "Kick-off", "due_at": july(1, 8), "ends_at": july(1, 9),
            "time_zone": "Europe/Berlin", "location": "Room 4", "reminder_minutes": 15,
            "attendees": [{"contact_id": ada}, {"user_id": bob.user_id}, {"contact_id": ada}],
        }),
    )
    .await;
    assert_eq!(created["time_zone"], "Europe/Berlin");
    assert_eq!(created["location"], "Room 4");
    let names: Vec<&str> = created["attendees"]
        .as_array()
        .expect("attendees")
        .iter()
        .map(|a| a["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names.len(), 2, "the contact named twice is one attendee: {names:?}");
    assert_eq!(created["attendees"][0]["email"], "ada@example.com");
    // A three-day offsite that began before the range still shows in it.
    meeting(
        &app,
        &carl,
        json!({"kind": "meeting", "subject": "Offsite", "due_at": july(2, 0), "all_day": true, "ends_at": july(4, 0)}),
    )
    .await;
    meeting(
        &app,
        &ann,
        json!({"kind": "note", "subject": "A note", "due_at": july(1, 10)}),
    )
    .await;

    assert_eq!(range(&app, &ann, july(1, 0), july(2, 0), None).await, ["Kick-off"]);
    assert_eq!(range(&app, &ann, july(3, 0), july(5, 0), None).await, ["Offsite"]);
    assert_eq!(
        range(&app, &ann, july(1, 0), july(5, 0), Some(&bob.user_id)).await,
        ["Kick-off"],
        "bob attends"
    );
    assert_eq!(
        range(&app, &ann, july(1, 0), july(5, 0), Some(&carl.user_id)).await,
        ["Offsite"]
    );
    assert!(range(&app, &ann, july(5, 0), july(6, 0), None).await.is_empty());
}
on_both_databases!(a_meeting_is_on_the_calendar_of_its_range_and_of_its_attendees);

async fn a_meeting_is_on_the_timeline_of_each_contact_it_invites(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let ada = contact(&app, &ann, "Ada", None).await;
    meeting(
        &app,
        &ann,
        json!({"kind": "meeting", "subject": "Roadmap", "due_at": july(1, 8), "location": "Room 4",
               "attendees": [{"contact_id": ada}]}),
    )
    .await;
    let timeline = app
        .get(&format!("/api/v1/contacts/{ada}/timeline"), &ann.access_token)
        .await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    let titles: Vec<&str> = timeline.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert!(titles.contains(&"Meeting: Roadmap · Room 4"), "{titles:?}");
}
on_both_databases!(a_meeting_is_on_the_timeline_of_each_contact_it_invites);

async fn bad_calendar_input_is_refused_naming_the_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let other = app.signup("Other", &unique_email("other")).await;
    let theirs = contact(&app, &other, "Theirs", None).await;
    let cases = [
        (
            json!({"subject": "Backwards", "due_at": july(1, 9), "ends_at": july(1, 8)}),
            "ends_at",
            "ends_before_start",
        ),
        (
            json!({"subject": "No start", "ends_at": july(1, 8)}),
            "due_at",
            "required",
        ),
        (
            json!({"subject": "Long", "due_at": july(1, 8), "ends_at": july(1, 8) + Duration::days(40)}),
            "ends_at",
            "too_long",
        ),
        (
            json!({"subject": "Zone", "due_at": july(1, 8), "time_zone": "Mars/Olympus"}),
            "time_zone",
            "unknown_time_zone",
        ),
        (
            json!({"subject": "Early", "due_at": july(1, 8), "reminder_minutes": 99_999}),
            "reminder_minutes",
            "out_of_range",
        ),
        (
            json!({"subject": "Both", "due_at": july(1, 8), "attendees": [{}]}),
            "attendees[0]",
            "contact_or_user",
        ),
        (
            json!({"subject": "Spy", "due_at": july(1, 8), "attendees": [{"contact_id": theirs}]}),
            "attendees[0]",
            "unknown_record",
        ),
    ];
    for (body, field, code) in cases {
        let response = app.post("/api/v1/activities", Some(&ann.access_token), body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
        assert_eq!(
            response.field_codes(),
            vec![(field.to_owned(), code.to_owned())],
            "{}",
            response.body
        );
    }
    assert_eq!(app.count_rows("activities", "").await, 0);
    assert_eq!(app.count_rows("activity_attendees", "").await, 0);

    let backwards = app
        .get(
            &format!(
                "/api/v1/calendar?from={}&to={}",
                urlencode(&july(2, 0).to_rfc3339()),
                urlencode(&july(1, 0).to_rfc3339())
            ),
            &ann.access_token,
        )
        .await;
    assert_eq!(
        backwards.field_codes(),
        vec![("to".to_owned(), "before_from".to_owned())]
    );
    let year = app
        .get(
            &format!(
                "/api/v1/calendar?from={}&to={}",
                urlencode(&july(1, 0).to_rfc3339()),
                urlencode(&(july(1, 0) + Duration::days(200)).to_rfc3339())
            ),
            &ann.access_token,
        )
        .await;
    assert_eq!(year.field_codes(), vec![("to".to_owned(), "range_too_long".to_owned())]);
}
on_both_databases!(bad_calendar_input_is_refused_naming_the_field_and_writes_nothing);

async fn a_rescheduled_meeting_keeps_its_length_and_attendees(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let ada = contact(&app, &ann, "Ada", None).await;
    let created = meeting(
        &app,
        &ann,
        json!({"kind": "meeting", "subject": "Demo", "due_at": july(1, 8), "ends_at": july(1, 9) + Duration::minutes(30),
               "attendees": [{"contact_id": ada}]}),
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let moved = app
        .post(
            &format!("/api/v1/activities/{id}/reschedule"),
            Some(&ann.access_token),
            json!({"due_at": july(3, 14)}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let at = |v: &Value| {
        v.as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    assert_eq!(at(&moved.body["due_at"]), Some(july(3, 14)));
    assert_eq!(at(&moved.body["ends_at"]), Some(july(3, 15) + Duration::minutes(30)));
    assert_eq!(moved.body["attendees"][0]["contact_id"], ada.as_str());
    // An update that leaves the attendees out keeps them.
    let renamed = app
        .put(
            &format!("/api/v1/activities/{id}"),
            &ann.access_token,
            json!({"kind": "meeting", "subject": "Demo v2", "due_at": july(3, 14)}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.body["attendees"].as_array().map(Vec::len), Some(1));
    let backwards = app
        .post(
            &format!("/api/v1/activities/{id}/reschedule"),
            Some(&ann.access_token),
            json!({"due_at": july(3, 14), "ends_at": july(3, 13)}),
        )
        .await;
    assert_eq!(
        backwards.field_codes(),
        vec![("ends_at".to_owned(), "ends_before_start".to_owned())]
    );
    let audit = app.count_rows("audit_log", "WHERE action = 'activity.updated'").await;
    assert_eq!(audit, 2, "the refused move wrote nothing");
}
on_both_databases!(a_rescheduled_meeting_keeps_its_length_and_attendees);

/// The path of a feed URL on this test server.
fn feed_path(url: &str) -> String {
    url[url.find("/ical/").expect("an /ical/ URL")..].to_owned()
}

async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("fetch");
    let status = response.status();
    (status, response.text().await.expect("text"))
}

async fn the_feed_serves_the_users_events_as_ics_and_a_wrong_or_old_token_is_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let bob = app.add_user(&ann, &unique_email("bob"), "sales_rep").await;
    let ada = contact(&app, &ann, "Ada", Some("ada@example.com")).await;
    let soon = Utc::now() + Duration::days(3);
    meeting(
        &app,
        &ann,
        json!({"kind": "meeting", "subject": "Pricing call", "due_at": soon, "ends_at": soon + Duration::hours(1),
               "time_zone": "America/New_York", "location": "Zoom", "attendees": [{"contact_id": ada}], "reminder_minutes": 10}),
    )
    .await;
    meeting(
        &app,
        &bob,
        json!({"kind": "meeting", "subject": "Bob's own", "due_at": soon}),
    )
    .await;
    meeting(
        &app,
        &bob,
        json!({"kind": "call", "subject": "Bob invites Ann", "due_at": soon, "attendees": [{"user_id": ann.user_id}]}),
    )
    .await;

    let status = app.get("/api/v1/calendar-feed", &ann.access_token).await;
    assert_eq!(status.body["active"], false);
    let created = app
        .post("/api/v1/calendar-feed", Some(&ann.access_token), json!({}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let path = feed_path(created.body["url"].as_str().expect("url"));

    let (code, text) = fetch(&app, &path).await;
    assert_eq!(code, StatusCode::OK, "{text}");
    let calendar: Calendar = text.parse().expect("the crate parses the feed");
    let mut summaries: Vec<&str> = calendar.events().filter_map(|e| e.get_summary()).collect();
    summaries.sort_unstable();
    assert_eq!(summaries, ["Bob invites Ann", "Pricing call"]);
    let pricing = calendar
        .events()
        .find(|e| e.get_summary() == Some("Pricing call"))
        .expect("the meeting");
    let Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) = pricing.get_start()
    else {
        panic!("no zoned start: {text}");
    };
    assert_eq!(tzid, "America/New_York");
    let local = soon.with_timezone(&chrono_tz::America::New_York).naive_local();
    assert_eq!(
        date_time.format("%Y%m%dT%H%M").to_string(),
        local.format("%Y%m%dT%H%M").to_string()
    );
    assert_eq!(pricing.get_location(), Some("Zoom"));
    assert_eq!(pricing.get_attendees()[0].cal_address, "mailto:ada@example.com");
    let fetched = app.get("/api/v1/calendar-feed", &ann.access_token).await;
    assert_eq!(fetched.body["active"], true);
    assert!(fetched.body["last_fetched_at"].is_string(), "{}", fetched.body);

    let (wrong, body) = fetch(&app, "/ical/not-a-token.ics").await;
    assert_eq!((wrong, body.as_str()), (StatusCode::NOT_FOUND, ""), "no hint");
    let renewed = app
        .post("/api/v1/calendar-feed", Some(&ann.access_token), json!({}))
        .await;
    let new_path = feed_path(renewed.body["url"].as_str().expect("url"));
    assert_eq!(
        fetch(&app, &path).await.0,
        StatusCode::NOT_FOUND,
        "the old URL stops working"
    );
    assert_eq!(fetch(&app, &new_path).await.0, StatusCode::OK);
    let revoked = app.delete("/api/v1/calendar-feed", &ann.access_token).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(fetch(&app, &new_path).await.0, StatusCode::NOT_FOUND);
}
on_both_databases!(the_feed_serves_the_users_events_as_ics_and_a_wrong_or_old_token_is_404);

async fn an_invitation_emails_each_attendee_an_ics_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let bob_email = unique_email("bob");
    let bob = app.add_user(&ann, &bob_email, "sales_rep").await;
    let ada = contact(&app, &ann, "Ada", Some("ada@example.com")).await;
    let nomail = contact(&app, &ann, "Nomail", None).await;
    let lonely = meeting(
        &app,
        &ann,
        json!({"kind": "meeting", "subject": "Alone", "due_at": july(1, 8), "attendees": [{"contact_id": nomail}]}),
    )
    .await;
    let refused = app
        .post(
            &format!("/api/v1/activities/{}/invitations", lonely["id"].as_str().expect("id")),
            Some(&ann.access_token),
            json!({}),
        )
        .await;
    assert_eq!(
        refused.field_codes(),
        vec![("attendees".to_owned(), "no_recipients".to_owned())]
    );

    let created = meeting(
        &app,
        &ann,
        json!({"kind": "meeting", "subject": "Contract review", "due_at": july(1, 8), "ends_at": july(1, 9),
               "time_zone": "Europe/Berlin", "attendees": [{"contact_id": ada}, {"contact_id": nomail}, {"user_id": bob.user_id}]}),
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let sent = app
        .post(
            &format!("/api/v1/activities/{id}/invitations"),
            Some(&ann.access_token),
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let mut expected = vec!["ada@example.com".to_owned(), bob_email.clone()];
    expected.sort();
    assert_eq!(sent.body["sent_to"], json!(expected));
    app.settle_jobs().await;
    let mail = outbox_message::Entity::find()
        .filter(outbox_message::Column::Category.eq("meeting_invitation"))
        .all(&app.state.kite.db)
        .await
        .expect("outbox");
    assert_eq!(mail.len(), 2);
    let to_ada = mail
        .iter()
        .find(|m| m.to_addresses.to_string().contains("ada@example.com"))
        .expect("Ada's invitation");
    assert!(
        to_ada.text_body.contains("10:00–11:00 (Europe/Berlin)"),
        "{}",
        to_ada.text_body
    );
    let attachment = &to_ada.attachments[0];
    assert_eq!(attachment["filename"], "invite.ics");
    assert!(
        attachment["content_type"]
            .as_str()
            .expect("type")
            .contains("method=REQUEST")
    );
    let ics = String::from_utf8(
        STANDARD
            .decode(attachment["content"].as_str().expect("content"))
            .expect("base64"),
    )
    .expect("utf-8");
    let calendar: Calendar = ics.parse().expect("parses");
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
    let event = calendar.events().next().expect("the event");
    assert_eq!(event.get_summary(), Some("Contract review"));
    assert!(
        event
            .property_value("ORGANIZER")
            .is_some_and(|o| o.starts_with("mailto:")),
        "{ics}"
    );
    assert_eq!(
        event.get_attendees().len(),
        2,
        "the contact without an address is left out: {ics}"
    );
}
on_both_databases!(an_invitation_emails_each_attendee_an_ics_request);

async fn a_due_reminder_is_emailed_and_streamed_to_the_owner_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.signup("Acme", &unique_email("ann")).await;
    let (_, mut stream) = app.event_stream(&ann).await;
    let now = Utc::now();
    let due = now + Duration::minutes(10);
    let task = meeting(
        &app,
        &ann,
        json!({"kind": "task", "subject": "Send the quote", "due_at": due, "reminder_minutes": 15}),
    )
    .await;
    meeting(
        &app,
        &ann,
        json!({"kind": "meeting", "subject": "Later", "due_at": now + Duration::hours(3), "reminder_minutes": 15}),
    )
    .await;
    meeting(
        &app,
        &ann,
        json!({"kind": "task", "subject": "Done already", "due_at": due, "reminder_minutes": 15, "done": true}),
    )
    .await;
    let calendar = app.state.kite.calendar();
    // The server's own clock may tick too; whoever queues, one reminder goes.
    calendar.queue_reminders(now).await.expect("tick");
    calendar.queue_reminders(now).await.expect("a second tick");
    app.settle_jobs().await;
    calendar.queue_reminders(now).await.expect("a tick after it was sent");
    app.settle_jobs().await;
    let text = read_stream_until(&mut stream, "event: reminder").await;
    assert!(text.contains(task["id"].as_str().expect("id")), "{text}");
    assert_eq!(
        app.count_rows("outbox_messages", "WHERE category = 'reminder'").await,
        1
    );

    // Moving the task later sets a new reminder, sent again when it comes due.
    let id = task["id"].as_str().expect("id");
    app.post(
        &format!("/api/v1/activities/{id}/reschedule"),
        Some(&ann.access_token),
        json!({"due_at": now + Duration::hours(1)}),
    )
    .await;
    assert_eq!(calendar.queue_reminders(now).await.expect("tick"), 0, "not due yet");
    calendar
        .queue_reminders(now + Duration::minutes(50))
        .await
        .expect("tick");
    app.settle_jobs().await;
    assert_eq!(
        app.count_rows("outbox_messages", "WHERE category = 'reminder'").await,
        2
    );
}
on_both_databases!(a_due_reminder_is_emailed_and_streamed_to_the_owner_once);
