use sea_orm::entity::prelude::*;

/// One value of a custom field on one record (one row per chosen option of a multi select).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_field_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub field_id: Uuid,
    pub record_id: Uuid,
    /// Text, URL, email, date (`YYYY-MM-DD`), an option's name or a user id.
    pub value_text: Option<String>,
    /// A number, an amount, or yes/no as 1/0.
    #[sea_orm(column_type = "Double")]
    pub value_number: Option<f64>,
    /// Long text, kept out of the indexes.
    pub value_long: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
