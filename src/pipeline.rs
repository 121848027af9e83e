//! The check pipeline: discover → read → per-file rules (in parallel) → project rules (once
//! per project) → suppressions → sorted diagnostics.
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

/// [`check_paths`], turning each file's diagnostics into `T` while the file is loaded.
pub fn check_paths_with<T: Item>(
    paths: &[PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let found = discovery::discover(paths, settings);
    let mut outcome = Outcome {
        errors: found.errors,
        ..Outcome::default()
    };
    // Named symlinks and FIFOs, folders that could not be walked: never read, reported.
    let refused: Vec<_> = found
        .refused
        .into_iter()
        .map(|e| check_loaded(Err(e), settings, resolve))
        .collect();
    outcome.absorb(refused);
    // What project rules read of code files is taken while the per-file stage has them.
    let facts = rules::project::RULES
        .iter()
        .any(|r| settings.enabled(r))
        .then(rules::project::CodeFacts::default);
    let results: Vec<_> = found
        .files
        .par_iter()
        .map(|path| {
            let loaded = read_source(path);
            match (&facts, loaded) {
                (Some(facts), Ok(Some(file))) => {
                    // The project stage takes the file's imports from the rules' parse.
                    let mut checker = FileChecker::new(&file, settings);
                    checker.with_imports = true;
                    rules::check_file(&mut checker);
                    facts.record(&file, checker.parsed().map(Arc::as_ref));
                    let diags = crate::suppress::apply(checker.diagnostics, settings);
                    let found = if diags.is_empty() {
                        Vec::new()
                    } else {
                        resolve(diags)
                    };
                    (found, None)
                }
                (_, loaded) => check_loaded(loaded, settings, resolve),
            }
        })
        .collect();
    outcome.absorb(results);
    outcome.files_checked = found.files.len();
    check_projects(
        paths,
        &found.files,
        settings,
        resolve,
        facts.as_ref(),
        &mut outcome,
    );
    let (diags, errors) = rules::repro::check_tree(paths, &found.files, settings, false);
    if !diags.is_empty() {
        outcome.absorb(vec![(
            resolve(crate::suppress::apply(diags, settings)),
            None,
        )]);
    }
    outcome.errors.extend(errors);
    outcome.finish()
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
    let results: Vec<_> = projects
        .par_iter()
        .map(|p| {
            let (project, errors) =
                crate::project::model::Project::build(&p.root, &p.files, known, p.has_nested);
            let mut diags = rules::project::check(&project, settings);
            if only_dirs {
                diags.retain(|d| {
                    let path = &d.file().path;
                    dirs.iter()
                        .any(|dir| crate::project::roots::inside(path, dir))
                });
            }
            // Group by file so suppression markers are read once per file.
            diags.sort_by(|a, b| a.file().path.cmp(&b.file().path));
            (resolve(crate::suppress::apply(diags, settings)), errors)
        })
        .collect();
    for (diags, errors) in results {
        outcome.diagnostics.extend(diags);
        outcome.errors.extend(errors);
    }
    if std::env::var_os("MLCHECK_DEBUG_PROJECT_READS").is_some() {
        eprintln!(
            "mlcheck: project stage read {} file(s) from disk",
            rules::project::DISK_READS.load(std::sync::atomic::Ordering::Relaxed)
        );
    }
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
