//! The bus that carries events to the open streams of this instance, fed on PostgreSQL
//! by NOTIFY so that every instance's streams hear every instance's events.

use kite_shared::jobs::ServerEvent;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

const CHANNEL: &str = "kite_events";
/// Events a slow stream may lag behind before it skips ahead.
const BUFFER: usize = 1024;

/// An event and who may see it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub organization_id: Uuid,
    /// Only this user's streams, or every stream of the organization when None.
    pub user_id: Option<Uuid>,
    pub event: ServerEvent,
}

impl Envelope {
    pub fn is_for(&self, organization_id: Uuid, user_id: Uuid) -> bool {
        self.organization_id == organization_id && self.user_id.is_none_or(|u| u == user_id)
    }
}

pub struct EventBus {
    local: broadcast::Sender<Envelope>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            local: broadcast::channel(BUFFER).0,
        }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<Envelope> {
        self.local.subscribe()
    }

    /// Sends an event to its audience on every instance. Never fails the caller's work:
    /// a lost progress event only makes a progress bar wait for the next one.
    pub async fn publish(&self, db: &DatabaseConnection, envelope: Envelope) {
        if db.get_database_backend() != DatabaseBackend::Postgres {
            // Nobody listening is not an error.
            let _ = self.local.send(envelope);
            return;
        }
        let payload = match serde_json::to_string(&envelope) {
            Ok(payload) => payload,
            Err(error) => {
                tracing::warn!(%error, "event not serializable");
                return;
            }
        };
        let notify = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(error) = db.execute_raw(notify).await {
            tracing::warn!(%error, "event not published");
        }
    }

    /// Feeds this instance's channel from PostgreSQL notifications until the process
    /// ends, reconnecting after a lost connection.
    pub async fn listen_postgres(&self, db: DatabaseConnection) {
        use sea_orm::sqlx::postgres::PgListener;
        loop {
            let listener = async {
                let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await?;
                listener.listen(CHANNEL).await?;
                loop {
                    let notification = listener.recv().await?;
                    match serde_json::from_str::<Envelope>(notification.payload()) {
                        Ok(envelope) => {
                            let _ = self.local.send(envelope);
                        }
                        Err(error) => tracing::warn!(%error, "unreadable event notification"),
                    }
                }
                #[allow(unreachable_code)]
                Ok::<(), sea_orm::sqlx::Error>(())
            };
            if let Err(error) = listener.await {
                tracing::warn!(%error, "event listener lost its connection; reconnecting");
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}
