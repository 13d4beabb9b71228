//! Email templates: a subject and an HTML body with variables.

use crate::validation::{check_name, collect};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A body may be up to 256 KiB; mail clients clip far smaller messages anyway.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// RFC 5322's line limit, and more than any inbox shows.
pub const MAX_SUBJECT_CHARS: usize = 998;

/// Every variable a template may use, with what it holds: the editor offers them and
/// the server refuses any other.
pub const VARIABLES: &[(&str, &str)] = &[
    ("contact.first_name", "The contact's first name"),
    ("contact.last_name", "The contact's last name"),
    ("contact.full_name", "First and last name"),
    ("contact.email", "The contact's email address"),
    ("contact.phone", "The contact's phone number"),
    ("contact.title", "The contact's job title"),
    ("contact.lifecycle_stage", "Lead, customer…"),
    ("company.name", "The contact's company"),
    ("company.domain", "The company's domain"),
    ("company.industry", "The company's industry"),
    ("company.website", "The company's website"),
    ("deal.title", "The deal the email is about"),
    ("deal.value", "The deal's value with its currency"),
    ("deal.stage", "The deal's stage"),
    ("sender.name", "Who sends the email"),
    ("sender.email", "The sender's address"),
    ("organization.name", "Your organization"),
    ("unsubscribe_url", "The recipient's one-click unsubscribe link"),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailTemplateDto {
    pub id: Uuid,
    pub name: String,
    pub subject: String,
    /// As written, variables included; every rendering is sanitised.
    pub body_html: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailTemplateInput {
    pub name: String,
    pub subject: String,
    pub body_html: String,
}

impl EmailTemplateInput {
    /// What can be checked without the template engine: names, sizes.
    pub fn validate(&self) -> Vec<FieldError> {
        collect([
            check_name("name", "Name", &self.name),
            check_subject(&self.subject),
            check_body(&self.body_html),
        ])
    }
}

pub fn check_subject(subject: &str) -> Option<FieldError> {
    if subject.trim().is_empty() {
        Some(FieldError::new("subject", "required", "A subject is required."))
    } else if subject.chars().count() > MAX_SUBJECT_CHARS {
        Some(FieldError::new(
            "subject",
            "too_long",
            format!("Use at most {MAX_SUBJECT_CHARS} characters."),
        ))
    } else if subject.contains(['\r', '\n']) {
        Some(FieldError::new("subject", "line_break", "A subject is one line."))
    } else {
        None
    }
}

pub fn check_body(body: &str) -> Option<FieldError> {
    if body.trim().is_empty() {
        Some(FieldError::new("body_html", "required", "The email needs a body."))
    } else if body.len() > MAX_BODY_BYTES {
        Some(FieldError::new(
            "body_html",
            "too_large",
            format!("The body may be at most {} KiB.", MAX_BODY_BYTES / 1024),
        ))
    } else {
        None
    }
}

/// A draft rendered for one contact (or for made-up sample data without one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub subject: String,
    pub body_html: String,
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

/// What a recipient would get: the subject, the sanitised HTML and the text part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Where a test went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSent {
    pub to: String,
}
