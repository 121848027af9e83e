//! Project rules: `PRJ…` for the MLproject file, `ENV…` for environment files.
//!
//! These run once per project, not per file ([`check`]), on the project model
//! ([`crate::project::model::Project`]): the MLproject and every environment file of the
//! project are read and parsed exactly once, whatever the number of notebooks, and no rule
//! reads a file or walks the tree itself. Every finding points at the key or line it concerns; where two files
//! disagree, the other file gets a secondary label.

mod env_files;
mod imports;
mod mlproject;

mod conda_only_dependency;
mod conda_python_not_pinned;
mod conflicting_pins;
mod deprecated_package;
mod dev_only_import;
mod duplicate_dependency;
mod environment_file_not_found;
mod implicit_environment;
mod invalid_command_template;
mod invalid_docker_env;
mod invalid_entry_points;
mod invalid_environment_file;
mod invalid_mlproject;
mod invalid_parameter_default;
mod invalid_parameters;
mod invalid_python_env;
mod invalid_requirement;
mod missing_entry_point_script;
mod missing_environment_file;
mod missing_main_entry_point;
mod missing_mlproject;
mod missing_project_name;
mod multiple_environments;
mod no_mlproject;
mod non_portable_environment_path;
mod pip_without_pip;
mod platform_specific_environment;
mod python_version_mismatch;
mod required_parameter;
mod requirements_include_not_found;
mod undeclared_import;
mod undeclared_parameter;
mod unknown_mlproject_key;
mod unknown_parameter_type;
mod unpinned_dependency;
mod unquoted_python_version;
mod unresolvable_local_version;
mod unused_dependency;
mod unused_parameter;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, FileError, Label};
use crate::registry::RuleMeta;
use crate::rules::{Check, rule_count, rules_of};
use crate::settings::Settings;
use crate::source::TextRange;

pub use crate::project::code::CodeFacts;
pub use crate::project::model::{Project, env_keys};
pub use crate::project::{DISK_READS, Preloaded};
pub use env_files::{EnvFile, EnvKind, EnvSet};

/// The project rules, in the order they run on each project ([`check`]). The last row is
/// one shared pass: the project's imports are gathered once (only when a project declares
/// its dependencies) and compared with the declarations by `ENV014`, `ENV015` and `ENV019`.
pub(crate) const CHECKS: &[Check<ProjectCheck>] = &[
    // MLproject structure.
    check![invalid_mlproject::INVALID_MLPROJECT => invalid_mlproject::check],
    check![invalid_entry_points::INVALID_ENTRY_POINTS => invalid_entry_points::check],
    check![invalid_parameters::INVALID_PARAMETERS => invalid_parameters::check],
    check![unknown_mlproject_key::UNKNOWN_MLPROJECT_KEY => unknown_mlproject_key::check],
    check![missing_project_name::MISSING_PROJECT_NAME => missing_project_name::check],
    check![multiple_environments::MULTIPLE_ENVIRONMENTS => multiple_environments::check],
    check![invalid_docker_env::INVALID_DOCKER_ENV => invalid_docker_env::check],
    check![missing_main_entry_point::MISSING_MAIN_ENTRY_POINT => missing_main_entry_point::check],
    // Environment references.
    check![environment_file_not_found::ENVIRONMENT_FILE_NOT_FOUND => environment_file_not_found::check],
    check![non_portable_environment_path::NON_PORTABLE_ENVIRONMENT_PATH => non_portable_environment_path::check],
    check![implicit_environment::IMPLICIT_ENVIRONMENT => implicit_environment::check],
    check![missing_mlproject::MISSING_MLPROJECT => missing_mlproject::check],
    check![no_mlproject::NO_MLPROJECT => no_mlproject::check],
    check![missing_environment_file::MISSING_ENVIRONMENT_FILE => missing_environment_file::check],
    // Parameters and commands.
    check![undeclared_parameter::UNDECLARED_PARAMETER => undeclared_parameter::check],
    check![unused_parameter::UNUSED_PARAMETER => unused_parameter::check],
    check![invalid_command_template::INVALID_COMMAND_TEMPLATE => invalid_command_template::check],
    check![unknown_parameter_type::UNKNOWN_PARAMETER_TYPE => unknown_parameter_type::check],
    check![invalid_parameter_default::INVALID_PARAMETER_DEFAULT => invalid_parameter_default::check],
    check![required_parameter::REQUIRED_PARAMETER => required_parameter::check],
    check![missing_entry_point_script::MISSING_ENTRY_POINT_SCRIPT => missing_entry_point_script::check],
    // Environment files.
    check![invalid_environment_file::INVALID_ENVIRONMENT_FILE => invalid_environment_file::check],
    check![invalid_python_env::INVALID_PYTHON_ENV => invalid_python_env::check],
    check![unquoted_python_version::UNQUOTED_PYTHON_VERSION => unquoted_python_version::check],
    check![invalid_requirement::INVALID_REQUIREMENT => invalid_requirement::check],
    check![requirements_include_not_found::REQUIREMENTS_INCLUDE_NOT_FOUND => requirements_include_not_found::check],
    check![pip_without_pip::PIP_WITHOUT_PIP => pip_without_pip::check],
    // Consistency.
    check![python_version_mismatch::PYTHON_VERSION_MISMATCH => python_version_mismatch::check],
    check![conflicting_pins::CONFLICTING_PINS => conflicting_pins::check],
    check![unpinned_dependency::UNPINNED_DEPENDENCY => unpinned_dependency::check],
    check![conda_only_dependency::CONDA_ONLY_DEPENDENCY => conda_only_dependency::check],
    check![deprecated_package::DEPRECATED_PACKAGE => deprecated_package::check],
    check![duplicate_dependency::DUPLICATE_DEPENDENCY => duplicate_dependency::check],
    check![conda_python_not_pinned::CONDA_PYTHON_NOT_PINNED => conda_python_not_pinned::check],
    check![unresolvable_local_version::UNRESOLVABLE_LOCAL_VERSION => unresolvable_local_version::check],
    check![platform_specific_environment::PLATFORM_SPECIFIC_ENVIRONMENT => platform_specific_environment::check],
    // Imports against declarations.
    check![undeclared_import::UNDECLARED_IMPORT, unused_dependency::UNUSED_DEPENDENCY, dev_only_import::DEV_ONLY_IMPORT => import_rules],
];

/// The signature of a project pass.
pub(crate) type ProjectCheck = fn(&mut Context<'_>);

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

/// Options from the `[project]` table of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Extra import name → distribution names (`{ mylib = ["my-lib-dist"] }`), merged over
    /// `rules/import_map.toml`.
    pub import_map: BTreeMap<String, Vec<String>>,
    /// Import names that are first-party or provided by the platform: never reported.
    pub known_first_party: Vec<String>,
}

/// What a project rule sees: the project (read-only), the settings, and where findings go.
pub(crate) struct Context<'a> {
    pub project: &'a Project<'a>,
    pub settings: &'a Settings,
    pub diagnostics: Vec<Diagnostic>,
}

impl Context<'_> {
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        self.settings.enabled(rule)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.settings.enabled(diagnostic.rule) {
            self.diagnostics.push(diagnostic);
        }
    }

    pub fn env_label(&self, file: usize, range: TextRange, message: impl Into<String>) -> Label {
        Label::new(&self.project.env.files[file].source, range).with_message(message)
    }
}

/// Run the project rules for the project rooted at `root`. `files` are all the files that
/// discovery found under `root` (already filtered by excludes and `.gitignore`), relative
/// paths as the user sees them.
pub fn check_project(
    root: &Path,
    files: &[PathBuf],
    settings: &Settings,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    check_project_with(root, files, settings, None)
}

/// [`check_project`], with the facts of code files the per-file stage already read.
pub fn check_project_with(
    root: &Path,
    files: &[PathBuf],
    settings: &Settings,
    known: Option<&CodeFacts>,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    if !RULES.iter().any(|r| settings.enabled(r)) {
        return (Vec::new(), Vec::new());
    }
    let (project, errors) = Project::build(root, files, known, false);
    (check(&project, settings), errors)
}

/// Run every enabled project rule on one project.
pub fn check(project: &Project<'_>, settings: &Settings) -> Vec<Diagnostic> {
    if !RULES.iter().any(|r| settings.enabled(r)) {
        return Vec::new();
    }
    let mut cx = Context {
        project,
        settings,
        diagnostics: Vec::new(),
    };

    for check in CHECKS {
        if let Some(run) = check.run
            && check.rules.iter().any(|r| settings.enabled(r))
        {
            run(&mut cx);
        }
    }
    cx.diagnostics
}

/// `ENV014`, `ENV015` and `ENV019`: the project's imports, gathered once, against its
/// declared dependencies (nothing to compare when it declares none).
fn import_rules(cx: &mut Context<'_>) {
    if imports::declared(cx).is_none() {
        return;
    }
    let usage = imports::collect(cx);
    undeclared_import::check(cx, &usage);
    unused_dependency::check(cx, &usage);
    dev_only_import::check(cx, &usage);
}

/// ` (also imported in 2 other files: `a.py`, `b.ipynb`)`: the other places of a finding
/// reported once, the first three by name; `""` when there are none. `lead` starts the
/// parenthesis (`also imported in`), `noun` is counted (`file`, `notebook`).
pub(crate) fn others_named(lead: &str, noun: &str, others: &[&Path]) -> String {
    let n = others.len();
    if n == 0 {
        return String::new();
    }
    let mut names: Vec<String> = others
        .iter()
        .take(3)
        .map(|p| format!("`{}`", crate::source::path_slash(p)))
        .collect();
    if n > 3 {
        names.push(format!("{} more", n - 3));
    }
    format!(
        " ({lead} {n} other {noun}{}: {})",
        if n == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// Report the reader problems of one kind under `rule`.
pub(crate) fn report_problems(
    cx: &mut Context<'_>,
    kind: env_files::ProblemKind,
    rule: &'static RuleMeta,
) {
    if !cx.enabled(rule) {
        return;
    }
    let found: Vec<Diagnostic> = cx
        .project
        .env
        .problems
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| {
            let d = Diagnostic::new(
                rule,
                &cx.project.env.files[p.file].source,
                p.range,
                p.message.clone(),
            );
            match &p.help {
                Some(h) => d.with_help(h.clone()),
                None => d,
            }
        })
        .collect();
    for d in found {
        cx.push(d);
    }
}

/// Whether two version sets share no version.
pub(crate) fn disjoint(
    a: &pep508_rs::pep440_rs::VersionSpecifiers,
    b: &pep508_rs::pep440_rs::VersionSpecifiers,
) -> bool {
    let ra = pep508_rs::pep440_rs::release_specifiers_to_ranges(a.clone());
    let rb = pep508_rs::pep440_rs::release_specifiers_to_ranges(b.clone());
    ra.intersection(&rb).is_empty()
}
