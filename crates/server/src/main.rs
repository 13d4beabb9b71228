use clap::{Parser, Subcommand};
use kite_server::{backup, config::Config, db, seed, startup, telemetry};
use std::path::PathBuf;

// glibc's allocator made the server's threads wait on its arena locks under concurrent
// requests (perf of the benchmark); mimalloc keeps a heap per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "kite-server", version, about = "Kite CRM server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Copy the whole database into a new file while Kite keeps running (SQLite: the
    /// file itself; PostgreSQL: a pg_dump archive in custom format).
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup into the configured database. On SQLite, stop the server first.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Overwrite a database that already holds Kite data.
        #[arg(long)]
        replace: bool,
    },
    /// Create an organization filled with records: a demo, or a large set for benchmarks.
    Seed {
        /// A small team's living CRM (companies, contacts, deals with history, activities).
        #[arg(long, conflicts_with_all = ["contacts", "deals"])]
        demo: bool,
        #[arg(long)]
        companies: Option<usize>,
        #[arg(long)]
        contacts: Option<usize>,
        #[arg(long)]
        deals: Option<usize>,
        #[arg(long)]
        activities: Option<usize>,
        #[arg(long, default_value = "Demo Company")]
        organization: String,
        /// The admin's email; must not have an account yet.
        #[arg(long, default_value = "demo@kite.example")]
        email: String,
        #[arg(long, default_value = "kite-demo-password")]
        password: String,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; a broken one is worth knowing about.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("warning: .env not loaded: {e}");
    }
    telemetry::init();
    let config = Config::from_env()?;
    match Cli::parse().command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(config).await,
        Command::Seed {
            demo,
            companies,
            contacts,
            deals,
            activities,
            organization,
            email,
            password,
        } => {
            if !demo && contacts.is_none() && deals.is_none() && companies.is_none() {
                anyhow::bail!("say what to seed: --demo, or --contacts N --deals M (and --companies K)");
            }
            let options = seed::SeedOptions {
                demo,
                companies,
                contacts,
                deals,
                activities,
                organization,
                email,
                password,
            };
            seed::run(config, options).await
        }
        Command::Backup { to } => {
            backup::backup(&config.database_url, &to).await?;
            tracing::info!(database = %db::redact(&config.database_url), file = %to.display(), "backup written");
            Ok(())
        }
        Command::Restore { from, replace } => {
            backup::restore(&config.database_url, &from, replace).await?;
            tracing::info!(database = %db::redact(&config.database_url), file = %from.display(), "backup restored");
            Ok(())
        }
        Command::Migrate => {
            let conn = db::connect(&config.database_url, config.database_max_connections).await?;
            db::migrate(&conn).await?;
            tracing::info!(database = %db::redact(&config.database_url), "migrations applied");
            Ok(())
        }
    }
}
