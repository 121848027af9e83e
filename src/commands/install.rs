//! `mlcheck install` / `uninstall`: the git filter that strips notebooks as they are staged
//! (nbstripout's `--install`), the `diff.ipynb.textconv` that makes `git diff` ignore
//! outputs, and optionally a plain-git pre-commit hook running `mlcheck check --staged`.
//!
//! Everything is written through git2 and is idempotent: installing twice leaves the same
//! config and one attributes line; `uninstall` removes only what `install` wrote (a foreign
//! hook or attribute is never touched).
//!
//! The commands name the running binary by absolute path, as nbstripout writes the absolute
//! path of its Python: git also runs filters from GUI clients and IDEs whose `PATH` lacks
//! `~/.cargo/bin`, and `filter.mlcheck.required = true` turns a missing command into a failed
//! `git add`. When the `mlcheck` found on `PATH` is this same binary, the bare name `mlcheck`
//! is written instead, so that a reinstall, an upgrade or a move to another install method
//! (pip, pipx, uv, cargo, Homebrew's versioned `Cellar/…/0.1.0/`) keeps working; `install`
//! says which it wrote.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::Repository;

use super::{ExitStatus, Result};
use crate::cli::{InstallArgs, StripArgs};
use crate::git::{self, Scope};

const FILTER: &str = "mlcheck";
const CLEAN_KEY: &str = "filter.mlcheck.clean";
const SMUDGE_KEY: &str = "filter.mlcheck.smudge";
const REQUIRED_KEY: &str = "filter.mlcheck.required";
const TEXTCONV_KEY: &str = "diff.ipynb.textconv";
/// The line added to the attributes file.
pub const ATTRIBUTES_LINE: &str = "*.ipynb filter=mlcheck diff=ipynb";
/// Marks a pre-commit hook as written by mlcheck (so it may be replaced or removed).
pub const HOOK_MARKER: &str = "# mlcheck-hook: written by `mlcheck install --hook`";

pub fn run_install(args: InstallArgs) -> Result<ExitStatus> {
    let scope = scope(&args);
    let cwd = std::env::current_dir().map_err(crate::Error::current_dir)?;
    if args.status {
        return status(&args, scope, &cwd);
    }
    if args.hook && scope != Scope::Local {
        return Err(crate::Error::msg(
            "`--hook` writes this repository's pre-commit hook and cannot be combined with `--global` or `--system`",
        ));
    }
    let repo = match scope {
        Scope::Local => Some(git::open_repo(&cwd).map_err(|err| {
            crate::Error::msg(format!(
                "{err}\n  hint: run `mlcheck install` inside a repository, or use `--global`"
            ))
        })?),
        _ => git::open_repo(&cwd).ok(),
    };
    let exe = program()?;
    let on_path = exe.parent().is_none_or(|p| p.as_os_str().is_empty());

    let mut config = git::open_config(scope, repo.as_ref())?;
    let clean = clean_command(&exe, &args.strip);
    let textconv = textconv_command(&exe, &args.strip);
    config.set_str(CLEAN_KEY, &clean)?;
    config.set_str(SMUDGE_KEY, "cat")?;
    config.set_bool(REQUIRED_KEY, true)?;
    config.set_str(TEXTCONV_KEY, &textconv)?;

    let attributes = attributes_file(&args, scope, repo.as_ref())?;
    let added = add_attributes_line(&attributes)?;

    println!(
        "Installed the mlcheck git filter ({} config):",
        scope_name(scope)
    );
    println!("  {CLEAN_KEY} = {clean}");
    println!("  {SMUDGE_KEY} = cat");
    println!("  {REQUIRED_KEY} = true");
    println!("  {TEXTCONV_KEY} = {textconv}");
    println!(
        "  {} `{ATTRIBUTES_LINE}` {} {}",
        if added { "added" } else { "kept" },
        if added { "to" } else { "in" },
        attributes.display()
    );

    if on_path {
        println!(
            "  the commands run `mlcheck` from PATH (this binary), so reinstalls and upgrades keep working;\n  \
             a git client whose PATH lacks it fails the filter: then run `mlcheck install` from it, or `mlcheck uninstall`"
        );
    } else {
        println!(
            "  the commands run this binary by its path: mlcheck is not on PATH; if you move or remove it,\n  \
             `git add` of a notebook fails until you run `mlcheck install` again (or `mlcheck uninstall`)"
        );
    }

    if args.hook {
        let repo = repo
            .as_ref()
            .ok_or_else(|| crate::Error::msg("not in a git repository"))?;
        let hook = install_hook(repo, &exe, args.force)?;
        println!(
            "  wrote the pre-commit hook {}: it runs `mlcheck check --staged`; `git commit --no-verify` skips it once",
            hook.display()
        );
    }
    Ok(ExitStatus::Success)
}

pub fn run_uninstall(args: InstallArgs) -> Result<ExitStatus> {
    let scope = scope(&args);
    let cwd = std::env::current_dir().map_err(crate::Error::current_dir)?;
    let repo = match scope {
        Scope::Local => Some(git::open_repo(&cwd)?),
        _ => git::open_repo(&cwd).ok(),
    };
    let mut config = git::open_config(scope, repo.as_ref())?;
    let mut removed = Vec::new();
    for key in [CLEAN_KEY, SMUDGE_KEY, REQUIRED_KEY] {
        if git::remove_key(&mut config, key)? {
            removed.push(key.to_string());
        }
    }
    // The textconv is shared with nbstripout's name (`diff=ipynb`): remove it only if ours.
    if let Some(value) = git::get_string(&config, TEXTCONV_KEY)?
        && value.contains("mlcheck")
        && git::remove_key(&mut config, TEXTCONV_KEY)?
    {
        removed.push(TEXTCONV_KEY.to_string());
    }
    let attributes = attributes_file(&args, scope, repo.as_ref())?;
    if remove_attributes_line(&attributes)? {
        removed.push(format!("`{ATTRIBUTES_LINE}` from {}", attributes.display()));
    }
    if scope == Scope::Local
        && let Some(repo) = &repo
    {
        let hook = git::hooks_dir(repo)?.join("pre-commit");
        if is_own_hook(&hook) {
            fs::remove_file(&hook).map_err(|e| crate::Error::io(&hook, e))?;
            removed.push(format!("the pre-commit hook {}", hook.display()));
        }
    }
    if removed.is_empty() {
        println!(
            "The mlcheck git filter was not installed ({} config): nothing to remove",
            scope_name(scope)
        );
    } else {
        println!("Removed:");
        for item in removed {
            println!("  {item}");
        }
    }
    Ok(ExitStatus::Success)
}

fn scope(args: &InstallArgs) -> Scope {
    if args.global {
        Scope::Global
    } else if args.system {
        Scope::System
    } else {
        Scope::Local
    }
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Local => "repository",
        Scope::Global => "global",
        Scope::System => "system",
    }
}

fn attributes_file(args: &InstallArgs, scope: Scope, repo: Option<&Repository>) -> Result<PathBuf> {
    match &args.attributes {
        Some(file) => Ok(file.clone()),
        None => git::default_attributes_file(scope, repo),
    }
}

/// `mlcheck install --status`: print what is set, exit 0 when the filter is installed (the
/// clean command is configured and `*.ipynb` notebooks get `filter=mlcheck`), 1 when not.
fn status(args: &InstallArgs, scope: Scope, cwd: &Path) -> Result<ExitStatus> {
    let repo = git::open_repo(cwd).ok();
    if scope == Scope::Local && repo.is_none() {
        git::open_repo(cwd)?;
    }
    // Locally, what git will use: every config level merged; otherwise that one level.
    let config = match (&repo, scope) {
        (Some(repo), Scope::Local) => repo.config()?,
        _ => git::open_config(scope, repo.as_ref())?,
    };
    let mut installed = true;
    for key in [CLEAN_KEY, SMUDGE_KEY, REQUIRED_KEY, TEXTCONV_KEY] {
        match git::get_string(&config, key)? {
            Some(value) if key == CLEAN_KEY => {
                println!("{key} = {value}");
                // The filter fails every `git add` of a notebook when its program is gone.
                if let Some(problem) = missing_program(&value) {
                    println!(
                        "  warning: {problem}: `git add` of a notebook fails; reinstall mlcheck and run `mlcheck install` again, or `mlcheck uninstall`"
                    );
                }
            }
            Some(value) => println!("{key} = {value}"),
            None => {
                println!("{key} is not set");
                if key == CLEAN_KEY {
                    installed = false;
                }
            }
        }
    }
    // Which file carries `filter=mlcheck`.
    let attributes = match (&args.attributes, scope, &repo) {
        (None, Scope::Local, Some(repo)) => {
            match git::attribute(repo, Path::new("notebook.ipynb"), "filter").as_deref() {
                Some(FILTER) => {
                    Some("*.ipynb filter=mlcheck (from the repository's attributes)".to_string())
                }
                Some(other) => {
                    println!("*.ipynb notebooks use filter={other}, not filter=mlcheck");
                    None
                }
                None => None,
            }
        }
        _ => {
            let file = attributes_file(args, scope, repo.as_ref())?;
            has_attributes_line(&file)?
                .then(|| format!("`{ATTRIBUTES_LINE}` in {}", file.display()))
        }
    };
    match attributes {
        Some(found) => println!("attributes: {found}"),
        None => {
            println!("attributes: no `*.ipynb filter=mlcheck`");
            installed = false;
        }
    }
    if scope == Scope::Local
        && let Some(repo) = &repo
    {
        let hook = git::hooks_dir(repo)?.join("pre-commit");
        if is_own_hook(&hook) {
            println!("pre-commit hook: {} (mlcheck)", hook.display());
        } else if hook.exists() {
            println!("pre-commit hook: {} (not mlcheck's)", hook.display());
        } else {
            println!("pre-commit hook: none");
        }
    }
    if installed {
        println!("mlcheck git filter: installed");
        Ok(ExitStatus::Success)
    } else {
        println!("mlcheck git filter: not installed");
        Ok(ExitStatus::Failure)
    }
}

/// Why the clean filter's program cannot run, if it cannot: a path that is not a file, or a
/// bare name that is not on `PATH`.
fn missing_program(clean: &str) -> Option<String> {
    let program = if let Some(rest) = clean.strip_prefix('\'') {
        rest.split('\'').next()?.to_string()
    } else {
        clean.split_whitespace().next()?.to_string()
    };
    let path = Path::new(&program);
    if path.components().count() > 1 {
        return (!path.is_file()).then(|| format!("{program} does not exist"));
    }
    let on_path = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|dir| dir.join(&program).is_file()));
    (!on_path).then(|| format!("`{program}` is not on PATH"))
}

/// The program name written into commands: see the module docs.
fn program() -> Result<PathBuf> {
    let exe = std::env::current_exe().map_err(|err| {
        crate::Error::msg(format!(
            "cannot find the path of the running mlcheck: {err}"
        ))
    })?;
    let resolved = fs::canonicalize(&exe).unwrap_or_else(|_| exe.clone());
    if let Some(path) = std::env::var_os("PATH") {
        let name = exe.file_name().unwrap_or_default();
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if !dir.is_absolute() {
                continue;
            }
            if fs::canonicalize(&candidate).is_ok_and(|c| c == resolved) {
                // The first `mlcheck` on PATH is this binary: the bare name survives
                // reinstalls and upgrades.
                return Ok(PathBuf::from(name));
            }
        }
    }
    Ok(resolved)
}

/// `'<exe>' fix --strip-outputs <strip options> -`: stdin to stdout, as git's clean filter.
pub fn clean_command(exe: &Path, strip: &StripArgs) -> String {
    shell_join(&clean_words(exe, strip))
}

fn clean_words(exe: &Path, strip: &StripArgs) -> Vec<String> {
    let mut words = vec![
        exe.to_string_lossy().into_owned(),
        "fix".into(),
        "--strip-outputs".into(),
    ];
    words.extend(strip_flags(strip));
    words.push("-".into());
    words
}

/// `sh -c '<exe> fix --strip-outputs <strip options> - < "$0"'`: git appends the path of a
/// temporary file holding the blob (it becomes `$0`) and reads the stripped notebook from
/// stdout. Going through the stdin mode keeps the textconv byte-identical to what the clean
/// filter stages.
pub fn textconv_command(exe: &Path, strip: &StripArgs) -> String {
    let inner = format!("{} < \"$0\"", shell_join(&clean_words(exe, strip)));
    shell_join(&["sh".to_string(), "-c".to_string(), inner])
}

/// The command-line flags that reproduce `strip`, in the order of [`crate::strip::OPTIONS`]:
/// `--flag`, or `--flag=value` per value (a value starting with `-` cannot be taken for a
/// flag).
pub fn strip_flags(strip: &StripArgs) -> Vec<String> {
    let mut out = Vec::new();
    for (opt, values) in strip.given() {
        match opt.value {
            crate::strip::Value::Flag(_) => out.push(format!("--{}", opt.name)),
            _ => out.extend(values.iter().map(|v| format!("--{}={v}", opt.name))),
        }
    }
    out
}

/// Quote one word for `sh` (git runs filter and textconv commands through the shell).
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./:=,+@%".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn shell_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_lines(file: &Path) -> Result<Option<String>> {
    match fs::read(file) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(crate::Error::msg(format!(
            "cannot read {}: {err}",
            file.display()
        ))),
    }
}

/// Whether the attributes file already assigns our filter to notebooks.
fn has_attributes_line(file: &Path) -> Result<bool> {
    Ok(read_lines(file)?.is_some_and(|text| text.lines().any(is_our_line)))
}

fn is_our_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    words.next() == Some("*.ipynb") && words.any(|w| w == "filter=mlcheck")
}

/// Append [`ATTRIBUTES_LINE`] unless present; `true` when it was added.
fn add_attributes_line(file: &Path) -> Result<bool> {
    let existing = read_lines(file)?;
    if existing
        .as_deref()
        .is_some_and(|text| text.lines().any(is_our_line))
    {
        return Ok(false);
    }
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|err| {
            crate::Error::msg(format!("cannot create {}: {err}", parent.display()))
        })?;
    }
    let mut text = String::new();
    if let Some(existing) = &existing
        && !existing.is_empty()
        && !existing.ends_with('\n')
    {
        text.push('\n');
    }
    text.push_str(ATTRIBUTES_LINE);
    text.push('\n');
    let mut handle = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map_err(|err| crate::Error::msg(format!("cannot write {}: {err}", file.display())))?;
    handle
        .write_all(text.as_bytes())
        .map_err(|err| crate::Error::msg(format!("cannot write {}: {err}", file.display())))?;
    Ok(true)
}

/// Remove the lines `install` added; `true` when one was there. Other lines stay as they are.
fn remove_attributes_line(file: &Path) -> Result<bool> {
    let Some(text) = read_lines(file)? else {
        return Ok(false);
    };
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|l| !is_our_line(l))
        .collect();
    let new: String = kept.concat();
    if new.len() == text.len() {
        return Ok(false);
    }
    fs::write(file, new)
        .map_err(|err| crate::Error::msg(format!("cannot write {}: {err}", file.display())))?;
    Ok(true)
}

fn is_own_hook(hook: &Path) -> bool {
    fs::read(hook).is_ok_and(|bytes| {
        String::from_utf8_lossy(&bytes)
            .lines()
            .any(|l| l.starts_with(HOOK_MARKER))
    })
}

/// The text of the hook `install --hook` writes: when it blocks a commit it says that
/// mlcheck did, and how to skip it once.
pub fn hook_script(exe: &Path) -> String {
    format!(
        "#!/bin/sh\n{HOOK_MARKER}; `mlcheck uninstall` removes it\n\
         # Checks what is staged (not the working tree); `git commit --no-verify` skips it.\n\
         {} check --staged\n\
         status=$?\n\
         if [ \"$status\" -eq 127 ]; then\n\
         \x20   echo \"mlcheck pre-commit hook: mlcheck was not found; reinstall it, or remove this hook with \\`mlcheck uninstall\\` (skip it once: git commit --no-verify)\" >&2\n\
         elif [ \"$status\" -ne 0 ]; then\n\
         \x20   echo \"mlcheck blocked this commit (exit $status): fix the findings above (\\`mlcheck check --fix\\` strips notebooks), then git add and commit again; to skip the check once: git commit --no-verify\" >&2\n\
         fi\n\
         exit \"$status\"\n",
        shell_quote(&exe.to_string_lossy())
    )
}

fn install_hook(repo: &Repository, exe: &Path, force: bool) -> Result<PathBuf> {
    let dir = git::hooks_dir(repo)?;
    let hook = dir.join("pre-commit");
    if hook.exists() && !is_own_hook(&hook) {
        if !force {
            return Err(crate::Error::msg(format!(
                "{} exists and was not written by mlcheck; run `mlcheck check --staged` from it, \
                 or pass `--force` to replace it (it is kept as pre-commit.mlcheck-backup)",
                hook.display()
            )));
        }
        let backup = dir.join("pre-commit.mlcheck-backup");
        fs::rename(&hook, &backup).map_err(|err| {
            crate::Error::msg(format!("cannot move {} aside: {err}", hook.display()))
        })?;
        println!("  moved the previous hook to {}", backup.display());
    }
    fs::create_dir_all(&dir)
        .map_err(|err| crate::Error::msg(format!("cannot create {}: {err}", dir.display())))?;
    fs::write(&hook, hook_script(exe))
        .map_err(|err| crate::Error::msg(format!("cannot write {}: {err}", hook.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&hook, fs::Permissions::from_mode(0o755))
            .map_err(|e| crate::Error::io(&hook, e))?;
    }
    Ok(hook)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_the_shell_would_split() {
        assert_eq!(shell_quote("/usr/bin/mlcheck"), "/usr/bin/mlcheck");
        assert_eq!(
            shell_quote("--extra-keys=metadata.x"),
            "--extra-keys=metadata.x"
        );
        assert_eq!(shell_quote("/my dir/mlcheck"), "'/my dir/mlcheck'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn clean_command_carries_the_strip_options() {
        let strip = StripArgs::from_flags([
            "--keep-output-type",
            "stream:stderr",
            "--extra-keys",
            "metadata.x cell.metadata.y",
            "--keep-count",
            "--keep-output-type=error",
        ])
        .unwrap();
        assert_eq!(
            clean_command(Path::new("/opt/ml check/mlcheck"), &strip),
            "'/opt/ml check/mlcheck' fix --strip-outputs --keep-count \
             '--extra-keys=metadata.x cell.metadata.y' --keep-output-type=stream:stderr \
             --keep-output-type=error -"
        );
        assert_eq!(
            textconv_command(Path::new("/bin/mlcheck"), &StripArgs::default()),
            r#"sh -c '/bin/mlcheck fix --strip-outputs - < "$0"'"#
        );
        assert_eq!(
            textconv_command(Path::new("/a b/mlcheck"), &StripArgs::default()),
            r#"sh -c ''\''/a b/mlcheck'\'' fix --strip-outputs - < "$0"'"#
        );
    }

    #[test]
    fn the_filter_command_parses_back_to_the_same_options() {
        use clap::Parser as _;
        let strip = StripArgs::from_flags([
            "--keep-output",
            "--keep-id",
            "--extra-keys",
            "-metadata.odd cell.metadata.y",
            "--keep-metadata-keys",
            "metadata.widgets",
            "--drop-empty-cells",
            "--drop-tagged-cells",
            "skip private",
            "--strip-init-cells",
            "--max-size",
            "1K",
            "--keep-output-type",
            "stream:stderr,error",
            "--drop-output-type",
            "display_data",
        ])
        .unwrap();
        let words = clean_words(Path::new("mlcheck"), &strip);
        let cli = crate::cli::Cli::try_parse_from(&words).expect("the clean command parses");
        let crate::cli::Command::Fix(fix) = cli.command else {
            panic!("not `fix`")
        };
        assert!(fix.strip_outputs);
        assert_eq!(fix.paths, vec![PathBuf::from("-")]);
        assert_eq!(fix.strip, strip);
    }

    #[test]
    fn recognises_its_attributes_line_only() {
        assert!(is_our_line("*.ipynb filter=mlcheck diff=ipynb"));
        assert!(is_our_line("*.ipynb   filter=mlcheck\n"));
        assert!(!is_our_line("*.ipynb filter=nbstripout"));
        assert!(!is_our_line("# *.ipynb filter=mlcheck"));
    }
}

#[cfg(test)]
mod program_tests {
    use super::missing_program;

    /// `install --status` warns when the filter's program is gone.
    #[test]
    fn a_missing_filter_program_is_named() {
        assert_eq!(
            missing_program("/no/such/dir/mlcheck fix --strip-outputs -").as_deref(),
            Some("/no/such/dir/mlcheck does not exist")
        );
        assert!(missing_program("mlcheck-surely-not-on-path fix --strip-outputs -").is_some());
        assert_eq!(missing_program("sh -c true"), None);
    }
}
