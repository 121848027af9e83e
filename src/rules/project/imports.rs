//! What the project's code imports, and which distributions provide those imports.
//!
//! The code an MLproject runs is its entry-point scripts plus the local modules they import
//! (followed transitively inside the project), together with the repository's notebooks;
//! without an MLproject it is every Python file and notebook. Imports are read line by line
//! (notebook cells one at a time, magics skipped), which is enough for top-level module
//! names; optional imports inside `try:` are ignored. The import → distribution table is data
//! (`rules/import_map.toml`), extended by the `[project] import-map` option.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::Context;
use super::env_files::{EnvKind, Syntax, normalize};
use super::mlproject::{command_scripts, entry_points};
use crate::project::normalize_path;
use crate::source::python::ParsedFile;
use crate::source::{SourceFile, SourceKind, TextRange};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMap {
    /// Modules provided by the platform, never declared (`google.colab`).
    pub ignore: Vec<String>,
    /// Third-party modules whose distribution has the same (normalised) name.
    pub identity: Vec<String>,
    /// Import name (dotted prefix allowed) → distributions that provide it.
    pub imports: BTreeMap<String, Vec<String>>,
    /// Conda package name → PyPI distribution name ("" for non-Python packages).
    pub conda: BTreeMap<String, String>,
    /// Distribution → import names it brings along as its own dependencies.
    pub provides: BTreeMap<String, Vec<String>>,
}

const BUILTIN_MAP: &str = include_str!("../../../rules/import_map.toml");

/// The built-in table, parsed once. It is data shipped in the binary and checked by a unit
/// test, so a broken table fails the build's tests, never a user's run; should it fail all
/// the same, the table is empty (every import then counts as unmapped) and stderr says why.
pub fn builtin() -> &'static ImportMap {
    static MAP: OnceLock<ImportMap> = OnceLock::new();
    MAP.get_or_init(|| {
        toml::from_str(BUILTIN_MAP).unwrap_or_else(|e| {
            eprintln!("mlcheck: internal error: rules/import_map.toml: {e}");
            ImportMap::default()
        })
    })
}

/// The one standard-library list (`rules/stdlib.txt`), shared with `mlcheck imports`.
pub fn is_stdlib(top: &str) -> bool {
    crate::imports::is_stdlib(top)
}

pub fn is_known_third_party(top: &str) -> bool {
    let m = builtin();
    m.imports.contains_key(top) || m.identity.iter().any(|i| i == top)
}

/// A conda package's PyPI name (`pytorch` → `torch`); `""` for non-Python packages.
pub fn conda_to_pypi(name: &str) -> String {
    match builtin().conda.get(name) {
        Some(n) => normalize(n),
        None => normalize(name),
    }
}

/// One import statement's module, where it was found.
#[derive(Clone, Debug)]
pub struct Import {
    /// Full dotted name (`sklearn.linear_model`).
    pub module: String,
    pub file: Arc<CodeFile>,
    pub range: TextRange,
}

/// What the project rules read from one Python file or notebook, taken while it is loaded;
/// its text and tree are then dropped (a project's notebooks can be tens of megabytes).
/// [`CodeFile::source`] loads the file again for a diagnostic.
#[derive(Debug)]
pub struct CodeFile {
    pub path: PathBuf,
    pub is_notebook: bool,
    /// (dotted module, raw range) of each import that runs (from the parse).
    pub imports: Vec<(String, TextRange)>,
    /// Notebooks: distributions installed by `%pip install` (normalised).
    pub installs: Vec<String>,
    /// Notebooks: modules the notebook writes itself (`%%writefile helper.py`).
    pub written: Vec<String>,
    /// Notebooks: the Python version in `metadata.language_info` (the interpreter that last
    /// ran it), with the raw range of the JSON value.
    pub python_version: Option<(String, TextRange)>,
}

impl CodeFile {
    pub fn load(path: &Path) -> Option<Self> {
        count_read();
        Some(Self::of(&load_source(path)?))
    }

    /// The facts of a loaded file.
    pub fn of(file: &SourceFile) -> Self {
        Self::of_parsed(file, None)
    }

    /// [`CodeFile::of`], reading the imports from `parsed` (the file's parse) when given.
    pub fn of_parsed(file: &SourceFile, parsed: Option<&ParsedFile>) -> Self {
        let mut installs = HashSet::new();
        let mut written = Vec::new();
        let mut python_version = None;
        if let Some(nb) = &file.notebook {
            for cell in nb
                .cells
                .iter()
                .filter(|c| c.kind == crate::source::notebook::CellKind::Markdown)
            {
                // "Run `%pip install -U pandas numpy` first": an install the reader is told to do.
                if memchr::memmem::find(cell.source.text.as_bytes(), b"pip install ").is_none() {
                    continue;
                }
                for line in cell.source.text.lines() {
                    for (i, _) in line.match_indices("pip install ") {
                        let rest = &line[i..];
                        let end = rest.find(['`', '\n']).unwrap_or(rest.len());
                        pip_installs(&format!("%{}", &rest[..end]), &mut installs);
                    }
                }
            }
            for cell in nb.code_cells() {
                pip_installs(&cell.source.text, &mut installs);
                let first = cell.source.text.trim_start().lines().next().unwrap_or("");
                if let Some(target) = first
                    .strip_prefix("%%writefile")
                    .or_else(|| first.strip_prefix("%%file"))
                    && let Some(name) = target
                        .split_whitespace()
                        .rfind(|w| !w.starts_with('-'))
                        .and_then(|w| Path::new(w).file_stem())
                        .and_then(|s| s.to_str())
                {
                    written.push(name.to_string());
                }
            }
            let text = file.text.as_str();
            if let Some(li) = nb
                .notebook_metadata(text)
                .and_then(|m| m.get(text, "language_info"))
                && li
                    .get(text, "name")
                    .and_then(|n| n.as_str(text))
                    .is_none_or(|n| n == "python")
                && let Some(v) = li.get(text, "version")
                && let Some(version) = v.as_str(text)
            {
                python_version = Some((version.into_owned(), v.range));
            }
        }
        let mut installs: Vec<String> = installs.into_iter().collect();
        installs.sort();
        Self {
            path: file.path.clone(),
            is_notebook: file.notebook.is_some(),
            imports: match parsed {
                Some(parsed) => imports_from(crate::imports::imports_in(file, parsed)),
                None => file_imports(file),
            },
            installs,
            written,
            python_version,
        }
    }

    /// The file, loaded again (for a diagnostic's location and snippet) the way the
    /// per-file stage read it: no size cap, non-UTF-8 bytes as `?`.
    pub fn source(&self) -> Option<Arc<SourceFile>> {
        crate::source::read_source(&self.path).ok().flatten()
    }
}

/// What the code imports (third-party candidates only: stdlib and local modules removed).
#[derive(Debug, Default)]
pub struct Usage {
    pub imports: Vec<Import>,
    /// Distribution names installed by `%pip install` in notebooks (normalised).
    pub notebook_installs: HashSet<String>,
    /// Whether the analysis ran (some code was found).
    pub any_code: bool,
}

/// Python files and notebooks of the project, sorted.
pub fn code_files<'a>(cx: &Context<'a>) -> Vec<&'a Path> {
    let mut v: Vec<&Path> = cx
        .files
        .iter()
        .copied()
        .filter(|p| {
            matches!(
                SourceKind::from_path(p),
                Some(SourceKind::Python | SourceKind::Notebook)
            )
        })
        .collect();
    v.sort();
    v
}

/// Where a finding about the whole project is anchored: the first of its code files
/// (loaded), with how many code files there are. `None` when the project has no code.
pub fn first_code_file(cx: &Context<'_>) -> Option<(Arc<SourceFile>, usize)> {
    let code = code_files(cx);
    let first = load_source(code.first()?)?;
    Some((Arc::new(first), code.len()))
}

pub fn load_source(path: &Path) -> Option<SourceFile> {
    let kind = SourceKind::from_path(path)?;
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > 16 * 1024 * 1024 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(SourceFile::new(path.to_path_buf(), text, kind))
}

/// What the per-file stage loaded that the project stage reads, so that it reads and parses
/// nothing a second time: the [`CodeFile`] facts of Python files and notebooks, and the
/// loaded text of MLproject and environment files.
#[derive(Debug, Default)]
pub struct CodeFacts(
    std::sync::Mutex<HashMap<PathBuf, Arc<CodeFile>>>,
    pub(crate) Preloaded,
);

pub use crate::project::{DISK_READS, Preloaded, count_read};

impl CodeFacts {
    /// Keep what the project stage needs of a loaded file: the facts of a Python file or
    /// notebook, the text of an MLproject or environment file (other files are ignored).
    /// `parsed` is the per-file stage's parse of the file, if it made one: its imports are
    /// used when it collected them (else the file is parsed for its imports).
    pub fn record(&self, file: &Arc<SourceFile>, parsed: Option<&ParsedFile>) {
        if matches!(file.kind, SourceKind::Python | SourceKind::Notebook) {
            let facts = Arc::new(CodeFile::of_parsed(file, parsed));
            if let Ok(mut map) = self.0.lock() {
                map.insert(file.path.clone(), facts);
            }
        }
        // A file that is not UTF-8 is kept too (its bad bytes read as `?`): the per-file
        // stage reports the encoding (MLC002), the project stage reads what it can.
        if file.kind == SourceKind::MlProject || crate::pipeline::is_environment_name(&file.path) {
            self.1.insert(file);
        }
    }

    fn get(&self, path: &Path) -> Option<Arc<CodeFile>> {
        self.0.lock().ok()?.get(path).cloned()
    }

    /// The MLproject and environment files the per-file stage loaded.
    pub fn preloaded(&self) -> Preloaded {
        self.1.clone()
    }
}

impl Context<'_> {
    /// What the project's Python files and notebooks hold: from the per-file stage when it
    /// read them, else read once, in parallel.
    pub fn code(&self) -> &[Arc<CodeFile>] {
        use rayon::prelude::*;
        self.code_cache.get_or_init(|| {
            code_files(self)
                .into_par_iter()
                .filter_map(|path| {
                    self.known
                        .and_then(|k| k.get(path))
                        .or_else(|| CodeFile::load(path).map(Arc::new))
                })
                .collect()
        })
    }
}

/// Packages a notebook installs for itself (`%pip install x`, `!pip install -q x==1`).
fn pip_installs(text: &str, out: &mut HashSet<String>) {
    // Every command read below spells `install`: a text without it installs nothing.
    if memchr::memmem::find(text.as_bytes(), b"install").is_none() {
        return;
    }
    // Join `\` continuations first: `!pip install -qU \` / `    langchain openai`.
    let mut logical: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                pending.push_str(head);
                pending.push(' ');
            }
            None => {
                pending.push_str(line);
                logical.push(std::mem::take(&mut pending));
            }
        }
    }
    if !pending.is_empty() {
        logical.push(pending);
    }
    for line in &logical {
        // `! pip install x` (a space after the bang) is the same command.
        let t = line.trim_start();
        let spaced;
        let t = match t.strip_prefix(['!', '%']) {
            Some(rest) if rest.starts_with(' ') => {
                spaced = format!("{}{}", &t[..1], rest.trim_start());
                spaced.as_str()
            }
            _ => t,
        };
        let Some(rest) = t
            .strip_prefix("%pip install")
            .or_else(|| t.strip_prefix("!pip install"))
            .or_else(|| t.strip_prefix("!pip3 install"))
            .or_else(|| t.strip_prefix("%conda install"))
            .or_else(|| t.strip_prefix("!conda install"))
            .or_else(|| t.strip_prefix("!python -m pip install"))
            .or_else(|| t.strip_prefix("!python3 -m pip install"))
            .or_else(|| t.strip_prefix("%pip3 install"))
            .or_else(|| t.strip_prefix("!uv pip install"))
            .or_else(|| t.strip_prefix("%uv pip install"))
            .or_else(|| t.strip_prefix("%mamba install"))
            .or_else(|| t.strip_prefix("pip install"))
            .or_else(|| t.strip_prefix("!mamba install"))
        else {
            continue;
        };
        for w in rest.split_whitespace() {
            if w.starts_with('#') {
                break;
            }
            // `git+https://github.com/openai/whisper.git@v1` installs `whisper`.
            if w.contains("://") {
                let path = w.split(['@', '#']).next().unwrap_or(w);
                let path = w
                    .strip_prefix("git+")
                    .map_or(path, |rest| rest.split('@').next().unwrap_or(rest));
                if let Some(last) = path.trim_end_matches('/').rsplit('/').next() {
                    let name = last.trim_end_matches(".git");
                    if !name.is_empty() && !name.contains('.') {
                        out.insert(normalize(name));
                    }
                }
                continue;
            }
            if w.starts_with('-') || w.contains("://") || w.starts_with('$') || w.starts_with('{') {
                continue;
            }
            let w = w.trim_matches(|c| c == '"' || c == '\'');
            let name: String = w
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                out.insert(normalize(&name));
            }
        }
    }
}

/// Imports of one loaded file: (dotted module, raw range), read from the parsed code (the
/// same reader as `mlcheck imports`); optional (`try: … except ImportError`) and
/// type-checking-only imports are left out, as are cells run by a cell magic.
fn file_imports(file: &SourceFile) -> Vec<(String, TextRange)> {
    imports_from(crate::imports::imports_of(file))
}

fn imports_from(imports: Vec<crate::imports::Import>) -> Vec<(String, TextRange)> {
    imports
        .into_iter()
        .filter(|i| !i.optional && !i.type_checking)
        .map(|i| (i.name, i.range))
        .collect()
}

/// The first `import mlflow` / `from mlflow…` in the project's code.
pub fn find_mlflow_import(cx: &Context<'_>) -> Option<(Arc<SourceFile>, TextRange)> {
    if cx.code_cache.get().is_none() && cx.known.is_none() {
        // Cheap path: only parse the files that mention `mlflow` at all.
        for path in code_files(cx) {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            if memchr::memmem::find(&bytes, b"mlflow").is_none() {
                continue;
            }
            let Some(f) = load_source(path) else { continue };
            if let Some((_, r)) = file_imports(&f)
                .into_iter()
                .find(|(m, _)| m == "mlflow" || m.starts_with("mlflow."))
            {
                return Some((Arc::new(f), r));
            }
        }
        return None;
    }
    for f in cx.code() {
        if let Some((_, r)) = f
            .imports
            .iter()
            .find(|(m, _)| m == "mlflow" || m.starts_with("mlflow."))
            && let Some(source) = f.source()
        {
            return Some((source, *r));
        }
    }
    None
}

/// Where a module could be a local file or package, relative to `dirs` (answers cached per
/// folder and name: a project's files share a few folders and many imports).
fn is_local(
    module: &str,
    dirs: &[PathBuf],
    stems: &HashSet<String>,
    cache: &mut HashMap<(PathBuf, String), bool>,
) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    if stems.contains(top) {
        return true;
    }
    dirs.iter().any(|d| {
        *cache
            .entry((d.clone(), top.to_string()))
            .or_insert_with(|| {
                d.join(format!("{top}.py")).is_file()
                    || d.join(top).is_dir()
                    || d.join("src").join(top).is_dir()
            })
    })
}

/// Whether `top` is a module or package in a folder at or above `file`'s folder
/// (`top.py`, `top/`, `src/top/`), up to the folder holding `.git` or the filesystem root.
fn local_above(file: &Path, top: &str, cache: &mut HashMap<(PathBuf, String), bool>) -> bool {
    let mut dir = file.parent();
    while let Some(d) = dir {
        let eff = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        let key = (eff.to_path_buf(), top.to_string());
        let hit = *cache.entry(key).or_insert_with(|| {
            eff.join(format!("{top}.py")).is_file()
                || eff.join(top).is_dir()
                || eff.join("src").join(top).is_dir()
        });
        if hit {
            return true;
        }
        if d.as_os_str().is_empty() || eff.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    false
}

/// Resolve a local module to its file, if any.
fn resolve_local(module: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    let rel = module.replace('.', "/");
    for d in dirs {
        for cand in [
            format!("{rel}.py"),
            format!("{rel}/__init__.py"),
            format!("src/{rel}.py"),
            format!("src/{rel}/__init__.py"),
        ] {
            let p = d.join(&cand);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Collect the third-party imports of the code in scope.
pub fn collect(cx: &Context<'_>) -> Usage {
    let mut usage = Usage::default();
    let root_dir = if cx.root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cx.root.to_path_buf()
    };
    // Stems of every Python file/package folder in the project: local modules.
    let mut stems: HashSet<String> = HashSet::new();
    for f in &cx.files {
        if SourceKind::from_path(f) == Some(SourceKind::Python)
            && let Some(s) = f.file_stem().and_then(|s| s.to_str())
        {
            stems.insert(s.to_string());
            if s == "__init__"
                && let Some(pkg) = f
                    .parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
            {
                stems.insert(pkg.to_string());
            }
        }
    }
    for n in &cx.settings.project.known_first_party {
        stems.insert(n.clone());
    }
    let code = cx.code();
    // Modules a notebook writes itself (`%%writefile helper.py`), and folders of Python
    // files (namespace packages need no `__init__.py`).
    for f in code {
        stems.extend(f.written.iter().cloned());
        if !f.is_notebook
            && let Some(dir) = f
                .path
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
            && !is_known_third_party(dir)
        {
            stems.insert(dir.to_string());
        }
    }
    let by_path: HashMap<&Path, &Arc<CodeFile>> =
        code.iter().map(|f| (f.path.as_path(), f)).collect();

    // Scope: entry-point scripts and what they import locally, plus notebooks.
    let mut scope: Vec<Arc<CodeFile>> = Vec::new();
    if let Some((_, root)) = cx.mlproject() {
        let mut queue: Vec<PathBuf> = Vec::new();
        for ep in entry_points(root) {
            let Some(cmd) = ep.command() else { continue };
            for s in command_scripts(cmd.as_str().unwrap_or("")) {
                if s.is_cd {
                    continue;
                }
                match &s.module {
                    Some(m) => {
                        let (cwd, m) = match m.split_once('\u{0}') {
                            Some((c, m)) => (root_dir.join(c), m.to_string()),
                            None => (root_dir.clone(), m.clone()),
                        };
                        if let Some(p) = resolve_local(&m, &[cwd]) {
                            queue.push(p);
                        }
                    }
                    None if s.path.ends_with(".py") => queue.push(root_dir.join(&s.path)),
                    None => {}
                }
            }
        }
        let mut seen: HashSet<PathBuf> = HashSet::new();
        while let Some(p) = queue.pop() {
            let key = normalize_path(&p);
            if !seen.insert(key) {
                continue;
            }
            let file = match by_path.get(p.as_path()) {
                Some(f) => Arc::clone(f),
                None => match find_loaded(code, &p).or_else(|| CodeFile::load(&p).map(Arc::new)) {
                    Some(f) => f,
                    None => continue,
                },
            };
            let dirs = [
                p.parent().map(Path::to_path_buf).unwrap_or_default(),
                root_dir.clone(),
            ];
            for (m, _) in &file.imports {
                if let Some(local) = resolve_local(m, &dirs) {
                    queue.push(local);
                }
            }
            scope.push(file);
        }
        scope.extend(code.iter().filter(|f| f.is_notebook).cloned());
    } else {
        scope.extend(code.iter().cloned());
    }
    usage.any_code = !scope.is_empty();
    let mut above_cache: HashMap<(PathBuf, String), bool> = HashMap::new();
    let mut local_cache: HashMap<(PathBuf, String), bool> = HashMap::new();
    for file in &scope {
        usage
            .notebook_installs
            .extend(file.installs.iter().cloned());
        // `setup.py` imports its build backend (setuptools), not a runtime dependency.
        if file.path.file_name().is_some_and(|n| n == "setup.py") {
            continue;
        }
        let dirs = [
            file.path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            root_dir.clone(),
        ];
        for (m, range) in &file.imports {
            let (m, range) = (m.clone(), *range);
            let top = m.split('.').next().unwrap_or(&m);
            if is_stdlib(top)
                || top == "__future__"
                || is_local(&m, &dirs, &stems, &mut local_cache)
            {
                continue;
            }
            // A notebook runs in a Jupyter kernel, which brings IPython along.
            if file.is_notebook && matches!(top, "IPython" | "ipykernel") {
                continue;
            }
            // A module in a folder above the file (code run with that folder on its path),
            // up to the repository: first-party, unless it is a known distribution.
            if !is_known_third_party(top) && local_above(&file.path, top, &mut above_cache) {
                continue;
            }
            if builtin()
                .ignore
                .iter()
                .any(|i| m == *i || m.starts_with(&format!("{i}.")) || top == i)
            {
                continue;
            }
            usage.imports.push(Import {
                module: m,
                file: Arc::clone(file),
                range,
            });
        }
    }
    usage
}

fn find_loaded(code: &[Arc<CodeFile>], p: &Path) -> Option<Arc<CodeFile>> {
    let want = normalize_path(p);
    code.iter()
        .find(|f| normalize_path(&f.path) == want)
        .cloned()
}

/// The distributions that can provide `module` (longest dotted prefix in the tables).
pub fn providers(cx: &Context<'_>, module: &str) -> (Vec<String>, bool) {
    let user = &cx.settings.project.import_map;
    let map = builtin();
    let mut prefix = module;
    loop {
        if let Some(d) = user.get(prefix).or_else(|| map.imports.get(prefix)) {
            return (d.iter().map(|n| normalize(n)).collect(), true);
        }
        match prefix.rsplit_once('.') {
            Some((p, _)) => prefix = p,
            None => break,
        }
    }
    let top = module.split('.').next().unwrap_or(module);
    let known = map.identity.iter().any(|i| i == top);
    (vec![normalize(top)], known)
}

/// The declared distributions (normalised PyPI names) the code may rely on, with the file
/// indices they come from; `None` when no environment applies (no file, or docker).
pub fn declared(cx: &Context<'_>) -> Option<(BTreeSet<String>, Vec<usize>)> {
    let files: Vec<usize> = if cx.mlproject().is_some() {
        let sel = cx.selected_env?;
        let mut v = vec![sel];
        // python_env dependencies may include requirements files.
        v.extend(cx.env.files[sel].includes.iter().copied());
        v
    } else {
        (0..cx.env.files.len())
            .filter(|&i| {
                let f = &cx.env.files[i];
                // A version file, or a file of tool settings with no dependency, declares
                // no package.
                let tool_only = matches!(
                    f.kind,
                    EnvKind::Pyproject | EnvKind::SetupCfg | EnvKind::SetupPy | EnvKind::Dockerfile
                ) && f.deps.is_empty()
                    && !f.opaque;
                !matches!(f.kind, EnvKind::PythonVersionFile | EnvKind::RuntimeTxt) && !tool_only
            })
            .collect()
    };
    if files.is_empty() {
        return None;
    }
    // Dependencies computed by code (`dynamic`, a variable): what is declared is unknown.
    // When that file is the only one, nothing can be said.
    if files.iter().any(|&f| cx.env.files[f].opaque)
        && files
            .iter()
            .all(|&f| cx.env.files[f].opaque || cx.env.files[f].deps.is_empty())
    {
        return None;
    }
    let mut names = BTreeSet::new();
    for &f in &files {
        for i in cx.env.deps_with_includes(f) {
            let d = &cx.env.deps[i];
            let n = if d.syntax == Syntax::Conda {
                conda_to_pypi(&d.name)
            } else {
                d.name.clone()
            };
            if !n.is_empty() {
                names.insert(n);
            }
            // `neo4j-graphrag[qdrant]`, `kedro-datasets[pandas-csvdataset]`: an extra named
            // after a package installs it on purpose, so that package is declared too.
            for extra in requirement_extras(cx.env.files[d.file].source.slice(d.range)) {
                for token in extra.split(['-', '_', '.']).filter(|t| !t.is_empty()) {
                    names.insert(format!("{EXTRA}{}", normalize(token)));
                }
            }
        }
    }
    Some((names, files))
}

/// Marks, in the declared set, a word of an extra of a declared requirement (a name no
/// distribution can have: `:` is not allowed in one).
const EXTRA: &str = "extra:";

/// The extras of one requirement as written (`pkg[a,b-c]>=1` gives `a`, `b-c`).
fn requirement_extras(text: &str) -> Vec<&str> {
    let Some(open) = text.find('[') else {
        return Vec::new();
    };
    // The extras follow the name: nothing but name characters before the bracket.
    if !text[..open]
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Vec::new();
    }
    let Some(close) = text[open..].find(']') else {
        return Vec::new();
    };
    text[open + 1..open + close]
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect()
}

/// Import names the declared distributions provide (for `python -m` checks): each
/// distribution's normalised name with `-` as `_`, plus reverse table entries.
pub fn declared_import_names(cx: &Context<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some((names, _)) = declared(cx) else {
        return out;
    };
    for n in &names {
        out.insert(n.replace('-', "_"));
    }
    for (imp, dists) in &builtin().imports {
        if dists.iter().any(|d| names.contains(&normalize(d))) {
            out.insert(imp.to_ascii_lowercase());
        }
    }
    out
}

/// Whether `module` is satisfied by the declared set (directly, by a name variant, or as a
/// dependency of a declared distribution).
pub fn satisfied(
    cx: &Context<'_>,
    module: &str,
    declared: &BTreeSet<String>,
    extra: &HashSet<String>,
) -> bool {
    let (cands, _) = providers(cx, module);
    let top = module.split('.').next().unwrap_or(module);
    let variants = [
        normalize(top),
        normalize(&format!("python-{top}")),
        normalize(&format!("py{top}")),
        normalize(&format!("{top}-python")),
        normalize(&format!("py-{top}")),
        normalize(&format!("{top}-sdk")),
        normalize(&format!("{top}-client")),
    ];
    let has = |n: &String| declared.contains(n) || extra.contains(n);
    if cands.iter().any(has) || variants.iter().any(has) {
        return true;
    }
    // Named by an extra of a declared requirement (`neo4j-graphrag[qdrant]` declares
    // `qdrant-client`): the distribution's first word, or the module's, is a word of it.
    let first_word = |n: &str| n.split('-').next().unwrap_or(n).to_string();
    if cands
        .iter()
        .map(|c| first_word(c))
        .chain(std::iter::once(first_word(&normalize(top))))
        .any(|w| declared.contains(&format!("{EXTRA}{w}")))
    {
        return true;
    }
    // Namespace packages: `azure.search.documents` is `azure-search-documents`,
    // `google.cloud.storage` is `google-cloud-storage`.
    let parts: Vec<&str> = module.split('.').collect();
    if (2..=parts.len()).any(|n| has(&normalize(&parts[..n].join("-")))) {
        return true;
    }
    // Brought along by a declared distribution.
    builtin().provides.iter().any(|(dist, mods)| {
        (declared.contains(&normalize(dist)) || extra.contains(&normalize(dist)))
            && mods
                .iter()
                .any(|m| m == top || module.starts_with(&format!("{m}.")) || m == module)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped import map parses and is not empty (it never silently becomes empty).
    #[test]
    fn the_shipped_import_map_loads() {
        let map: ImportMap = toml::from_str(BUILTIN_MAP).expect("rules/import_map.toml parses");
        assert!(map.imports.len() > 50, "{} imports", map.imports.len());
        assert!(!map.conda.is_empty());
        assert_eq!(
            map.imports.get("sklearn"),
            Some(&vec!["scikit-learn".to_string()])
        );
    }

    #[test]
    fn reads_imports_from_the_parse_and_skips_optional_ones() {
        let src = "import os, numpy as np\nfrom sklearn.linear_model import Ridge\nfrom . import x\ntry:\n    import torch\nexcept ImportError:\n    pass\n\"\"\"\nimport fake\n\"\"\"\nimport pandas\nif TYPE_CHECKING:\n    import polars\n";
        let file = SourceFile::new(PathBuf::from("a.py"), src.to_string(), SourceKind::Python);
        let got = file_imports(&file);
        let names: Vec<&str> = got.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(names, ["os", "numpy", "sklearn.linear_model", "pandas"]);
        let (m, r) = &got[1];
        assert!(src[r.start()..r.end()].starts_with(m.as_str()));
    }

    #[test]
    fn imports_from_the_rules_parse_are_those_of_a_parse_of_their_own() {
        // The per-file stage hands its parse (made for the enabled rules, plus imports) to
        // the project stage: it must find exactly what an imports-only parse finds.
        let cells = [
            "import os, numpy as np\nx = 1",
            "%%time\nimport timed_only",
            "try:\n    import torch\nexcept ImportError:\n    torch = None",
            "!pip install -q seaborn==0.13\nfrom sklearn.linear_model import Ridge",
            "print('no imports here')",
            "def f(:\n    import broken",
            "from . import local\nimport pandas as pd",
        ];
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                let src = serde_json::to_string(c).unwrap();
                format!(r#"{{"cell_type":"code","metadata":{{}},"execution_count":null,"outputs":[],"source":{src}}}"#)
            })
            .collect();
        let text = format!(
            r#"{{"cells":[{}],"metadata":{{"kernelspec":{{"language":"python","name":"python3"}}}},"nbformat":4,"nbformat_minor":5}}"#,
            cells.join(",")
        );
        let file = SourceFile::new(PathBuf::from("a.ipynb"), text, SourceKind::Notebook);
        let alone = CodeFile::of(&file);
        assert!(alone.imports.iter().any(|(m, _)| m == "pandas"));
        let settings = crate::settings::Settings::default();
        let mut needs = crate::rules::python::needs(&settings, SourceKind::Notebook);
        needs.imports = true;
        let parsed = ParsedFile::parse_with(&file, needs);
        let shared = CodeFile::of_parsed(&file, Some(&parsed));
        let pairs = |f: &CodeFile| {
            f.imports
                .iter()
                .map(|(m, r)| (m.clone(), *r))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&shared), pairs(&alone));
        assert_eq!(shared.installs, alone.installs);
        assert_eq!(shared.installs, ["seaborn"]);
    }

    #[test]
    fn builtin_table_loads() {
        let m = builtin();
        assert!(m.imports.len() + m.identity.len() > 200);
        assert_eq!(
            m.imports.get("sklearn").map(Vec::as_slice),
            Some(&["scikit-learn".to_string()][..])
        );
        assert_eq!(conda_to_pypi("pytorch"), "torch");
        assert!(is_stdlib("json") && !is_stdlib("numpy"));
    }
}
