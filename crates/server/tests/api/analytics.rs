use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Duration, Utc};
use kite_entity::{deal, deal_stage_change};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

async fn stages(app: &TestApp, session: &Session) -> Vec<Value> {
    let pipelines = app.get("/api/v1/pipelines", &session.access_token).await;
    pipelines.body[0]["stages"].as_array().expect("stages").clone()
}

async fn deal(app: &TestApp, session: &Session, minor: i64, currency: &str) -> String {
    let created = app
        .post(
            "/api/v1/deals",
            Some(&session.access_token),
            json!({"title": "Deal", "value": {"minor": minor, "currency": currency}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

async fn move_to(app: &TestApp, session: &Session, id: &str, stage: &Value, reason: Option<&str>) {
    let moved = app
        .post(
            &format!("/api/v1/deals/{id}/move"),
            Some(&session.access_token),
            json!({"stage_id": stage["id"], "lost_reason": reason}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
}

/// Four deals: one won through Qualified, one lost from Qualified, one still in Lead, and
/// one in USD won straight away.
async fn history(app: &TestApp, session: &Session) -> Vec<Value> {
    let stages = stages(app, session).await;
    let won = deal(app, session, 500_000, "EUR").await;
    move_to(app, session, &won, &stages[1], None).await;
    move_to(app, session, &won, &stages[5], None).await;
    let lost = deal(app, session, 200_000, "EUR").await;
    move_to(app, session, &lost, &stages[1], None).await;
    move_to(app, session, &lost, &stages[6], Some("Price")).await;
    deal(app, session, 100_000, "EUR").await;
    let usd = deal(app, session, 90_000, "USD").await;
    move_to(app, session, &usd, &stages[5], None).await;
    stages
}

async fn the_reports_follow_deals_moved_won_and_lost(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    history(&app, &admin).await;
    let token = &admin.access_token;

    let summary = app.get("/api/v1/analytics/summary?period=this_month", token).await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.body);
    let now = &summary.body["current"];
    // EUR is the most used currency: the USD win is not added to it.
    assert_eq!(
        (now["currency"].as_str(), now["won_minor"].as_i64()),
        (Some("EUR"), Some(500_000))
    );
    assert_eq!(
        (now["deals_won"].as_u64(), now["deals_lost"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(now["new_deals"], 4);

    let conversion = app.get("/api/v1/analytics/conversion?period=this_month", token).await;
    let reached: Vec<u64> = conversion.body["current"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["reached"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(reached, vec![4, 3, 2, 2, 2], "won deals reached every stage");

    let win_loss = app.get("/api/v1/analytics/win-loss?period=this_month", token).await;
    assert_eq!(win_loss.body["current"]["lost_reasons"][0]["reason"], "Price");
    assert_eq!(win_loss.body["current"]["won_value"].as_array().map(Vec::len), Some(2));

    let velocity = app.get("/api/v1/analytics/velocity?period=this_month", token).await;
    assert_eq!(
        velocity.body["current"]["stages"][0]["stays"], 3,
        "three deals left Lead"
    );
    assert_eq!(velocity.body["current"]["cycle"]["won_deals"], 2);

    let board = app.get("/api/v1/analytics/leaderboard?period=this_month", token).await;
    assert_eq!(board.body["current"]["rows"][0]["owner_id"], admin.user_id);
    assert_eq!(board.body["current"]["rows"][0]["deals_won"], 2);

    let pipeline = app.get("/api/v1/analytics/pipeline", token).await;
    assert_eq!(pipeline.body["stages"][0]["count"], 1, "one deal is open, in Lead");

    let bottlenecks = app.get("/api/v1/analytics/bottlenecks", token).await;
    assert_eq!(bottlenecks.status, StatusCode::OK, "{}", bottlenecks.body);
    let stuck: u64 = bottlenecks.body["current"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["open_deals"].as_u64().unwrap_or_default())
        .sum();
    assert_eq!(stuck, 1);

    let forecast = app.get("/api/v1/analytics/forecast", token).await;
    assert_eq!(forecast.status, StatusCode::OK, "{}", forecast.body);
    assert_eq!(forecast.body["method"], "stage_weighted");
}
on_both_databases!(the_reports_follow_deals_moved_won_and_lost);

/// Moves the stay of `deal` in `stage` to days `entered` to `left` after `base`, as if it
/// had happened then.
async fn backdate_stay(app: &TestApp, deal: &str, stage: &Value, base: DateTime<Utc>, entered: i64, left: i64) {
    let updated = deal_stage_change::Entity::update_many()
        .col_expr(
            deal_stage_change::Column::EnteredAt,
            Expr::value(base + Duration::days(entered)),
        )
        .col_expr(
            deal_stage_change::Column::MovedAt,
            Expr::value(base + Duration::days(left)),
        )
        .filter(deal_stage_change::Column::DealId.eq(Uuid::parse_str(deal).expect("deal id")))
        .filter(
            deal_stage_change::Column::FromStageId
                .eq(Uuid::parse_str(stage["id"].as_str().expect("id")).expect("stage id")),
        )
        .exec(&app.state.kite.db)
        .await
        .expect("backdate");
    assert_eq!(updated.rows_affected, 1);
}

async fn stage_times_have_their_median_mean_90th_percentile_and_drop_off(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stages = stages(&app, &admin).await;
    let base = (Utc::now() - Duration::days(60))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    // Five deals left Lead after 1, 2, 3, 4 and 10 days; the slowest was lost.
    for days in [1, 2, 3, 4, 10] {
        let id = deal(&app, &admin, 100_000, "EUR").await;
        let next = if days == 10 { &stages[6] } else { &stages[1] };
        move_to(&app, &admin, &id, next, (days == 10).then_some("Price")).await;
        backdate_stay(&app, &id, &stages[0], base, 0, days).await;
    }
    let period = format!(
        "period=custom&from={}&to={}",
        base.date_naive(),
        (base + Duration::days(20)).date_naive()
    );
    let token = &admin.access_token;

    let velocity = app.get(&format!("/api/v1/analytics/velocity?{period}"), token).await;
    assert_eq!(velocity.status, StatusCode::OK, "{}", velocity.body);
    let lead = &velocity.body["current"]["stages"][0];
    assert_eq!(
        (
            lead["stays"].as_u64(),
            lead["median_days"].as_f64(),
            lead["mean_days"].as_f64()
        ),
        (Some(5), Some(3.0), Some(4.0))
    );
    // p90 of 1, 2, 3, 4, 10: position 0.9 × 4 = 3.6, so 4 + 0.6 × (10 − 4).
    let p90 = lead["p90_days"].as_f64().unwrap_or_default();
    assert!((p90 - 7.6).abs() < 1e-6, "{p90}");
    assert_eq!(
        velocity.body["current"]["stages"][1]["stays"], 0,
        "no deal left Qualified"
    );

    let bottlenecks = app.get(&format!("/api/v1/analytics/bottlenecks?{period}"), token).await;
    let lead = bottlenecks.body["current"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|b| b["stage_id"] == stages[0]["id"])
        .expect("Lead");
    assert_eq!(
        (lead["median_days"].as_f64(), lead["drop_off"].as_f64()),
        (Some(3.0), Some(0.2))
    );
    assert!(lead["usual_median_days"].is_null(), "nothing left Lead the year before");
}
on_both_databases!(stage_times_have_their_median_mean_90th_percentile_and_drop_off);

async fn a_comparison_reports_the_period_before(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    history(&app, &admin).await;
    let summary = app
        .get(
            "/api/v1/analytics/summary?period=last_n_days&days=7&compare=true",
            &admin.access_token,
        )
        .await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.body);
    assert_eq!(summary.body["current"]["deals_won"], 2);
    assert_eq!(
        summary.body["previous"]["deals_won"], 0,
        "nothing was won the week before"
    );
    let days = |span: &Value| {
        let start = chrono::NaiveDate::parse_from_str(span["start"].as_str().unwrap_or_default(), "%Y-%m-%d");
        let end = chrono::NaiveDate::parse_from_str(span["end"].as_str().unwrap_or_default(), "%Y-%m-%d");
        (end.expect("end") - start.expect("start")).num_days()
    };
    assert_eq!(days(&summary.body["periods"]["current"]), 7);
    assert_eq!(
        summary.body["periods"]["previous"]["end"],
        summary.body["periods"]["current"]["start"]
    );
    let plain = app.get("/api/v1/analytics/summary", &admin.access_token).await;
    assert!(plain.body["previous"].is_null(), "no comparison unless asked");
}
on_both_databases!(a_comparison_reports_the_period_before);

async fn a_rep_sees_only_their_own_figures(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let stages = stages(&app, &admin).await;
    history(&app, &admin).await;
    let mine = deal(&app, &rep, 700_000, "EUR").await;
    move_to(&app, &rep, &mine, &stages[5], None).await;

    let own = app
        .get("/api/v1/analytics/summary?period=this_month", &rep.access_token)
        .await;
    assert_eq!(own.body["current"]["deals_won"], 1);
    assert_eq!(own.body["current"]["new_deals"], 1);
    let board = app
        .get("/api/v1/analytics/leaderboard?period=this_month", &rep.access_token)
        .await;
    assert_eq!(board.body["current"]["rows"].as_array().map(Vec::len), Some(1));
    let other = app
        .get(
            &format!("/api/v1/analytics/summary?owner_id={}", admin.user_id),
            &rep.access_token,
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);

    let team = app
        .get("/api/v1/analytics/summary?period=this_month", &admin.access_token)
        .await;
    assert_eq!(team.body["current"]["deals_won"], 3);
    let filtered = app
        .get(
            &format!("/api/v1/analytics/summary?period=this_month&owner_id={}", rep.user_id),
            &admin.access_token,
        )
        .await;
    assert_eq!(filtered.body["current"]["deals_won"], 1);
}
on_both_databases!(a_rep_sees_only_their_own_figures);

/// Moves when `deal` closed to `at`, as if it had happened then.
async fn backdate_close(app: &TestApp, deal: &str, at: &str) {
    let at: DateTime<Utc> = at.parse().expect("instant");
    deal::Entity::update_many()
        .col_expr(deal::Column::ClosedAt, Expr::value(at))
        .filter(deal::Column::Id.eq(Uuid::parse_str(deal).expect("deal id")))
        .exec(&app.state.kite.db)
        .await
        .expect("backdate");
}

async fn win_rates_are_broken_down_and_days_are_the_time_zones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let stages = stages(&app, &admin).await;
    let company = app
        .post(
            "/api/v1/companies",
            Some(token),
            json!({"name": "Initech", "size": "11-50"}),
        )
        .await;
    let contact = app
        .post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": "Peter", "company_id": company.body["id"], "source": "Referral", "lifecycle_stage": "sql"}),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.body);
    let referred = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Referred", "value": {"minor": 500_000, "currency": "EUR"},
                   "company_id": company.body["id"], "contact_ids": [contact.body["id"]]}),
        )
        .await;
    let referred = referred.body["id"].as_str().expect("id").to_owned();
    move_to(&app, &admin, &referred, &stages[5], None).await;
    let small = deal(&app, &admin, 90_000, "USD").await;
    move_to(&app, &admin, &small, &stages[5], None).await;
    let lost = deal(&app, &admin, 200_000, "EUR").await;
    move_to(&app, &admin, &lost, &stages[6], Some(" Price ")).await;
    // Berlin is an hour ahead of UTC in March: the first and last close on the next day there.
    backdate_close(&app, &referred, "2026-03-01T23:30:00Z").await;
    backdate_close(&app, &small, "2026-03-01T12:00:00Z").await;
    backdate_close(&app, &lost, "2026-03-02T23:30:00Z").await;

    let period = "period=custom&from=2026-03-01&to=2026-03-04";
    let report = app
        .get(&format!("/api/v1/analytics/win-loss?{period}&tz=Europe/Berlin"), token)
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let now = &report.body["current"];
    let by = |dimension: &str| -> Vec<(String, u64, u64)> {
        now["breakdowns"]
            .as_array()
            .expect("breakdowns")
            .iter()
            .find(|b| b["dimension"] == dimension)
            .and_then(|b| b["groups"].as_array())
            .expect("groups")
            .iter()
            .map(|g| {
                (
                    g["key"].as_str().unwrap_or_default().to_owned(),
                    g["won"].as_u64().unwrap_or_default(),
                    g["lost"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(by("owner"), vec![(admin.user_id.clone(), 2, 1)]);
    assert_eq!(by("source"), vec![(String::new(), 1, 1), ("Referral".to_owned(), 1, 0)]);
    assert_eq!(by("lifecycle")[1], ("sql".to_owned(), 1, 0));
    assert_eq!(
        by("company_size"),
        vec![(String::new(), 1, 1), ("11-50".to_owned(), 1, 0)]
    );
    assert_eq!(
        by("size_band"),
        vec![("1k_10k".to_owned(), 1, 1), ("under_1k".to_owned(), 1, 0)]
    );
    assert_eq!(now["lost_reasons"][0]["reason"], "Price", "trimmed");
    assert_eq!(now["bucket"], "day");
    let days = |body: &Value| -> Vec<(String, String, i64, i64)> {
        body["current"]["over_time"]
            .as_array()
            .expect("over time")
            .iter()
            .filter(|b| b["won_minor"] != 0 || b["lost_minor"] != 0)
            .map(|b| {
                (
                    b["start"].as_str().unwrap_or_default().to_owned(),
                    b["currency"].as_str().unwrap_or_default().to_owned(),
                    b["won_minor"].as_i64().unwrap_or_default(),
                    b["lost_minor"].as_i64().unwrap_or_default(),
                )
            })
            .collect()
    };
    let day = |d: &str, c: &str, won: i64, lost: i64| (d.to_owned(), c.to_owned(), won, lost);
    assert_eq!(
        days(&report.body),
        vec![
            day("2026-03-01", "USD", 90_000, 0),
            day("2026-03-02", "EUR", 500_000, 0),
            day("2026-03-03", "EUR", 0, 200_000),
        ]
    );
    let in_utc = app.get(&format!("/api/v1/analytics/win-loss?{period}"), token).await;
    assert_eq!(
        days(&in_utc.body),
        vec![
            day("2026-03-01", "EUR", 500_000, 0),
            day("2026-03-01", "USD", 90_000, 0),
            day("2026-03-02", "EUR", 0, 200_000),
        ]
    );
    // Berlin's clocks go forward at 01:00 UTC on 29 March: an hour ahead before, two after.
    backdate_close(&app, &referred, "2026-03-28T23:30:00Z").await;
    backdate_close(&app, &small, "2026-03-29T22:30:00Z").await;
    let over_the_change = app
        .get(
            "/api/v1/analytics/win-loss?period=custom&from=2026-03-28&to=2026-03-31&tz=Europe/Berlin",
            token,
        )
        .await;
    assert_eq!(
        days(&over_the_change.body),
        vec![
            day("2026-03-29", "EUR", 500_000, 0),
            day("2026-03-30", "USD", 90_000, 0),
        ]
    );
}
on_both_databases!(win_rates_are_broken_down_and_days_are_the_time_zones);

async fn bad_periods_and_filters_are_refused_by_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for (query, field, code) in [
        ("period=custom&from=2026-02-01&to=2026-01-01", "to", "before_start"),
        ("period=custom&from=2010-01-01&to=2020-06-01", "to", "too_long"),
        ("period=custom&from=2026-01-01", "to", "required"),
        ("period=last_n_days&days=0", "days", "out_of_range"),
        ("period=fortnight", "period", "invalid_value"),
        ("from=yesterday", "from", "invalid_value"),
        ("tz=Mars/Olympus", "tz", "unknown_time_zone"),
        ("currency=euro", "currency", "invalid_currency"),
        (
            "pipeline_id=00000000-0000-0000-0000-000000000001",
            "pipeline_id",
            "unknown_pipeline",
        ),
        (
            "owner_id=00000000-0000-0000-0000-000000000001",
            "owner_id",
            "unknown_owner",
        ),
        ("colour=red", "colour", "unknown_field"),
    ] {
        let response = app
            .get(&format!("/api/v1/analytics/conversion?{query}"), &admin.access_token)
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            response.body
        );
        assert_eq!(response.field_codes(), vec![(field.into(), code.into())], "{query}");
    }
}
on_both_databases!(bad_periods_and_filters_are_refused_by_field);

async fn a_renamed_stage_shows_in_the_reports_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stages = history(&app, &admin).await;
    let token = &admin.access_token;
    let first_stage_name = |body: &Value| body["current"]["stages"][0]["name"].as_str().map(str::to_owned);

    let before = app.get("/api/v1/analytics/conversion?period=this_month", token).await;
    assert_eq!(
        first_stage_name(&before.body),
        stages[0]["name"].as_str().map(str::to_owned)
    );
    let stage = stages[0]["id"].as_str().expect("id");
    let renamed = app
        .put(&format!("/api/v1/stages/{stage}"), token, json!({"name": "Inbound"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    // The first read was kept; the rename must drop it rather than wait for it to age.
    let after = app.get("/api/v1/analytics/conversion?period=this_month", token).await;
    assert_eq!(first_stage_name(&after.body).as_deref(), Some("Inbound"));
}
on_both_databases!(a_renamed_stage_shows_in_the_reports_at_once);

async fn a_report_exports_the_table_its_page_shows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    history(&app, &admin).await;

    let (status, csv) = app
        .download(&admin, "/api/v1/analytics/export?report=conversion&period=this_month")
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(csv).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "\u{feff}Stage,Reached,Went on,To next %,Won,Won %");
    // Four deals entered Lead, three went on to Qualified, two were won.
    assert_eq!(lines[1], "Lead in,4,3,75,2,50");

    let (status, xlsx) = app
        .download(
            &admin,
            "/api/v1/analytics/export?report=leaderboard&format=xlsx&period=this_month",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).expect("a workbook");
    let rows: Vec<Vec<Data>> = book
        .worksheet_range("leaderboard")
        .expect("the sheet")
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(
        rows[0][..4],
        ["Rank", "Owner", "Won EUR", "Won USD"].map(|h| Data::String(h.into()))
    );
    // Money is a number a spreadsheet can add, one column per currency.
    assert_eq!(rows[1][2..4], [Data::Float(5000.0), Data::Float(900.0)]);
    assert_eq!(rows.last().expect("team row")[1], Data::String("Team".into()));

    for (query, field, code) in [
        ("report=pipeline", "report", "no_table"),
        ("report=weather", "report", "invalid_value"),
        ("report=conversion&format=pdf", "format", "invalid_value"),
        (
            "report=conversion&period=custom&from=2026-02-01&to=2026-01-01",
            "to",
            "before_start",
        ),
        ("report=conversion&colour=red", "colour", "unknown_field"),
    ] {
        let refused = app
            .get(&format!("/api/v1/analytics/export?{query}"), &admin.access_token)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            refused.body
        );
        assert_eq!(refused.field_codes(), vec![(field.into(), code.into())], "{query}");
    }
    assert_eq!(
        app.count_rows("audit_log", "WHERE action LIKE '%.exported'").await,
        2,
        "each export is audited, refused ones are not"
    );
}
on_both_databases!(a_report_exports_the_table_its_page_shows);
