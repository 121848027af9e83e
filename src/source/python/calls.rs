//! Calls as the reproducibility rules (`REP`) see them: every call in a unit with its dotted
//! callee, keyword names (and literal keyword values), and the imports that give the callee's
//! first name its meaning. Collected from the one parse of [`crate::source::python`] (this
//! walk reuses that module's tree; it never parses again), and only when a `REP` rule that
//! reads code is enabled ([`crate::source::python::Needs::calls`]).
//!
//! Like the rest of [`crate::source::python`], this is an adapter: the `ruff_*` types stay inside it and the rules read
//! the plain [`CallFacts`].

use ruff_python_ast::{
    self as ast, Expr, Stmt,
    visitor::{self, Visitor},
};
use ruff_text_size::Ranged;

use crate::source::TextRange;

/// What one unit (a notebook cell or a `.py` file) says about calls and imports.
#[derive(Debug, Default, Clone)]
pub struct CallFacts {
    /// The calls that can matter to the `REP` rules (seeds, draws, training, classes,
    /// scikit-learn functions), in source order (a call's arguments come after the call).
    pub calls: Vec<CallInfo>,
    /// `import numpy as np` → (`np`, `numpy`); `from torch.utils.data import DataLoader` →
    /// (`DataLoader`, `torch.utils.data.DataLoader`); `import os.path` → (`os`, `os`).
    /// Relative imports are left out.
    pub aliases: Vec<Alias>,
    /// The unit has an `if __name__ == "__main__":` block.
    pub main_guard: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub local: String,
    pub target: String,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct CallInfo {
    /// Dotted callee as written: `np.random.rand`; non-name bases are `_` (`_.shuffle`).
    pub callee: String,
    /// The callee expression's range (decoded, in the unit's text).
    pub range: TextRange,
    /// Number of positional arguments (a `*args` counts as one).
    pub positional: usize,
    /// `*args` among the positional arguments.
    pub star_args: bool,
    /// Keyword arguments by name, with the literal value when it is one (`True`, `"x"`, `3`,
    /// `None`; `None` for anything else).
    pub keywords: Vec<(String, Option<String>)>,
    /// A `**kwargs` argument (the keywords are not all known).
    pub star_kwargs: bool,
    /// Inside a `def` or `lambda` (runs when called, not when the unit runs).
    pub in_function: bool,
    /// Inside the arguments of a `sleep(…)` call (a retry or jitter delay).
    pub in_sleep: bool,
}

impl CallInfo {
    pub fn keyword(&self, name: &str) -> Option<&(String, Option<String>)> {
        self.keywords.iter().find(|(k, _)| k == name)
    }
    pub fn has_keyword(&self, name: &str) -> bool {
        self.keyword(name).is_some()
    }
}

/// Walk a parsed unit's statements.
pub(crate) fn collect(body: &[Stmt]) -> CallFacts {
    let mut c = CallCollector::default();
    c.visit_body(body);
    c.facts
}

#[derive(Default)]
struct CallCollector {
    facts: CallFacts,
    functions: usize,
    sleeps: usize,
}

fn range(r: ruff_text_size::TextRange) -> TextRange {
    TextRange::new(r.start().to_usize(), r.end().to_usize())
}

/// Lower-case callee names the `REP` rules read (besides classes, `random.*` paths, names
/// starting with `rand` or `make_`, `nn.init`-style `…_` functions and anything naming a
/// seed): training calls, draws imported by name, scikit-learn functions.
const WANTED: &[&str] = &[
    "fit",
    "fit_generator",
    "train",
    "train_on_batch",
    "backward",
    "shuffle",
    "permutation",
    "choice",
    "choices",
    "sample",
    "normal",
    "uniform",
    "bernoulli",
    "multinomial",
    "poisson",
    "categorical",
    "truncated_normal",
    "gamma",
    "train_test_split",
    "resample",
    "permutation_importance",
    "default_rng",
];

/// Whether a callee can matter to the `REP` rules, decided without allocating: most calls
/// (`print`, `df.head`, `len` …) are dropped here.
fn wanted(func: &Expr) -> bool {
    let last = match func {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => a.attr.id.as_str(),
        _ => return false,
    };
    if last.starts_with(|c: char| c.is_ascii_uppercase())
        || last.starts_with("rand")
        || last.starts_with("make_")
        || last.ends_with('_')
        || last.contains("seed")
        || last.contains("Seed")
        || WANTED.contains(&last)
    {
        return true;
    }
    // A `random` segment anywhere in the path: `np.random.binomial`, `tf.random.gamma`.
    let mut cur = func;
    while let Expr::Attribute(a) = cur {
        cur = &a.value;
        match cur {
            Expr::Attribute(b) if b.attr.id.as_str() == "random" => return true,
            Expr::Name(n) if n.id.as_str() == "random" => return true,
            _ => {}
        }
    }
    false
}

fn literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::BooleanLiteral(b) => Some(if b.value { "True" } else { "False" }.into()),
        Expr::NoneLiteral(_) => Some("None".into()),
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Some(i.to_string()),
            ast::Number::Float(f) => Some(f.to_string()),
            ast::Number::Complex { .. } => None,
        },
        _ => None,
    }
}

/// `__name__ == "__main__"` (either way round).
fn is_main_test(test: &Expr) -> bool {
    let Expr::Compare(c) = test else {
        return false;
    };
    let Some(right) = c.comparators.first() else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (is_name(&c.left) && is_main(right)) || (is_main(&c.left) && is_name(right))
}

impl<'a> Visitor<'a> for CallCollector {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) => {
                self.functions += 1;
                visitor::walk_stmt(self, stmt);
                self.functions -= 1;
            }
            Stmt::If(i) if is_main_test(&i.test) => {
                self.facts.main_guard = true;
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.id.as_str();
                    let (local, target) = match &alias.asname {
                        Some(a) => (a.id.to_string(), full.to_string()),
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            (top.to_string(), top.to_string())
                        }
                    };
                    self.facts.aliases.push(Alias {
                        local,
                        target,
                        offset: range(alias.range).start(),
                    });
                }
            }
            Stmt::ImportFrom(i) => {
                if i.level == 0
                    && let Some(module) = &i.module
                {
                    for alias in &i.names {
                        let name = alias.name.id.as_str();
                        if name == "*" {
                            continue;
                        }
                        let local = alias.asname.as_ref().unwrap_or(&alias.name);
                        self.facts.aliases.push(Alias {
                            local: local.id.to_string(),
                            target: format!("{}.{name}", module.id.as_str()),
                            offset: range(alias.range).start(),
                        });
                    }
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {
                self.functions += 1;
                visitor::walk_expr(self, expr);
                self.functions -= 1;
            }
            Expr::Call(call) if !wanted(&call.func) => {
                let sleep = matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "sleep")
                    || matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.id.as_str() == "sleep");
                if sleep {
                    self.sleeps += 1;
                }
                visitor::walk_expr(self, expr);
                if sleep {
                    self.sleeps -= 1;
                }
            }
            Expr::Call(call) => {
                let callee = super::dotted(&call.func);
                let mut keywords = Vec::with_capacity(call.arguments.keywords.len());
                let mut star_kwargs = false;
                for kw in &call.arguments.keywords {
                    match &kw.arg {
                        Some(a) => keywords.push((a.id.to_string(), literal(&kw.value))),
                        None => star_kwargs = true,
                    }
                }
                let sleep = callee == "sleep" || callee.ends_with(".sleep");
                self.facts.calls.push(CallInfo {
                    range: range(call.func.range()),
                    positional: call.arguments.args.len(),
                    star_args: call
                        .arguments
                        .args
                        .iter()
                        .any(|a| matches!(a, Expr::Starred(_))),
                    keywords,
                    star_kwargs,
                    in_function: self.functions > 0,
                    in_sleep: self.sleeps > 0,
                    callee,
                });
                self.visit_expr(&call.func);
                if sleep {
                    self.sleeps += 1;
                }
                for a in call.arguments.args.iter() {
                    self.visit_expr(a);
                }
                for k in call.arguments.keywords.iter() {
                    self.visit_expr(&k.value);
                }
                if sleep {
                    self.sleeps -= 1;
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(code: &str) -> CallFacts {
        let parsed = ruff_python_parser::parse_module(code).expect("parses");
        collect(&parsed.syntax().body)
    }

    #[test]
    fn calls_carry_callee_keywords_and_scope() {
        let f = facts(
            "import numpy as np\nfrom torch.utils.data import DataLoader as DL\n\
             x = np.random.rand(3)\ndef f(**kw):\n    return DL(ds, shuffle=True, **kw)\n\
             time.sleep(random.random())\nif __name__ == '__main__':\n    f()\n",
        );
        assert!(f.main_guard);
        assert_eq!(
            f.aliases
                .iter()
                .map(|a| (a.local.as_str(), a.target.as_str()))
                .collect::<Vec<_>>(),
            [("np", "numpy"), ("DL", "torch.utils.data.DataLoader")]
        );
        let rand = &f.calls[0];
        assert_eq!(rand.callee, "np.random.rand");
        assert!(!rand.in_function);
        let dl = f.calls.iter().find(|c| c.callee == "DL").unwrap();
        assert!(dl.in_function && dl.star_kwargs);
        assert_eq!(dl.keyword("shuffle").unwrap().1.as_deref(), Some("True"));
        let jitter = f
            .calls
            .iter()
            .find(|c| c.callee == "random.random")
            .unwrap();
        assert!(jitter.in_sleep);
    }
}
