//! An OpenAI-compatible chat-completions client (async-openai): OpenAI itself, or a
//! local model server (llama.cpp, Ollama, vLLM) at another base URL. Each attempt has
//! a timeout; 5xx and rate-limit answers are retried with exponential backoff for a
//! bounded time.

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs,
    ResponseFormat,
};
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

#[derive(Clone, Debug)]
pub struct AiConfig {
    /// Up to and including `/v1`.
    pub base_url: String,
    /// Local model servers need none.
    pub api_key: Option<String>,
    pub model: String,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// How long failed attempts are retried for.
    pub retry_for: Duration,
    /// Requests each organization may make per calendar month (UTC).
    pub monthly_requests: u32,
}

impl Default for AiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            api_key: None,
            model: DEFAULT_MODEL.into(),
            timeout: Duration::from_secs(30),
            retry_for: Duration::from_secs(10),
            monthly_requests: 1000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AiError {
    #[error("the AI service did not answer in time")]
    Timeout,
    #[error("the AI service failed: {0}")]
    Unavailable(String),
    #[error("the AI service's answer could not be read: {0}")]
    Malformed(String),
    #[error("the AI client could not be set up: {0}")]
    Setup(String),
}

impl From<OpenAIError> for AiError {
    fn from(error: OpenAIError) -> Self {
        match error {
            OpenAIError::Reqwest(e) if e.is_timeout() => Self::Timeout,
            OpenAIError::Reqwest(e) => Self::Unavailable(e.to_string()),
            OpenAIError::ApiError(e) => Self::Unavailable(e.message),
            OpenAIError::JSONDeserialize(e, _) => Self::Malformed(e.to_string()),
            other => Self::Unavailable(other.to_string()),
        }
    }
}

pub struct ChatClient {
    client: async_openai::Client<OpenAIConfig>,
    model: String,
}

impl ChatClient {
    pub fn new(config: &AiConfig) -> Result<Self, AiError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| AiError::Setup(e.to_string()))?;
        let backoff = backoff::ExponentialBackoffBuilder::new()
            .with_initial_interval(Duration::from_millis(200))
            .with_max_interval(Duration::from_secs(2))
            .with_max_elapsed_time(Some(config.retry_for))
            .build();
        let openai = OpenAIConfig::new()
            .with_api_base(config.base_url.trim_end_matches('/'))
            .with_api_key(config.api_key.clone().unwrap_or_default());
        Ok(Self {
            client: async_openai::Client::build(http, openai, backoff),
            model: config.model.clone(),
        })
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// The model's answer to the instructions and the data, asked for as a JSON object.
    pub async fn complete(&self, system: &str, user: &str, max_tokens: u32) -> Result<String, AiError> {
        #[allow(deprecated)] // `max_tokens`: local model servers do not all know its successor.
        let request = CreateChatCompletionRequestArgs::default()
            .model(&self.model)
            .messages([
                ChatCompletionRequestSystemMessage::from(system).into(),
                ChatCompletionRequestUserMessage::from(user).into(),
            ])
            .response_format(ResponseFormat::JsonObject)
            .temperature(0.4)
            .max_tokens(max_tokens)
            .build()
            .map_err(|e| AiError::Setup(e.to_string()))?;
        let response = self.client.chat().create(request).await?;
        response
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.message.content)
            .ok_or_else(|| AiError::Malformed("no message in the answer".into()))
    }
}
