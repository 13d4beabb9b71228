//! The chat client against a fake OpenAI-compatible server: answers, timeouts, retries
//! and answers that are not what was asked for.

use kite_ai::fake_openai::{Behaviour, FAKE_AI_KEY, FAKE_MODEL, FakeOpenAi};
use kite_ai::{AiConfig, AiError, ChatClient};
use std::time::{Duration, Instant};

fn client(fake: &FakeOpenAi, key: &str) -> ChatClient {
    ChatClient::new(&AiConfig {
        base_url: fake.base_url.clone(),
        api_key: Some(key.into()),
        model: FAKE_MODEL.into(),
        timeout: Duration::from_millis(500),
        retry_for: Duration::from_secs(2),
        monthly_requests: 10,
    })
    .expect("a client")
}

const FACTS: &str = r#"{"intent": "Follow up after the demo"}"#;

#[tokio::test]
async fn the_model_s_answer_is_returned_with_the_key_and_model_sent() {
    let fake = FakeOpenAi::start().expect("fake server");
    let answer = client(&fake, FAKE_AI_KEY)
        .complete("instructions", FACTS, 300)
        .await
        .expect("an answer");
    assert!(answer.contains("About: Follow up after the demo"), "{answer}");
    let received = fake.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].authorization.as_deref(),
        Some(format!("Bearer {FAKE_AI_KEY}").as_str())
    );
    assert_eq!(received[0].body["model"], FAKE_MODEL);
    assert_eq!(received[0].body["response_format"]["type"], "json_object");
    assert_eq!(received[0].body["max_tokens"], 300);
}

#[tokio::test]
async fn a_model_slower_than_the_timeout_is_given_up_on() {
    let fake = FakeOpenAi::start().expect("fake server");
    fake.set(Behaviour::Slow(Duration::from_secs(3)));
    let started = Instant::now();
    let error = client(&fake, FAKE_AI_KEY)
        .complete("instructions", FACTS, 300)
        .await
        .expect_err("a timeout");
    assert!(matches!(error, AiError::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn server_errors_are_retried_until_one_succeeds() {
    let fake = FakeOpenAi::start().expect("fake server");
    fake.set(Behaviour::Fail { status: 500, times: 2 });
    let answer = client(&fake, FAKE_AI_KEY)
        .complete("instructions", FACTS, 300)
        .await
        .expect("an answer");
    assert!(answer.contains("About:"), "{answer}");
    assert_eq!(fake.received().len(), 3);
}

#[tokio::test]
async fn lasting_server_errors_are_given_up_on_after_the_retry_time() {
    let fake = FakeOpenAi::start().expect("fake server");
    fake.set(Behaviour::Fail {
        status: 503,
        times: u32::MAX,
    });
    let started = Instant::now();
    let error = client(&fake, FAKE_AI_KEY)
        .complete("instructions", FACTS, 300)
        .await
        .expect_err("a failure");
    assert!(matches!(error, AiError::Unavailable(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(6), "{:?}", started.elapsed());
    assert!(fake.received().len() > 1, "retried");
}

#[tokio::test]
async fn a_wrong_key_fails_without_retrying() {
    let fake = FakeOpenAi::start().expect("fake server");
    let error = client(&fake, "sk-wrong")
        .complete("instructions", FACTS, 300)
        .await
        .expect_err("refused");
    assert!(
        matches!(error, AiError::Unavailable(ref m) if m.contains("API key")),
        "{error:?}"
    );
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn an_answer_that_is_not_a_chat_completion_is_malformed() {
    let fake = FakeOpenAi::start().expect("fake server");
    fake.set(Behaviour::NotOpenAi);
    let error = client(&fake, FAKE_AI_KEY)
        .complete("instructions", FACTS, 300)
        .await
        .expect_err("malformed");
    assert!(matches!(error, AiError::Malformed(_)), "{error:?}");
}
