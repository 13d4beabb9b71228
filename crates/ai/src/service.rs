//! Drafting an email: with the configured model while the organization's monthly
//! allowance lasts, with the built-in writer otherwise. A model that is slow, failing or
//! answers nonsense never leaves the user without a draft: the built-in writer steps in
//! and the draft says why.

use crate::answer::{self, AnswerProblem};
use crate::budget::{self, Reservation};
use crate::built_in;
use crate::client::{AiConfig, AiError, ChatClient};
use crate::facts::DraftFacts;
use crate::prompt;
use chrono::Utc;
use kite_core::{CoreError, Ctx, Kite};
use kite_shared::Permission;
use kite_shared::assistant::drafts::{Draft, DraftInput, DraftWriter, WriterStatus};

struct Model {
    client: ChatClient,
    monthly_requests: u32,
}

/// Why the model's draft is not the one shown.
enum Fallback {
    Exhausted(u32),
    Failed(AiError),
    Unusable(AnswerProblem),
}

impl Fallback {
    fn notice(&self) -> String {
        let why = match self {
            Self::Exhausted(allowance) => format!("This month's {allowance} AI requests are used up"),
            Self::Failed(AiError::Timeout) => "The AI service did not answer in time".into(),
            Self::Failed(_) => "The AI service is unavailable".into(),
            Self::Unusable(AnswerProblem::TooLong) => "The AI answer was too long".into(),
            Self::Unusable(_) => "The AI answer was not a usable email".into(),
        };
        format!("{why}, so the built-in writer wrote this draft.")
    }
}

pub struct Drafter {
    model: Option<Model>,
}

impl Drafter {
    /// With a model when `config` is given.
    pub fn new(config: Option<&AiConfig>) -> Result<Self, AiError> {
        let model = match config {
            Some(config) => Some(Model {
                client: ChatClient::new(config)?,
                monthly_requests: config.monthly_requests,
            }),
            None => None,
        };
        Ok(Self { model })
    }

    /// Who writes drafts for the caller's organization, and how many requests are left.
    pub async fn status(&self, kite: &Kite, ctx: &Ctx) -> Result<WriterStatus, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Ok(match &self.model {
            None => WriterStatus {
                writer: DraftWriter::BuiltIn,
                model: None,
                monthly_requests: None,
                requests_left: None,
            },
            Some(model) => {
                let used = budget::used(&kite.db, ctx.organization_id.into_uuid(), Utc::now()).await?;
                WriterStatus {
                    writer: DraftWriter::Ai,
                    model: Some(model.client.model().to_owned()),
                    monthly_requests: Some(model.monthly_requests),
                    requests_left: Some(model.monthly_requests.saturating_sub(u32::try_from(used).unwrap_or(0))),
                }
            }
        })
    }

    pub async fn draft(&self, kite: &Kite, ctx: &Ctx, input: &DraftInput) -> Result<Draft, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(input.validate())?;
        let facts = DraftFacts::load(kite, ctx, input).await?;
        let Some(model) = &self.model else {
            return Ok(built_in_draft(&facts, None, None));
        };
        let org = ctx.organization_id.into_uuid();
        let left = match budget::reserve(&kite.db, org, model.monthly_requests, Utc::now()).await? {
            Reservation::Granted { left } => left,
            Reservation::Exhausted => {
                return Ok(built_in_draft(
                    &facts,
                    Some(Fallback::Exhausted(model.monthly_requests)),
                    Some(0),
                ));
            }
        };
        let answer = model
            .client
            .complete(
                &prompt::system(&facts),
                &prompt::user(&facts),
                prompt::max_tokens(facts.length),
            )
            .await
            .map_err(Fallback::Failed)
            .and_then(|content| answer::parse(&content).map_err(Fallback::Unusable));
        Ok(match answer {
            Ok((subject, body_html)) => Draft {
                subject,
                body_html,
                writer: DraftWriter::Ai,
                model: Some(model.client.model().to_owned()),
                notice: None,
                requests_left: Some(left),
            },
            Err(fallback) => {
                match &fallback {
                    Fallback::Failed(e) => tracing::warn!(organization = %org, error = %e, "AI draft failed"),
                    Fallback::Unusable(e) => tracing::warn!(organization = %org, error = %e, "AI draft unusable"),
                    Fallback::Exhausted(_) => {}
                }
                built_in_draft(&facts, Some(fallback), Some(left))
            }
        })
    }
}

fn built_in_draft(facts: &DraftFacts, fallback: Option<Fallback>, requests_left: Option<u32>) -> Draft {
    let (subject, body_html) = built_in::write(facts);
    Draft {
        subject,
        body_html,
        writer: DraftWriter::BuiltIn,
        model: None,
        notice: fallback.map(|f| f.notice()),
        requests_left,
    }
}
