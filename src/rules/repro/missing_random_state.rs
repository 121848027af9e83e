//! `REP002 missing-random-state` (the callables are data: `rules/random_state.toml`).

use std::sync::OnceLock;

use serde::Deserialize;

use super::calls::{Lib, Program};
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::python::ParsedFile;

crate::declare_rule! {
    /// ## What it does
    /// Reports a scikit-learn splitter, estimator or generator that takes `random_state` and
    /// is given none (`train_test_split`, `KFold(shuffle=True)`, `RandomForest*`,
    /// `GradientBoosting*`, `KMeans`, `MLP*`, `SGD*`, `TSNE`, `PCA(svd_solver="randomized")`
    /// …; the list is data: `rules/random_state.toml`), unless a global NumPy seed
    /// (`np.random.seed`, or a `seed_everything`-style helper) is set before it. A call that
    /// passes `**kwargs` may carry `random_state` and is not reported; nor are test files.
    ///
    /// ## Why is this bad?
    /// Without `random_state`, scikit-learn draws from NumPy's global state: every run gives
    /// a different split, a different forest, different clusters, and the metrics move with
    /// them.
    ///
    /// ## Example
    /// ```python
    /// from sklearn.model_selection import train_test_split
    /// X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)  # REP002
    /// ```
    ///
    /// ## How to fix
    /// Pass `random_state=<int>` (the same constant everywhere, or one from your config).
    pub static MISSING_RANDOM_STATE = {
        code: "REP002",
        name: "missing-random-state",
        domain: Repro,
        severity: Warning,
        default: true,
        fix: None,
        summary: "A scikit-learn call that takes `random_state` is given none",
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    callable: Vec<Callable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Callable {
    name: String,
    when: Option<Condition>,
    unless: Option<Condition>,
    position: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Condition {
    keyword: String,
    equals: String,
}

fn load(text: &str) -> Result<Vec<Callable>, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| format!("rules/random_state.toml: {e}"))?;
    let mut seen = std::collections::HashSet::new();
    for c in &raw.callable {
        if !seen.insert(c.name.as_str()) {
            return Err(format!(
                "rules/random_state.toml: duplicate callable `{}`",
                c.name
            ));
        }
    }
    Ok(raw.callable)
}

fn callables() -> &'static [Callable] {
    static LIST: OnceLock<Vec<Callable>> = OnceLock::new();
    LIST.get_or_init(|| {
        load(include_str!("../../../rules/random_state.toml")).unwrap_or_else(|e| panic!("{e}"))
    })
}

pub fn check(checker: &mut FileChecker<'_>, parsed: &ParsedFile, program: &Program<'_>) {
    let file = checker.file;
    if !program.notebook && super::is_test_file(&file.path) {
        return;
    }
    for call in &program.calls {
        let Some(rest) = call.resolved.strip_prefix("sklearn.") else {
            continue;
        };
        let name = rest.rsplit('.').next().unwrap_or(rest);
        let Some(c) = callables().iter().find(|c| c.name == name) else {
            continue;
        };
        let info = call.info;
        if info.has_keyword("random_state") || info.star_kwargs {
            continue;
        }
        if c.position
            .is_some_and(|p| info.positional > p || info.star_args)
        {
            continue;
        }
        let literal = |cond: &Condition| {
            info.keyword(&cond.keyword)
                .and_then(|(_, v)| v.as_deref())
                .is_some_and(|v| v == cond.equals)
        };
        if c.when.as_ref().is_some_and(|w| !literal(w)) || c.unless.as_ref().is_some_and(literal) {
            continue;
        }
        if program.seeded_before(Lib::Numpy, call) {
            continue;
        }
        let raw = parsed.to_raw(file, call.unit, info.range);
        checker.push(
            Diagnostic::new(
                &MISSING_RANDOM_STATE,
                file,
                raw,
                format!(
                    "`{}(…)` is given no `random_state`: each run gives a different result",
                    info.callee
                ),
            )
            .with_help("pass `random_state=<int>` (or seed NumPy with `np.random.seed(…)` first)"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_list_loads() {
        assert!(
            super::callables()
                .iter()
                .any(|c| c.name == "train_test_split")
        );
        assert!(super::load("[[callable]]\nname = \"a\"\n[[callable]]\nname = \"a\"\n").is_err());
    }
}
