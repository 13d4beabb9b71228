use sea_orm::entity::prelude::*;

/// One email to or from a contact: a campaign's recipient, a one-off, a reply.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "emails")]
pub struct Model {
    /// Also the idempotency key the provider carries back in its events.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    /// `out` or `in`.
    pub direction: String,
    /// `campaign`, `sequence`, `one_off` or `inbound`.
    pub source: String,
    pub to_email: String,
    pub from_email: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// Kept for one-off emails; a campaign's body is its snapshot, rendered on demand.
    pub html_body: Option<String>,
    pub text_body: Option<String>,
    /// The RFC 5322 Message-ID, so replies can be threaded to it.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub provider_message_id: Option<String>,
    /// See `EmailStatus`.
    pub status: String,
    pub status_reason: Option<String>,
    /// When it was last handed to the provider: a `sending` email older than the
    /// reconciliation window was never confirmed.
    pub attempted_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub open_count: i32,
    pub first_opened_at: Option<DateTimeUtc>,
    pub last_opened_at: Option<DateTimeUtc>,
    pub click_count: i32,
    pub first_clicked_at: Option<DateTimeUtc>,
    pub last_clicked_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A sequence's email: the sequence, the step and the enrollment it was sent for.
    pub sequence_id: Option<Uuid>,
    pub sequence_step_id: Option<Uuid>,
    pub enrollment_id: Option<Uuid>,
    /// When the contact first answered it.
    pub replied_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
