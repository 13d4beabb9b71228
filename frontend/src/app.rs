//! The route table and the app-wide providers.

use crate::layout::{AppShell, SettingsLayout};
use crate::pages::activities::ActivitiesPage;
use crate::pages::approvals::{ApprovalInbox, ApprovalRequestPage, ApprovalWorkflows};
use crate::pages::auth::{AcceptInvite, ForgotPassword, Login, ResetPassword, Signup};
use crate::pages::calendar::CalendarPage;
use crate::pages::companies::{CompanyDetail, CompanyList};
use crate::pages::contacts::{ContactDetail, ContactList};
use crate::pages::deals::{DealBoard, DealDetail, DealList};
use crate::pages::imports::{ImportHistory, ImportPage, ImportWizard};
use crate::pages::insights::{InsightsPage, InsightsTab};
use crate::pages::marketing::{
    CampaignForm, CampaignList, CampaignReportPage, InboxPage, SequenceList, SequencePage, SuppressionList,
    TemplateEditor, TemplateList,
};
use crate::pages::merge::{DuplicatesPage, MergeKind};
use crate::pages::settings::{
    ApiKeys, AuditLog, CustomFields, Outbox, Pipelines, Profile, ScheduledExports, Tags, Trash, Users, Webhooks,
};
use crate::pages::{Dashboard, NotFound, ReportsPage, Search};
use crate::session::provide_session;
use crate::theme::provide_theme;
use crate::toast::{Toaster, provide_toasts};
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_theme();
    provide_toasts();
    provide_session();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login />
                <Route path=path!("/signup") view=Signup />
                <Route path=path!("/forgot-password") view=ForgotPassword />
                <Route path=path!("/reset-password") view=ResetPassword />
                <Route path=path!("/accept-invite") view=AcceptInvite />
                <ParentRoute path=path!("") view=AppShell>
                    <Route path=path!("") view=Dashboard />
                    <Route path=path!("contacts") view=ContactList />
                    // Before the `:id` routes, which would take "duplicates" for an id.
                    <Route path=path!("contacts/duplicates") view=|| view! { <DuplicatesPage kind=MergeKind::Contact /> } />
                    <Route path=path!("contacts/:id") view=ContactDetail />
                    <Route path=path!("companies") view=CompanyList />
                    <Route path=path!("companies/duplicates") view=|| view! { <DuplicatesPage kind=MergeKind::Company /> } />
                    <Route path=path!("companies/:id") view=CompanyDetail />
                    <Route path=path!("deals") view=DealBoard />
                    <Route path=path!("deals/list") view=DealList />
                    <Route path=path!("deals/:id") view=DealDetail />
                    <Route path=path!("activities") view=ActivitiesPage />
                    <Route path=path!("calendar") view=CalendarPage />
                    <Route path=path!("approvals") view=ApprovalInbox />
                    <Route path=path!("approvals/:id") view=ApprovalRequestPage />
                    <Route path=path!("imports") view=ImportHistory />
                    <Route path=path!("imports/new") view=ImportWizard />
                    <Route path=path!("imports/:id") view=ImportPage />
                    <Route path=path!("campaigns") view=CampaignList />
                    // Before `campaigns/:id`, which would take these for ids.
                    <Route path=path!("campaigns/new") view=CampaignForm />
                    <Route path=path!("campaigns/templates") view=TemplateList />
                    <Route path=path!("campaigns/templates/new") view=TemplateEditor />
                    <Route path=path!("campaigns/templates/:id") view=TemplateEditor />
                    <Route path=path!("campaigns/suppressions") view=SuppressionList />
                    <Route path=path!("campaigns/inbox") view=InboxPage />
                    <Route path=path!("campaigns/sequences") view=SequenceList />
                    <Route path=path!("campaigns/sequences/new") view=SequencePage />
                    <Route path=path!("campaigns/sequences/:id") view=SequencePage />
                    <Route path=path!("campaigns/:id") view=CampaignReportPage />
                    <Route path=path!("campaigns/:id/edit") view=CampaignForm />
                    <Route path=path!("reports") view=ReportsPage />
                    <Route path=path!("insights") view=|| view! { <InsightsPage tab=InsightsTab::Scores /> } />
                    <Route path=path!("insights/forecast") view=|| view! { <InsightsPage tab=InsightsTab::Forecast /> } />
                    <Route path=path!("reports/:report") view=ReportsPage />
                    <Route path=path!("search") view=Search />
                    <ParentRoute path=path!("settings") view=SettingsLayout>
                        <Route path=path!("") view=|| view! { <Redirect path="/settings/profile" /> } />
                        <Route path=path!("profile") view=Profile />
                        <Route path=path!("pipelines") view=Pipelines />
                        <Route path=path!("tags") view=Tags />
                        <Route path=path!("scheduled-exports") view=ScheduledExports />
                        <Route path=path!("approvals") view=ApprovalWorkflows />
                        <Route path=path!("users") view=Users />
                        <Route path=path!("custom-fields") view=CustomFields />
                        <Route path=path!("api-keys") view=ApiKeys />
                        <Route path=path!("webhooks") view=Webhooks />
                        <Route path=path!("audit-log") view=AuditLog />
                        <Route path=path!("outbox") view=Outbox />
                        <Route path=path!("trash") view=Trash />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
        <Toaster />
    }
}
