use clap::{Parser, Subcommand};
use kite_server::{config::Config, db, seed, startup, telemetry};

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
        Command::Migrate => {
            let conn = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            tracing::info!(database = %db::redact(&config.database_url), "migrations applied");
            Ok(())
        }
    }
}
