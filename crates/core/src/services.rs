//! How callers reach each service: `kite.contacts().update(&ctx, …)`.

use crate::*;

impl Kite {
    pub fn queue(&self) -> jobs::JobQueue<'_> {
        jobs::JobQueue::new(self)
    }

    pub fn exports(&self) -> exports::ExportService<'_> {
        exports::ExportService::new(self)
    }

    pub fn scheduled_exports(&self) -> scheduled_exports::ScheduledExportService<'_> {
        scheduled_exports::ScheduledExportService::new(self)
    }

    pub fn imports(&self) -> imports::ImportService<'_> {
        imports::ImportService::new(self)
    }

    pub fn jobs(&self) -> jobs::JobService<'_> {
        jobs::JobService::new(self)
    }

    pub fn domain_events(&self) -> domain_events::DomainEventService<'_> {
        domain_events::DomainEventService::new(self)
    }

    pub fn events(&self) -> events::EventService<'_> {
        events::EventService::new(self)
    }

    pub fn auth(&self) -> auth::AuthService<'_> {
        auth::AuthService::new(self)
    }

    pub fn api_keys(&self) -> integrations::ApiKeyService<'_> {
        integrations::ApiKeyService::new(self)
    }

    pub fn webhooks(&self) -> integrations::WebhookService<'_> {
        integrations::WebhookService::new(self)
    }

    pub fn users(&self) -> users::UserService<'_> {
        users::UserService::new(self)
    }

    pub fn approvals(&self) -> approvals::ApprovalService<'_> {
        approvals::ApprovalService::new(self)
    }

    pub fn marketing(&self) -> marketing::MarketingService<'_> {
        marketing::MarketingService::new(self)
    }

    pub fn dashboards(&self) -> dashboards::DashboardService<'_> {
        dashboards::DashboardService::new(self)
    }

    pub fn audit(&self) -> audit::AuditService<'_> {
        audit::AuditService::new(self)
    }

    pub fn outbox(&self) -> outbox::OutboxService<'_> {
        outbox::OutboxService::new(self)
    }

    pub fn companies(&self) -> crm::companies::CompanyService<'_> {
        crm::companies::CompanyService::new(self)
    }

    pub fn contacts(&self) -> crm::contacts::ContactService<'_> {
        crm::contacts::ContactService::new(self)
    }

    pub fn pipelines(&self) -> crm::pipelines::PipelineService<'_> {
        crm::pipelines::PipelineService::new(self)
    }

    pub fn deals(&self) -> crm::deals::DealService<'_> {
        crm::deals::DealService::new(self)
    }

    pub fn board(&self) -> crm::board::BoardService<'_> {
        crm::board::BoardService::new(self)
    }

    pub fn activities(&self) -> crm::activities::ActivityService<'_> {
        crm::activities::ActivityService::new(self)
    }

    pub fn custom_fields(&self) -> crm::custom_fields::CustomFieldService<'_> {
        crm::custom_fields::CustomFieldService::new(self)
    }

    pub fn calendar(&self) -> crm::calendar::CalendarService<'_> {
        crm::calendar::CalendarService::new(self)
    }

    pub fn notes(&self) -> crm::notes::NoteService<'_> {
        crm::notes::NoteService::new(self)
    }

    pub fn bulk(&self) -> crm::bulk::BulkService<'_> {
        crm::bulk::BulkService::new(self)
    }

    pub fn tags(&self) -> crm::tags::TagService<'_> {
        crm::tags::TagService::new(self)
    }

    pub fn stages(&self) -> crm::stages::StageService<'_> {
        crm::stages::StageService::new(self)
    }

    pub fn merges(&self) -> crm::merge::MergeService<'_> {
        crm::merge::MergeService::new(self)
    }

    pub fn demo(&self) -> crm::demo::DemoService<'_> {
        crm::demo::DemoService::new(self)
    }

    pub fn search(&self) -> crm::search::SearchService<'_> {
        crm::search::SearchService::new(self)
    }

    pub fn timeline(&self) -> crm::timeline::TimelineService<'_> {
        crm::timeline::TimelineService::new(self)
    }
}
