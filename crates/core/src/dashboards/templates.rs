//! The dashboard each role starts with: what a rep, a manager and an admin look at
//! first in the morning.

use kite_shared::Role;
use kite_shared::analytics::PeriodKind;
use kite_shared::analytics::dashboards::{DataSource, Widget, WidgetKind, WidgetOptions};
use kite_shared::analytics::reports::{Dimension, MetricKey};
use uuid::Uuid;

struct Place(WidgetKind, DataSource, u8, u16, u8, u8);

fn widget(Place(kind, source, x, y, w, h): Place, options: WidgetOptions) -> Widget {
    Widget {
        id: Uuid::new_v4(),
        kind,
        source,
        title: String::new(),
        options,
        x,
        y,
        w,
        h,
    }
}

fn metric(metric: MetricKey, x: u8) -> Widget {
    widget(
        Place(WidgetKind::Metric, DataSource::Summary, x, 0, 3, 2),
        WidgetOptions {
            metric: Some(metric),
            period: Some(PeriodKind::ThisMonth),
            ..Default::default()
        },
    )
}

fn plain(place: Place) -> Widget {
    widget(place, WidgetOptions::default())
}

pub fn for_role(role: Role) -> (String, Vec<Widget>) {
    use DataSource as S;
    use WidgetKind as K;
    match role {
        Role::SalesRep | Role::Viewer => (
            "My dashboard".into(),
            vec![
                metric(MetricKey::WonValue, 0),
                metric(MetricKey::DealsWon, 3),
                metric(MetricKey::WinRate, 6),
                metric(MetricKey::ActivitiesDone, 9),
                plain(Place(K::Pipeline, S::Pipeline, 0, 2, 12, 3)),
                plain(Place(K::MyTasks, S::Tasks, 0, 5, 6, 4)),
                plain(Place(K::Forecast, S::Forecast, 6, 5, 6, 4)),
                plain(Place(K::ActivityFeed, S::Activities, 0, 9, 12, 4)),
            ],
        ),
        Role::Manager => (
            "Team dashboard".into(),
            vec![
                metric(MetricKey::WonValue, 0),
                metric(MetricKey::WinRate, 3),
                metric(MetricKey::NewDeals, 6),
                metric(MetricKey::SalesCycle, 9),
                plain(Place(K::Pipeline, S::Pipeline, 0, 2, 12, 3)),
                plain(Place(K::Funnel, S::Conversion, 0, 5, 6, 4)),
                plain(Place(K::Leaderboard, S::Leaderboard, 6, 5, 6, 4)),
                plain(Place(K::Bar, S::Velocity, 0, 9, 6, 4)),
                plain(Place(K::Table, S::Bottlenecks, 6, 9, 6, 4)),
                plain(Place(K::Forecast, S::Forecast, 0, 13, 12, 4)),
            ],
        ),
        Role::Admin => (
            "Company dashboard".into(),
            vec![
                metric(MetricKey::WonValue, 0),
                metric(MetricKey::WinRate, 3),
                metric(MetricKey::NewDeals, 6),
                metric(MetricKey::AvgDealSize, 9),
                plain(Place(K::Pipeline, S::Pipeline, 0, 2, 12, 3)),
                plain(Place(K::Area, S::WonOverTime, 0, 5, 6, 4)),
                plain(Place(K::Funnel, S::Conversion, 6, 5, 6, 4)),
                widget(
                    Place(K::Bar, S::WinLoss, 0, 9, 6, 4),
                    WidgetOptions {
                        dimension: Some(Dimension::Source),
                        ..Default::default()
                    },
                ),
                plain(Place(K::Leaderboard, S::Leaderboard, 6, 9, 6, 4)),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kite_shared::analytics::dashboards::DashboardInput;

    #[test]
    fn every_roles_template_is_a_valid_dashboard() {
        for role in Role::ALL {
            let (name, widgets) = for_role(role);
            let input = DashboardInput {
                name,
                shared: false,
                widgets,
            };
            assert_eq!(input.validate(), vec![], "{role}");
        }
    }
}
