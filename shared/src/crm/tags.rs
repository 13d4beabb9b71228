//! Tags: short labels a team puts on contacts, companies and deals to filter and act on
//! them together ("vip", "partner", "churn risk").

use crate::FieldError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const TAG_MAX_CHARS: usize = 40;
/// More tags than this on one record is a sign of tags used as notes.
pub const MAX_TAGS_PER_RECORD: usize = 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagDto {
    pub id: Uuid,
    pub name: String,
    pub color: Option<String>,
    /// Live records carrying the tag.
    pub uses: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    pub name: String,
    /// `#rrggbb`; none for the neutral colour.
    #[serde(default)]
    pub color: Option<String>,
}

/// The name a tag is stored under: trimmed, inner runs of spaces made one.
pub fn normalize_tag(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn check_tag(field: &str, raw: &str) -> Option<FieldError> {
    let name = normalize_tag(raw);
    if name.is_empty() {
        Some(FieldError::new(field, "required", "A tag needs a name."))
    } else if name.chars().count() > TAG_MAX_CHARS {
        Some(FieldError::new(
            field,
            "too_long",
            format!("A tag has at most {TAG_MAX_CHARS} characters."),
        ))
    } else if name.contains(',') {
        Some(FieldError::new(field, "invalid_tag", "A tag cannot contain a comma."))
    } else {
        None
    }
}

/// The tags of a record's input: each valid, at most [`MAX_TAGS_PER_RECORD`].
pub fn check_tags(tags: &[String]) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = tags
        .iter()
        .enumerate()
        .filter_map(|(i, tag)| check_tag(&format!("tags.{i}"), tag))
        .collect();
    if tags.len() > MAX_TAGS_PER_RECORD {
        errors.push(FieldError::new(
            "tags",
            "too_many",
            format!("At most {MAX_TAGS_PER_RECORD} tags on one record."),
        ));
    }
    errors
}

fn is_hex_color(raw: &str) -> bool {
    raw.len() == 7 && raw.starts_with('#') && raw[1..].chars().all(|c| c.is_ascii_hexdigit())
}

impl TagInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_tag("name", &self.name).into_iter().collect();
        if self.color.as_deref().is_some_and(|c| !is_hex_color(c)) {
            errors.push(FieldError::new(
                "color",
                "invalid_color",
                "Use a colour such as #3b82f6.",
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_trimmed_and_spaces_collapsed() {
        assert_eq!(normalize_tag("  churn   risk "), "churn risk");
    }

    #[test]
    fn empty_long_and_comma_tags_are_refused() {
        assert!(check_tag("t", "   ").is_some());
        assert!(check_tag("t", &"x".repeat(41)).is_some());
        assert!(check_tag("t", "a,b").is_some());
        assert!(check_tag("t", "vip").is_none());
    }

    #[test]
    fn colours_must_be_hex() {
        let mut input = TagInput {
            name: "vip".into(),
            color: Some("red".into()),
        };
        assert_eq!(input.validate()[0].field, "color");
        input.color = Some("#A0b1C2".into());
        assert!(input.validate().is_empty());
    }
}
