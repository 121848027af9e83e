//! What the project's code imports, and which distributions provide those imports.
//!
//! The code an MLproject runs is its entry-point scripts plus the local modules they import
//! (followed transitively inside the project), together with the repository's notebooks;
//! without an MLproject it is every Python file and notebook. Each file's imports come from
//! the project model ([`crate::project::code`]: the parsed AST, the reader `mlcheck imports`
//! uses); optional imports inside `try:` are ignored. The import → distribution table is data
//! (`rules/import_map.toml`), extended by the `[project] import-map` option.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::Context;
use super::env_files::{EnvKind, Syntax, normalize};
use super::mlproject::{command_scripts, entry_points};
pub use crate::project::code::CodeFile;
use crate::project::code::{file_imports, load_source};
use crate::project::normalize_path;
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

/// What the code imports (third-party candidates only: stdlib and local modules removed).
#[derive(Debug, Default)]
pub struct Usage {
    pub imports: Vec<Import>,
    /// Distribution names installed by `%pip install` in notebooks (normalised).
    pub notebook_installs: HashSet<String>,
    /// Whether the analysis ran (some code was found).
    pub any_code: bool,
}

/// Where a finding about the whole project is anchored: the first of its code files
/// (loaded), with how many code files there are. `None` when the project has no code.
pub fn first_code_file(cx: &Context<'_>) -> Option<(Arc<SourceFile>, usize)> {
    let code = cx.project.code_files();
    let first = load_source(code.first()?)?;
    Some((Arc::new(first), code.len()))
}

/// The first `import mlflow` / `from mlflow…` in the project's code.
pub fn find_mlflow_import(cx: &Context<'_>) -> Option<(Arc<SourceFile>, TextRange)> {
    if !cx.project.code_at_hand() {
        // Cheap path: only parse the files that mention `mlflow` at all.
        for path in cx.project.code_files() {
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
    for f in cx.project.code() {
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
    let root_dir = if cx.project.root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cx.project.root.to_path_buf()
    };
    // Stems of every Python file/package folder in the project: local modules.
    let mut stems: HashSet<String> = HashSet::new();
    for f in &cx.project.files {
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
    let code = cx.project.code();
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
    if let Some((_, root)) = cx.project.mlproject() {
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
    declared_where(cx, |_| true)
}

/// [`declared`], keeping only the dependencies `keep` accepts (the files are the same).
pub fn declared_where(
    cx: &Context<'_>,
    keep: impl Fn(&super::env_files::Dep) -> bool,
) -> Option<(BTreeSet<String>, Vec<usize>)> {
    let files: Vec<usize> = if cx.project.mlproject().is_some() {
        let sel = cx.project.selected_env?;
        let mut v = vec![sel];
        // python_env dependencies may include requirements files.
        v.extend(cx.project.env.files[sel].includes.iter().copied());
        v
    } else {
        (0..cx.project.env.files.len())
            .filter(|&i| {
                let f = &cx.project.env.files[i];
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
    if files.iter().any(|&f| cx.project.env.files[f].opaque)
        && files
            .iter()
            .all(|&f| cx.project.env.files[f].opaque || cx.project.env.files[f].deps.is_empty())
    {
        return None;
    }
    let mut names = BTreeSet::new();
    for &f in &files {
        for i in cx.project.env.deps_with_includes(f) {
            let d = &cx.project.env.deps[i];
            if !keep(d) {
                continue;
            }
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
            for extra in requirement_extras(cx.project.env.files[d.file].source.slice(d.range)) {
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
/// [`satisfied`] for one set of declared names, remembered by module: a project imports
/// the same few modules from every notebook, and each answer builds several name variants.
pub struct SatisfiedMemo<'d> {
    declared: &'d BTreeSet<String>,
    extra: &'d HashSet<String>,
    memo: HashMap<String, bool>,
}

impl<'d> SatisfiedMemo<'d> {
    pub fn new(declared: &'d BTreeSet<String>, extra: &'d HashSet<String>) -> Self {
        Self {
            declared,
            extra,
            memo: HashMap::new(),
        }
    }

    pub fn get(&mut self, cx: &Context<'_>, module: &str) -> bool {
        if let Some(&known) = self.memo.get(module) {
            return known;
        }
        let answer = satisfied(cx, module, self.declared, self.extra);
        self.memo.insert(module.to_string(), answer);
        answer
    }
}

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
