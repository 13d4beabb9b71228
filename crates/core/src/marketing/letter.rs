//! One email from a user to one contact, rendered for them, written as an email row and
//! queued for the email job in the caller's transaction, so it leaves only if the change
//! it belongs to commits. One-off emails and every sequence step send through here.

use super::context::{From, company_of, company_values, contact_values, deal_values};
use super::{message_id, outgoing, render, tokens};
use crate::{CoreError, Kite, mail};
use chrono::Utc;
use kite_email::{EmailMessage, Mailbox};
use kite_entity::{contact, deal, email};
use kite_shared::marketing::emails::QueuedEmail;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) struct Letter<'a> {
    pub from: &'a From,
    pub contact: &'a contact::Model,
    pub to: &'a str,
    /// The deal it is about, with its stage's name.
    pub deal: Option<&'a (deal::Model, Option<String>)>,
    pub subject: &'a str,
    pub body: &'a str,
    /// Automated mail (a sequence) carries an unsubscribe link in a footer and in
    /// List-Unsubscribe; a person writing to a person does not.
    pub automated: bool,
    /// `one_off` or `sequence`: the email row's source and the provider's category.
    pub source: &'static str,
}

/// Renders and queues the letter; `fill` sets what else the email row records.
pub(super) async fn queue(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    letter: &Letter<'_>,
    fill: impl FnOnce(email::ActiveModel) -> email::ActiveModel,
) -> Result<QueuedEmail, CoreError> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let base = kite.settings.public_url.trim_end_matches('/');
    let tracking = tokens::tracking(base, &kite.settings.jwt_secret, id, now, letter.automated);
    let company = company_of(conn, letter.contact).await?;
    let context = letter.from.shared.context(
        Some(contact_values(letter.contact)),
        company.as_ref().map(company_values),
        letter.deal.map(|(d, s)| deal_values(d, s.as_deref())),
        &tracking.unsubscribe_url,
    );
    let rendered = render::render(letter.subject, letter.body, &context, Some(&tracking))?;
    let sender = &letter.from.user;
    fill(email::ActiveModel {
        source: Set(letter.source.into()),
        deal_id: Set(letter.deal.map(|(d, _)| d.id)),
        html_body: Set(Some(rendered.html.clone())),
        text_body: Set(Some(rendered.text.clone())),
        ..outgoing(kite, id, letter.contact.id, letter.to, sender, &rendered.subject, now)
    })
    .insert(conn)
    .await?;
    let mut headers = BTreeMap::new();
    headers.insert("Message-ID".to_owned(), message_id(kite, id));
    if letter.automated {
        headers.insert("List-Unsubscribe".to_owned(), format!("<{}>", tracking.unsubscribe_url));
        headers.insert(
            "List-Unsubscribe-Post".to_owned(),
            "List-Unsubscribe=One-Click".to_owned(),
        );
    }
    let message = EmailMessage {
        organization_id: Some(sender.organization_id),
        to: vec![letter.to.to_owned()],
        subject: rendered.subject.clone(),
        text_body: rendered.text,
        html_body: Some(rendered.html),
        category: letter.source.into(),
        from: Some(Mailbox {
            email: sender.email.clone(),
            name: Some(sender.name.clone()),
        }),
        reply_to: Some(sender.email.clone()),
        headers,
        idempotency_key: Some(id.to_string()),
        ..EmailMessage::default()
    };
    mail::queue(kite, conn, &message).await?;
    Ok(QueuedEmail {
        email_id: id,
        to: letter.to.to_owned(),
        subject: rendered.subject,
    })
}
