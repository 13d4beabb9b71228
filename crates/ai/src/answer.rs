//! A model's answer, made a draft or refused: it must be the JSON object asked for,
//! of a sane size, and a template that would save (known variables, valid syntax).

use kite_core::marketing::render;
use serde::Deserialize;

/// Larger answers are not read at all.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
pub(crate) const MAX_SUBJECT_CHARS: usize = 200;
pub(crate) const MAX_BODY_BYTES: usize = 20 * 1024;

#[derive(Debug, PartialEq, thiserror::Error)]
pub(crate) enum AnswerProblem {
    #[error("the answer is not the JSON object asked for: {0}")]
    NotJson(String),
    #[error("the answer has no {0}")]
    Missing(&'static str),
    #[error("the answer is too long")]
    TooLong,
    #[error("the answer is not a valid template: {0}")]
    BadTemplate(String),
}

#[derive(Deserialize)]
struct RawAnswer {
    #[serde(default)]
    subject: String,
    #[serde(default, alias = "body")]
    body_html: String,
}

/// Models often wrap JSON in a Markdown fence despite being told not to.
fn unfenced(content: &str) -> &str {
    let content = content.trim();
    let Some(rest) = content.strip_prefix("```") else {
        return content;
    };
    let rest = rest.split_once('\n').map_or("", |(_, rest)| rest);
    rest.trim_end().strip_suffix("```").unwrap_or(rest).trim()
}

/// The subject and body of a usable answer.
pub(crate) fn parse(content: &str) -> Result<(String, String), AnswerProblem> {
    if content.len() > MAX_ANSWER_BYTES {
        return Err(AnswerProblem::TooLong);
    }
    let raw: RawAnswer = serde_json::from_str(unfenced(content)).map_err(|e| AnswerProblem::NotJson(e.to_string()))?;
    let subject = raw.subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = raw.body_html.trim().to_owned();
    if subject.is_empty() {
        return Err(AnswerProblem::Missing("subject"));
    }
    if body.is_empty() {
        return Err(AnswerProblem::Missing("body_html"));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS || body.len() > MAX_BODY_BYTES {
        return Err(AnswerProblem::TooLong);
    }
    render::check(&subject, &body).map_err(|render::RenderError::Invalid(errors)| {
        AnswerProblem::BadTemplate(errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "))
    })?;
    Ok((subject, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_answer_becomes_a_draft_with_its_variables_intact() {
        let answer = r#"{"subject": "Next steps", "body_html": "<p>Hi {{ contact.first_name | default(\"there\") }},</p><p>{{ sender.name }}</p>"}"#;
        let (subject, body) = parse(answer).expect("usable");
        assert_eq!(subject, "Next steps");
        assert!(body.contains("{{ contact.first_name | default(\"there\") }}"));
    }

    #[test]
    fn a_fenced_answer_is_read() {
        let answer = "```json\n{\"subject\": \"Hello\", \"body_html\": \"<p>Hi</p>\"}\n```";
        assert_eq!(parse(answer), Ok(("Hello".into(), "<p>Hi</p>".into())));
    }

    #[test]
    fn prose_instead_of_json_is_refused() {
        assert!(matches!(
            parse("Sure! Here is your email: Hi Ann, ..."),
            Err(AnswerProblem::NotJson(_))
        ));
    }

    #[test]
    fn an_answer_without_a_subject_or_body_is_refused() {
        assert_eq!(
            parse(r#"{"body_html": "<p>Hi</p>"}"#),
            Err(AnswerProblem::Missing("subject"))
        );
        assert_eq!(parse(r#"{"subject": "Hi"}"#), Err(AnswerProblem::Missing("body_html")));
    }

    #[test]
    fn an_overlong_answer_is_refused() {
        let subject = "x".repeat(MAX_SUBJECT_CHARS + 1);
        let answer = serde_json::json!({"subject": subject, "body_html": "<p>Hi</p>"}).to_string();
        assert_eq!(parse(&answer), Err(AnswerProblem::TooLong));
        assert_eq!(parse(&"x".repeat(MAX_ANSWER_BYTES + 1)), Err(AnswerProblem::TooLong));
    }

    #[test]
    fn an_answer_naming_an_unknown_variable_is_refused() {
        let answer = r#"{"subject": "Hi", "body_html": "<p>{{ contact.password }}</p>"}"#;
        assert!(matches!(parse(answer), Err(AnswerProblem::BadTemplate(_))));
        let broken = r#"{"subject": "Hi", "body_html": "<p>{{ contact.first_name </p>"}"#;
        assert!(matches!(parse(broken), Err(AnswerProblem::BadTemplate(_))));
    }

    #[test]
    fn a_subject_is_one_line() {
        let answer = r#"{"subject": "Next\nsteps ", "body_html": "<p>Hi</p>"}"#;
        assert_eq!(parse(answer).map(|(s, _)| s), Ok("Next steps".into()));
    }
}
