//! Write transactions. SQLite allows one writer at a time, and a transaction that reads
//! before it writes fails with SQLITE_BUSY_SNAPSHOT (which no busy timeout waits out)
//! when another writer commits in between; so on SQLite, Kite's writers take turns
//! through an in-process lock. PostgreSQL needs no turn-taking.

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::ops::Deref;
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    pub(crate) async fn begin(db: &DatabaseConnection, turns: Option<&Arc<Mutex<()>>>) -> Result<Self, DbErr> {
        let turn = match turns {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        Ok(Self {
            txn: db.begin().await?,
            _turn: turn,
        })
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}
