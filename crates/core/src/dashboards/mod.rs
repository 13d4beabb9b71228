//! Dashboards: each user's own grids of widgets, and the ones managers share with the
//! organization read-only. A user without one gets their role's template on first look.

mod templates;

use crate::scheduled_exports::export_query;
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{dashboard, user};
use kite_shared::analytics::dashboards::{DashboardDto, DashboardInput, DataSource, Widget};
use kite_shared::imports::ImportEntity;
use kite_shared::{FieldError, Permission, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// Dashboards one user may own.
pub const MAX_DASHBOARDS: usize = 20;

pub struct DashboardService<'a> {
    kite: &'a Kite,
}

impl<'a> DashboardService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The caller's dashboards (made from their role's template if they have none yet),
    /// then the ones others share, each group oldest first.
    pub async fn list(&self, ctx: &Ctx) -> Result<Vec<DashboardDto>, CoreError> {
        ctx.require(Permission::ViewReports)?;
        let me = ctx.user_id.into_uuid();
        let mut rows = self.visible(ctx).await?;
        if !rows.iter().any(|d| d.owner_id == me) {
            let (name, widgets) = templates::for_role(ctx.role);
            self.insert(ctx, &name, false, &widgets).await?;
            rows = self.visible(ctx).await?;
        }
        rows.sort_by_key(|d| (d.owner_id != me, d.created_at));
        let names = self.owner_names(ctx).await?;
        Ok(rows.into_iter().map(|row| dto(ctx, row, &names)).collect())
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<DashboardDto, CoreError> {
        ctx.require(Permission::ViewReports)?;
        let row = self.find(ctx, id).await?;
        let names = self.owner_names(ctx).await?;
        Ok(dto(ctx, row, &names))
    }

    pub async fn create(&self, ctx: &Ctx, input: &DashboardInput) -> Result<DashboardDto, CoreError> {
        ctx.require(Permission::ViewReports)?;
        self.check(ctx, input)?;
        let me = ctx.user_id.into_uuid();
        let mine = self.visible(ctx).await?.iter().filter(|d| d.owner_id == me).count();
        if mine >= MAX_DASHBOARDS {
            return Err(CoreError::field(
                "name",
                "too_many",
                &format!("You have {MAX_DASHBOARDS} dashboards, the most one person may have."),
            ));
        }
        let row = self
            .insert(ctx, input.name.trim(), input.shared, &input.widgets)
            .await?;
        let names = self.owner_names(ctx).await?;
        Ok(dto(ctx, row, &names))
    }

    /// Saves the whole dashboard: its name, whether it is shared, its widgets and layout.
    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &DashboardInput) -> Result<DashboardDto, CoreError> {
        ctx.require(Permission::ViewReports)?;
        let row = self.find_own(ctx, id).await?;
        self.check(ctx, input)?;
        let mut active: dashboard::ActiveModel = row.into();
        active.name = Set(input.name.trim().to_owned());
        active.shared = Set(input.shared);
        active.widgets = Set(widgets_json(&input.widgets)?);
        active.updated_at = Set(Utc::now());
        let txn = self.kite.begin().await?;
        let row = active.update(&*txn).await?;
        txn.commit().await?;
        let names = self.owner_names(ctx).await?;
        Ok(dto(ctx, row, &names))
    }

    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::ViewReports)?;
        let row = self.find_own(ctx, id).await?;
        let txn = self.kite.begin().await?;
        dashboard::Entity::delete_by_id(row.id).exec(&*txn).await?;
        txn.commit().await?;
        Ok(())
    }

    fn check(&self, ctx: &Ctx, input: &DashboardInput) -> Result<(), CoreError> {
        let mut errors = input.validate();
        for (i, widget) in input.widgets.iter().enumerate() {
            errors.extend(filter_errors(i, widget));
        }
        CoreError::validation(errors)?;
        if input.shared && !can_share(ctx) {
            return Err(CoreError::Forbidden);
        }
        Ok(())
    }

    async fn insert(
        &self,
        ctx: &Ctx,
        name: &str,
        shared: bool,
        widgets: &[Widget],
    ) -> Result<dashboard::Model, CoreError> {
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let row = dashboard::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            owner_id: Set(ctx.user_id.into_uuid()),
            name: Set(name.to_owned()),
            shared: Set(shared),
            widgets: Set(widgets_json(widgets)?),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// The caller's own dashboards and everyone's shared ones.
    async fn visible(&self, ctx: &Ctx) -> Result<Vec<dashboard::Model>, CoreError> {
        Ok(dashboard::Entity::find()
            .filter(dashboard::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(
                Condition::any()
                    .add(dashboard::Column::OwnerId.eq(ctx.user_id.into_uuid()))
                    .add(dashboard::Column::Shared.eq(true)),
            )
            .order_by_asc(dashboard::Column::CreatedAt)
            .all(&self.kite.db)
            .await?)
    }

    /// A dashboard the caller may see: another user's private one does not exist for them.
    async fn find(&self, ctx: &Ctx, id: Uuid) -> Result<dashboard::Model, CoreError> {
        dashboard::Entity::find_by_id(id)
            .filter(dashboard::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?
            .filter(|d| d.owner_id == ctx.user_id.into_uuid() || d.shared)
            .ok_or(CoreError::NotFound("dashboard"))
    }

    /// A dashboard the caller may change: seeing someone's shared one is not enough.
    async fn find_own(&self, ctx: &Ctx, id: Uuid) -> Result<dashboard::Model, CoreError> {
        let row = self.find(ctx, id).await?;
        if row.owner_id == ctx.user_id.into_uuid() {
            Ok(row)
        } else {
            Err(CoreError::Forbidden)
        }
    }

    async fn owner_names(&self, ctx: &Ctx) -> Result<HashMap<Uuid, String>, CoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect())
    }
}

/// Managers and admins share dashboards with the organization.
fn can_share(ctx: &Ctx) -> bool {
    ctx.role.can(Permission::ViewTeamReports) && ctx.role.can(Permission::EditAllRecords)
}

/// A list widget's filter must be one its list accepts, as the list page would.
fn filter_errors(i: usize, widget: &Widget) -> Vec<FieldError> {
    let entity = match widget.source {
        DataSource::Deals => ImportEntity::Deals,
        DataSource::Contacts => ImportEntity::Contacts,
        _ => return Vec::new(),
    };
    let Some(filter) = &widget.options.filter else {
        return Vec::new();
    };
    match export_query(entity, filter) {
        Err(CoreError::Validation(errors)) => errors
            .into_iter()
            .map(|e| FieldError::new(&format!("widgets[{i}].options.filter"), &e.code, e.message))
            .collect(),
        _ => Vec::new(),
    }
}

fn widgets_json(widgets: &[Widget]) -> Result<String, CoreError> {
    serde_json::to_string(widgets).map_err(|e| CoreError::Internal(format!("dashboard widgets: {e}")))
}

fn dto(ctx: &Ctx, row: dashboard::Model, names: &HashMap<Uuid, String>) -> DashboardDto {
    DashboardDto {
        id: row.id,
        can_edit: row.owner_id == ctx.user_id.into_uuid(),
        owner_name: names.get(&row.owner_id).cloned().unwrap_or_default(),
        owner_id: UserId(row.owner_id),
        name: row.name,
        shared: row.shared,
        // Written by this service only, from validated widgets.
        widgets: serde_json::from_str(&row.widgets).unwrap_or_default(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
