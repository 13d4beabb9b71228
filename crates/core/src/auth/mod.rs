//! Sign-up, login, lockout, token refresh, logout, password reset and invitations.

pub(crate) mod one_time;
mod passwords;
mod sessions;
pub(crate) mod tokens;

pub(crate) use one_time::{Purpose, issue as one_time_issue};
pub(crate) use sessions::revoke_all_for_user as revoke_all_sessions;
pub use tokens::Claims;

use crate::audit::{self, Actor, Event};
use crate::dto::{organization_dto, user_dto};
use crate::mail;
use crate::{AuthFailure, ClientInfo, CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{organization, user};
use kite_shared::auth::{
    AuthResponse, ChangePasswordRequest, LoginRequest, MeResponse, PasswordResetRequest, SetPasswordWithTokenRequest,
    SignupRequest, UpdateProfileRequest,
};
use kite_shared::validation::{check_password, normalize_email};
use kite_shared::{OrganizationId, Permission, Role, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

pub struct AuthService<'a> {
    kite: &'a Kite,
}

impl<'a> AuthService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Creates an organization and its first admin, and signs that admin in.
    pub async fn signup(&self, req: &SignupRequest, client: &ClientInfo) -> Result<AuthResponse, CoreError> {
        CoreError::validation(req.validate())?;
        let email = normalize_email(&req.email);
        if find_user_by_email(&self.kite.db, &email).await?.is_some() {
            return Err(email_taken());
        }
        let password_hash = passwords::hash(req.password.clone()).await?;
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let org = organization::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(req.organization_name.trim().to_owned()),
            created_at: Set(now),
            inbound_secret: Set(None),
        }
        .insert(&*txn)
        .await?;
        let user = user::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org.id),
            email: Set(email),
            name: Set(req.name.trim().to_owned()),
            password_hash: Set(Some(password_hash)),
            role: Set(Role::Admin.as_str().to_owned()),
            active: Set(true),
            failed_login_count: Set(0),
            failed_login_window_start: Set(None),
            locked_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*txn)
        .await
        .map_err(unique_email)?;
        let actor = actor_for(&user, client);
        audit::record(
            &*txn,
            &actor,
            Event::new("organization.created", "organization", org.id).after(json!({"name": org.name})),
        )
        .await?;
        audit::record(
            &*txn,
            &actor,
            Event::new("auth.signup", "user", user.id).after(json!({"email": user.email, "role": user.role})),
        )
        .await?;
        crate::crm::pipelines::create_default(&*txn, org.id).await?;
        let refresh = sessions::start_family(&*txn, &self.kite.settings, org.id, user.id, client).await?;
        txn.commit().await?;
        self.respond(&user, &org, refresh)
    }

    /// Checks the password and the lockout; every attempt leaves an audit row.
    pub async fn login(&self, req: &LoginRequest, client: &ClientInfo) -> Result<AuthResponse, CoreError> {
        CoreError::validation(req.validate())?;
        let settings = &self.kite.settings;
        let email = normalize_email(&req.email);
        let now = Utc::now();
        let Some(user) = find_user_by_email(&self.kite.db, &email).await? else {
            // Spend the same time as a real check, then say the same as for a wrong password.
            passwords::verify(req.password.clone(), None).await?;
            let actor = Actor {
                client: client.clone(),
                ..Actor::default()
            };
            audit::record(
                &self.kite.db,
                &actor,
                Event {
                    action: "auth.login_failed",
                    entity_type: "user",
                    entity_id: None,
                    before: None,
                    after: Some(json!({"email": email, "reason": "unknown_email"})),
                },
            )
            .await?;
            return Err(CoreError::Unauthenticated(AuthFailure::InvalidCredentials));
        };
        let actor = actor_for(&user, client);

        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            audit::record(
                &self.kite.db,
                &actor,
                Event::new("auth.login_refused_locked", "user", user.id).after(json!({"locked_until": until})),
            )
            .await?;
            return Err(CoreError::AccountLocked { until });
        }

        let password_ok = passwords::verify(req.password.clone(), user.password_hash.clone()).await?;
        if !password_ok {
            let txn = self.kite.begin().await?;
            let window_open = user
                .failed_login_window_start
                .is_some_and(|start| start > now - settings.lockout_window);
            let count = if window_open { user.failed_login_count + 1 } else { 1 };
            let lock = u32::try_from(count).unwrap_or(u32::MAX) >= settings.lockout_threshold;
            let locked_until = lock.then(|| now + settings.lockout_duration);
            let mut row = user.clone().into_active_model();
            row.failed_login_count = Set(if lock { 0 } else { count });
            if !window_open || lock {
                row.failed_login_window_start = Set(if lock { None } else { Some(now) });
            }
            if lock {
                row.locked_until = Set(locked_until);
            }
            row.update(&*txn).await?;
            audit::record(
                &*txn,
                &actor,
                Event::new("auth.login_failed", "user", user.id)
                    .after(json!({"reason": "wrong_password", "failures_in_window": count})),
            )
            .await?;
            if let Some(until) = locked_until {
                audit::record(
                    &*txn,
                    &actor,
                    Event::new("auth.account_locked", "user", user.id).after(json!({"locked_until": until})),
                )
                .await?;
            }
            txn.commit().await?;
            return Err(match locked_until {
                Some(until) => CoreError::AccountLocked { until },
                None => CoreError::Unauthenticated(AuthFailure::InvalidCredentials),
            });
        }

        if !user.active {
            audit::record(
                &self.kite.db,
                &actor,
                Event::new("auth.login_refused_inactive", "user", user.id),
            )
            .await?;
            return Err(CoreError::Unauthenticated(AuthFailure::AccountInactive));
        }

        let org = find_organization(&self.kite.db, user.organization_id).await?;
        let txn = self.kite.begin().await?;
        let user = if user.failed_login_count != 0 || user.locked_until.is_some() {
            let mut row = user.into_active_model();
            row.failed_login_count = Set(0);
            row.failed_login_window_start = Set(None);
            row.locked_until = Set(None);
            row.update(&*txn).await?
        } else {
            user
        };
        audit::record(&*txn, &actor, Event::new("auth.login", "user", user.id)).await?;
        let refresh = sessions::start_family(&*txn, settings, org.id, user.id, client).await?;
        txn.commit().await?;
        self.respond(&user, &org, refresh)
    }

    /// Trades a refresh token for a new pair. A token presented twice revokes its family.
    pub async fn refresh(&self, token: &str, client: &ClientInfo) -> Result<AuthResponse, CoreError> {
        let invalid = || CoreError::Unauthenticated(AuthFailure::InvalidRefreshToken);
        let txn = self.kite.begin().await?;
        let Some(current) = sessions::find(&*txn, token).await? else {
            return Err(invalid());
        };
        let user = user::Entity::find_by_id(current.user_id)
            .one(&*txn)
            .await?
            .ok_or_else(invalid)?;
        let actor = actor_for(&user, client);
        if current.revoked_at.is_some() && current.used_at.is_none() {
            // Ended by logout or deactivation, not stolen.
            return Err(invalid());
        }
        if current.used_at.is_some() || !sessions::spend(&*txn, current.id).await? {
            let revoked = sessions::revoke_family(&*txn, current.family_id).await?;
            audit::record(
                &*txn,
                &actor,
                Event::new("auth.refresh_token_reused", "session", current.family_id)
                    .after(json!({"revoked_tokens": revoked})),
            )
            .await?;
            txn.commit().await?;
            return Err(CoreError::Unauthenticated(AuthFailure::RefreshTokenReused));
        }
        if current.expires_at <= Utc::now() {
            return Err(invalid());
        }
        if !user.active {
            return Err(CoreError::Unauthenticated(AuthFailure::AccountInactive));
        }
        let org = find_organization(&*txn, user.organization_id).await?;
        let next = sessions::issue(
            &*txn,
            &self.kite.settings,
            org.id,
            user.id,
            current.family_id,
            Some(current.id),
            client,
        )
        .await?;
        audit::record(
            &*txn,
            &actor,
            Event::new("auth.token_refreshed", "session", current.family_id),
        )
        .await?;
        txn.commit().await?;
        self.respond(&user, &org, next)
    }

    /// Ends the session the refresh token belongs to. Unknown tokens are ignored, so
    /// logging out twice is harmless.
    pub async fn logout(&self, token: &str, client: &ClientInfo) -> Result<(), CoreError> {
        let txn = self.kite.begin().await?;
        let Some(current) = sessions::find(&*txn, token).await? else {
            return Ok(());
        };
        sessions::revoke_family(&*txn, current.family_id).await?;
        if let Some(user) = user::Entity::find_by_id(current.user_id).one(&*txn).await? {
            audit::record(
                &*txn,
                &actor_for(&user, client),
                Event::new("auth.logout", "session", current.family_id),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Turns a bearer token into the request context, checking the user is still active.
    pub async fn authenticate(&self, access_token: &str, client: ClientInfo) -> Result<Ctx, CoreError> {
        let claims = tokens::verify_access_token(&self.kite.settings, access_token)?;
        let user = user::Entity::find_by_id(claims.sub)
            .filter(user::Column::OrganizationId.eq(claims.org))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::Unauthenticated(AuthFailure::InvalidToken))?;
        if !user.active {
            return Err(CoreError::Unauthenticated(AuthFailure::AccountInactive));
        }
        Ok(Ctx {
            organization_id: OrganizationId(user.organization_id),
            user_id: UserId(user.id),
            role: user_dto(&user).role,
            actor_label: user.name,
            client,
            api_key_id: None,
        })
    }

    pub async fn me(&self, ctx: &Ctx) -> Result<MeResponse, CoreError> {
        let user = own_user(&self.kite.db, ctx).await?;
        let org = find_organization(&self.kite.db, user.organization_id).await?;
        Ok(MeResponse {
            user: user_dto(&user),
            organization: organization_dto(&org),
            permissions: Permission::ALL.into_iter().filter(|p| ctx.role.can(*p)).collect(),
        })
    }

    /// Changes the signed-in user's own name.
    pub async fn update_profile(&self, ctx: &Ctx, req: &UpdateProfileRequest) -> Result<MeResponse, CoreError> {
        CoreError::validation(req.validate())?;
        let txn = self.kite.begin().await?;
        let before = own_user(&*txn, ctx).await?;
        let mut row = before.clone().into_active_model();
        row.name = Set(req.name.trim().to_owned());
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("user.profile_updated", "user", after.id)
                .before(json!({"name": before.name}))
                .after(json!({"name": after.name})),
        )
        .await?;
        txn.commit().await?;
        self.me(ctx).await
    }

    /// Changes the signed-in user's password after checking the current one. Every other
    /// session ends; the caller gets a fresh one.
    pub async fn change_password(
        &self,
        ctx: &Ctx,
        req: &ChangePasswordRequest,
        client: &ClientInfo,
    ) -> Result<AuthResponse, CoreError> {
        let user = own_user(&self.kite.db, ctx).await?;
        CoreError::validation(req.validate(&user.email))?;
        if !passwords::verify(req.current_password.clone(), user.password_hash.clone()).await? {
            return Err(CoreError::field(
                "current_password",
                "wrong_password",
                "This is not your current password.",
            ));
        }
        let txn = self.kite.begin().await?;
        let user = set_password(&*txn, user, &req.new_password).await?;
        sessions::revoke_all_for_user(&*txn, user.id).await?;
        audit::record(
            &*txn,
            &actor_for(&user, client),
            Event::new("auth.password_changed", "user", user.id),
        )
        .await?;
        let org = find_organization(&*txn, user.organization_id).await?;
        let refresh = sessions::start_family(&*txn, &self.kite.settings, org.id, user.id, client).await?;
        txn.commit().await?;
        self.respond(&user, &org, refresh)
    }

    /// Emails a reset link when the address belongs to an active account, and answers the
    /// same either way so the endpoint cannot be used to find accounts.
    pub async fn request_password_reset(
        &self,
        req: &PasswordResetRequest,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        CoreError::validation(req.validate())?;
        let email = normalize_email(&req.email);
        let Some(user) = find_user_by_email(&self.kite.db, &email).await?.filter(|u| u.active) else {
            return Ok(());
        };
        let txn = self.kite.begin().await?;
        let issued = one_time::issue(
            &*txn,
            user.organization_id,
            user.id,
            Purpose::PasswordReset,
            self.kite.settings.password_reset_ttl,
        )
        .await?;
        audit::record(
            &*txn,
            &actor_for(&user, client),
            Event::new("auth.password_reset_requested", "user", user.id),
        )
        .await?;
        let message = mail::password_reset(&self.kite.settings, &user, &issued.token);
        mail::queue(self.kite, &*txn, &message).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Sets a new password from an emailed reset link and ends every session of the user.
    pub async fn confirm_password_reset(
        &self,
        req: &SetPasswordWithTokenRequest,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        CoreError::validation(req.validate())?;
        let txn = self.kite.begin().await?;
        let token = one_time::consume(&*txn, &req.token, Purpose::PasswordReset).await?;
        let user = user::Entity::find_by_id(token.user_id)
            .one(&*txn)
            .await?
            .ok_or(CoreError::InvalidOneTimeToken)?;
        let user = set_password(&*txn, user, &req.password).await?;
        sessions::revoke_all_for_user(&*txn, user.id).await?;
        audit::record(
            &*txn,
            &actor_for(&user, client),
            Event::new("auth.password_reset", "user", user.id),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// An invited user sets their password from the emailed link and is signed in.
    pub async fn accept_invitation(
        &self,
        req: &SetPasswordWithTokenRequest,
        client: &ClientInfo,
    ) -> Result<AuthResponse, CoreError> {
        CoreError::validation(req.validate())?;
        let txn = self.kite.begin().await?;
        let token = one_time::consume(&*txn, &req.token, Purpose::Invitation).await?;
        let user = user::Entity::find_by_id(token.user_id)
            .one(&*txn)
            .await?
            .filter(|u| u.active)
            .ok_or(CoreError::InvalidOneTimeToken)?;
        let user = set_password(&*txn, user, &req.password).await?;
        let actor = actor_for(&user, client);
        audit::record(&*txn, &actor, Event::new("auth.invitation_accepted", "user", user.id)).await?;
        let org = find_organization(&*txn, user.organization_id).await?;
        let refresh = sessions::start_family(&*txn, &self.kite.settings, org.id, user.id, client).await?;
        txn.commit().await?;
        self.respond(&user, &org, refresh)
    }

    fn respond(
        &self,
        user: &user::Model,
        org: &organization::Model,
        refresh_token: String,
    ) -> Result<AuthResponse, CoreError> {
        let settings = &self.kite.settings;
        Ok(AuthResponse {
            access_token: tokens::issue_access_token(settings, user.id, org.id)?,
            refresh_token,
            expires_in: u64::try_from(settings.access_token_ttl.num_seconds()).unwrap_or(0),
            user: user_dto(user),
            organization: organization_dto(org),
        })
    }
}

pub(crate) fn actor_for(user: &user::Model, client: &ClientInfo) -> Actor {
    Actor {
        organization_id: Some(OrganizationId(user.organization_id)),
        user_id: Some(UserId(user.id)),
        label: Some(user.name.clone()),
        client: client.clone(),
    }
}

pub(crate) async fn find_user_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, CoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await?)
}

async fn own_user(conn: &impl ConnectionTrait, ctx: &Ctx) -> Result<user::Model, CoreError> {
    user::Entity::find_by_id(ctx.user_id.into_uuid())
        .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("user"))
}

async fn find_organization(conn: &impl ConnectionTrait, id: Uuid) -> Result<organization::Model, CoreError> {
    organization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("organization"))
}

/// Stores a new password and clears any lockout: the user proved control of the email.
async fn set_password(
    conn: &impl ConnectionTrait,
    user: user::Model,
    password: &str,
) -> Result<user::Model, CoreError> {
    if let Some(problem) = check_password("password", password, &user.email) {
        return Err(CoreError::Validation(vec![problem]));
    }
    let hash = passwords::hash(password.to_owned()).await?;
    let mut row = user.into_active_model();
    row.password_hash = Set(Some(hash));
    row.failed_login_count = Set(0);
    row.failed_login_window_start = Set(None);
    row.locked_until = Set(None);
    row.updated_at = Set(Utc::now());
    Ok(row.update(conn).await?)
}

pub(crate) fn email_taken() -> CoreError {
    CoreError::Conflict {
        code: "email_taken",
        message: "An account with this email already exists.".into(),
        field: Some("email"),
        details: None,
    }
}

/// A concurrent insert of the same email loses at the unique index; report it like the
/// pre-check does.
pub(crate) fn unique_email(err: DbErr) -> CoreError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => email_taken(),
        _ => CoreError::Database(err),
    }
}
