//! Whose figures a report shows, over which instants, for which pipeline.

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use kite_core::{CoreError, Ctx, Kite};
use kite_entity::{pipeline, stage, user};
use kite_shared::analytics::period::{self, DateSpan, Periods};
use kite_shared::analytics::{AnalyticsQuery, Compared};
use kite_shared::{FieldError, Permission};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::future::Future;
use uuid::Uuid;

/// One period as instants: from `start` up to, not including, `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub span: DateSpan,
}

impl Window {
    pub fn days(&self) -> i64 {
        self.span.days()
    }

    /// `tz`'s UTC offsets over the window in seconds, each from the instant it begins
    /// (the first from the window's start). Found by stepping a day at a time and
    /// bisecting to the second where the offset changed: zones change at most twice a
    /// year, never twice in a day.
    pub fn utc_offsets(&self, tz: Tz) -> Vec<(DateTime<Utc>, i32)> {
        let offset = |at: DateTime<Utc>| tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc();
        let mut offsets = vec![(self.start, offset(self.start))];
        let mut at = self.start;
        while at < self.end {
            let next = (at + Duration::days(1)).min(self.end);
            let now = offsets.last().map_or(0, |(_, o)| *o);
            if offset(next) != now {
                // The change is after `before` and at or before `after`, on a whole second.
                let second = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or(next);
                let (mut before, mut after) = (at.timestamp(), next.timestamp());
                while after - before > 1 {
                    let middle = before + (after - before) / 2;
                    if offset(second(middle)) == now {
                        before = middle;
                    } else {
                        after = middle;
                    }
                }
                offsets.push((second(after), offset(second(after))));
            }
            at = next;
        }
        offsets
    }
}

#[derive(Clone, Debug)]
pub struct Scope {
    pub organization: Uuid,
    /// Only this owner's deals and activities.
    pub owner: Option<Uuid>,
    /// The pipeline stage reports are about: the asked-for one or the default.
    pub pipeline: pipeline::Model,
    /// Its stages in board order, deleted ones left out.
    pub stages: Vec<stage::Model>,
    /// Whether reports across pipelines narrow to `pipeline` (only when it was asked for).
    pub narrow_to_pipeline: bool,
    pub periods: Periods,
    pub current: Window,
    pub previous: Option<Window>,
    pub currency: Option<String>,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

impl Scope {
    pub async fn resolve(kite: &Kite, ctx: &Ctx, query: &AnalyticsQuery) -> Result<Scope, CoreError> {
        ctx.require(Permission::ViewReports)?;
        query.validate().map_err(CoreError::Validation)?;
        let me = ctx.user_id.into_uuid();
        let owner = if ctx.role.can(Permission::ViewTeamReports) {
            query.owner_id
        } else {
            match query.owner_id {
                Some(other) if other != me => return Err(CoreError::Forbidden),
                _ => Some(me),
            }
        };
        let tz: Tz = match query.tz.as_deref() {
            None | Some("") => Tz::UTC,
            Some(name) => name.parse().map_err(|_| {
                CoreError::field(
                    "tz",
                    "unknown_time_zone",
                    "Use an IANA time zone such as Europe/Berlin.",
                )
            })?,
        };
        let now = Utc::now();
        let today = now.with_timezone(&tz).date_naive();
        let periods = period::resolve(query, today).map_err(CoreError::Validation)?;
        let window = |span: DateSpan| Window {
            start: start_of(tz, span.start),
            end: start_of(tz, span.end),
            span,
        };
        let organization = ctx.organization_id.into_uuid();
        if let Some(owner) = owner {
            let known = user::Entity::find_by_id(owner)
                .filter(user::Column::OrganizationId.eq(organization))
                .count(&kite.db)
                .await?;
            if known == 0 {
                return Err(CoreError::field(
                    "owner_id",
                    "unknown_owner",
                    "No user of your organization has this id.",
                ));
            }
        }
        let mut pipelines = pipeline::Entity::find().filter(pipeline::Column::OrganizationId.eq(organization));
        pipelines = match query.pipeline_id {
            Some(id) => pipelines.filter(pipeline::Column::Id.eq(id)),
            None => pipelines
                .order_by_desc(pipeline::Column::IsDefault)
                .order_by_asc(pipeline::Column::Position),
        };
        let pipeline = pipelines.one(&kite.db).await?.ok_or_else(|| match query.pipeline_id {
            Some(_) => CoreError::Validation(vec![FieldError::new(
                "pipeline_id",
                "unknown_pipeline",
                "No pipeline of your organization has this id.",
            )]),
            None => CoreError::NotFound("pipeline"),
        })?;
        let stages = stage::Entity::find()
            .filter(stage::Column::PipelineId.eq(pipeline.id))
            .filter(stage::Column::DeletedAt.is_null())
            .order_by_asc(stage::Column::Position)
            .all(&kite.db)
            .await?;
        Ok(Scope {
            organization,
            owner,
            pipeline,
            stages,
            narrow_to_pipeline: query.pipeline_id.is_some(),
            current: window(periods.current),
            previous: if query.compare.unwrap_or(false) {
                periods.previous.map(window)
            } else {
                None
            },
            periods,
            currency: query.currency.clone(),
            tz,
            now,
        })
    }

    /// The report over the current period and, when compared, the previous one.
    pub async fn compared<T, F, Fut>(&self, report: F) -> Result<Compared<T>, CoreError>
    where
        F: Fn(Window) -> Fut,
        Fut: Future<Output = Result<T, CoreError>>,
    {
        let previous = async {
            match self.previous {
                Some(window) => report(window).await.map(Some),
                None => Ok(None),
            }
        };
        let (current, previous) = tokio::try_join!(report(self.current), previous)?;
        Ok(Compared {
            periods: self.periods,
            current,
            previous,
        })
    }

    /// Everything about the scope a report depends on, as a cache key: two requests with
    /// the same key get the same figures.
    pub fn cache_key(&self) -> String {
        format!(
            "{:?}|{}|{}|{:?}|{:?}|{:?}|{}",
            self.owner,
            self.pipeline.id,
            self.narrow_to_pipeline,
            self.periods,
            self.previous.map(|w| w.span),
            self.currency,
            self.tz,
        )
    }

    pub fn stage_kind(&self, id: Uuid) -> Option<&str> {
        self.stages.iter().find(|s| s.id == id).map(|s| s.kind.as_str())
    }
}

/// Midnight of `day` in `tz`, as an instant; on a day that skips midnight, the first
/// instant that exists.
pub(crate) fn start_of(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| midnight.and_utc()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    fn window(start: &str, end: &str) -> Window {
        let (start, end) = (instant(start), instant(end));
        Window {
            start,
            end,
            span: DateSpan {
                start: start.date_naive(),
                end: end.date_naive(),
            },
        }
    }

    #[test]
    fn a_window_over_a_daylight_saving_change_has_both_offsets_from_the_second_it_changed() {
        // Berlin moves its clocks forward at 01:00 UTC on 29 March 2026, back on 25 October.
        let offsets = window("2026-03-01T00:00:00Z", "2026-11-01T00:00:00Z").utc_offsets(chrono_tz::Europe::Berlin);
        assert_eq!(
            offsets,
            vec![
                (instant("2026-03-01T00:00:00Z"), 3600),
                (instant("2026-03-29T01:00:00Z"), 7200),
                (instant("2026-10-25T01:00:00Z"), 3600),
            ]
        );
    }

    #[test]
    fn a_zone_without_changes_has_one_offset() {
        let offsets = window("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z").utc_offsets(chrono_tz::Asia::Kolkata);
        assert_eq!(offsets, vec![(instant("2026-01-01T00:00:00Z"), 19_800)]);
    }
}
