//! Dashboards: a user's grid of widgets, each showing one data source its own way.

use super::PeriodKind;
use super::layout::{self, Rect};
use super::reports::{Dimension, MetricKey};
use crate::validation::check_name;
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_WIDGETS: usize = 40;
pub const MAX_TITLE: usize = 80;
pub const MAX_FILTER: usize = 2000;

string_enum! {
    WidgetKind {
        Metric => "metric", "Metric card",
        Bar => "bar", "Bar chart",
        Line => "line", "Line chart",
        Area => "area", "Area chart",
        Pie => "pie", "Pie chart",
        Funnel => "funnel", "Funnel",
        Table => "table", "Table",
        Pipeline => "pipeline", "Pipeline",
        ActivityFeed => "activity_feed", "Activity feed",
        Forecast => "forecast", "Forecast",
        Leaderboard => "leaderboard", "Leaderboard",
        MyTasks => "my_tasks", "My tasks",
    }
}

string_enum! {
    /// Where a widget's figures come from: an analytics report, or a list.
    DataSource {
        Summary => "summary", "Headline figures",
        Conversion => "conversion", "Conversion by stage",
        Velocity => "velocity", "Time in stage",
        Bottlenecks => "bottlenecks", "Bottlenecks",
        WinLoss => "win_loss", "Win rate by …",
        LostReasons => "lost_reasons", "Lost reasons",
        WonOverTime => "won_over_time", "Won and lost over time",
        Leaderboard => "leaderboard", "Leaderboard",
        Pipeline => "pipeline", "Open pipeline by stage",
        Forecast => "forecast", "Forecast",
        Activities => "activities", "Recent activities",
        Tasks => "tasks", "My open tasks",
        Deals => "deals", "Deals (a list)",
        Contacts => "contacts", "Contacts (a list)",
    }
}

impl WidgetKind {
    /// The data sources this kind of widget can show.
    pub fn sources(self) -> &'static [DataSource] {
        use DataSource::*;
        match self {
            WidgetKind::Metric => &[Summary],
            WidgetKind::Bar => &[
                Conversion,
                Velocity,
                WinLoss,
                LostReasons,
                WonOverTime,
                Pipeline,
                Leaderboard,
                Forecast,
            ],
            WidgetKind::Line | WidgetKind::Area => &[WonOverTime, Forecast],
            WidgetKind::Pie => &[LostReasons, WinLoss, Pipeline],
            WidgetKind::Funnel => &[Conversion, Pipeline],
            WidgetKind::Table => &[
                Conversion,
                Velocity,
                Bottlenecks,
                WinLoss,
                LostReasons,
                Leaderboard,
                Deals,
                Contacts,
            ],
            WidgetKind::Pipeline => &[Pipeline],
            WidgetKind::ActivityFeed => &[Activities],
            WidgetKind::Forecast => &[Forecast],
            WidgetKind::Leaderboard => &[Leaderboard],
            WidgetKind::MyTasks => &[Tasks],
        }
    }

    pub fn is_chart(self) -> bool {
        matches!(
            self,
            WidgetKind::Bar
                | WidgetKind::Line
                | WidgetKind::Area
                | WidgetKind::Pie
                | WidgetKind::Funnel
                | WidgetKind::Forecast
        )
    }

    /// The size a widget gets when added from the gallery.
    pub fn default_size(self) -> (u8, u8) {
        match self {
            WidgetKind::Metric => (3, 2),
            WidgetKind::Pipeline | WidgetKind::Table => (12, 4),
            WidgetKind::ActivityFeed | WidgetKind::MyTasks | WidgetKind::Leaderboard => (4, 4),
            _ => (6, 4),
        }
    }
}

/// How a widget shows its source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetOptions {
    /// A period relative to today (not `custom`); default `this_quarter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodKind>,
    /// For `last_n_days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Which figure a metric card shows (required for `metric`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricKey>,
    /// What `win_loss` groups by; default the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<Dimension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<Uuid>,
    /// For the `deals` and `contacts` sources: the list's filters as its query string
    /// (`status=open&owner_id=…`), as the list page's address has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Widget {
    /// Chosen by the client; unique within the dashboard.
    pub id: Uuid,
    pub kind: WidgetKind,
    pub source: DataSource,
    /// Blank shows the source's name.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub options: WidgetOptions,
    /// Column, 0 to 11.
    pub x: u8,
    /// Row, from 0.
    pub y: u16,
    /// Columns wide, 1 to 12.
    pub w: u8,
    /// Rows high, 1 to 12.
    pub h: u8,
}

impl Widget {
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }

    pub fn set_rect(&mut self, rect: Rect) {
        self.x = rect.x;
        self.y = rect.y;
        self.w = rect.w;
        self.h = rect.h;
    }

    pub fn display_title(&self) -> String {
        if self.title.trim().is_empty() {
            match (self.kind, self.options.metric) {
                (WidgetKind::Metric, Some(metric)) => metric.label().to_owned(),
                _ => self.source.label().to_owned(),
            }
        } else {
            self.title.clone()
        }
    }

    fn check(&self, at: &str, errors: &mut Vec<FieldError>) {
        if !self.kind.sources().contains(&self.source) {
            errors.push(FieldError::new(
                &format!("{at}.source"),
                "unsupported_source",
                format!(
                    "A {} cannot show {}.",
                    self.kind.label().to_lowercase(),
                    self.source.label()
                ),
            ));
        }
        if self.title.chars().count() > MAX_TITLE {
            errors.push(FieldError::new(
                &format!("{at}.title"),
                "too_long",
                format!("At most {MAX_TITLE} characters."),
            ));
        }
        let options = &self.options;
        if self.kind == WidgetKind::Metric && options.metric.is_none() {
            errors.push(FieldError::new(
                &format!("{at}.options.metric"),
                "required",
                "Choose the figure the card shows.",
            ));
        }
        match (options.period, options.days) {
            (Some(PeriodKind::Custom), _) => errors.push(FieldError::new(
                &format!("{at}.options.period"),
                "unsupported",
                "A widget's period is relative to today; use a report for a fixed range.",
            )),
            (Some(PeriodKind::LastNDays), days) if !matches!(days, Some(1..=super::period::MAX_DAYS)) => {
                errors.push(FieldError::new(
                    &format!("{at}.options.days"),
                    "out_of_range",
                    format!("Choose 1 to {} days.", super::period::MAX_DAYS),
                ))
            }
            _ => {}
        }
        if let Some(filter) = &options.filter {
            if !matches!(self.source, DataSource::Deals | DataSource::Contacts) {
                errors.push(FieldError::new(
                    &format!("{at}.options.filter"),
                    "unsupported",
                    "Only list sources take a filter.",
                ));
            } else if filter.len() > MAX_FILTER {
                errors.push(FieldError::new(
                    &format!("{at}.options.filter"),
                    "too_long",
                    format!("At most {MAX_FILTER} characters."),
                ));
            }
        }
    }
}

/// What the dashboard editor saves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardInput {
    pub name: String,
    /// Everyone in the organization may open it, read-only. Managers and admins only.
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub widgets: Vec<Widget>,
}

impl DashboardInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_name("name", "Name", &self.name).into_iter().collect();
        if self.widgets.len() > MAX_WIDGETS {
            errors.push(FieldError::new(
                "widgets",
                "too_many",
                format!("A dashboard holds at most {MAX_WIDGETS} widgets."),
            ));
            return errors;
        }
        for (i, widget) in self.widgets.iter().enumerate() {
            let at = format!("widgets[{i}]");
            widget.check(&at, &mut errors);
            if self.widgets[..i].iter().any(|w| w.id == widget.id) {
                errors.push(FieldError::new(
                    &format!("{at}.id"),
                    "duplicate",
                    "Two widgets have this id.",
                ));
            }
        }
        errors.extend(layout::check(&self.widgets));
        errors
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardDto {
    pub id: Uuid,
    pub name: String,
    pub owner_id: UserId,
    pub owner_name: String,
    pub shared: bool,
    pub widgets: Vec<Widget>,
    /// Whether the caller may change it: its owner only.
    pub can_edit: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widget(kind: WidgetKind, source: DataSource) -> Widget {
        Widget {
            id: Uuid::from_u128(1),
            kind,
            source,
            title: String::new(),
            options: WidgetOptions::default(),
            x: 0,
            y: 0,
            w: 6,
            h: 4,
        }
    }

    fn input(widgets: Vec<Widget>) -> DashboardInput {
        DashboardInput {
            name: "Mine".into(),
            shared: false,
            widgets,
        }
    }

    #[test]
    fn a_widget_showing_a_source_its_kind_cannot_is_refused_on_source() {
        let errors = input(vec![widget(WidgetKind::Pie, DataSource::Velocity)]).validate();
        assert_eq!(errors[0].field, "widgets[0].source");
        assert_eq!(errors[0].code, "unsupported_source");
    }

    #[test]
    fn a_metric_card_must_say_which_figure() {
        let errors = input(vec![widget(WidgetKind::Metric, DataSource::Summary)]).validate();
        assert_eq!(errors[0].field, "widgets[0].options.metric");
    }

    #[test]
    fn two_widgets_with_one_id_are_refused() {
        let mut second = widget(WidgetKind::Table, DataSource::Deals);
        second.y = 4;
        let errors = input(vec![widget(WidgetKind::Bar, DataSource::Conversion), second]).validate();
        assert_eq!(errors[0].field, "widgets[1].id");
    }

    #[test]
    fn a_widget_cannot_have_a_fixed_range() {
        let mut chart = widget(WidgetKind::Line, DataSource::WonOverTime);
        chart.options.period = Some(PeriodKind::Custom);
        assert_eq!(input(vec![chart]).validate()[0].field, "widgets[0].options.period");
    }

    #[test]
    fn the_title_falls_back_to_the_metric_or_the_source() {
        let mut card = widget(WidgetKind::Metric, DataSource::Summary);
        card.options.metric = Some(MetricKey::WinRate);
        assert_eq!(card.display_title(), "Win rate");
        assert_eq!(
            widget(WidgetKind::Funnel, DataSource::Conversion).display_title(),
            "Conversion by stage"
        );
    }
}
