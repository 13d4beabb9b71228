//! `kite-server seed`: a demo organization, or a large one for benchmarks.

use crate::config::Config;
use crate::state::AppState;
use anyhow::{Context, Result};
use kite_core::ClientInfo;
use kite_core::crm::demo::{SeedPlan, fill};
use kite_shared::auth::SignupRequest;
use std::time::Instant;

pub struct SeedOptions {
    pub demo: bool,
    pub companies: Option<usize>,
    pub contacts: Option<usize>,
    pub deals: Option<usize>,
    pub activities: Option<usize>,
    pub organization: String,
    pub email: String,
    pub password: String,
}

/// Creates the organization with its admin (as sign-up does), then its records.
pub async fn run(config: Config, options: SeedOptions) -> Result<()> {
    let plan = if options.demo {
        SeedPlan::DEMO
    } else {
        let contacts = options.contacts.unwrap_or(0);
        SeedPlan {
            companies: options.companies.unwrap_or(contacts / 5),
            contacts,
            deals: options.deals.unwrap_or(0),
            activities: options.activities.unwrap_or(0),
        }
    };
    let state = AppState::build(&config).await?;
    let signup = SignupRequest {
        organization_name: options.organization.clone(),
        name: "Demo Admin".into(),
        email: options.email.clone(),
        password: options.password.clone(),
    };
    let auth = state
        .kite
        .auth()
        .signup(&signup, &ClientInfo::default())
        .await
        .map_err(|e| anyhow::anyhow!("could not create {}: {e} (choose another --email)", options.email))?;
    let started = Instant::now();
    let report = fill(
        &state.kite.db,
        auth.organization.id.into_uuid(),
        &[auth.user.id.into_uuid()],
        plan,
        42,
    )
    .await
    .context("seeding failed")?;
    // Fresh statistics, so the query planner knows the tables are no longer empty.
    sea_orm::ConnectionTrait::execute_unprepared(&state.kite.db, "ANALYZE").await?;
    println!(
        "Seeded \"{}\" in {:.1}s: {} companies, {} contacts, {} deals, {} activities.",
        options.organization,
        started.elapsed().as_secs_f64(),
        report.companies,
        report.contacts,
        report.deals,
        report.activities
    );
    println!("Sign in as {} with the password {}", options.email, options.password);
    Ok(())
}
