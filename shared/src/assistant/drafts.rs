//! "Draft with AI": an email's subject and body written for a contact (and deal) from a
//! short intent, by the configured model or, without one, the built-in writer.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

string_enum! {
    #[derive(Default)]
    DraftTone {
        #[default]
        Friendly => "friendly", "Friendly",
        Formal => "formal", "Formal",
        Direct => "direct", "Direct",
    }
}

string_enum! {
    #[derive(Default)]
    DraftLength {
        Short => "short", "Short",
        #[default]
        Medium => "medium", "Medium",
        Long => "long", "Long",
    }
}

string_enum! {
    /// Who wrote a draft.
    DraftWriter {
        Ai => "ai", "AI model",
        BuiltIn => "built_in", "Built-in writer",
    }
}

/// The longest intent.
pub const MAX_INTENT_CHARS: usize = 300;

/// What to write: about a contact and/or a deal (neither, for a template), and why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// "Follow up after the demo", "Ask for a meeting next week".
    pub intent: String,
    #[serde(default)]
    pub tone: Option<DraftTone>,
    #[serde(default)]
    pub length: Option<DraftLength>,
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

impl DraftInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let intent = self.intent.trim();
        let mut errors = Vec::new();
        if intent.is_empty() {
            errors.push(FieldError::new("intent", "required", "Say what the email is for"));
        } else if intent.chars().count() > MAX_INTENT_CHARS {
            errors.push(FieldError::new(
                "intent",
                "too_long",
                format!("At most {MAX_INTENT_CHARS} characters"),
            ));
        }
        errors
    }
}

/// A draft to insert into the composer or the template editor. Variables such as
/// `{{ contact.first_name }}` are left for sending to fill in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub subject: String,
    pub body_html: String,
    pub writer: DraftWriter,
    /// The model that wrote it, for `ai`.
    pub model: Option<String>,
    /// Why the built-in writer wrote it when a model is configured ("The AI service did
    /// not answer in time").
    pub notice: Option<String>,
    /// AI requests left this month, when a model is configured.
    pub requests_left: Option<u32>,
}

/// Who writes an organization's drafts: the configured model (with this month's
/// allowance) or the built-in writer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WriterStatus {
    pub writer: DraftWriter,
    pub model: Option<String>,
    pub monthly_requests: Option<u32>,
    pub requests_left: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_needs_an_intent_of_reasonable_length() {
        let field = |intent: &str| {
            DraftInput {
                intent: intent.to_owned(),
                ..DraftInput::default()
            }
            .validate()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect::<Vec<_>>()
        };
        assert_eq!(field("  "), [("intent".to_owned(), "required".to_owned())]);
        assert_eq!(field(&"x".repeat(301)), [("intent".to_owned(), "too_long".to_owned())]);
        assert!(field("Follow up after the demo").is_empty());
    }
}
