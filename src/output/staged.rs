//! A folder built beside its target and swapped in only when complete (the build's output
//! folder, the fetch's data folder). Until the swap the target is never touched, so a failed
//! or killed run leaves it exactly as it was; the next run cleans up what a killed one left.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A staging folder beside `target`, deleted on drop unless it was swapped in (also on
/// panic). Names: `.{name}.{staging_tag}` and, during the swap, `.{name}.{backup_tag}`.
#[derive(Debug)]
pub(crate) struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    backup: PathBuf,
    swapped: bool,
}

/// Outcome of the clean-up of a killed earlier run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Recovery {
    /// The target was missing but its backup was there (killed between the two renames of a
    /// swap): the backup was put back.
    pub(crate) restored: bool,
}

impl StagedDir {
    /// The build's staging folder: per process (`.out.staging-PID`), so two builds into
    /// different folders of one parent never meet.
    pub(crate) fn for_build(out: &Path) -> Result<(Self, Recovery)> {
        let pid = std::process::id();
        Self::new(
            out,
            &format!("staging-{pid}"),
            &format!("old-{pid}"),
            &["staging-", "old-"],
        )
    }

    /// The fetch's staging folder (`.data.fetch-new`, backup `.data.fetch-old`).
    pub(crate) fn for_fetch(data: &Path) -> Result<(Self, Recovery)> {
        Self::new(data, "fetch-new", "fetch-old", &["fetch-new", "fetch-old"])
    }

    /// Cleans up after a killed run (every sibling named `.{name}.{prefix}…`; a backup whose
    /// target is missing is put back first), then creates an empty staging folder.
    fn new(
        target: &Path,
        staging_tag: &str,
        backup_tag: &str,
        leftovers: &[&str],
    ) -> Result<(Self, Recovery)> {
        let name = target
            .file_name()
            .with_context(|| format!("folder {} has no name", target.display()))?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let recovery = remove_leftovers(target, &parent, &name, leftovers);
        let staging = parent.join(format!(".{name}.{staging_tag}"));
        let backup = parent.join(format!(".{name}.{backup_tag}"));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .with_context(|| format!("cannot remove {}", staging.display()))?;
        }
        std::fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        let dir = Self {
            target: target.to_path_buf(),
            staging,
            backup,
            swapped: false,
        };
        Ok((dir, recovery))
    }

    /// The folder to fill.
    pub(crate) fn path(&self) -> &Path {
        &self.staging
    }

    /// Replaces the target by the staging folder with two renames (the previous target is put
    /// back if the second fails); the previous tree is deleted afterwards.
    pub(crate) fn swap_in(&mut self) -> Result<()> {
        let (staging, target) = (&self.staging, &self.target);
        if target.exists() {
            if self.backup.exists() {
                remove_tree(&self.backup);
            }
            std::fs::rename(target, &self.backup)
                .with_context(|| format!("cannot move the previous {} aside", target.display()))?;
            if let Err(e) = std::fs::rename(staging, target) {
                let _ = std::fs::rename(&self.backup, target);
                return Err(e).with_context(|| {
                    format!("cannot move {} to {}", staging.display(), target.display())
                });
            }
            self.swapped = true;
            remove_tree(&self.backup);
        } else {
            if let Some(p) = target.parent()
                && !p.as_os_str().is_empty()
            {
                std::fs::create_dir_all(p)
                    .with_context(|| format!("cannot create {}", p.display()))?;
            }
            std::fs::rename(staging, target).with_context(|| {
                format!("cannot move {} to {}", staging.display(), target.display())
            })?;
            self.swapped = true;
        }
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.swapped {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Deletes the staging and backup folders a killed run left; a backup whose target is missing
/// (killed between the two renames of a swap) is the real folder: it is put back.
fn remove_leftovers(target: &Path, parent: &Path, name: &str, prefixes: &[&str]) -> Recovery {
    let mut recovery = Recovery::default();
    let Ok(rd) = std::fs::read_dir(parent) else {
        return recovery;
    };
    let prefixes: Vec<String> = prefixes.iter().map(|p| format!(".{name}.{p}")).collect();
    let backup_prefix = &prefixes[prefixes.len() - 1];
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with(backup_prefix.as_str())
            && !target.exists()
            && std::fs::rename(e.path(), target).is_ok()
        {
            recovery.restored = true;
            continue;
        }
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
            remove_tree(&e.path());
        }
    }
    recovery
}

/// Deletes a tree, unlinking its files in parallel (23k files one by one took seconds).
pub(crate) fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary parent with a folder `name` holding one file `file`.
    fn folder_with(name: &str, file: &str) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join(name);
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join(file), file).unwrap();
        (tmp, target)
    }

    #[test]
    fn swap_replaces_the_target_and_cleans_up() {
        let (tmp, target) = folder_with("data", "old.txt");
        let (mut s, r) = StagedDir::for_fetch(&target).unwrap();
        assert!(!r.restored);
        std::fs::write(s.path().join("new.txt"), b"new").unwrap();
        s.swap_in().unwrap();
        drop(s);
        assert!(target.join("new.txt").is_file());
        assert!(!target.join("old.txt").exists());
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "staging or backup left behind");
    }

    #[test]
    fn dropped_without_swap_leaves_the_target() {
        let (tmp, target) = folder_with("out", "a");
        {
            let (s, _) = StagedDir::for_build(&target).unwrap();
            std::fs::write(s.path().join("b"), b"b").unwrap();
        }
        assert!(target.join("a").is_file());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_backup_without_its_target_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("data");
        let backup = tmp.path().join(".data.fetch-old");
        std::fs::create_dir(&backup).unwrap();
        std::fs::write(backup.join("x"), b"x").unwrap();
        let (_s, r) = StagedDir::for_fetch(&target).unwrap();
        assert!(r.restored);
        assert!(target.join("x").is_file());
    }
}
