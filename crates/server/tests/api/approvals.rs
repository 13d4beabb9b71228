use crate::helpers::{Backend, Response, Session, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// An organization with people of every role, and its pipeline's stages.
struct Team {
    app: TestApp,
    admin: Session,
    manager: Session,
    manager2: Session,
    rep: Session,
    viewer: Session,
    stages: Vec<Value>,
}

impl Team {
    async fn new(backend: Backend) -> Team {
        let app = TestApp::spawn(backend).await;
        let admin = app.signup("Acme", &unique_email("admin")).await;
        let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
        let manager2 = app.add_user(&admin, &unique_email("manager2"), "manager").await;
        let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
        let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
        let pipelines = app.get("/api/v1/pipelines", &admin.access_token).await;
        let stages = pipelines.body[0]["stages"].as_array().expect("stages").clone();
        Team {
            app,
            admin,
            manager,
            manager2,
            rep,
            viewer,
            stages,
        }
    }

    fn stage(&self, i: usize) -> &str {
        self.stages[i]["id"].as_str().expect("stage id")
    }

    async fn workflow(&self, body: Value) -> Value {
        let created = self
            .app
            .post("/api/v1/approval-workflows", Some(&self.admin.access_token), body)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        created.body
    }

    /// A deal of `owner`'s in the first stage.
    async fn deal(&self, owner: &Session, minor: i64, discount: Option<i32>) -> String {
        let created = self
            .app
            .post(
                "/api/v1/deals",
                Some(&owner.access_token),
                json!({"title": "Nova renewal", "value": {"minor": minor, "currency": "EUR"}, "discount_percent": discount}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        created.body["id"].as_str().expect("id").to_owned()
    }

    async fn move_deal(&self, who: &Session, deal: &str, stage: &str) -> Response {
        self.app
            .post(
                &format!("/api/v1/deals/{deal}/move"),
                Some(&who.access_token),
                json!({"stage_id": stage}),
            )
            .await
    }

    async fn ask(&self, who: &Session, deal: &str, stage: &str) -> Response {
        self.app
            .post(
                "/api/v1/approvals",
                Some(&who.access_token),
                json!({"deal_id": deal, "stage_id": stage, "note": "Strategic account"}),
            )
            .await
    }

    async fn asked(&self, who: &Session, deal: &str, stage: &str) -> String {
        let asked = self.ask(who, deal, stage).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
        asked.body["summary"]["id"].as_str().expect("request id").to_owned()
    }

    async fn decide(&self, who: &Session, request: &str, what: &str, comment: Option<&str>) -> Response {
        self.app
            .post(
                &format!("/api/v1/approvals/{request}/{what}"),
                Some(&who.access_token),
                json!({"comment": comment}),
            )
            .await
    }

    async fn request(&self, request: &str) -> Value {
        let got = self
            .app
            .get(&format!("/api/v1/approvals/{request}"), &self.admin.access_token)
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.body);
        got.body
    }

    async fn stage_of(&self, deal: &str) -> String {
        let got = self
            .app
            .get(&format!("/api/v1/deals/{deal}"), &self.admin.access_token)
            .await;
        got.body["stage_id"].as_str().expect("stage").to_owned()
    }

    async fn emails(&self, category: &str) -> i64 {
        self.app.settle_jobs().await;
        self.app
            .count_rows("outbox_messages", &format!("WHERE category = '{category}'"))
            .await
    }
}

fn over(minor: i64) -> Value {
    json!({"minor": minor, "currency": "EUR"})
}

fn step(name: &str, mode: &str, approver_ids: &[&Session], roles: &[&str]) -> Value {
    let ids: Vec<&str> = approver_ids.iter().map(|s| s.user_id.as_str()).collect();
    json!({"name": name, "mode": mode, "approver_ids": ids, "approver_roles": roles})
}

async fn a_move_into_a_guarded_stage_waits_for_every_step_then_is_applied(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(json!({
        "name": "Big deals", "stage_id": target, "min_value": over(1_000_000),
        "steps": [step("Manager", "any", &[], &["manager"]), step("Director", "any", &[&team.admin], &[])],
    }))
    .await;
    let small = team.deal(&team.rep, 1_000_000, None).await;
    let moved = team.move_deal(&team.rep, &small, &target).await;
    assert_eq!(
        moved.status,
        StatusCode::OK,
        "exactly 10,000 is not over 10,000: {}",
        moved.body
    );

    let big = team.deal(&team.rep, 1_500_000, None).await;
    let held = team.move_deal(&team.rep, &big, &target).await;
    assert_eq!(held.status, StatusCode::CONFLICT, "{}", held.body);
    assert_eq!(held.code(), "approval_required");
    assert_eq!(held.body["details"]["workflow_name"], "Big deals");
    assert_eq!(held.body["details"]["steps"], json!(["Manager", "Director"]));
    assert_eq!(
        team.stage_of(&big).await,
        team.stage(0),
        "a held move leaves the deal where it was"
    );

    let request = team.asked(&team.rep, &big, &target).await;
    let deal = team
        .app
        .get(&format!("/api/v1/deals/{big}"), &team.rep.access_token)
        .await;
    assert_eq!(deal.body["pending_approval"]["request_id"], request.as_str());
    let board = team.app.get("/api/v1/board", &team.rep.access_token).await;
    let card = board.body["columns"][0]["deals"]
        .as_array()
        .expect("cards")
        .iter()
        .find(|c| c["id"] == big.as_str())
        .cloned()
        .expect("the card");
    assert_eq!(
        card["pending_approval"]["to_stage_id"],
        target.as_str(),
        "the board shows the badge"
    );
    assert_eq!(team.emails("approval_request").await, 2, "both managers are asked");

    let early = team.decide(&team.admin, &request, "approve", None).await;
    assert_eq!(
        early.status,
        StatusCode::FORBIDDEN,
        "the director's step has not started"
    );
    let first = team
        .decide(&team.manager, &request, "approve", Some("Fine by me"))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["summary"]["current_step"], 2);
    assert_eq!(first.body["steps"][0]["status"], "approved");
    assert_eq!(team.stage_of(&big).await, team.stage(0));
    let last = team.decide(&team.admin, &request, "approve", None).await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.body);
    assert_eq!(last.body["summary"]["status"], "approved");
    assert_eq!(team.stage_of(&big).await, target, "the last approval applies the move");

    let actions: Vec<String> = last.body["trail"]
        .as_array()
        .expect("trail")
        .iter()
        .filter_map(|a| a["action"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(actions, ["requested", "approved", "approved", "applied"]);
    let audited = team
        .app
        .count_rows(
            "audit_log",
            &format!("WHERE entity_type = 'approval' AND entity_id = '{request}'"),
        )
        .await;
    assert_eq!(audited, 4, "every action has its audit row");
    let timeline = team
        .app
        .get(&format!("/api/v1/deals/{big}/timeline"), &team.rep.access_token)
        .await;
    let approvals = timeline.body["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["kind"] == "approval")
        .count();
    assert_eq!(approvals, 4, "{}", timeline.body);
    assert_eq!(
        team.emails("approval_decision").await,
        1,
        "the requester hears how it ended"
    );
}
on_both_databases!(a_move_into_a_guarded_stage_waits_for_every_step_then_is_applied);

async fn an_all_step_needs_every_approver_in_any_order(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(3).to_owned();
    team.workflow(json!({
        "name": "Board", "stage_id": target,
        "steps": [step("Both managers", "all", &[&team.manager, &team.manager2], &[])],
    }))
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let one = team.decide(&team.manager2, &request, "approve", None).await;
    assert_eq!(one.body["summary"]["status"], "pending", "{}", one.body);
    assert_eq!(team.stage_of(&deal).await, team.stage(0));
    let twice = team.decide(&team.manager2, &request, "approve", None).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.code(), "already_decided");
    let both = team.decide(&team.manager, &request, "approve", None).await;
    assert_eq!(both.body["summary"]["status"], "approved", "{}", both.body);
    assert_eq!(team.stage_of(&deal).await, target);
}
on_both_databases!(an_all_step_needs_every_approver_in_any_order);

async fn the_first_matching_workflow_by_priority_runs_and_conditions_are_strict(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(json!({
        "name": "Any value", "priority": 2, "stage_id": target, "min_value": over(0),
        "steps": [step("Manager", "any", &[&team.manager], &[])],
    }))
    .await;
    team.workflow(json!({
        "name": "Heavy discount", "priority": 1, "stage_id": target, "min_discount_percent": 20,
        "steps": [step("Finance", "any", &[&team.manager2], &[])],
    }))
    .await;
    team.workflow(json!({
        "name": "Reps only", "priority": 0, "stage_id": target, "owner_roles": ["sales_rep"],
        "min_discount_percent": 50, "steps": [step("Finance", "any", &[&team.manager2], &[])],
    }))
    .await;
    let listed = team.app.get("/api/v1/approval-workflows", &team.rep.access_token).await;
    let names: Vec<&str> = listed
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|w| w["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Reps only", "Heavy discount", "Any value"],
        "listed in the order they are tried"
    );

    let discounted = team.deal(&team.rep, 500, Some(25)).await;
    let held = team.move_deal(&team.rep, &discounted, &target).await;
    assert_eq!(held.body["details"]["workflow_name"], "Heavy discount", "{}", held.body);
    let at_twenty = team.deal(&team.rep, 500, Some(20)).await;
    let held = team.move_deal(&team.rep, &at_twenty, &target).await;
    assert_eq!(
        held.body["details"]["workflow_name"], "Any value",
        "20% is not above 20%"
    );
    let free = team.deal(&team.rep, 0, None).await;
    assert_eq!(team.move_deal(&team.rep, &free, &target).await.status, StatusCode::OK);

    let reps = team.deal(&team.rep, 0, Some(60)).await;
    let held = team.move_deal(&team.rep, &reps, &target).await;
    assert_eq!(held.body["details"]["workflow_name"], "Reps only");
    let admins = team.deal(&team.admin, 0, Some(60)).await;
    let held = team.move_deal(&team.admin, &admins, &target).await;
    assert_eq!(
        held.body["details"]["workflow_name"], "Heavy discount",
        "the owner's role decides"
    );
}
on_both_databases!(the_first_matching_workflow_by_priority_runs_and_conditions_are_strict);

async fn nobody_approves_a_deal_they_own_or_asked_for(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(json!({
        "name": "Managers", "stage_id": target,
        "steps": [step("Manager", "any", &[], &["manager"])],
    }))
    .await;
    let deal = team.deal(&team.manager, 100, None).await;
    let request = team.asked(&team.manager, &deal, &target).await;
    let body = team.request(&request).await;
    let approvers: Vec<&str> = body["steps"][0]["approvers"]
        .as_array()
        .expect("approvers")
        .iter()
        .filter_map(|a| a["user_id"].as_str())
        .collect();
    assert_eq!(approvers, [team.manager2.user_id.as_str()], "the owner is left out");
    let own = team.decide(&team.manager, &request, "approve", None).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);

    team.workflow(json!({
        "name": "Only the rep", "stage_id": team.stage(3),
        "steps": [step("Rep", "any", &[&team.rep], &[])],
    }))
    .await;
    let reps = team.deal(&team.rep, 100, None).await;
    let refused = team.ask(&team.rep, &reps, team.stage(3)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.code(), "no_approver");
    assert_eq!(
        team.app.count_rows("approval_requests", "").await,
        1,
        "only the manager's request was made"
    );
}
on_both_databases!(nobody_approves_a_deal_they_own_or_asked_for);

async fn a_rejection_says_why_leaves_the_deal_and_closes_the_request(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(json!({
        "name": "Managers", "stage_id": target,
        "steps": [step("Manager", "any", &[&team.manager], &[]), step("Admin", "any", &[&team.admin], &[])],
    }))
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let silent = team.decide(&team.manager, &request, "reject", Some("  ")).await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(silent.field_codes(), [("comment".to_owned(), "required".to_owned())]);
    let rejected = team
        .decide(&team.manager, &request, "reject", Some("Margin too thin"))
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    assert_eq!(rejected.body["summary"]["status"], "rejected");
    assert_eq!(rejected.body["steps"][1]["status"], "closed");
    assert_eq!(team.stage_of(&deal).await, team.stage(0));
    team.app.settle_jobs().await;
    let told = team
        .app
        .count_rows(
            "outbox_messages",
            "WHERE category = 'approval_decision' AND text_body LIKE '%Margin too thin%'",
        )
        .await;
    assert_eq!(told, 1, "the requester is told why");
    let late = team.decide(&team.admin, &request, "approve", None).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.code(), "approval_closed");
    let commented = team
        .decide(&team.rep, &request, "comment", Some("Will rework the margin"))
        .await;
    assert_eq!(
        commented.status,
        StatusCode::OK,
        "a closed request still takes comments"
    );
    for action in ["approval.rejected", "approval.commented"] {
        let rows = team
            .app
            .count_rows("audit_log", &format!("WHERE action = '{action}'"))
            .await;
        assert_eq!(rows, 1, "{action}");
    }
}
on_both_databases!(a_rejection_says_why_leaves_the_deal_and_closes_the_request);

async fn the_requester_withdraws_and_nobody_else_but_an_admin_may(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(
        json!({"name": "Managers", "stage_id": target, "steps": [step("Manager", "any", &[&team.manager], &[])]}),
    )
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let again = team.ask(&team.rep, &deal, &target).await;
    assert_eq!(again.code(), "approval_pending", "one pending request per deal");
    let stranger = team.decide(&team.manager2, &request, "withdraw", None).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let withdrawn = team
        .decide(&team.rep, &request, "withdraw", Some("Customer paused"))
        .await;
    assert_eq!(withdrawn.body["summary"]["status"], "withdrawn", "{}", withdrawn.body);
    let approve = team.decide(&team.manager, &request, "approve", None).await;
    assert_eq!(approve.code(), "approval_closed");
    assert_eq!(
        team.ask(&team.rep, &deal, &target).await.status,
        StatusCode::CREATED,
        "it can be asked again"
    );
    assert_eq!(
        team.app
            .count_rows("audit_log", "WHERE action = 'approval.withdrawn'")
            .await,
        1
    );
}
on_both_databases!(the_requester_withdraws_and_nobody_else_but_an_admin_may);

async fn a_new_value_voids_the_pending_request_and_asks_again(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(json!({
        "name": "Big deals", "stage_id": target, "min_value": over(1_000_000),
        "steps": [step("Manager", "any", &[&team.manager], &[])],
    }))
    .await;
    let deal = team.deal(&team.rep, 2_000_000, None).await;
    let first = team.asked(&team.rep, &deal, &target).await;
    let edit = |minor: i64| json!({"title": "Nova renewal", "value": {"minor": minor, "currency": "EUR"}});
    let saved = team
        .app
        .put(
            &format!("/api/v1/deals/{deal}"),
            &team.rep.access_token,
            edit(3_000_000),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(team.request(&first).await["summary"]["status"], "voided");
    let second = saved.body["pending_approval"]["request_id"]
        .as_str()
        .expect("asked again")
        .to_owned();
    assert_ne!(second, first);
    assert_eq!(
        team.request(&second).await["summary"]["snapshot"]["value"]["minor"],
        3_000_000
    );
    let late = team.decide(&team.manager, &first, "approve", None).await;
    assert_eq!(late.code(), "approval_closed", "a voided request takes no decision");

    let small = team
        .app
        .put(&format!("/api/v1/deals/{deal}"), &team.rep.access_token, edit(500))
        .await;
    assert_eq!(
        small.body["pending_approval"],
        Value::Null,
        "no workflow holds it any more"
    );
    assert_eq!(team.request(&second).await["summary"]["status"], "voided");
    assert_eq!(team.move_deal(&team.rep, &deal, &target).await.status, StatusCode::OK);
}
on_both_databases!(a_new_value_voids_the_pending_request_and_asks_again);

async fn moving_the_deal_elsewhere_voids_its_request(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(3).to_owned();
    team.workflow(
        json!({"name": "Managers", "stage_id": target, "steps": [step("Manager", "any", &[&team.manager], &[])]}),
    )
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let guarded = team.move_deal(&team.rep, &deal, &target).await;
    assert_eq!(guarded.code(), "approval_pending", "{}", guarded.body);
    let elsewhere = team.move_deal(&team.rep, &deal, team.stage(1)).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
    assert_eq!(team.request(&request).await["summary"]["status"], "voided");
    assert_eq!(
        team.app
            .count_rows("audit_log", "WHERE action = 'approval.voided'")
            .await,
        1
    );
}
on_both_databases!(moving_the_deal_elsewhere_voids_its_request);

async fn an_admin_reassigns_an_undecided_approver(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(
        json!({"name": "Managers", "stage_id": target, "steps": [step("Manager", "any", &[&team.manager], &[])]}),
    )
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let path = format!("/api/v1/approvals/{request}/reassign");
    let body = |to: &Session| json!({"from_user_id": team.manager.user_id, "to_user_id": to.user_id});
    let by_rep = team
        .app
        .post(&path, Some(&team.rep.access_token), body(&team.manager2))
        .await;
    assert_eq!(by_rep.status, StatusCode::FORBIDDEN);
    let to_owner = team
        .app
        .post(&path, Some(&team.admin.access_token), body(&team.rep))
        .await;
    assert_eq!(
        to_owner.field_codes(),
        [("to_user_id".to_owned(), "self_approval".to_owned())]
    );
    let to_viewer = team
        .app
        .post(&path, Some(&team.admin.access_token), body(&team.viewer))
        .await;
    assert_eq!(
        to_viewer.field_codes(),
        [("to_user_id".to_owned(), "unknown_user".to_owned())]
    );
    let reassigned = team
        .app
        .post(&path, Some(&team.admin.access_token), body(&team.manager2))
        .await;
    assert_eq!(reassigned.status, StatusCode::OK, "{}", reassigned.body);
    assert_eq!(
        team.decide(&team.manager, &request, "approve", None).await.status,
        StatusCode::FORBIDDEN
    );
    let approved = team.decide(&team.manager2, &request, "approve", None).await;
    assert_eq!(approved.body["summary"]["status"], "approved", "{}", approved.body);
    assert_eq!(
        team.emails("approval_request").await,
        2,
        "the new approver is asked too"
    );
    assert_eq!(
        team.app
            .count_rows("audit_log", "WHERE action = 'approval.reassigned'")
            .await,
        1
    );
}
on_both_databases!(an_admin_reassigns_an_undecided_approver);

async fn an_overdue_step_reminds_its_approvers_once(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(json!({
        "name": "Fast", "stage_id": target,
        "steps": [{"name": "Manager", "approver_ids": [team.manager.user_id, team.manager2.user_id], "due_hours": 1}],
    }))
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let approvals = team.app.state.kite.approvals();
    let soon = chrono::Utc::now() + chrono::Duration::minutes(30);
    assert_eq!(approvals.queue_reminders(soon).await.expect("tick"), 0, "not due yet");
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    approvals.queue_reminders(later).await.expect("tick");
    approvals.queue_reminders(later).await.expect("a second tick");
    team.app.settle_jobs().await;
    approvals
        .queue_reminders(later)
        .await
        .expect("a tick after the reminder");
    assert_eq!(
        team.emails("approval_reminder").await,
        2,
        "each approver is reminded once"
    );
    let trail = team.request(&request).await["trail"].clone();
    let reminded = trail
        .as_array()
        .expect("trail")
        .iter()
        .filter(|a| a["action"] == "reminded")
        .count();
    assert_eq!(reminded, 1);
}
on_both_databases!(an_overdue_step_reminds_its_approvers_once);

async fn concurrent_decisions_make_exactly_one_transition(backend: Backend) {
    let team = Team::new(backend).await;
    let any = team.stage(2).to_owned();
    let all = team.stage(3).to_owned();
    team.workflow(json!({"name": "Any", "stage_id": any, "steps": [step("Managers", "any", &[&team.manager, &team.manager2], &[])]}))
        .await;
    team.workflow(json!({"name": "All", "stage_id": all, "steps": [step("Managers", "all", &[&team.manager, &team.manager2], &[])]}))
        .await;
    for target in [&any, &all] {
        let deal = team.deal(&team.rep, 100, None).await;
        let request = team.asked(&team.rep, &deal, target).await;
        // Both approvers at once, each clicking twice.
        let answers = futures_util::future::join_all([
            team.decide(&team.manager, &request, "approve", None),
            team.decide(&team.manager2, &request, "approve", None),
            team.decide(&team.manager, &request, "approve", None),
            team.decide(&team.manager2, &request, "approve", None),
        ])
        .await;
        for answer in &answers {
            assert!(
                answer.status == StatusCode::OK || answer.status == StatusCode::CONFLICT,
                "{}: {}",
                answer.status,
                answer.body
            );
        }
        let body = team.request(&request).await;
        assert_eq!(body["summary"]["status"], "approved", "{body}");
        let applied = body["trail"]
            .as_array()
            .expect("trail")
            .iter()
            .filter(|a| a["action"] == "applied")
            .count();
        assert_eq!(applied, 1, "{body}");
        let history = team
            .app
            .get(&format!("/api/v1/deals/{deal}/history"), &team.admin.access_token)
            .await;
        let moves = history.body["items"]
            .as_array()
            .expect("history")
            .iter()
            .filter(|c| c["to_stage_id"] == target.as_str())
            .count();
        assert_eq!(moves, 1, "exactly one transition: {}", history.body);
        let decided = body["steps"][0]["approvers"]
            .as_array()
            .expect("approvers")
            .iter()
            .filter(|a| a["decision"] == "approved")
            .count();
        let expected = if target == &all { 2 } else { 1 };
        assert_eq!(decided, expected, "no decision is lost and none counted twice");
    }
}
on_both_databases!(concurrent_decisions_make_exactly_one_transition);

async fn bad_workflows_are_refused_naming_the_field_and_nothing_is_written(backend: Backend) {
    let team = Team::new(backend).await;
    let other = team.app.signup("Globex", &unique_email("other")).await;
    let stage = team.stage(2).to_owned();
    let cases = [
        (
            json!({"name": "No steps", "stage_id": stage, "steps": []}),
            "steps",
            "required",
        ),
        (
            json!({"name": "Nobody", "stage_id": stage, "steps": [{"name": "Empty"}]}),
            "steps[0].approver_ids",
            "required",
        ),
        (
            json!({"name": "Stranger", "stage_id": stage, "steps": [{"name": "S", "approver_ids": [other.user_id]}]}),
            "steps[0].approver_ids",
            "unknown_user",
        ),
        (
            json!({"name": "Pounds", "stage_id": stage, "min_value": {"minor": 100, "currency": "GBP"},
                   "steps": [{"name": "S", "approver_roles": ["manager"]}]}),
            "min_value.currency",
            "unused_currency",
        ),
        (
            json!({"name": "Lost", "stage_id": team.stage(6), "steps": [{"name": "S", "approver_roles": ["manager"]}]}),
            "stage_id",
            "lost_stage",
        ),
    ];
    for (body, field, code) in cases {
        let refused = team
            .app
            .post("/api/v1/approval-workflows", Some(&team.admin.access_token), body)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(
            refused.field_codes().contains(&(field.to_owned(), code.to_owned())),
            "{field}: {}",
            refused.body
        );
    }
    let by_manager = team
        .app
        .post(
            "/api/v1/approval-workflows",
            Some(&team.manager.access_token),
            json!({"name": "Mine", "stage_id": stage, "steps": [{"name": "S", "approver_roles": ["manager"]}]}),
        )
        .await;
    assert_eq!(by_manager.status, StatusCode::FORBIDDEN, "admins define workflows");
    assert_eq!(team.app.count_rows("approval_workflows", "").await, 0);
}
on_both_databases!(bad_workflows_are_refused_naming_the_field_and_nothing_is_written);

async fn viewers_cannot_decide_and_other_organizations_see_nothing(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    let workflow = team
        .workflow(json!({"name": "Managers", "stage_id": target, "steps": [step("Manager", "any", &[], &["manager"])]}))
        .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let viewer = team.decide(&team.viewer, &request, "approve", None).await;
    assert_eq!(viewer.status, StatusCode::FORBIDDEN);

    let other = team.app.signup("Globex", &unique_email("other")).await;
    let seen = team
        .app
        .get(&format!("/api/v1/approvals/{request}"), &other.access_token)
        .await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    let decided = team.decide(&other, &request, "approve", None).await;
    assert_eq!(decided.status, StatusCode::NOT_FOUND);
    let workflow_id = workflow["id"].as_str().expect("id");
    let foreign = team
        .app
        .get(
            &format!("/api/v1/approval-workflows/{workflow_id}"),
            &other.access_token,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let listed = team.app.get("/api/v1/approvals?box=all", &other.access_token).await;
    assert_eq!(listed.body["total"], 0);
    let reps_all = team.app.get("/api/v1/approvals?box=all", &team.rep.access_token).await;
    assert_eq!(
        reps_all.status,
        StatusCode::FORBIDDEN,
        "reps see their own requests, not all"
    );
    assert_eq!(
        team.request(&request).await["summary"]["status"],
        "pending",
        "nothing changed"
    );
}
on_both_databases!(viewers_cannot_decide_and_other_organizations_see_nothing);

async fn the_inbox_lists_and_counts_what_waits_for_each_person(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    team.workflow(
        json!({"name": "Managers", "stage_id": target, "steps": [step("Manager", "any", &[&team.manager], &[])]}),
    )
    .await;
    let deal = team.deal(&team.rep, 100, None).await;
    let request = team.asked(&team.rep, &deal, &target).await;
    let waiting = team
        .app
        .get("/api/v1/approvals?box=waiting", &team.manager.access_token)
        .await;
    assert_eq!(waiting.body["items"][0]["id"], request.as_str(), "{}", waiting.body);
    assert_eq!(waiting.body["items"][0]["waiting_on_me"], true);
    let counts = team
        .app
        .get("/api/v1/approvals/counts", &team.manager.access_token)
        .await;
    assert_eq!(counts.body, json!({"waiting": 1, "mine": 0, "all": 1}));
    let reps = team.app.get("/api/v1/approvals/counts", &team.rep.access_token).await;
    assert_eq!(reps.body, json!({"waiting": 0, "mine": 1, "all": null}));
    let not_mine = team
        .app
        .get("/api/v1/approvals?box=waiting", &team.manager2.access_token)
        .await;
    assert_eq!(not_mine.body["total"], 0);

    team.decide(&team.manager, &request, "approve", None).await;
    let counts = team
        .app
        .get("/api/v1/approvals/counts", &team.manager.access_token)
        .await;
    assert_eq!(counts.body["waiting"], 0);
    let closed = team
        .app
        .get("/api/v1/approvals?box=mine&status=approved", &team.rep.access_token)
        .await;
    assert_eq!(closed.body["total"], 1);
}
on_both_databases!(the_inbox_lists_and_counts_what_waits_for_each_person);

async fn the_preview_lists_the_open_deals_a_draft_would_hold(backend: Backend) {
    let team = Team::new(backend).await;
    let target = team.stage(2).to_owned();
    for minor in [500, 1_500_000, 2_500_000] {
        team.deal(&team.rep, minor, None).await;
    }
    let draft = json!({"name": "Big", "stage_id": target, "min_value": over(1_000_000),
                       "steps": [step("Manager", "any", &[], &["manager"])]});
    let preview = team
        .app
        .post(
            "/api/v1/approval-workflows/preview",
            Some(&team.admin.access_token),
            draft,
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.body["count"], 2);
    assert_eq!(preview.body["deals"][0]["value"]["minor"], 2_500_000, "biggest first");
    assert_eq!(
        team.app.count_rows("approval_workflows", "").await,
        0,
        "a preview saves nothing"
    );
}
on_both_databases!(the_preview_lists_the_open_deals_a_draft_would_hold);
