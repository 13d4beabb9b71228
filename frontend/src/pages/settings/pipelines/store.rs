//! The page's copy of the pipelines. Changes show at once and are sent in the
//! background; the server's answer replaces the copy, and a refusal puts the pipeline
//! back as it was, with a toast either way.

use crate::api::{self, ApiError};
use crate::toast::Toasts;
use kite_shared::crm::pipelines::{
    PipelineDto, PipelineInput, PipelineUpdate, StageDto, StageInput, StageKind, StageOrder,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// A stage that cannot be deleted before its deals go elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct MovePrompt {
    pub stage: StageDto,
    pub deals: u64,
}

#[derive(Clone, Copy)]
pub struct Store {
    pub list: RwSignal<Vec<PipelineDto>>,
    pub selected: RwSignal<Option<Uuid>>,
    /// Set when a stage being deleted turned out to hold deals.
    pub moving: RwSignal<Option<MovePrompt>>,
    toasts: Toasts,
}

fn deals(n: u64) -> String {
    if n == 1 { "1 deal".into() } else { format!("{n} deals") }
}

impl Store {
    pub fn new(toasts: Toasts) -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            moving: RwSignal::new(None),
            toasts,
        }
    }

    /// Takes the server's list, keeping the chosen pipeline when it is still there.
    pub fn load(&self, list: Vec<PipelineDto>) {
        let keep = self
            .selected
            .get_untracked()
            .filter(|id| list.iter().any(|p| p.id == *id));
        let chosen = keep.or_else(|| list.iter().find(|p| p.is_default).or(list.first()).map(|p| p.id));
        self.list.set(list);
        self.selected.set(chosen);
    }

    pub fn find(&self, id: Uuid) -> Option<PipelineDto> {
        self.list.with(|l| l.iter().find(|p| p.id == id).cloned())
    }

    pub fn stage(&self, id: Uuid) -> Option<StageDto> {
        self.list
            .with(|l| l.iter().flat_map(|p| p.stages.iter()).find(|s| s.id == id).cloned())
    }

    fn put(&self, pipeline: PipelineDto) {
        self.list.update(|l| {
            if let Some(slot) = l.iter_mut().find(|p| p.id == pipeline.id) {
                *slot = pipeline;
            } else {
                l.push(pipeline);
            }
        });
    }

    fn put_stage(&self, stage: StageDto) {
        self.list.update(|l| {
            if let Some(slot) = l
                .iter_mut()
                .flat_map(|p| p.stages.iter_mut())
                .find(|s| s.id == stage.id)
            {
                *slot = stage;
            }
        });
    }

    /// Sends a change whose optimistic form is already on screen: the answer replaces
    /// the pipeline, a refusal restores `before`.
    fn send(
        self,
        before: PipelineDto,
        call: impl Future<Output = Result<PipelineDto, ApiError>> + 'static,
        success: String,
    ) {
        spawn_local(async move {
            match call.await {
                Ok(pipeline) => {
                    self.put(pipeline);
                    self.toasts.success(success);
                }
                Err(error) => {
                    self.put(before);
                    self.toasts.error(error.message);
                }
            }
        });
    }

    pub fn rename_pipeline(self, id: Uuid, name: String) {
        let Some(before) = self.find(id) else { return };
        self.put(PipelineDto {
            name: name.clone(),
            ..before.clone()
        });
        let body = PipelineUpdate { name, is_default: None };
        let success = format!("Pipeline renamed to “{}”.", body.name);
        self.send(
            before,
            async move { api::put(&format!("/pipelines/{id}"), &body).await },
            success,
        );
    }

    pub fn make_default(self, id: Uuid) {
        let Some(target) = self.find(id) else { return };
        let before = self.list.get_untracked();
        self.list
            .update(|l| l.iter_mut().for_each(|p| p.is_default = p.id == id));
        let body = PipelineUpdate {
            name: target.name.clone(),
            is_default: Some(true),
        };
        spawn_local(async move {
            match api::put::<PipelineDto>(&format!("/pipelines/{id}"), &body).await {
                Ok(pipeline) => {
                    self.put(pipeline);
                    self.toasts
                        .success(format!("“{}” is now the default pipeline.", target.name));
                }
                Err(error) => {
                    self.list.set(before);
                    self.toasts.error(error.message);
                }
            }
        });
    }

    /// Creates a pipeline with the standard stages and shows it.
    pub async fn create_pipeline(self, name: String) -> Result<(), ApiError> {
        let body = PipelineInput {
            name,
            stages: Vec::new(),
        };
        let pipeline = api::post::<PipelineDto>("/pipelines", &body).await?;
        self.toasts.success(format!("Pipeline “{}” created.", pipeline.name));
        self.selected.set(Some(pipeline.id));
        self.put(pipeline);
        Ok(())
    }

    pub fn delete_pipeline(self, id: Uuid) {
        let Some(doomed) = self.find(id) else { return };
        spawn_local(async move {
            match api::delete(&format!("/pipelines/{id}")).await {
                Ok(()) => {
                    self.list.update(|l| l.retain(|p| p.id != id));
                    self.load(self.list.get_untracked());
                    self.toasts.success(format!("Pipeline “{}” was deleted.", doomed.name));
                }
                Err(error) => self.toasts.error(error.message),
            }
        });
    }

    pub async fn add_stage(self, pipeline_id: Uuid, input: StageInput) -> Result<(), ApiError> {
        let pipeline = api::post::<PipelineDto>(&format!("/pipelines/{pipeline_id}/stages"), &input).await?;
        self.put(pipeline);
        self.toasts.success(format!("Stage “{}” added.", input.name));
        Ok(())
    }

    /// Renames a stage or changes its probability; `success` says which.
    pub fn update_stage(self, id: Uuid, input: StageInput, success: String) {
        let Some(before) = self.stage(id) else { return };
        let Some(pipeline) = self.find(before.pipeline_id) else {
            return;
        };
        self.put_stage(StageDto {
            name: input.name.clone(),
            probability: input.probability.unwrap_or(before.probability),
            ..before
        });
        self.send(
            pipeline,
            async move { api::put(&format!("/stages/{id}"), &input).await },
            success,
        );
    }

    /// Puts the open stages of a pipeline in `order`; `moved` is the one the user moved.
    pub fn reorder(self, pipeline_id: Uuid, moved: Uuid, order: Vec<Uuid>) {
        let Some(before) = self.find(pipeline_id) else { return };
        let mut stages: Vec<StageDto> = order
            .iter()
            .filter_map(|id| before.stages.iter().find(|s| s.id == *id).cloned())
            .collect();
        stages.extend(before.stages.iter().filter(|s| s.kind != StageKind::Open).cloned());
        for (position, stage) in stages.iter_mut().enumerate() {
            stage.position = i32::try_from(position).unwrap_or(i32::MAX);
        }
        self.put(PipelineDto {
            stages,
            ..before.clone()
        });
        let name = before
            .stages
            .iter()
            .find(|s| s.id == moved)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let place = order.iter().position(|id| *id == moved).map_or(1, |i| i + 1);
        let body = StageOrder { stage_ids: order };
        spawn_local(async move {
            match api::put::<PipelineDto>(&format!("/pipelines/{pipeline_id}/stage-order"), &body).await {
                Ok(pipeline) => {
                    self.put(pipeline);
                    self.toasts.success(format!("“{name}” moved to position {place}."));
                }
                Err(error) => {
                    self.put(before);
                    self.toasts
                        .error(format!("The new order was not saved: {}", error.message));
                }
            }
        });
    }

    /// Deletes a stage; one holding deals asks where they go first (see [`Store::moving`]).
    pub fn delete_stage(self, stage: StageDto, move_deals_to: Option<Uuid>) {
        let path = match move_deals_to {
            Some(target) => format!("/stages/{}?move_deals_to={target}", stage.id),
            None => format!("/stages/{}", stage.id),
        };
        let target_name = move_deals_to.and_then(|id| self.stage(id)).map(|s| s.name);
        spawn_local(async move {
            match api::request::<PipelineDto>(gloo_net::http::Method::DELETE, &path, None::<&()>).await {
                Ok(pipeline) => {
                    let moved = self
                        .moving
                        .get_untracked()
                        .filter(|m| m.stage.id == stage.id)
                        .map(|m| m.deals);
                    self.moving.set(None);
                    self.put(pipeline);
                    self.toasts.success(match (moved, target_name) {
                        (Some(n), Some(to)) => {
                            format!("Stage “{}” deleted; its {} moved to “{to}”.", stage.name, deals(n))
                        }
                        _ => format!("Stage “{}” deleted.", stage.name),
                    });
                }
                Err(error) if error.code == "stage_not_empty" => {
                    let count = error
                        .details
                        .as_ref()
                        .and_then(|d| d.get("deals"))
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0);
                    self.moving.set(Some(MovePrompt { stage, deals: count }));
                }
                Err(error) => self.toasts.error(error.message),
            }
        });
    }
}
