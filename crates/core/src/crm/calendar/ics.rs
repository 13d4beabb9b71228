//! Activities as iCalendar (RFC 5545) through the `icalendar` crate: a feed of many
//! events, or one invitation. Times planned in a zone keep their TZID (IANA names, which
//! Google Calendar, Outlook and Apple Calendar resolve), so 10:00 stays 10:00 when the
//! clocks change; all-day events are dates.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use icalendar::{
    Alarm, Attendee as IcsAttendee, Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike,
    EventStatus, PartStat, Property, Trigger,
};
use kite_shared::crm::activities::{ActivityDto, ActivityKind};
use std::str::FromStr;

/// What a client shows for an activity planned as a moment (a task, a call without an end).
const DEFAULT_LENGTH_MINUTES: i64 = 30;

/// Who sends invitations.
pub(crate) struct Organizer<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

pub(crate) fn calendar(name: &str, method: Option<&str>) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Kite CRM//Kite//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(name);
    if let Some(method) = method {
        calendar.append_property(Property::new("METHOD", method));
    }
    calendar
}

/// A time in the zone it was planned in, or UTC.
fn at(time: DateTime<Utc>, zone: Option<&str>) -> DatePerhapsTime {
    match zone.and_then(|z| Tz::from_str(z).ok()) {
        Some(tz) => DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: time.with_timezone(&tz).naive_local(),
            tzid: tz.name().to_owned(),
        }),
        None => DatePerhapsTime::DateTime(CalendarDateTime::Utc(time)),
    }
}

/// A stable id across feeds and invitations, so clients update the event they have.
pub(crate) fn uid(activity: &ActivityDto) -> String {
    format!("{}@kite-crm", activity.id)
}

pub(crate) fn event(activity: &ActivityDto, organizer: Option<&Organizer<'_>>) -> Option<Event> {
    let start = activity.due_at?;
    let mut event = Event::new();
    event
        .uid(&uid(activity))
        .summary(&activity.subject)
        .timestamp(activity.updated_at)
        .created(activity.created_at)
        .last_modified(activity.updated_at)
        // Every save makes a later revision, which is what SEQUENCE has to tell clients.
        .sequence(u32::try_from((activity.updated_at - activity.created_at).num_seconds()).unwrap_or(u32::MAX))
        .status(EventStatus::Confirmed)
        .add_property("CATEGORIES", activity.kind.label());
    if activity.all_day {
        let end = activity.ends_at.unwrap_or(start + Duration::days(1));
        event
            .starts(DatePerhapsTime::Date(start.date_naive()))
            .ends(DatePerhapsTime::Date(end.date_naive()));
    } else {
        let zone = activity.time_zone.as_deref();
        let end = activity
            .ends_at
            .unwrap_or(start + Duration::minutes(DEFAULT_LENGTH_MINUTES));
        event.starts(at(start, zone)).ends(at(end, zone));
    }
    if let Some(body) = activity.body.as_deref() {
        event.description(body);
    }
    if let Some(location) = activity.location.as_deref() {
        event.location(location);
    }
    if let Some(organizer) = organizer {
        let mut property = Property::new("ORGANIZER", format!("mailto:{}", organizer.email));
        property.add_parameter("CN", organizer.name);
        event.append_property(property);
    }
    for attendee in &activity.attendees {
        if let Some(email) = attendee.email.as_deref() {
            event.attendee(
                IcsAttendee::new(format!("mailto:{email}"))
                    .cn(attendee.name.clone())
                    .partstat(PartStat::NeedsAction)
                    .rsvp(true),
            );
        }
    }
    if let Some(minutes) = activity
        .reminder_minutes
        .filter(|_| activity.kind != ActivityKind::Note)
    {
        event.alarm(Alarm::display(
            &activity.subject,
            Trigger::before_start(Duration::minutes(i64::from(minutes))),
        ));
    }
    Some(event.done())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use kite_shared::crm::activities::Attendee;
    use uuid::Uuid;

    fn meeting() -> ActivityDto {
        let start = Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).single().expect("a time");
        ActivityDto {
            id: Uuid::now_v7(),
            kind: ActivityKind::Meeting,
            subject: "Kick-off, with Acme; part 1".into(),
            body: Some("Agenda:\nintroductions".into()),
            due_at: Some(start),
            done_at: None,
            owner_id: None,
            contact_id: None,
            company_id: None,
            deal_id: None,
            contact_name: None,
            company_name: None,
            deal_title: None,
            ends_at: Some(start + Duration::hours(1)),
            all_day: false,
            location: Some("Room 4".into()),
            time_zone: Some("Europe/Berlin".into()),
            reminder_minutes: Some(15),
            attendees: vec![Attendee {
                contact_id: Some(Uuid::now_v7()),
                user_id: None,
                name: "Ada Lovelace".into(),
                email: Some("ada@example.com".into()),
            }],
            created_at: start - Duration::days(3),
            updated_at: start - Duration::days(2),
        }
    }

    #[test]
    fn a_meeting_parses_back_with_its_zone_attendee_and_alarm() {
        let activity = meeting();
        let mut calendar = calendar("Ann's calendar", Some("REQUEST"));
        calendar.push(event(&activity, None).expect("timed"));
        let text = calendar.done().to_string();
        let parsed: Calendar = text.parse().expect("parses");
        let event = parsed.events().next().expect("one event");
        assert_eq!(event.get_summary(), Some("Kick-off, with Acme; part 1"));
        assert_eq!(event.get_description(), Some("Agenda:\nintroductions"));
        let Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) = event.get_start()
        else {
            panic!("no zoned start in {text}");
        };
        // 08:00 UTC in July is 10:00 in Berlin.
        assert_eq!(
            (date_time.to_string().as_str(), tzid.as_str()),
            ("2026-07-01 10:00:00", "Europe/Berlin")
        );
        assert_eq!(event.get_attendees()[0].cal_address, "mailto:ada@example.com");
        assert!(text.contains("BEGIN:VALARM") && text.contains("TRIGGER"), "{text}");
        assert!(text.contains("METHOD:REQUEST"), "{text}");
    }

    #[test]
    fn an_all_day_event_is_dates() {
        let mut activity = meeting();
        activity.all_day = true;
        activity.due_at = Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).single().expect("a time"));
        activity.ends_at = Some(Utc.with_ymd_and_hms(2026, 7, 3, 0, 0, 0).single().expect("a time"));
        let text = event(&activity, None).expect("timed").to_string();
        assert!(text.contains("DTSTART;VALUE=DATE:20260701"), "{text}");
        assert!(text.contains("DTEND;VALUE=DATE:20260703"), "{text}");
    }
}
