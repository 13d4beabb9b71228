//! The files Kite keeps: uploaded import files and the files of scheduled export runs.
//! [`BlobStore`] owns where they live, so nothing else builds a path. Today that is a
//! directory (the data dir, or one every instance mounts when several run); object
//! storage would be another implementation of the same trait.

use crate::CoreError;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

/// What a file is kept for; each area is its own folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Imports,
    Exports,
}

impl Area {
    fn folder(self) -> &'static str {
        match self {
            Area::Imports => "imports",
            Area::Exports => "exports",
        }
    }
}

/// A kept file's name within its area. Names are made by Kite (ids), never by users, and
/// are checked so that no key can reach outside its folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobKey {
    area: Area,
    name: String,
}

impl BlobKey {
    pub fn new(area: Area, name: impl Into<String>) -> Result<BlobKey, CoreError> {
        let name = name.into();
        let safe = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            && !name.starts_with('.');
        if safe {
            Ok(BlobKey { area, name })
        } else {
            Err(CoreError::Internal(format!("not a file name Kite makes: {name:?}")))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file is no longer kept")]
    NotFound,
    #[error("file storage: {0}")]
    Io(#[from] std::io::Error),
}

impl From<BlobError> for CoreError {
    fn from(error: BlobError) -> Self {
        CoreError::Internal(error.to_string())
    }
}

/// A file being received. Dropped without [`BlobStore::keep`], it is removed, so an
/// upload refused halfway leaves nothing behind.
pub struct StagedBlob {
    path: Option<PathBuf>,
    file: tokio::fs::File,
    written: u64,
}

impl StagedBlob {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.file.write_all(chunk).await?;
        self.written += chunk.len() as u64;
        Ok(())
    }

    pub fn written(&self) -> u64 {
        self.written
    }
}

impl Drop for StagedBlob {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[async_trait::async_trait]
pub trait BlobStore: Send + Sync {
    /// Starts receiving a file for `area`.
    async fn stage(&self, area: Area) -> Result<StagedBlob, BlobError>;
    /// Keeps a received file under `key`.
    async fn keep(&self, staged: StagedBlob, key: &BlobKey) -> Result<(), BlobError>;
    async fn write(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), BlobError>;
    async fn read(&self, key: &BlobKey) -> Result<Vec<u8>, BlobError>;
    /// A local file with the blob's bytes: the spreadsheet readers need to seek.
    async fn local_path(&self, key: &BlobKey) -> Result<PathBuf, BlobError>;
    /// Removes a blob; one already gone is not an error.
    async fn remove(&self, key: &BlobKey) -> Result<(), BlobError>;
}

/// Blobs as files under one directory: `<root>/<area>/<name>`.
pub struct LocalDirStore {
    root: PathBuf,
}

impl LocalDirStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &BlobKey) -> PathBuf {
        self.root.join(key.area.folder()).join(&key.name)
    }

    async fn folder(&self, area: Area) -> Result<PathBuf, BlobError> {
        let folder = self.root.join(area.folder());
        tokio::fs::create_dir_all(&folder).await?;
        Ok(folder)
    }
}

fn not_found_is(error: std::io::Error) -> BlobError {
    if error.kind() == std::io::ErrorKind::NotFound {
        BlobError::NotFound
    } else {
        BlobError::Io(error)
    }
}

#[async_trait::async_trait]
impl BlobStore for LocalDirStore {
    async fn stage(&self, area: Area) -> Result<StagedBlob, BlobError> {
        // Staged files sit beside the kept ones so that keeping is a rename, never a copy.
        let path = self
            .folder(area)
            .await?
            .join(format!("incoming-{}", uuid::Uuid::new_v4().simple()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(StagedBlob {
            path: Some(path),
            file,
            written: 0,
        })
    }

    async fn keep(&self, mut staged: StagedBlob, key: &BlobKey) -> Result<(), BlobError> {
        staged.file.flush().await?;
        self.folder(key.area).await?;
        if let Some(path) = &staged.path {
            tokio::fs::rename(path, self.path(key)).await?;
        }
        staged.path = None;
        Ok(())
    }

    async fn write(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), BlobError> {
        self.folder(key.area).await?;
        tokio::fs::write(self.path(key), bytes).await?;
        Ok(())
    }

    async fn read(&self, key: &BlobKey) -> Result<Vec<u8>, BlobError> {
        tokio::fs::read(self.path(key)).await.map_err(not_found_is)
    }

    async fn local_path(&self, key: &BlobKey) -> Result<PathBuf, BlobError> {
        let path = self.path(key);
        match tokio::fs::metadata(&path).await {
            Ok(_) => Ok(path),
            Err(error) => Err(not_found_is(error)),
        }
    }

    async fn remove(&self, key: &BlobKey) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.path(key)).await {
            Ok(()) => Ok(()),
            Err(error) => match not_found_is(error) {
                BlobError::NotFound => Ok(()),
                other => Err(other),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_their_folder() {
        for name in ["", "..", "../jwt_secret", "a/b", ".hidden", "a\\b"] {
            assert!(BlobKey::new(Area::Imports, name).is_err(), "{name:?} was accepted");
        }
        assert!(BlobKey::new(Area::Exports, "0193-run.csv").is_ok());
    }

    #[tokio::test]
    async fn a_staged_file_dropped_without_keeping_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = LocalDirStore::new(dir.path());
        let mut staged = store.stage(Area::Imports).await.expect("stage");
        staged.write(b"half an upload").await.expect("write");
        drop(staged);
        let left = std::fs::read_dir(dir.path().join("imports")).expect("folder").count();
        assert_eq!(left, 0);
    }

    #[tokio::test]
    async fn a_kept_file_reads_back_under_its_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = LocalDirStore::new(dir.path());
        let key = BlobKey::new(Area::Imports, "abc").expect("key");
        let mut staged = store.stage(Area::Imports).await.expect("stage");
        staged.write(b"name,email\n").await.expect("write");
        store.keep(staged, &key).await.expect("keep");
        assert_eq!(store.read(&key).await.expect("read"), b"name,email\n");
        store.remove(&key).await.expect("remove");
        assert!(matches!(store.read(&key).await, Err(BlobError::NotFound)));
        store.remove(&key).await.expect("removing twice is fine");
    }
}
