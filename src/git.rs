//! Everything mlcheck asks of git, through git2 (libgit2): finding the repository, reading
//! the staged blobs for `check --staged`, and the config, attributes and hook locations that
//! `mlcheck install` edits. No git process is spawned here, so the answers do not depend on
//! which `git` is on `PATH`; every failure comes back as a [`crate::Error`] that names the
//! repository or file involved.

use std::path::{Path, PathBuf};

use git2::{Config, ConfigLevel, Delta, DiffOptions, ErrorClass, ErrorCode, FileMode, Repository};

impl From<git2::Error> for crate::Error {
    fn from(err: git2::Error) -> Self {
        crate::Error::msg(format!("git: {}", err.message()))
    }
}

/// Which git config file `install` writes to (git's `--local`, `--global`, `--system`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Local,
    Global,
    System,
}

impl Scope {
    pub fn flag(self) -> &'static str {
        match self {
            Scope::Local => "--local",
            Scope::Global => "--global",
            Scope::System => "--system",
        }
    }
}

/// The repository containing `dir` (searching upwards, like git does).
pub fn open_repo(dir: &Path) -> Result<Repository, crate::Error> {
    Repository::discover(dir).map_err(|err| {
        if err.code() == ErrorCode::NotFound {
            crate::Error::msg(format!(
                "not a git repository (or any parent up to the root): {}",
                dir.display()
            ))
        } else {
            crate::Error::msg(format!(
                "cannot open the git repository at {}: {}",
                dir.display(),
                err.message()
            ))
        }
    })
}

/// The top of the repository's working tree (an error for a bare repository).
pub fn workdir(repo: &Repository) -> Result<PathBuf, crate::Error> {
    repo.workdir().map(Path::to_path_buf).ok_or_else(|| {
        crate::Error::msg(format!(
            "{} is a bare repository (no working tree)",
            repo.path().display()
        ))
    })
}

/// The top of the working tree of the repository containing `dir`.
pub fn repo_root(dir: &Path) -> Result<PathBuf, crate::Error> {
    workdir(&open_repo(dir)?)
}

/// The files staged for the next commit, read from the git index (not the working tree):
/// every entry added, modified or changed in type relative to `HEAD` (all entries before the
/// first commit), with its repo-relative path and the staged blob's bytes. Deletions,
/// submodules (gitlinks), symbolic links and unmerged entries are left out. Sorted by path.
pub fn staged_sources(repo_dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, crate::Error> {
    let repo = open_repo(repo_dir)?;
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        Err(err) if err.code() == ErrorCode::UnbornBranch || err.code() == ErrorCode::NotFound => {
            None
        }
        Err(err) => return Err(err.into()),
    };
    let index = repo.index()?;
    let mut opts = DiffOptions::new();
    opts.include_typechange(true).ignore_submodules(true);
    let diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut opts))?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        match delta.status() {
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange => {
            }
            _ => continue,
        }
        let new = delta.new_file();
        if !matches!(new.mode(), FileMode::Blob | FileMode::BlobExecutable) {
            continue;
        }
        let Some(path) = new.path() else { continue };
        let blob = repo.find_blob(new.id()).map_err(|err| {
            crate::Error::msg(format!(
                "cannot read the staged content of {}: {}",
                path.display(),
                err.message()
            ))
        })?;
        out.push((path.to_path_buf(), blob.content().to_vec()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The hooks folder git uses for this repository: `core.hooksPath` when set (relative to the
/// working tree), else `hooks/` in the common git dir (shared by all worktrees).
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf, crate::Error> {
    let config = repo.config()?;
    if let Ok(custom) = config.get_path("core.hooksPath") {
        if custom.is_absolute() {
            return Ok(custom);
        }
        let base = repo.workdir().unwrap_or_else(|| repo.path());
        return Ok(base.join(custom));
    }
    Ok(repo.commondir().join("hooks"))
}

/// `$GIT_COMMON_DIR/info/attributes`: the per-clone attributes file git always reads.
pub fn info_attributes(repo: &Repository) -> PathBuf {
    repo.commondir().join("info").join("attributes")
}

/// Open the one config file of `scope` for writing (created when missing). `Local` needs
/// `repo`.
pub fn open_config(scope: Scope, repo: Option<&Repository>) -> Result<Config, crate::Error> {
    match scope {
        Scope::Local => {
            let repo = repo.ok_or_else(|| crate::Error::msg("not in a git repository"))?;
            Ok(repo.config()?.open_level(ConfigLevel::Local)?)
        }
        Scope::Global => {
            let path = global_config_path()?;
            open_config_file(&path)
        }
        Scope::System => {
            let path = Config::find_system().unwrap_or_else(|_| PathBuf::from("/etc/gitconfig"));
            open_config_file(&path)
        }
    }
}

fn open_config_file(path: &Path) -> Result<Config, crate::Error> {
    Config::open(path).map_err(|err| {
        crate::Error::msg(format!(
            "cannot open git config {}: {}",
            path.display(),
            err.message()
        ))
    })
}

/// Where `git config --global` writes: `~/.gitconfig`, unless only the XDG file exists.
fn global_config_path() -> Result<PathBuf, crate::Error> {
    if let Ok(path) = Config::find_global() {
        return Ok(path);
    }
    if let Ok(path) = Config::find_xdg() {
        return Ok(path);
    }
    home_dir()
        .map(|home| home.join(".gitconfig"))
        .ok_or_else(|| {
            crate::Error::msg("cannot find the home folder for `--global` ($HOME is not set)")
        })
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The attributes file git reads for `scope`, as nbstripout chooses it: `core.attributesFile`
/// of that config level, else git's default (`$XDG_CONFIG_HOME/git/attributes` for global,
/// `/etc/gitattributes` for system, `.git/info/attributes` for local).
pub fn default_attributes_file(
    scope: Scope,
    repo: Option<&Repository>,
) -> Result<PathBuf, crate::Error> {
    if scope == Scope::Local {
        let repo = repo.ok_or_else(|| crate::Error::msg("not in a git repository"))?;
        return Ok(info_attributes(repo));
    }
    let config = open_config(scope, repo)?;
    if let Ok(path) = config.get_path("core.attributesFile") {
        return Ok(path);
    }
    match scope {
        Scope::Global => {
            let base = std::env::var_os("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| home_dir().map(|h| h.join(".config")))
                .ok_or_else(|| crate::Error::msg("cannot find the home folder for `--global`"))?;
            Ok(base.join("git").join("attributes"))
        }
        _ => Ok(PathBuf::from("/etc/gitattributes")),
    }
}

/// A string config value, `None` when unset (any other error is reported).
pub fn get_string(config: &Config, key: &str) -> Result<Option<String>, crate::Error> {
    match config.get_string(key) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.code() == ErrorCode::NotFound => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// Remove `key` from `config`; `true` when it was there.
pub fn remove_key(config: &mut Config, key: &str) -> Result<bool, crate::Error> {
    match config.remove(key) {
        Ok(()) => Ok(true),
        Err(err) if err.code() == ErrorCode::NotFound || err.class() == ErrorClass::Config => {
            // libgit2 reports "could not find key" as a Config-class error.
            if get_string(config, key)?.is_some() {
                Err(err.into())
            } else {
                Ok(false)
            }
        }
        Err(err) => Err(err.into()),
    }
}

/// The attribute value git resolves for `path` (repo-relative) in `repo`, from every
/// attributes source git reads.
pub fn attribute(repo: &Repository, path: &Path, name: &str) -> Option<String> {
    match repo.get_attr(path, name, git2::AttrCheckFlags::default()) {
        Ok(Some(value)) => Some(value.to_string()),
        _ => None,
    }
}

/// For `mlcheck check --staged`: the staged sources (see [`staged_sources`]) of the
/// repository containing the current folder, limited to those under `paths` (relative to the
/// current folder; empty = the whole repository), with the config's `exclude` applied, and
/// named relative to the current folder as a walk of the working tree would name them.
pub fn staged_sources_for_check(
    paths: &[PathBuf],
    settings: &crate::settings::Settings,
) -> Result<Vec<(PathBuf, Vec<u8>)>, crate::Error> {
    let cwd = std::env::current_dir().map_err(crate::Error::current_dir)?;
    let repo = open_repo(&cwd)?;
    let root = workdir(&repo)?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let filters: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let abs = cwd.join(p);
            std::fs::canonicalize(&abs).unwrap_or_else(|_| normalize(&abs))
        })
        .collect();
    let mut out = Vec::new();
    for (rel, bytes) in staged_sources(&root)? {
        let abs = root.join(&rel);
        if !filters.is_empty() && !filters.iter().any(|f| abs.starts_with(f)) {
            continue;
        }
        let shown = relative_to(&abs, &cwd);
        if crate::discovery::is_excluded(&shown, Path::new("."), settings)
            || settings.exclude.is_match(&rel)
        {
            continue;
        }
        out.push((shown, bytes));
    }
    Ok(out)
}

/// `path` relative to `base` (both absolute): `a/b.py`, or `../c.py` outside `base`.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path_parts: Vec<_> = path.components().collect();
    let base_parts: Vec<_> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..base_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part);
    }
    out
}

/// Remove `.` and resolve `..` lexically (for paths that do not exist on disk).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_go_up_when_needed() {
        assert_eq!(
            relative_to(Path::new("/r/a/b/x.py"), Path::new("/r/a")),
            PathBuf::from("b/x.py")
        );
        assert_eq!(
            relative_to(Path::new("/r/c.py"), Path::new("/r/a/b")),
            PathBuf::from("../../c.py")
        );
        assert_eq!(
            normalize(Path::new("/r/a/./b/../c")),
            PathBuf::from("/r/a/c")
        );
    }
}
