//! Record lists filtered on custom fields (`cf.<key>=…`): each filter is a range of the
//! value indexes of one field, whose record ids narrow the list.

use super::values::fields;
use crate::CoreError;
use chrono::NaiveDate;
use kite_entity::custom_field_value::{self, Column};
use kite_shared::FieldError;
use kite_shared::crm::custom_fields::{CustomFieldDto, CustomFieldEntity, CustomFieldType};
use kite_shared::crm::custom_values::{CustomFieldFilter, FILTER_PREFIX, FilterOp, option_named};
use sea_orm::sea_query::{Expr, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, ExprTrait};
use uuid::Uuid;

/// A list's query string split in two: the `cf.*` parameters as filters, and the rest
/// as given, for the list's own query type. A query string that does not parse is left
/// whole, for that parser to name what is wrong.
pub fn split_query(raw: &str) -> (String, Vec<CustomFieldFilter>) {
    let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(raw) else {
        return (raw.to_owned(), Vec::new());
    };
    if !pairs.iter().any(|(k, _)| k.starts_with(FILTER_PREFIX)) {
        return (raw.to_owned(), Vec::new());
    }
    let (custom, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k.starts_with(FILTER_PREFIX));
    let filters = custom
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter_map(|(k, v)| CustomFieldFilter::parse(k, v))
        .collect();
    (serde_urlencoded::to_string(rest).unwrap_or_default(), filters)
}

fn refused(filter: &CustomFieldFilter, code: &str, message: String) -> CoreError {
    CoreError::Validation(vec![FieldError::new(&filter.param(), code, message)])
}

fn not_comparable(filter: &CustomFieldFilter, field: &CustomFieldDto) -> CoreError {
    refused(
        filter,
        "not_comparable",
        format!(
            "{} is not a number or a date: filter it with {FILTER_PREFIX}{}=…",
            field.label, field.key
        ),
    )
}

/// The condition on `custom_field_values` rows of `field` that `filter` asks for.
fn value_condition(field: &CustomFieldDto, filter: &CustomFieldFilter) -> Result<SimpleExpr, CoreError> {
    let given = filter.value.trim();
    let range = |column: Column, value: sea_orm::Value| match filter.op {
        FilterOp::Is => column.eq(value),
        FilterOp::Min => column.gte(value),
        FilterOp::Max => column.lte(value),
    };
    let only_is = || {
        if filter.op == FilterOp::Is {
            Ok(())
        } else {
            Err(not_comparable(filter, field))
        }
    };
    Ok(match field.field_type {
        CustomFieldType::Text | CustomFieldType::Url | CustomFieldType::Email | CustomFieldType::LongText => {
            only_is()?;
            let column = if field.field_type == CustomFieldType::LongText {
                Column::ValueLong
            } else {
                Column::ValueText
            };
            Expr::expr(Func::lower(Expr::col(column))).like(format!("%{}%", given.to_lowercase()))
        }
        CustomFieldType::Number | CustomFieldType::Currency => {
            let n: f64 = given
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| refused(filter, "invalid_number", format!("{} takes a number.", field.label)))?;
            range(Column::ValueNumber, n.into())
        }
        CustomFieldType::Date => {
            let date: NaiveDate = given.parse().map_err(|_| {
                refused(
                    filter,
                    "invalid_date",
                    format!("{} takes a date as YYYY-MM-DD.", field.label),
                )
            })?;
            range(Column::ValueText, date.to_string().into())
        }
        CustomFieldType::Boolean => {
            only_is()?;
            if !matches!(given, "true" | "false") {
                return Err(refused(
                    filter,
                    "invalid_boolean",
                    format!("{} takes true or false.", field.label),
                ));
            }
            // Both find the records that say yes; `false` then takes the others, as an
            // unticked box reads no.
            Column::ValueNumber.eq(1.0)
        }
        CustomFieldType::SingleSelect | CustomFieldType::MultiSelect => {
            only_is()?;
            let option = option_named(field, given).ok_or_else(|| {
                refused(
                    filter,
                    "unknown_option",
                    format!("\"{given}\" is not an option of {}.", field.label),
                )
            })?;
            Column::ValueText.eq(option)
        }
        CustomFieldType::User => {
            only_is()?;
            let id: Uuid = given
                .parse()
                .map_err(|_| refused(filter, "invalid_user", format!("{} takes a user id.", field.label)))?;
            Column::ValueText.eq(id.to_string())
        }
    })
}

/// How many matches make a value common, for [`conditions`].
const FEW: u64 = 1000;

/// How many value rows `values` selects, counted only up to just past [`FEW`].
async fn matches(
    conn: &impl ConnectionTrait,
    mut values: sea_orm::sea_query::SelectStatement,
) -> Result<u64, CoreError> {
    let capped = values.expr(Expr::val(1)).limit(FEW + 1).to_owned();
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(capped, sea_orm::sea_query::Alias::new("found"))
        .to_owned();
    let row = conn.query_one(&count).await?;
    let found: i64 = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(found).unwrap_or(0))
}

/// The conditions on a list's `id_column` that `filters` ask for, refused with the
/// parameter at fault when a key names no live field or a value does not fit its field.
pub(crate) async fn conditions(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: CustomFieldEntity,
    id_column: impl ColumnTrait + Copy,
    filters: &[CustomFieldFilter],
) -> Result<Vec<SimpleExpr>, CoreError> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let live = fields(conn, organization, entity, false).await?;
    let mut conditions = Vec::new();
    for filter in filters {
        let field = live.iter().find(|f| f.key == filter.key).ok_or_else(|| {
            refused(
                filter,
                "unknown_field",
                format!("{} have no custom field \"{}\".", entity.label(), filter.key),
            )
        })?;
        let condition = value_condition(field, filter)?;
        let negated = field.field_type == CustomFieldType::Boolean && filter.value.trim() == "false";
        let values = || {
            Query::select()
                .from(custom_field_value::Entity)
                .and_where(Column::FieldId.eq(field.id))
                .and_where(condition.clone())
                .to_owned()
        };
        // SQLite plans `IN` by reading the whole list of matches: for a value many records
        // hold, walking the list in its order and asking of each record whether it holds
        // the value (EXISTS) stops after a page instead. PostgreSQL weighs both ways from
        // its statistics and does better given `IN` (measured with `just bench`).
        let this_record =
            Expr::col((custom_field_value::Entity, Column::RecordId)).equals((id_column.entity_name(), id_column));
        let postgres = conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        let held_by_few = !negated && (postgres || matches(conn, values()).await? <= FEW);
        conditions.push(if held_by_few {
            id_column.in_subquery(values().column(Column::RecordId).to_owned())
        } else {
            let exists = Expr::exists(values().expr(Expr::val(1)).and_where(this_record).to_owned());
            if negated { exists.not() } else { exists }
        });
    }
    Ok(conditions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kite_shared::crm::custom_values::FilterOp;

    #[test]
    fn custom_field_parameters_are_split_off_and_the_rest_kept() {
        let (rest, filters) = split_query("q=ada&cf.tier=Gold%20plus&cf.arr.min=1000&sort=-created_at");
        assert_eq!(rest, "q=ada&sort=-created_at");
        assert_eq!(filters.len(), 2);
        assert_eq!(
            (filters[0].key.as_str(), filters[0].value.as_str()),
            ("tier", "Gold plus")
        );
        assert_eq!((filters[1].key.as_str(), filters[1].op), ("arr", FilterOp::Min));
        assert_eq!(split_query("q=ada").0, "q=ada");
    }
}
