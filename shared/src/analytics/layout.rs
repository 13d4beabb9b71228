//! The dashboard grid: twelve columns, rows as many as needed. Widgets never overlap:
//! moving or resizing one pushes the ones in its way down. The editor and the server
//! share these rules, so they agree on what a valid layout is.

use super::dashboards::Widget;
use crate::FieldError;

pub const COLUMNS: u8 = 12;
pub const MAX_ROWS: u16 = 400;
pub const MAX_HEIGHT: u8 = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u8,
    pub y: u16,
    pub w: u8,
    pub h: u8,
}

impl Rect {
    fn bottom(&self) -> u16 {
        self.y + u16::from(self.h)
    }

    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w && other.x < self.x + self.w && self.y < other.bottom() && other.y < self.bottom()
    }

    /// The nearest rectangle that fits the grid.
    pub fn clamped(self) -> Rect {
        let w = self.w.clamp(1, COLUMNS);
        let h = self.h.clamp(1, MAX_HEIGHT);
        Rect {
            x: self.x.min(COLUMNS - w),
            y: self.y.min(MAX_ROWS - u16::from(h)),
            w,
            h,
        }
    }
}

/// Off-grid and overlapping widgets, by field.
pub fn check(widgets: &[Widget]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, widget) in widgets.iter().enumerate() {
        let at = format!("widgets[{i}]");
        let rect = widget.rect();
        if rect.w == 0 || rect.w > COLUMNS {
            errors.push(FieldError::new(
                &format!("{at}.w"),
                "off_grid",
                format!("Between 1 and {COLUMNS} columns wide."),
            ));
        } else if rect.x + rect.w > COLUMNS {
            errors.push(FieldError::new(
                &format!("{at}.x"),
                "off_grid",
                "The widget runs past the grid's right edge.",
            ));
        }
        if rect.h == 0 || rect.h > MAX_HEIGHT {
            errors.push(FieldError::new(
                &format!("{at}.h"),
                "off_grid",
                format!("Between 1 and {MAX_HEIGHT} rows high."),
            ));
        } else if rect.bottom() > MAX_ROWS {
            errors.push(FieldError::new(
                &format!("{at}.y"),
                "off_grid",
                format!("The grid has {MAX_ROWS} rows."),
            ));
        }
        if let Some(j) = widgets[..i].iter().position(|other| other.rect().overlaps(&rect)) {
            errors.push(FieldError::new(
                &format!("{at}.y"),
                "overlap",
                format!("The widget overlaps widget {}.", j + 1),
            ));
        }
    }
    errors
}

/// Puts widget `index` at `rect` (moved or resized) and pushes the widgets in its way
/// down, and those in theirs, so nothing overlaps. Gaps stay where the user leaves them.
pub fn place(widgets: &mut [Widget], index: usize, rect: Rect) {
    let Some(moved) = widgets.get_mut(index) else {
        return;
    };
    moved.set_rect(rect.clamped());
    // Others settle in reading order, each below whatever it would overlap.
    let mut order: Vec<usize> = (0..widgets.len()).filter(|&i| i != index).collect();
    order.sort_by_key(|&i| (widgets[i].y, widgets[i].x));
    let mut placed = vec![widgets[index].rect()];
    for i in order {
        let mut r = widgets[i].rect();
        while let Some(block) = placed.iter().find(|p| p.overlaps(&r)) {
            r.y = block.bottom();
        }
        widgets[i].set_rect(r);
        placed.push(r);
    }
}

/// Where a new `w`×`h` widget goes: the first free place in reading order.
pub fn free_spot(widgets: &[Widget], w: u8, h: u8) -> Rect {
    let w = w.clamp(1, COLUMNS);
    let bottom = widgets.iter().map(|w| w.rect().bottom()).max().unwrap_or(0);
    for y in 0..=bottom {
        for x in 0..=(COLUMNS - w) {
            let r = Rect { x, y, w, h };
            if !widgets.iter().any(|other| other.rect().overlaps(&r)) {
                return r;
            }
        }
    }
    Rect { x: 0, y: bottom, w, h }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::dashboards::{DataSource, WidgetKind, WidgetOptions};
    use uuid::Uuid;

    fn at(n: u128, x: u8, y: u16, w: u8, h: u8) -> Widget {
        Widget {
            id: Uuid::from_u128(n),
            kind: WidgetKind::Bar,
            source: DataSource::Conversion,
            title: String::new(),
            options: WidgetOptions::default(),
            x,
            y,
            w,
            h,
        }
    }

    fn rects(widgets: &[Widget]) -> Vec<(u8, u16, u8, u8)> {
        widgets.iter().map(|w| (w.x, w.y, w.w, w.h)).collect()
    }

    #[test]
    fn overlapping_widgets_are_refused_naming_the_later_one() {
        let errors = check(&[at(1, 0, 0, 6, 4), at(2, 5, 3, 6, 4)]);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("widgets[1].y", "overlap")
        );
    }

    #[test]
    fn touching_widgets_do_not_overlap() {
        assert!(check(&[at(1, 0, 0, 6, 4), at(2, 6, 0, 6, 4), at(3, 0, 4, 12, 1)]).is_empty());
    }

    #[test]
    fn a_widget_past_the_right_edge_is_off_grid() {
        let errors = check(&[at(1, 8, 0, 6, 4)]);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("widgets[0].x", "off_grid")
        );
        assert_eq!(check(&[at(1, 0, 0, 0, 4)])[0].field, "widgets[0].w");
        assert_eq!(check(&[at(1, 0, 0, 4, 13)])[0].field, "widgets[0].h");
    }

    #[test]
    fn moving_a_widget_onto_another_pushes_that_one_down() {
        let mut widgets = vec![at(1, 0, 0, 6, 4), at(2, 6, 0, 6, 4)];
        place(&mut widgets, 1, Rect { x: 0, y: 0, w: 6, h: 4 });
        assert_eq!(rects(&widgets), vec![(0, 4, 6, 4), (0, 0, 6, 4)]);
        assert!(check(&widgets).is_empty());
    }

    #[test]
    fn a_pushed_widget_pushes_the_ones_below_it_in_turn() {
        let mut widgets = vec![at(1, 0, 0, 12, 2), at(2, 0, 2, 12, 2), at(3, 0, 4, 6, 2)];
        place(
            &mut widgets,
            0,
            Rect {
                x: 0,
                y: 1,
                w: 12,
                h: 2,
            },
        );
        assert_eq!(rects(&widgets), vec![(0, 1, 12, 2), (0, 3, 12, 2), (0, 5, 6, 2)]);
    }

    #[test]
    fn resizing_over_a_neighbour_pushes_it_below() {
        let mut widgets = vec![at(1, 0, 0, 6, 4), at(2, 6, 0, 6, 4), at(3, 0, 4, 12, 2)];
        place(&mut widgets, 0, Rect { x: 0, y: 0, w: 8, h: 4 });
        assert_eq!(rects(&widgets), vec![(0, 0, 8, 4), (6, 4, 6, 4), (0, 8, 12, 2)]);
        assert!(check(&widgets).is_empty());
    }

    #[test]
    fn a_rectangle_past_the_edge_is_pulled_back_onto_the_grid() {
        let r = Rect {
            x: 10,
            y: 0,
            w: 6,
            h: 40,
        }
        .clamped();
        assert_eq!(
            r,
            Rect {
                x: 6,
                y: 0,
                w: 6,
                h: MAX_HEIGHT
            }
        );
    }

    #[test]
    fn a_new_widget_takes_the_first_free_place() {
        let widgets = vec![at(1, 0, 0, 6, 4)];
        assert_eq!(free_spot(&widgets, 6, 4), Rect { x: 6, y: 0, w: 6, h: 4 });
        assert_eq!(
            free_spot(&widgets, 12, 2),
            Rect {
                x: 0,
                y: 4,
                w: 12,
                h: 2
            }
        );
    }
}
