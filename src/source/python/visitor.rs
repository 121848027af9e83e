//! The walk over one unit's syntax tree that fills its [`Facts`]: scopes (module, class,
//! function, comprehension), guards (`try`/`except NameError`, `if TYPE_CHECKING:`), string
//! literals with the call they are handed to, imports, and dynamic namespaces.

use ruff_python_ast::{
    self as ast, ExceptHandler, Expr, ExprContext, Pattern, Stmt,
    visitor::{self, Visitor},
};
use ruff_text_size::Ranged;

use super::magics::OPAQUE_LINE_MAGICS;
use super::{
    Arg, CallSite, Facts, Function, Ident, ImportStmt, NameRef, Needs, StrLit, StringNeeds, range,
};
use crate::source::TextRange;

/// The last part of [`dotted`] without building it: `read_csv` for `pd.read_csv`, `_` for
/// non-name expressions.
fn last_segment(expr: &Expr) -> &str {
    match expr {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => a.attr.id.as_str(),
        _ => "_",
    }
}

/// The dotted name of an expression (`pd.read_csv`), `_` for non-name parts.
pub(crate) fn dotted(expr: &Expr) -> String {
    fn push(expr: &Expr, out: &mut String) {
        match expr {
            Expr::Name(n) => out.push_str(n.id.as_str()),
            Expr::Attribute(a) => {
                push(&a.value, out);
                out.push('.');
                out.push_str(a.attr.id.as_str());
            }
            _ => out.push('_'),
        }
    }
    let mut out = String::new();
    push(expr, &mut out);
    out
}

fn string_value(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

/// Whether a handler list catches `names` (or everything).
fn handlers_catch(handlers: &[ExceptHandler], names: &[&str]) -> bool {
    fn matches(expr: &Expr, names: &[&str]) -> bool {
        match expr {
            Expr::Tuple(t) => t.elts.iter().any(|e| matches(e, names)),
            other => names.contains(&last_segment(other)),
        }
    }
    handlers.iter().any(|h| {
        let ExceptHandler::ExceptHandler(h) = h;
        match &h.type_ {
            None => true,
            Some(t) => matches(t, names),
        }
    })
}

fn is_type_checking(test: &Expr) -> bool {
    // `TYPE_CHECKING` or `<anything>.TYPE_CHECKING`.
    matches!(test, Expr::Name(_) | Expr::Attribute(_)) && last_segment(test) == "TYPE_CHECKING"
}

/// `'x' in globals()`-style tests: the `if` decides at run time whether a name exists.
fn mentions_namespace(expr: &Expr) -> bool {
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(c) = expr
                && let Expr::Name(n) = c.func.as_ref()
                && matches!(n.id.as_str(), "globals" | "locals" | "dir" | "vars")
            {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut f = Finder(false);
    f.visit_expr(expr);
    f.0
}

fn is_namespace_call(expr: &Expr) -> bool {
    if let Expr::Call(c) = expr
        && let Expr::Name(n) = c.func.as_ref()
    {
        return matches!(n.id.as_str(), "globals" | "locals" | "vars");
    }
    false
}

#[derive(Debug)]
enum Frame {
    Module,
    Class(Vec<Ident>),
    /// A function or lambda body; `Some(i)` routes into `facts.functions[i]` (the
    /// outermost module-level function), `None` discards (methods, module lambdas).
    Function(Option<usize>),
    Comp(Vec<Ident>),
}

pub(super) struct Collector {
    pub(super) facts: Facts,
    frames: Vec<Frame>,
    /// Inside a `try` that catches `NameError`, or an `if` testing `globals()`.
    guard: u32,
    type_checking: u32,
    /// Inside a branch that may not run (`if` bodies, `except` handlers, `match` cases,
    /// the arms of `a if c else b`, the right of `and`/`or`): reads there are not certain.
    conditional: u32,
    /// Inside a `try` that catches `ImportError`.
    optional_import: u32,
    /// Compound-statement depth at module level (0: unconditional top-level statement).
    nesting: u32,
    /// The call context of the expression about to be visited (a direct argument).
    arg_ctx: Option<CallSite>,
    /// `(inner call range, method)` for `inner(…).method(…)`.
    pending_method: Option<(ruff_text_size::TextRange, Ident)>,
    ipython: bool,
    pub(super) needs: Needs,
}

impl Collector {
    pub(super) fn new(ipython: bool, needs: Needs) -> Self {
        Self {
            facts: Facts::default(),
            frames: vec![Frame::Module],
            guard: 0,
            type_checking: 0,
            conditional: 0,
            optional_import: 0,
            nesting: 0,
            arg_ctx: None,
            pending_method: None,
            ipython,
            needs,
        }
    }

    pub(super) fn finish(mut self) -> Facts {
        for f in &mut self.facts.functions {
            let loads = std::mem::take(&mut f.loads);
            for (r, certain) in loads {
                if f.binds.contains(&r.name) && !f.globals.contains(&r.name) {
                    continue;
                }
                if certain {
                    f.free_reads.push(r);
                } else {
                    f.conditional_reads.push(r);
                }
            }
        }
        self.facts
    }

    /// Whether a (non-docstring) literal with this value goes into `strings`.
    fn wants_string(&self, value: &str) -> bool {
        match self.needs.strings {
            StringNeeds::None => false,
            StringNeeds::PathLike => value.contains(['/', '\\']),
            StringNeeds::All => true,
        }
    }

    pub(super) fn dynamic(&mut self, reason: impl Into<String>) {
        if self.facts.dynamic.is_none() {
            self.facts.dynamic = Some(reason.into());
        }
    }

    /// The function index module-level code is routed to, if inside a tracked function.
    fn current_function(&self) -> Option<Option<usize>> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Function(i) => Some(*i),
            _ => None,
        })
    }

    fn at_module(&self) -> bool {
        self.current_function().is_none()
    }

    fn load(&mut self, name: &Ident, r: TextRange) {
        if !self.needs.names {
            return;
        }
        for frame in self.frames.iter().rev() {
            match frame {
                Frame::Comp(locals) | Frame::Class(locals) => {
                    if locals.iter().any(|l| l == name) {
                        return;
                    }
                }
                Frame::Function(Some(i)) => {
                    let i = *i;
                    let certain = self.conditional == 0 && self.guard == 0;
                    if let Some(f) = self.facts.functions.get_mut(i) {
                        f.loads.push((
                            NameRef {
                                name: name.clone(),
                                range: r,
                            },
                            certain,
                        ));
                    }
                    return;
                }
                Frame::Function(None) => return,
                Frame::Module => {
                    if self.guard == 0 && self.type_checking == 0 && self.conditional == 0 {
                        self.facts.reads.push(NameRef {
                            name: name.clone(),
                            range: r,
                        });
                    }
                    return;
                }
            }
        }
    }

    pub(super) fn bind(&mut self, name: &Ident, r: TextRange, walrus: bool) {
        if !self.needs.names {
            return;
        }
        let idx = if walrus {
            self.frames
                .iter()
                .rposition(|f| !matches!(f, Frame::Comp(_)))
                .unwrap_or(0)
        } else {
            self.frames.len() - 1
        };
        match &mut self.frames[idx] {
            Frame::Comp(locals) | Frame::Class(locals) => {
                if !locals.iter().any(|l| l == name) {
                    locals.push(name.clone());
                }
            }
            Frame::Function(Some(i)) => {
                let i = *i;
                if let Some(f) = self.facts.functions.get_mut(i) {
                    if f.globals.contains(name) {
                        self.facts.unsure.push(name.clone());
                    }
                    if !f.binds.contains(name) {
                        f.binds.insert(name.clone());
                    }
                }
            }
            Frame::Function(None) => {}
            Frame::Module => {
                if self.type_checking > 0 {
                    self.facts.unsure.push(name.clone());
                } else {
                    self.facts.defs.push(NameRef {
                        name: name.clone(),
                        range: r,
                    });
                }
            }
        }
    }

    fn bind_target(&mut self, target: &Expr) {
        match target {
            Expr::Name(n) => self.bind(&n.id, range(n.range), false),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| self.bind_target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.bind_target(e)),
            Expr::Starred(s) => self.bind_target(&s.value),
            other => self.visit_expr(other),
        }
    }

    fn bind_pattern(&mut self, pattern: &Pattern) {
        match pattern {
            Pattern::MatchValue(v) => self.visit_expr(&v.value),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(s) => s.patterns.iter().for_each(|p| self.bind_pattern(p)),
            Pattern::MatchMapping(m) => {
                m.keys.iter().for_each(|k| self.visit_expr(k));
                m.patterns.iter().for_each(|p| self.bind_pattern(p));
                if let Some(rest) = &m.rest {
                    self.bind(&rest.id, range(rest.range), false);
                }
            }
            Pattern::MatchClass(c) => {
                self.visit_expr(&c.cls);
                c.arguments
                    .patterns
                    .iter()
                    .for_each(|p| self.bind_pattern(p));
                c.arguments
                    .keywords
                    .iter()
                    .for_each(|k| self.bind_pattern(&k.pattern));
            }
            Pattern::MatchStar(s) => {
                if let Some(n) = &s.name {
                    self.bind(&n.id, range(n.range), false);
                }
            }
            Pattern::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.bind_pattern(p);
                }
                if let Some(n) = &a.name {
                    self.bind(&n.id, range(n.range), false);
                }
            }
            Pattern::MatchOr(o) => o.patterns.iter().for_each(|p| self.bind_pattern(p)),
        }
    }

    fn push_import(&mut self, module: &str, r: TextRange, dynamic: bool, relative: bool) {
        if !self.needs.imports || module == "__future__" {
            return;
        }
        self.facts.imports.push(ImportStmt {
            module: module.to_string(),
            range: r,
            optional: self.optional_import > 0,
            dynamic,
            relative,
            type_checking: self.type_checking > 0,
        });
    }

    fn visit_function_like(
        &mut self,
        name: Option<&ast::Identifier>,
        parameters: Option<&ast::Parameters>,
        body: FnBody<'_>,
        decorators: &[ast::Decorator],
    ) {
        for d in decorators {
            self.visit_expr(&d.expression);
        }
        if let Some(params) = parameters {
            for p in params.iter_non_variadic_params() {
                if let Some(default) = p.default.as_deref() {
                    self.visit_expr(default);
                }
            }
        }
        let at_module = matches!(self.frames.last(), Some(Frame::Module));
        if let Some(n) = name {
            self.bind(&n.id, range(n.range), false);
        }
        let route = match (name, at_module) {
            (Some(n), true) => {
                self.facts.functions.push(Function {
                    name: n.id.clone(),
                    range: range(n.range),
                    ..Function::default()
                });
                Some(self.facts.functions.len() - 1)
            }
            _ => self.current_function().flatten(),
        };
        self.frames.push(Frame::Function(route));
        if let Some(params) = parameters {
            for p in params.iter() {
                let id = p.name();
                self.bind(&id.id, range(id.range), false);
            }
        }
        let saved = (self.guard, self.nesting, self.conditional);
        // A body runs in full whenever it is called, wherever it was defined.
        self.guard = 0;
        self.conditional = 0;
        self.nesting += 1;
        match body {
            FnBody::Stmts(stmts) => self.visit_body(stmts),
            FnBody::Expr(e) => self.visit_expr(e),
        }
        (self.guard, self.nesting, self.conditional) = saved;
        self.frames.pop();
    }

    fn visit_comprehension_like(&mut self, generators: &[ast::Comprehension], elts: &[&Expr]) {
        let Some(first) = generators.first() else {
            return;
        };
        self.visit_expr(&first.iter);
        self.frames.push(Frame::Comp(Vec::new()));
        for g in generators {
            self.bind_target(&g.target);
        }
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&g.iter);
            }
            for cond in &g.ifs {
                self.visit_expr(cond);
            }
        }
        for e in elts {
            self.visit_expr(e);
        }
        self.frames.pop();
    }

    fn visit_call(&mut self, call: &ast::ExprCall) {
        let call_range = call.range();
        let func = call.func.as_ref();
        // Set by the enclosing `inner(…).method(…)` call before it visits this one.
        let then_method: Option<Ident> = match &self.pending_method {
            Some((r, m)) if *r == call_range => Some(m.clone()),
            _ => None,
        };
        // Dynamic namespaces and dynamic imports.
        let import_call = match func {
            Expr::Name(n) => match n.id.as_str() {
                "exec" => {
                    self.dynamic("`exec(…)`");
                    false
                }
                "import_module" | "__import__" => true,
                _ => false,
            },
            Expr::Attribute(a) => {
                a.attr.id.as_str() == "import_module"
                    && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "importlib")
            }
            _ => false,
        };
        if import_call
            && let Some(m) = call.arguments.args.first().and_then(string_value)
            && !m.starts_with('.')
            && !m.is_empty()
        {
            self.push_import(&m, range(call_range), true, false);
        }
        if let Expr::Attribute(a) = func {
            let attr = a.attr.id.as_str();
            if is_namespace_call(&a.value)
                && matches!(attr, "update" | "setdefault" | "__setitem__")
            {
                self.dynamic("`globals().update(…)`");
            }
            if last_segment(&a.value).ends_with("get_ipython")
                || matches!(a.value.as_ref(), Expr::Call(c)
                    if matches!(c.func.as_ref(), Expr::Name(n) if n.id.as_str() == "get_ipython"))
            {
                match attr {
                    "run_line_magic" | "magic" => {
                        let first = call.arguments.args.first().and_then(string_value);
                        match first {
                            Some(m) => {
                                let name = m.split_whitespace().next().unwrap_or("").to_string();
                                if OPAQUE_LINE_MAGICS.contains(&name.trim_start_matches('%')) {
                                    self.dynamic(format!("`%{name}`"));
                                }
                            }
                            None => self.dynamic("`get_ipython().run_line_magic(…)`"),
                        }
                    }
                    "run_cell" | "run_cell_magic" | "push" | "ex" | "runcode" | "run_code" => {
                        self.dynamic(format!("`get_ipython().{attr}(…)`"));
                    }
                    _ => {}
                }
            }
            if let Expr::Call(inner) = a.value.as_ref() {
                self.pending_method = Some((inner.range(), a.attr.id.clone()));
            }
        }
        if self.needs.names
            && let Expr::Name(n) = func
        {
            match self.current_function() {
                None => {
                    if self.guard == 0 && self.type_checking == 0 && self.conditional == 0 {
                        self.facts.calls.push(NameRef {
                            name: n.id.clone(),
                            range: range(call_range),
                        });
                    }
                }
                Some(Some(i)) => {
                    if self.conditional == 0
                        && self.guard == 0
                        && let Some(f) = self.facts.functions.get_mut(i)
                    {
                        f.calls.push(n.id.clone());
                    }
                }
                Some(None) => {}
            }
        }
        self.visit_expr(func);
        // Only a literal handed straight to the call records where it went (`visit_expr`
        // takes the context at once and only string literals keep it), so the call site
        // is built for those arguments alone.
        let literal = |e: &Expr| matches!(e, Expr::StringLiteral(_) | Expr::FString(_));
        let mut site: Option<CallSite> = None;
        if self.needs.strings != StringNeeds::None
            && (call.arguments.args.iter().any(literal)
                || call.arguments.keywords.iter().any(|k| literal(&k.value)))
        {
            let is_open = match func {
                Expr::Name(n) => n.id.as_str() == "open",
                Expr::Attribute(a) => a.attr.id.as_str() == "open",
                _ => false,
            };
            let mode = if is_open {
                call.arguments
                    .args
                    .get(1)
                    .and_then(string_value)
                    .or_else(|| {
                        call.arguments
                            .keywords
                            .iter()
                            .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == "mode"))
                            .and_then(|k| string_value(&k.value))
                    })
            } else {
                None
            };
            site = Some(CallSite {
                callee: dotted(func),
                arg: Arg::Positional(0),
                mode,
                then_method: then_method.map(|m| m.to_string()),
            });
        }
        for (i, arg) in call.arguments.args.iter().enumerate() {
            if literal(arg)
                && let Some(site) = &site
            {
                self.arg_ctx = Some(CallSite {
                    arg: Arg::Positional(i),
                    ..site.clone()
                });
            }
            self.visit_expr(arg);
            self.arg_ctx = None;
        }
        for kw in &call.arguments.keywords {
            if literal(&kw.value)
                && let (Some(site), Some(a)) = (&site, &kw.arg)
            {
                self.arg_ctx = Some(CallSite {
                    arg: Arg::Keyword(a.id.to_string()),
                    ..site.clone()
                });
            }
            self.visit_expr(&kw.value);
            self.arg_ctx = None;
        }
    }
}

enum FnBody<'a> {
    Stmts(&'a [Stmt]),
    Expr(&'a Expr),
}

impl<'a> Visitor<'a> for Collector {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.arg_ctx = None;
        match stmt {
            Stmt::FunctionDef(f) => {
                self.visit_function_like(
                    Some(&f.name),
                    Some(&*f.parameters),
                    FnBody::Stmts(&f.body),
                    &f.decorator_list,
                );
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.visit_expr(&d.expression);
                }
                if let Some(args) = &c.arguments {
                    for a in args.args.iter() {
                        self.visit_expr(a);
                    }
                    for k in args.keywords.iter() {
                        self.visit_expr(&k.value);
                    }
                }
                self.bind(&c.name.id, range(c.name.range), false);
                self.frames.push(Frame::Class(Vec::new()));
                self.nesting += 1;
                self.visit_body(&c.body);
                self.nesting -= 1;
                self.frames.pop();
            }
            Stmt::Expr(e) => {
                if let Expr::StringLiteral(s) = e.value.as_ref() {
                    // Docstrings only matter to rules that want every literal.
                    if self.needs.strings == StringNeeds::All {
                        self.facts.strings.push(StrLit {
                            value: s.value.to_str().to_string(),
                            range: range(s.range),
                            docstring: true,
                            fstring: false,
                            call: None,
                        });
                    }
                } else {
                    self.visit_expr(&e.value);
                }
            }
            Stmt::Assign(a) => {
                self.visit_expr(&a.value);
                for t in &a.targets {
                    self.bind_target(t);
                }
            }
            Stmt::AugAssign(a) => {
                self.visit_expr(&a.value);
                if let Expr::Name(n) = a.target.as_ref() {
                    self.load(&n.id, range(n.range));
                }
                self.bind_target(&a.target);
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.visit_expr(v);
                    self.bind_target(&a.target);
                } else if !matches!(a.target.as_ref(), Expr::Name(_)) {
                    self.visit_expr(&a.target);
                }
            }
            Stmt::TypeAlias(t) => {
                if let Expr::Name(n) = t.name.as_ref() {
                    self.bind(&n.id, range(n.range), false);
                }
            }
            Stmt::For(f) => {
                self.visit_expr(&f.iter);
                self.nesting += 1;
                self.bind_target(&f.target);
                self.visit_body(&f.body);
                self.visit_body(&f.orelse);
                self.nesting -= 1;
            }
            Stmt::While(w) => {
                self.visit_expr(&w.test);
                self.nesting += 1;
                self.conditional += 1;
                self.visit_body(&w.body);
                self.visit_body(&w.orelse);
                self.conditional -= 1;
                self.nesting -= 1;
            }
            Stmt::If(i) => {
                self.nesting += 1;
                let guard = mentions_namespace(&i.test);
                self.guard += guard as u32;
                if is_type_checking(&i.test) {
                    self.type_checking += 1;
                    self.visit_body(&i.body);
                    self.type_checking -= 1;
                } else {
                    self.visit_expr(&i.test);
                    self.conditional += 1;
                    self.visit_body(&i.body);
                    self.conditional -= 1;
                }
                self.conditional += 1;
                for clause in &i.elif_else_clauses {
                    if let Some(t) = &clause.test {
                        self.visit_expr(t);
                    }
                    self.visit_body(&clause.body);
                }
                self.conditional -= 1;
                self.guard -= guard as u32;
                self.nesting -= 1;
            }
            Stmt::With(w) => {
                // `with suppress(NameError):` guards its body like `try/except NameError`.
                let suppress = w.items.iter().any(|item| match &item.context_expr {
                    Expr::Call(c) => last_segment(&c.func).ends_with("suppress"),
                    _ => false,
                });
                for item in &w.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(v) = &item.optional_vars {
                        self.bind_target(v);
                    }
                }
                self.nesting += 1;
                self.guard += suppress as u32;
                self.visit_body(&w.body);
                self.guard -= suppress as u32;
                self.nesting -= 1;
            }
            Stmt::Match(m) => {
                self.visit_expr(&m.subject);
                self.nesting += 1;
                self.conditional += 1;
                for case in &m.cases {
                    self.bind_pattern(&case.pattern);
                    if let Some(g) = &case.guard {
                        self.visit_expr(g);
                    }
                    self.visit_body(&case.body);
                }
                self.conditional -= 1;
                self.nesting -= 1;
            }
            Stmt::Try(t) => {
                self.nesting += 1;
                let guards =
                    handlers_catch(&t.handlers, &["NameError", "Exception", "BaseException"]);
                let optional = handlers_catch(
                    &t.handlers,
                    &[
                        "ImportError",
                        "ModuleNotFoundError",
                        "Exception",
                        "BaseException",
                    ],
                );
                self.guard += guards as u32;
                self.optional_import += optional as u32;
                self.visit_body(&t.body);
                self.guard -= guards as u32;
                self.optional_import -= optional as u32;
                self.conditional += 1;
                for h in &t.handlers {
                    let ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.visit_expr(ty);
                    }
                    if let Some(n) = &h.name {
                        self.bind(&n.id, range(n.range), false);
                    }
                    self.visit_body(&h.body);
                }
                self.conditional -= 1;
                self.visit_body(&t.orelse);
                self.visit_body(&t.finalbody);
                self.nesting -= 1;
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.id.as_str();
                    self.push_import(full, range(alias.range), false, false);
                    match &alias.asname {
                        Some(a) => self.bind(&a.id, range(a.range), false),
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            let top = if top.len() == full.len() {
                                alias.name.id.clone()
                            } else {
                                Ident::new(top)
                            };
                            self.bind(&top, range(alias.name.range), false);
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.id.as_str()).unwrap_or("");
                if i.level == 0 {
                    self.push_import(module, range(i.range), false, false);
                } else {
                    self.push_import(module, range(i.range), false, true);
                }
                for alias in &i.names {
                    if alias.name.id.as_str() == "*" {
                        if self.at_module() {
                            self.dynamic(format!("`from {module} import *`"));
                        }
                        continue;
                    }
                    let id = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.bind(&id.id, range(id.range), false);
                }
            }
            Stmt::Global(g) => {
                if let Some(Some(i)) = self.current_function()
                    && let Some(f) = self.facts.functions.get_mut(i)
                {
                    for n in &g.names {
                        f.globals.insert(n.id.clone());
                    }
                }
                if !self.at_module() {
                    for n in &g.names {
                        self.facts.unsure.push(n.id.clone());
                    }
                }
            }
            Stmt::Nonlocal(_) => {}
            Stmt::Delete(d) => {
                for t in &d.targets {
                    match t {
                        Expr::Name(n) => {
                            if self.nesting == 0
                                && matches!(self.frames.last(), Some(Frame::Module))
                            {
                                self.facts.dels.push(NameRef {
                                    name: n.id.clone(),
                                    range: range(n.range),
                                });
                            }
                        }
                        other => self.visit_expr(other),
                    }
                }
            }
            Stmt::IpyEscapeCommand(c) => {
                self.escape(c.kind, &c.value, range(c.range));
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_annotation(&mut self, _expr: &'a Expr) {}

    fn visit_type_params(&mut self, _type_params: &'a ast::TypeParams) {}

    fn visit_expr(&mut self, expr: &'a Expr) {
        let ctx = self.arg_ctx.take();
        match expr {
            Expr::Name(n) => match n.ctx {
                ExprContext::Load => self.load(&n.id, range(n.range)),
                ExprContext::Store => self.bind(&n.id, range(n.range), false),
                _ => {}
            },
            Expr::Named(n) => {
                self.visit_expr(&n.value);
                if let Expr::Name(t) = n.target.as_ref() {
                    self.bind(&t.id, range(t.range), true);
                }
            }
            Expr::Lambda(l) => {
                self.visit_function_like(None, l.parameters.as_deref(), FnBody::Expr(&l.body), &[]);
            }
            Expr::ListComp(c) => self.visit_comprehension_like(&c.generators, &[&c.elt]),
            Expr::SetComp(c) => self.visit_comprehension_like(&c.generators, &[&c.elt]),
            Expr::Generator(c) => {
                // Lazy: only the first iterable is evaluated where the generator is written.
                if let Some(first) = c.generators.first() {
                    self.visit_expr(&first.iter);
                }
                self.conditional += 1;
                self.visit_comprehension_like(&c.generators, &[&c.elt]);
                self.conditional -= 1;
            }
            Expr::DictComp(c) => {
                let mut elts: Vec<&Expr> = vec![&c.value];
                if let Some(k) = &c.key {
                    elts.push(k);
                }
                self.visit_comprehension_like(&c.generators, &elts)
            }
            Expr::Call(c) => self.visit_call(c),
            Expr::If(e) => {
                self.visit_expr(&e.test);
                self.conditional += 1;
                self.visit_expr(&e.body);
                self.visit_expr(&e.orelse);
                self.conditional -= 1;
            }
            Expr::BoolOp(b) => {
                for (i, v) in b.values.iter().enumerate() {
                    self.conditional += (i > 0) as u32;
                    self.visit_expr(v);
                    self.conditional -= (i > 0) as u32;
                }
            }
            Expr::Subscript(s) => {
                if matches!(s.ctx, ExprContext::Store | ExprContext::Del)
                    && is_namespace_call(&s.value)
                {
                    self.dynamic("`globals()[…] = …`");
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Attribute(a) => {
                if a.attr.id.as_str() == "user_ns" {
                    self.dynamic("`user_ns`");
                }
                visitor::walk_expr(self, expr);
            }
            Expr::StringLiteral(s) => {
                let value = s.value.to_str();
                if self.wants_string(value) {
                    self.facts.strings.push(StrLit {
                        value: value.to_string(),
                        range: range(s.range),
                        docstring: false,
                        fstring: false,
                        call: ctx,
                    });
                }
            }
            Expr::FString(_) if self.needs.strings == StringNeeds::None => {
                visitor::walk_expr(self, expr);
            }
            Expr::FString(f) => {
                let mut head = String::new();
                'parts: for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => head.push_str(&l.value),
                        ast::FStringPart::FString(fs) => {
                            for el in fs.elements.iter() {
                                match el {
                                    ast::InterpolatedStringElement::Literal(l) => {
                                        head.push_str(&l.value)
                                    }
                                    ast::InterpolatedStringElement::Interpolation(_) => {
                                        break 'parts;
                                    }
                                }
                            }
                        }
                    }
                }
                if self.wants_string(&head) {
                    self.facts.strings.push(StrLit {
                        value: head,
                        range: range(f.range),
                        docstring: false,
                        fstring: true,
                        call: ctx,
                    });
                }
                visitor::walk_expr(self, expr);
            }
            Expr::IpyEscapeCommand(c) => {
                if self.ipython {
                    self.escape(c.kind, &c.value, range(c.range));
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
