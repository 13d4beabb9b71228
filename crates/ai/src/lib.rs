//! "Draft with AI": an email's subject and body for a contact (and deal) from a short
//! intent. An OpenAI-compatible model writes it when one is configured, within each
//! organization's monthly allowance; otherwise, or when the model fails, a
//! deterministic built-in writer does, so the button always works. Only the fields in
//! [`facts::DraftFacts`] are ever sent to a model.

mod answer;
mod budget;
mod built_in;
mod client;
pub mod facts;
#[cfg(feature = "fake-openai")]
pub mod fake_openai;
mod prompt;
mod service;

pub use client::{AiConfig, AiError, ChatClient, DEFAULT_BASE_URL, DEFAULT_MODEL};
pub use service::Drafter;
