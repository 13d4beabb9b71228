//! Lists sorted by a custom field (`sort=cf.<key>`, `-cf.<key>` for descending): the
//! records with a value first, in the order of the field's value index (then by id), the
//! records without one after them by id, as a nullable built-in column sorts. Pages are
//! cut after the last row's value and id, like every list's.

use super::values::fields;
use crate::crm::records::CrmEntity;
use crate::paging::{self, Cursor, PageRequest, Total, invalid_cursor};
use crate::{CoreError, Kite};
use kite_entity::custom_field_value::{self, Column};
use kite_shared::FieldError;
use kite_shared::crm::custom_fields::{CustomFieldDto, CustomFieldEntity, CustomFieldType};
use kite_shared::crm::custom_values::FILTER_PREFIX;
use kite_shared::page::Page;
use sea_orm::sea_query::{Alias, Condition, Expr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType, Order, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select, Value,
};
use uuid::Uuid;

/// The joined value rows, named apart from any filter's subquery on the same table.
fn sorted_by() -> Alias {
    Alias::new("sort_value")
}

pub(crate) struct CustomSort {
    list: &'static str,
    /// As the request names it, so a cursor made for another order is refused.
    sort: String,
    field_id: Uuid,
    column: Column,
    descending: bool,
}

impl CustomSort {
    /// The custom field order `requested` names, if it names one.
    pub async fn parse(
        conn: &impl ConnectionTrait,
        organization: Uuid,
        entity: CustomFieldEntity,
        list: &'static str,
        requested: Option<&str>,
    ) -> Result<Option<CustomSort>, CoreError> {
        let Some(requested) = requested.map(str::trim) else {
            return Ok(None);
        };
        let (descending, name) = match requested.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, requested),
        };
        let Some(key) = name.strip_prefix(FILTER_PREFIX) else {
            return Ok(None);
        };
        let refused = |code: &str, message: String| CoreError::Validation(vec![FieldError::new("sort", code, message)]);
        let field: CustomFieldDto = fields(conn, organization, entity, false)
            .await?
            .into_iter()
            .find(|f| f.key == key)
            .ok_or_else(|| {
                refused(
                    "unknown_column",
                    format!("{} have no custom field \"{key}\".", entity.label()),
                )
            })?;
        let column = match field.field_type {
            CustomFieldType::Number | CustomFieldType::Currency | CustomFieldType::Boolean => Column::ValueNumber,
            CustomFieldType::MultiSelect | CustomFieldType::LongText => {
                return Err(refused(
                    "not_sortable",
                    format!(
                        "{} holds several values or long text: lists do not sort by it.",
                        field.label
                    ),
                ));
            }
            _ => Column::ValueText,
        };
        Ok(Some(CustomSort {
            list,
            sort: requested.to_owned(),
            field_id: field.id,
            column,
            descending,
        }))
    }

    fn direction(&self) -> Order {
        if self.descending { Order::Desc } else { Order::Asc }
    }

    fn value(&self) -> SimpleExpr {
        Expr::col((sorted_by(), self.column))
    }

    fn id_after<E: CrmEntity>(&self, id: Uuid) -> SimpleExpr {
        if self.descending {
            E::id_col().lt(id)
        } else {
            E::id_col().gt(id)
        }
    }

    fn value_of(&self, json: &serde_json::Value) -> Option<Value> {
        match self.column {
            Column::ValueNumber => Some(Value::from(json.as_f64()?)),
            _ => Some(Value::from(json.as_str()?.to_owned())),
        }
    }

    /// Where the cursor left off: the value (none among the records without one) and id.
    fn decode(&self, raw: &str) -> Result<(Option<Value>, Uuid), CoreError> {
        let cursor = Cursor::decode(raw, self.list, &self.sort)?;
        if serde_json::Value::is_null(&cursor.value) {
            return Ok((None, cursor.id));
        }
        let value = self.value_of(&cursor.value).ok_or_else(invalid_cursor)?;
        Ok((Some(value), cursor.id))
    }

    /// The records of `select` with a value, joined to it, in this order.
    fn valued<E: CrmEntity>(&self, select: Select<E>) -> Select<E> {
        let mut select = select;
        let on = Condition::all()
            .add(Expr::col((sorted_by(), Column::RecordId)).equals((E::default(), E::id_col())))
            .add(Expr::col((sorted_by(), Column::FieldId)).eq(self.field_id));
        QueryTrait::query(&mut select).join_as(JoinType::InnerJoin, custom_field_value::Entity, sorted_by(), on);
        select
            .order_by(self.value(), self.direction())
            .order_by(E::id_col(), self.direction())
    }

    fn holding(&self) -> sea_orm::sea_query::SelectStatement {
        Query::select()
            .column(Column::RecordId)
            .from(custom_field_value::Entity)
            .and_where(Column::FieldId.eq(self.field_id))
            .to_owned()
    }

    /// One page of `select` in this order, with its total when asked for.
    pub async fn page<E: CrmEntity>(
        &self,
        kite: &Kite,
        select: Select<E>,
        request: &PageRequest,
        total: Total,
    ) -> Result<Page<E::Model>, CoreError> {
        let after = request.cursor.as_deref().map(|raw| self.decode(raw)).transpose()?;
        let total = paging::count(kite, &select, request, total).await?;
        let limit = request.per_page.saturating_add(1);
        let (mut rows, nulls_after) = match after {
            Some((None, id)) => (Vec::new(), Some(id)),
            Some((Some(value), id)) => {
                let (beyond, equal) = if self.descending {
                    (self.value().lt(value.clone()), self.value().eq(value))
                } else {
                    (self.value().gt(value.clone()), self.value().eq(value))
                };
                let after = Condition::any()
                    .add(beyond)
                    .add(Condition::all().add(equal).add(self.id_after::<E>(id)));
                let valued = self.valued(select.clone()).filter(after);
                (valued.limit(limit).all(&kite.db).await?, None)
            }
            None => (self.valued(select.clone()).limit(limit).all(&kite.db).await?, None),
        };
        let missing = limit.saturating_sub(rows.len() as u64);
        if missing > 0 {
            let mut without = select.filter(E::id_col().not_in_subquery(self.holding()));
            if let Some(id) = nulls_after {
                without = without.filter(self.id_after::<E>(id));
            }
            let without = without.order_by(E::id_col(), self.direction());
            rows.extend(without.limit(missing).all(&kite.db).await?);
        }
        let keep = usize::try_from(request.per_page).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > keep {
            rows.truncate(keep);
            match rows.last() {
                Some(last) => Some(self.cursor_after::<E>(&kite.db, E::id(last)).await?),
                None => None,
            }
        } else {
            None
        };
        Ok(Page {
            items: rows,
            next_cursor,
            total,
        })
    }

    async fn cursor_after<E: CrmEntity>(&self, conn: &impl ConnectionTrait, id: Uuid) -> Result<String, CoreError> {
        let row = custom_field_value::Entity::find()
            .filter(Column::FieldId.eq(self.field_id))
            .filter(Column::RecordId.eq(id))
            .one(conn)
            .await?;
        let value = match (row, self.column) {
            (Some(row), Column::ValueNumber) => serde_json::json!(row.value_number),
            (Some(row), _) => serde_json::json!(row.value_text),
            (None, _) => serde_json::Value::Null,
        };
        Cursor { value, id }.encode(self.list, &self.sort)
    }
}
