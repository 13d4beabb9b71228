//! API keys: secrets other systems send instead of a session, each with its scopes,
//! rate limit, expiry and the last time and address it was used from.

use crate::columns::{at, col, create, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "api_keys",
                vec![
                    id(),
                    organization(),
                    col("name").string_len(200).not_null().to_owned(),
                    // The secret's first characters, shown to tell keys apart.
                    col("prefix").string_len(20).not_null().to_owned(),
                    // SHA-256 of the whole secret, hex: the secret itself is never stored.
                    col("secret_hash").string_len(64).not_null().to_owned(),
                    col("scopes").json().not_null().to_owned(),
                    col("rate_limit_per_minute").integer().not_null().to_owned(),
                    col("created_by").uuid().not_null().to_owned(),
                    maybe_at("expires_at"),
                    maybe_at("revoked_at"),
                    maybe_at("last_used_at"),
                    col("last_used_ip").string_len(64).null().to_owned(),
                    at("created_at"),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE UNIQUE INDEX idx_api_keys_secret_hash ON api_keys (secret_hash)")
            .await?;
        db.execute_unprepared("CREATE INDEX idx_api_keys_organization ON api_keys (organization_id, created_at)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("api_keys")).if_exists().to_owned())
            .await
    }
}
