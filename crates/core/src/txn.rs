//! Write transactions. SQLite allows one writer at a time, and a deferred transaction
//! that reads before it writes fails with SQLITE_BUSY_SNAPSHOT (which no busy timeout
//! waits out) when another writer commits in between. So on SQLite every write
//! transaction begins IMMEDIATE (it takes the write lock first, waiting for single
//! statements such as a worker's heartbeat), and the transactions of this process take
//! turns through an in-process lock rather than spinning on SQLite's busy handler.
//! PostgreSQL needs neither.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::ops::Deref;
use std::sync::Arc;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
    /// Told after a commit: the change may have announced domain events.
    committed: Arc<Notify>,
}

impl WriteTxn {
    pub(crate) async fn begin(
        db: &DatabaseConnection,
        turns: Option<&Arc<Mutex<()>>>,
        committed: Arc<Notify>,
    ) -> Result<Self, DbErr> {
        let turn = match turns {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let txn = if turn.is_some() {
            let immediate = TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            };
            db.begin_with_options(immediate).await?
        } else {
            db.begin().await?
        };
        Ok(Self {
            txn,
            _turn: turn,
            committed,
        })
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await?;
        self.committed.notify_one();
        Ok(())
    }
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}
