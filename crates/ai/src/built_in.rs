//! The writer that needs no model: the intent picks a purpose by its words, the tone
//! picks the greeting and the sign-off, the length how many sentences. The same
//! facts always give the same draft. Names stay variables, so a draft works as a
//! template too; record values written in are stripped of template syntax.

use crate::facts::DraftFacts;
use kite_shared::assistant::drafts::{DraftLength, DraftTone};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Purpose {
    Thanks,
    Proposal,
    Meeting,
    FollowUp,
    Reconnect,
    Introduction,
    Other,
}

/// Earlier purposes win: "follow up on the proposal" is about the proposal.
const PURPOSE_WORDS: [(Purpose, &[&str]); 6] = [
    (Purpose::Thanks, &["thank"]),
    (
        Purpose::Proposal,
        &["proposal", "quote", "pricing", "price", "offer", "contract"],
    ),
    (
        Purpose::Meeting,
        &["meeting", "meet", "call", "schedule", "book", "calendar"],
    ),
    (Purpose::FollowUp, &["follow", "demo", "recap", "after"]),
    (
        Purpose::Reconnect,
        &[
            "check in",
            "check-in",
            "touch base",
            "reconnect",
            "catch up",
            "no reply",
            "not heard",
            "haven't heard",
        ],
    ),
    (Purpose::Introduction, &["intro", "reach out", "first email", "cold"]),
];

fn purpose(intent: &str) -> Purpose {
    let intent = intent.to_lowercase();
    PURPOSE_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| intent.contains(w)))
        .map_or(Purpose::Other, |(purpose, _)| *purpose)
}

/// A record's value as text in a subject: no `{{`, `{%` or `{#` can sneak in.
fn plain(text: &str) -> String {
    text.replace(['{', '}'], "").trim().to_owned()
}

/// A record's value as text in the HTML body: no template syntax and no markup.
/// Sentences then need no escaping, and read plainly in the HTML editor.
fn literal(text: &str) -> String {
    plain(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The sentences of one purpose: the point, a detail, a further step, the ask.
struct Sentences {
    subject: String,
    point: String,
    detail: String,
    further: String,
    ask: String,
}

fn sentences(facts: &DraftFacts, purpose: Purpose) -> Sentences {
    let named = |text: Option<&String>, as_text: fn(&str) -> String| text.map(|t| as_text(t)).filter(|t| !t.is_empty());
    let deal = named(facts.deal.as_ref().map(|d| &d.title), literal);
    let deal_subject = named(facts.deal.as_ref().map(|d| &d.title), plain);
    let company = named(facts.company.as_ref().map(|c| &c.name), literal);
    let company_subject = named(facts.company.as_ref().map(|c| &c.name), plain);
    let about = deal.as_ref().map(|d| format!(" about {d}")).unwrap_or_default();
    let about_subject = deal_subject.as_ref().map(|d| format!(" about {d}")).unwrap_or_default();
    match purpose {
        Purpose::Thanks => Sentences {
            subject: "Thank you".into(),
            point: format!("Thank you for your time{}.", deal.as_ref().map(|d| format!(" on {d}")).unwrap_or_default()),
            detail: match &company {
                Some(company) => format!("It was good to hear about the plans at {company}."),
                None => "It was good to hear about your plans.".into(),
            },
            further: "I'll keep you posted on the next steps from our side.".into(),
            ask: "If there is anything else I can do in the meantime, just reply to this email.".into(),
        },
        Purpose::Proposal => {
            let value = facts.deal.as_ref().map(|d| literal(&d.value));
            let close = facts.deal.as_ref().and_then(|d| d.expected_close.clone());
            Sentences {
                subject: deal_subject.as_ref().map_or("Our proposal".into(), |d| format!("Our proposal for {d}")),
                point: format!(
                    "I'd like to walk you through our proposal{}.",
                    deal.as_ref().map(|d| format!(" for {d}")).unwrap_or_default()
                ),
                detail: match (value, close) {
                    (Some(value), Some(close)) => format!("It comes to {value}, with a start planned for {close}."),
                    (Some(value), None) => format!("It comes to {value}."),
                    _ => "It sets out the scope, the timeline and the price.".into(),
                },
                further: "I can adjust the scope if your priorities have changed.".into(),
                ask: "Do you have any questions about it, or shall we go through it together?".into(),
            }
        }
        Purpose::Meeting => Sentences {
            subject: format!("Time for a call{about_subject}?"),
            point: format!("I'd like to set up a short call{about}."),
            detail: "Thirty minutes would be enough to go through your goals and how we can help.".into(),
            further: "If it's easier, send me a few times that suit you and I'll send an invitation.".into(),
            ask: "Would you have time in the coming days?".into(),
        },
        Purpose::FollowUp => Sentences {
            subject: deal_subject.as_ref().map_or("Following up".into(), |d| format!("Following up on {d}")),
            point: format!("I wanted to follow up on our recent conversation{about}."),
            detail: "If any questions have come up since, I'm happy to answer them.".into(),
            further: "It would also help to know who else on your side should be involved, so I can share what they need."
                .into(),
            ask: "Would a short call next week work to agree on the next steps?".into(),
        },
        Purpose::Reconnect => Sentences {
            subject: "Checking in".into(),
            point: format!(
                "It's been a while since we last spoke{}, so I wanted to check in{}.",
                facts.recent.first().map(|r| format!(" (on {})", r.on)).unwrap_or_default(),
                deal.as_ref().map(|d| format!(" on {d}")).unwrap_or_default(),
            ),
            detail: "Has anything changed on your side since then?".into(),
            further: "If the timing isn't right, just let me know and I'll follow up later.".into(),
            ask: "Is this still a priority for you?".into(),
        },
        Purpose::Introduction => Sentences {
            subject: match &company_subject {
                Some(company) => format!("{{{{ organization.name }}}} and {company}"),
                None => "Introducing {{ organization.name }}".into(),
            },
            point: "I'm {{ sender.name }} from {{ organization.name }}, and I'm reaching out because I think we could help {{ company.name | default(\"your team\") }}.".into(),
            detail: "We work with teams like yours to make their day-to-day simpler and faster.".into(),
            further: "I'd be glad to share how others in your field use it.".into(),
            ask: "Would you be open to a short introductory call?".into(),
        },
        Purpose::Other => {
            let intent = literal(&facts.intent);
            let mut subject: String = plain(&facts.intent).chars().take(80).collect();
            if let Some(first) = subject.chars().next() {
                subject = first.to_uppercase().chain(subject.chars().skip(1)).collect();
            }
            Sentences {
                subject,
                point: format!("I wanted to get in touch about this: {intent}."),
                detail: "Let me know what you think.".into(),
                further: "I'm happy to set up a short call if that's easier.".into(),
                ask: "I look forward to hearing from you.".into(),
            }
        }
    }
}

/// A subject and an HTML body for the facts.
pub(crate) fn write(facts: &DraftFacts) -> (String, String) {
    let s = sentences(facts, purpose(&facts.intent));
    let (greeting, sign_off) = match facts.tone {
        DraftTone::Friendly => ("Hi {{ contact.first_name | default(\"there\") }},", "Best,"),
        DraftTone::Formal => (
            "Dear {{ contact.full_name | default(\"Sir or Madam\") }},",
            "Kind regards,",
        ),
        DraftTone::Direct => ("{{ contact.first_name | default(\"Hello\") }},", "Thanks,"),
    };
    let paragraphs: Vec<String> = match facts.length {
        DraftLength::Short => vec![format!("{} {}", s.point, s.ask)],
        DraftLength::Medium => vec![format!("{} {}", s.point, s.detail), s.ask],
        DraftLength::Long => vec![s.point, format!("{} {}", s.detail, s.further), s.ask],
    };
    let mut body = format!("<p>{greeting}</p>\n");
    for paragraph in paragraphs {
        body.push_str(&format!("<p>{paragraph}</p>\n"));
    }
    body.push_str(&format!("<p>{sign_off}<br>{{{{ sender.name }}}}</p>"));
    (s.subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{CompanyFacts, DealFacts};
    use kite_core::marketing::render;

    fn facts(intent: &str) -> DraftFacts {
        DraftFacts {
            intent: intent.into(),
            deal: Some(DealFacts {
                title: "Website relaunch".into(),
                stage: Some("Proposal".into()),
                value: "12,000.00 EUR".into(),
                expected_close: Some("2027-01-15".into()),
            }),
            company: Some(CompanyFacts {
                name: "Acme & Sons".into(),
                industry: None,
            }),
            ..DraftFacts::default()
        }
    }

    #[test]
    fn the_intent_picks_the_purpose() {
        assert_eq!(purpose("Follow up after the demo"), Purpose::FollowUp);
        assert_eq!(purpose("follow up on the proposal"), Purpose::Proposal);
        assert_eq!(purpose("Schedule a call next week"), Purpose::Meeting);
        assert_eq!(purpose("Thank them for the meeting"), Purpose::Thanks);
        assert_eq!(purpose("touch base, no reply since May"), Purpose::Reconnect);
        assert_eq!(purpose("Intro to our product"), Purpose::Introduction);
        assert_eq!(purpose("Ask about the budget"), Purpose::Other);
    }

    #[test]
    fn a_draft_is_a_valid_template_that_greets_by_variable() {
        for intent in [
            "Follow up after the demo",
            "Send the proposal",
            "Intro",
            "Ask about the budget",
        ] {
            for tone in DraftTone::ALL {
                for length in DraftLength::ALL {
                    let mut facts = facts(intent);
                    facts.tone = *tone;
                    facts.length = *length;
                    let (subject, body) = write(&facts);
                    render::check(&subject, &body).unwrap_or_else(|e| panic!("{intent} {tone:?} {length:?}: {e:?}"));
                    assert!(body.contains("{{ sender.name }}"), "{body}");
                    assert!(body.contains("{{ contact."), "{body}");
                }
            }
        }
    }

    #[test]
    fn the_same_facts_give_the_same_draft() {
        assert_eq!(
            write(&facts("Follow up after the demo")),
            write(&facts("Follow up after the demo"))
        );
    }

    #[test]
    fn a_longer_draft_says_more() {
        let mut facts = facts("Follow up after the demo");
        let mut sizes = Vec::new();
        for length in DraftLength::ALL {
            facts.length = *length;
            sizes.push(write(&facts).1.len());
        }
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    }

    #[test]
    fn record_values_are_written_in_as_text() {
        let mut facts = facts("Send the proposal");
        if let Some(deal) = facts.deal.as_mut() {
            deal.title = "<b>Big</b> {{ contact.email }} deal".into();
        }
        let (subject, body) = write(&facts);
        assert_eq!(subject, "Our proposal for <b>Big</b>  contact.email  deal");
        assert!(body.contains("&lt;b&gt;Big&lt;/b&gt;"), "{body}");
        assert!(!body.contains("{{ contact.email }}"), "{body}");
        assert!(body.contains("12,000.00 EUR"), "{body}");
    }
}
