use clap::{Parser, Subcommand};
use kite_server::{config::Config, db, startup, telemetry};

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
        Command::Migrate => {
            let conn = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            tracing::info!(database = %db::redact(&config.database_url), "migrations applied");
            Ok(())
        }
    }
}
