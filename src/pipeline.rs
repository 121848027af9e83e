//! The check pipeline: discover → read → per-file rules (in parallel) → project rules (once
//! per project, as soon as the walk leaves the project's folder) → suppressions →
//! diagnostics, handed on in a deterministic order as they are found ([`stream_paths`]) or
//! collected and sorted ([`check_paths`]).
//!
//! Cost: linear in the number of files (a file is assigned to its project by the folders
//! the sorted walk is in, never by a roots × files loop); memory: the discovered paths,
//! two chunks of files' results and the facts of the projects still open, never the
//! findings of the whole run.
//!
//! Bad input never stops the run: a file that cannot be read (permission denied, a named
//! symlink or FIFO, too large) is an `MLC001` finding, text that is not UTF-8 an `MLC002`
//! finding, a broken notebook an `NB000` finding, and every other file is still checked.
//! Only a named path that does not exist is a [`FileError`] (bad usage, exit 2).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileError};
use crate::discovery;
use crate::rules::{self, FileChecker};
use crate::settings::Settings;
use crate::source::{SourceFile, SourceKind, read_source, source_from_bytes};

/// What a run found. `T` is [`Diagnostic`] (tied to its loaded file) or a form resolved per
/// file for output ([`crate::render::Finding`]), which lets each file be dropped as soon as
/// it is checked.
#[derive(Debug)]
pub struct Outcome<T = Diagnostic> {
    pub diagnostics: Vec<T>,
    pub errors: Vec<FileError>,
    pub files_checked: usize,
}

impl<T> Default for Outcome<T> {
    fn default() -> Self {
        Self {
            diagnostics: Vec::new(),
            errors: Vec::new(),
            files_checked: 0,
        }
    }
}

/// What the pipeline keeps of a diagnostic: something it can sort.
pub trait Item: Send {
    /// Output order: path, position, code.
    fn sort_key(&self) -> (&Path, u32, &'static str, u32);
}

impl Item for Diagnostic {
    fn sort_key(&self) -> (&Path, u32, &'static str, u32) {
        Diagnostic::sort_key(self)
    }
}

impl Item for crate::render::Finding {
    fn sort_key(&self) -> (&Path, u32, &'static str, u32) {
        crate::render::Finding::sort_key(self)
    }
}

/// Turns one file's diagnostics (suppressions applied) into what the run keeps; runs on the
/// worker threads while the file is still loaded.
pub type Resolve<'a, T> = dyn Fn(Vec<Diagnostic>) -> Vec<T> + Sync + 'a;

impl<T: Item> Outcome<T> {
    fn absorb(&mut self, results: Vec<(Vec<T>, Option<FileError>)>) {
        for (diags, error) in results {
            self.diagnostics.extend(diags);
            self.errors.extend(error);
        }
    }

    fn finish(mut self) -> Self {
        self.diagnostics
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.errors.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }
}

/// Check files and directories on disk.
pub fn check_paths(paths: &[PathBuf], settings: &Settings) -> Outcome {
    check_paths_with(paths, settings, &|diags| diags)
}

/// [`check_paths`], turning each file's diagnostics into `T` while the file is loaded; the
/// diagnostics are sorted by [`Item::sort_key`].
pub fn check_paths_with<T: Item>(
    paths: &[PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let mut diagnostics = Vec::new();
    let run = stream_paths(paths, settings, resolve, &mut |items| {
        diagnostics.extend(items);
    });
    Outcome {
        diagnostics,
        errors: run.errors,
        files_checked: run.files_checked,
    }
    .finish()
}

/// What a streamed run ([`stream_paths`]) returns besides its findings.
#[derive(Debug, Default)]
pub struct Streamed {
    /// Files that could not be checked, sorted by path.
    pub errors: Vec<FileError>,
    pub files_checked: usize,
}

/// Files checked at a time, in parallel; their results are handed on in path order, so a
/// run holds the results of at most two such chunks. Each chunk ends with a short wait for
/// its slowest file: 1,024 made the 10k-notebook tree about a fifth faster than 256 (wall
/// time, loaded machine) for 6 MiB more at the peak.
const CHUNK: usize = 1024;

/// Check files and directories on disk, handing each batch of findings to `emit` as soon as
/// it is known, in a deterministic order: each file's findings (sorted by position) in path
/// order; a project's findings (`PRJ`, `ENV`) right after the last file of the project's
/// folder; the findings about the tree as a whole (`REP` on DVC and the git index) last.
/// Nothing is kept of a checked file but what its project needs (its [`CodeFacts`]), and
/// that only until its project is checked, so memory does not grow with the tree.
///
/// [`CodeFacts`]: rules::project::CodeFacts
pub fn stream_paths<T: Item>(
    paths: &[PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
    emit: &mut dyn FnMut(Vec<T>),
) -> Streamed {
    let found = discovery::discover(paths, settings);
    let mut errors = found.errors;
    // Named symlinks and FIFOs, folders that could not be walked: never read, reported in
    // path order among the files.
    let mut refused = found
        .refused
        .into_iter()
        .map(|e| {
            let path = e.path.clone();
            (path, sorted(check_loaded(Err(e), settings, resolve).0))
        })
        .peekable();
    // What project rules read of code files is taken while the per-file stage has them.
    let facts = rules::project::RULES
        .iter()
        .any(|r| settings.enabled(r))
        .then(rules::project::CodeFacts::default);
    // Projects are checked as soon as the walk leaves their folder when every checked path
    // is a folder; named files (pre-commit) may belong to projects whose other files were
    // not named: those are checked at the end, as a whole (`check_projects`).
    let only_dirs = !paths.is_empty() && paths.iter().all(|p| p.is_dir());
    let mut staged = match &facts {
        Some(facts) if only_dirs => Some(StagedProjects::new(paths, settings, facts)),
        _ => None,
    };
    let checked_dirs: Vec<&PathBuf> = if only_dirs {
        paths.iter().collect()
    } else {
        Vec::new()
    };
    let run_events = |events: Vec<Event<T>>| -> Vec<(Vec<T>, Vec<FileError>)> {
        events
            .into_par_iter()
            .with_max_len(1)
            .map(|e| match e {
                Event::Found(items) => (items, Vec::new()),
                Event::Project(p) => {
                    let facts = facts.as_ref().expect("projects are staged with facts");
                    let done = run_project(&p, &checked_dirs, settings, resolve, Some(facts));
                    facts.forget(&p.files);
                    done
                }
            })
            .collect()
    };
    let mut hand_on = |done: Vec<(Vec<T>, Vec<FileError>)>, errors: &mut Vec<FileError>| {
        for (items, errs) in done {
            errors.extend(errs);
            if !items.is_empty() {
                emit(items);
            }
        }
    };

    let mut pending: Option<Vec<Event<T>>> = None;
    for chunk in found.files.chunks(CHUNK) {
        // Check this chunk while the projects the previous one completed are checked.
        let (results, done) = rayon::join(
            || {
                // One file per task: a folder of heavy notebooks (many findings to
                // render) is shared out instead of falling to one thread.
                chunk
                    .par_iter()
                    .with_max_len(1)
                    .map(|path| {
                        check_walked(path, settings, resolve, facts.as_ref(), staged.is_some())
                    })
                    .collect::<Vec<_>>()
            },
            || pending.take().map(&run_events),
        );
        if let Some(done) = done {
            hand_on(done, &mut errors);
        }
        let mut events = Vec::with_capacity(results.len());
        for (path, (items, marker)) in chunk.iter().zip(results) {
            while let Some((_, items)) = refused.next_if(|(p, _)| p < path) {
                events.push(Event::Found(items));
            }
            if let Some(staged) = &mut staged {
                events.extend(staged.enter(path, marker).into_iter().map(Event::Project));
            }
            events.push(Event::Found(items));
        }
        pending = Some(events);
    }
    let mut events = pending.take().unwrap_or_default();
    events.extend(refused.map(|(_, items)| Event::Found(items)));
    if let Some(staged) = &mut staged {
        events.extend(staged.finish().into_iter().map(Event::Project));
    }
    let done = run_events(events);
    hand_on(done, &mut errors);
    if staged.is_none() {
        let mut outcome = Outcome::default();
        check_projects(
            paths,
            &found.files,
            settings,
            resolve,
            facts.as_ref(),
            &mut outcome,
        );
        errors.extend(outcome.errors);
        if !outcome.diagnostics.is_empty() {
            emit(sorted(outcome.diagnostics));
        }
    } else {
        debug_project_reads();
    }
    drop(facts);
    let (diags, tree_errors) = rules::repro::check_tree(paths, &found.files, settings, false);
    if !diags.is_empty() {
        emit(sorted(resolve(crate::suppress::apply(diags, settings))));
    }
    errors.extend(tree_errors);
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    Streamed {
        errors,
        files_checked: found.files.len(),
    }
}

/// One step of a streamed run: a file's findings, or a project ready to be checked.
enum Event<T> {
    Found(Vec<T>),
    Project(crate::project::roots::ProjectFiles),
}

fn sorted<T: Item>(mut items: Vec<T>) -> Vec<T> {
    items.sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    items
}

/// Check one walked file; with `facts`, keep what its project needs. Returns its findings
/// (sorted) and, when `marker` is asked for, whether it makes its folder a project.
fn check_walked<T: Item>(
    path: &Path,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
    facts: Option<&rules::project::CodeFacts>,
    marker: bool,
) -> (Vec<T>, bool) {
    let loaded = read_source(path);
    let found = match (facts, loaded) {
        (Some(facts), Ok(Some(file))) => {
            // The project stage takes the file's imports from the rules' parse.
            let mut checker = FileChecker::new(&file, settings);
            checker.with_imports = true;
            rules::check_file(&mut checker);
            facts.record(&file, checker.parsed().map(Arc::as_ref));
            let diags = crate::suppress::apply(checker.diagnostics, settings);
            if diags.is_empty() {
                Vec::new()
            } else {
                resolve(diags)
            }
        }
        (_, loaded) => check_loaded(loaded, settings, resolve).0,
    };
    let marker = marker
        && facts.is_some_and(|f| crate::project::roots::marker_with(path, Some(&f.preloaded())));
    (sorted(found), marker)
}

/// Projects found and checked as the walk goes, in path order. Every folder holding a
/// project marker (an `MLproject` or an environment file:
/// [`crate::project::roots::is_project_marker`]) is a project, and so is each checked
/// folder (or the folder above it that declares one); a file belongs to the nearest project
/// at or above it. Files arrive sorted, so each folder's files arrive together: when the
/// walk leaves a folder, everything below it has been seen, and the folder's project (its
/// files not claimed by a nearer project below) is ready. Its files' facts are then dropped.
/// This finds the same projects with the same files as
/// [`crate::project::roots::assign`], without holding the tree.
struct StagedProjects<'a> {
    /// The folders the walk is in, outermost first.
    open: Vec<OpenDir>,
    checked: &'a [PathBuf],
    settings: &'a Settings,
    facts: &'a rules::project::CodeFacts,
    /// Projects rooted above every folder walked (a checked folder that declares nothing
    /// belongs to the project above it): their files, and whether a project lies below.
    above: std::collections::BTreeMap<PathBuf, (Vec<PathBuf>, bool)>,
}

struct OpenDir {
    dir: PathBuf,
    /// Files of this folder and of folders below it that no nearer project claimed.
    files: Vec<PathBuf>,
    /// A project marker is among its files.
    root: bool,
    /// A project lies below it.
    nested: bool,
}

impl<'a> StagedProjects<'a> {
    fn new(
        checked: &'a [PathBuf],
        settings: &'a Settings,
        facts: &'a rules::project::CodeFacts,
    ) -> Self {
        Self {
            open: Vec::new(),
            checked,
            settings,
            facts,
            above: std::collections::BTreeMap::new(),
        }
    }

    /// The next walked file (in path order), and whether it is a project marker. Returns
    /// the projects of the folders the walk has left.
    fn enter(&mut self, file: &Path, marker: bool) -> Vec<crate::project::roots::ProjectFiles> {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut ready = Vec::new();
        while let Some(top) = self.open.last() {
            if dir.starts_with(&top.dir) {
                break;
            }
            ready.extend(self.close());
        }
        // Open the folders between the innermost open one and the file's.
        let base = self.open.last().map(|o| o.dir.as_path());
        let mut chain: Vec<&Path> = dir
            .ancestors()
            .take_while(|a| Some(*a) != base && !a.as_os_str().is_empty())
            .collect();
        chain.reverse();
        for d in chain {
            self.open.push(OpenDir {
                dir: d.to_path_buf(),
                files: Vec::new(),
                root: false,
                nested: false,
            });
        }
        if let Some(top) = self.open.last_mut() {
            top.files.push(file.to_path_buf());
            top.root |= marker;
        }
        ready
    }

    /// Close every open folder and the projects above them: the walk is over.
    fn finish(&mut self) -> Vec<crate::project::roots::ProjectFiles> {
        let mut ready = Vec::new();
        while !self.open.is_empty() {
            ready.extend(self.close());
        }
        for (root, (files, has_nested)) in std::mem::take(&mut self.above) {
            ready.push(crate::project::roots::ProjectFiles {
                root,
                files,
                has_nested,
            });
        }
        ready
    }

    /// Leave the innermost open folder: its project when it is one, else its files go to
    /// the folder above it.
    fn close(&mut self) -> Option<crate::project::roots::ProjectFiles> {
        let OpenDir {
            dir,
            files,
            mut root,
            nested,
        } = self.open.pop()?;
        if !root
            && self
                .checked
                .iter()
                .any(|c| crate::project::same_dir(c, &dir))
        {
            // A checked folder is a project: its own, or that of the nearest folder above
            // it that declares one (not above its repository).
            let preloaded = self.facts.preloaded();
            match crate::project::roots::declaring_ancestor(&dir, self.settings, Some(&preloaded)) {
                Some(a) if !crate::project::same_dir(&a, &dir) => {
                    match self
                        .open
                        .iter_mut()
                        .rev()
                        .find(|o| crate::project::same_dir(&o.dir, &a))
                    {
                        Some(o) => {
                            o.root = true;
                            o.files.extend(files);
                            o.nested |= nested;
                        }
                        None => {
                            let entry = self.above.entry(a).or_default();
                            entry.0.extend(files);
                            entry.1 |= nested;
                        }
                    }
                    return None;
                }
                _ => root = true,
            }
        }
        match self.open.last_mut() {
            Some(parent) => {
                parent.nested |= nested || root;
                if !root {
                    parent.files.extend(files);
                    return None;
                }
            }
            None if !root => {
                // Files under no project.
                self.facts.forget(&files);
                return None;
            }
            None => {}
        }
        Some(crate::project::roots::ProjectFiles {
            root: dir,
            files,
            has_nested: nested,
        })
    }
}

/// Build and check one project; only findings inside the checked folders `dirs` are kept
/// (when `dirs` is not empty): a project may read files above them for context.
fn run_project<T: Item>(
    p: &crate::project::roots::ProjectFiles,
    dirs: &[&PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
    known: Option<&rules::project::CodeFacts>,
) -> (Vec<T>, Vec<FileError>) {
    let (project, errors) =
        crate::project::model::Project::build(&p.root, &p.files, known, p.has_nested);
    let mut diags = rules::project::check(&project, settings);
    if !dirs.is_empty() {
        diags.retain(|d| {
            let path = &d.file().path;
            dirs.iter()
                .any(|dir| crate::project::roots::inside(path, dir))
        });
    }
    // Group by file so suppression markers are read once per file.
    diags.sort_by(|a, b| a.file().path.cmp(&b.file().path));
    (
        sorted(resolve(crate::suppress::apply(diags, settings))),
        errors,
    )
}

fn debug_project_reads() {
    if std::env::var_os("MLCHECK_DEBUG_PROJECT_READS").is_some() {
        eprintln!(
            "mlcheck: project stage read {} file(s) from disk",
            rules::project::DISK_READS.load(std::sync::atomic::Ordering::Relaxed)
        );
    }
}

/// Run the project rules (`PRJ`, `ENV`) once per project the checked `paths` belong to;
/// `files` are those discovered under `paths`. The projects and their files come from
/// [`crate::project::roots::assign`] (linear in the number of files); each is built once
/// ([`crate::project::model::Project`]) and checked, in parallel. Only findings located
/// inside the checked folders are kept: a project may read files above them for context.
fn check_projects<T: Item>(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
    known: Option<&rules::project::CodeFacts>,
    outcome: &mut Outcome<T>,
) {
    if !rules::project::RULES.iter().any(|r| settings.enabled(r)) {
        return;
    }
    let preloaded = known.map(rules::project::CodeFacts::preloaded);
    let projects = crate::project::roots::assign(paths, files, settings, preloaded.as_ref());
    let dirs: Vec<&PathBuf> = paths.iter().filter(|p| p.is_dir()).collect();
    let only_dirs = !dirs.is_empty() && dirs.len() == paths.len();
    let dirs = if only_dirs { dirs } else { Vec::new() };
    let results: Vec<_> = projects
        .par_iter()
        .with_max_len(1)
        .map(|p| run_project(p, &dirs, settings, resolve, known))
        .collect();
    for (diags, errors) in results {
        outcome.diagnostics.extend(diags);
        outcome.errors.extend(errors);
    }
    debug_project_reads();
}

/// Check in-memory sources (e.g. blobs staged in git), named by their paths.
pub fn check_sources(sources: Vec<(PathBuf, Vec<u8>)>, settings: &Settings) -> Outcome {
    check_sources_with(sources, settings, &|diags| diags)
}

/// [`check_sources`], turning each file's diagnostics into `T` while the file is loaded.
pub fn check_sources_with<T: Item>(
    sources: Vec<(PathBuf, Vec<u8>)>,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let mut outcome = Outcome {
        files_checked: sources.len(),
        ..Outcome::default()
    };
    let results: Vec<_> = sources
        .into_par_iter()
        .filter(|(path, _)| SourceKind::from_path(path).is_some())
        .map(|(path, bytes)| check_loaded(source_from_bytes(path, bytes), settings, resolve))
        .collect();
    outcome.absorb(results);
    outcome.finish()
}

/// [`check_sources_with`] for the files staged in git, then the project rules of the
/// projects they belong to. Project rules read their files (MLproject, environment files,
/// the code they follow) from the working tree: they look at a project as a whole, and
/// the index holds only part of it.
pub fn check_staged_with<T: Item>(
    sources: Vec<(PathBuf, Vec<u8>)>,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let named: Vec<PathBuf> = sources
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| path.is_file())
        .collect();
    let mut outcome = check_sources_with(sources, settings, resolve);
    if !named.is_empty() {
        check_projects(&named, &named, settings, resolve, None, &mut outcome);
    }
    let (diags, errors) = rules::repro::check_tree(&[], &named, settings, true);
    if !diags.is_empty() {
        outcome.absorb(vec![(
            resolve(crate::suppress::apply(diags, settings)),
            None,
        )]);
    }
    outcome.errors.extend(errors);
    outcome.finish()
}

/// Check a file that loaded, or report why it did not as an `MLC001` finding (`Ok(None)`
/// was skipped on purpose). A file read despite a problem (not UTF-8) gives its findings
/// and an `MLC002` finding.
fn check_loaded<T>(
    loaded: Result<Option<Arc<SourceFile>>, FileError>,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> (Vec<T>, Option<FileError>) {
    let diags = match loaded {
        Ok(Some(file)) => check_source(&file, settings),
        Ok(None) => Vec::new(),
        Err(e) if settings.enabled(&rules::meta::MLC001) => {
            crate::suppress::apply(vec![rules::meta::unreadable(&e.path, &e.message)], settings)
        }
        Err(_) => Vec::new(),
    };
    let found = if diags.is_empty() {
        Vec::new()
    } else {
        resolve(diags)
    };
    (found, None)
}

/// Run every file-level rule on one loaded file; suppressions and severity overrides are
/// applied.
pub fn check_source(file: &Arc<SourceFile>, settings: &Settings) -> Vec<Diagnostic> {
    let mut checker = FileChecker::new(file, settings);
    rules::check_file(&mut checker);
    crate::suppress::apply(checker.diagnostics, settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (root, files, has_nested) of each project, sorted.
    type Projects = Vec<(PathBuf, Vec<PathBuf>, bool)>;

    fn staged(paths: &[PathBuf], files: &[PathBuf], settings: &Settings) -> Projects {
        let facts = rules::project::CodeFacts::default();
        let mut staged = StagedProjects::new(paths, settings, &facts);
        let mut found = Vec::new();
        for f in files {
            let marker = crate::project::roots::marker_with(f, None);
            found.extend(staged.enter(f, marker));
        }
        found.extend(staged.finish());
        normalise(found)
    }

    fn assigned(paths: &[PathBuf], files: &[PathBuf], settings: &Settings) -> Projects {
        normalise(crate::project::roots::assign(paths, files, settings, None))
    }

    fn normalise(projects: Vec<crate::project::roots::ProjectFiles>) -> Projects {
        let mut out: Projects = projects
            .into_iter()
            .filter(|p| !p.files.is_empty())
            .map(|mut p| {
                p.files.sort();
                (p.root, p.files, p.has_nested)
            })
            .collect();
        out.sort();
        out
    }

    /// The projects found as the walk goes are those of `roots::assign`, which sees the
    /// whole tree: nested projects, a tool-only `pyproject.toml` (not a project), a
    /// checked folder that declares nothing (the project above it, up to `.git`).
    #[test]
    fn staged_projects_are_the_projects_of_the_whole_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let tree = [
            ("requirements.txt", "numpy==1.26.4\n"),
            ("a.py", "import numpy\n"),
            ("sub/x.py", "import numpy\n"),
            ("sub/inner/requirements.txt", "pandas==2.2.2\n"),
            ("sub/inner/y.py", "import pandas\n"),
            ("sub/inner/deep/z.py", "import pandas\n"),
            ("sub/later.py", "import os\n"),
            (
                "pkg/pyproject.toml",
                "[project]\nname = \"p\"\ndependencies = [\"torch\"]\n",
            ),
            ("pkg/src/p/__init__.py", "import torch\n"),
            ("tools/pyproject.toml", "[tool.ruff]\nline-length = 100\n"),
            ("tools/t.py", "import os\n"),
            ("zz/MLproject", "name: zz\n"),
            ("zz/train.py", "import os\n"),
        ];
        for (path, text) in tree {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let settings = Settings::default();
        for checked in [root.to_path_buf(), root.join("sub"), root.join("tools")] {
            let paths = vec![checked.clone()];
            let files = discovery::discover(&paths, &settings).files;
            let want = assigned(&paths, &files, &settings);
            assert!(!want.is_empty(), "{checked:?}");
            assert_eq!(staged(&paths, &files, &settings), want, "{checked:?}");
        }
        // The whole tree: five projects, the root one with a project below it.
        let paths = vec![root.to_path_buf()];
        let files = discovery::discover(&paths, &settings).files;
        let got = staged(&paths, &files, &settings);
        let roots: Vec<&Path> = got.iter().map(|(r, _, _)| r.as_path()).collect();
        assert_eq!(
            roots,
            [
                root.to_path_buf(),
                root.join("pkg"),
                root.join("sub/inner"),
                root.join("zz")
            ]
        );
        assert!(got[0].2, "the root project has projects below it");
        assert!(got[0].1.contains(&root.join("tools/t.py")));
        assert!(got[0].1.contains(&root.join("sub/later.py")));
    }
}
