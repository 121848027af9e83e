//! `pyproject.toml`: `[project]` dependencies, extras and `requires-python`, PEP 735 groups,
//! Poetry dependencies and groups, uv dev dependencies.

use std::str::FromStr;

use pep508_rs::pep440_rs::VersionSpecifiers;

use super::environment::*;

impl EnvSet {
    pub(super) fn read_pyproject(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        let Some(value) = self.parse_toml(idx, text) else {
            return;
        };
        let project = value.get("project").and_then(|p| p.as_table());
        let mut search_from = 0;
        if let Some(project) = project {
            if let Some(rp) = project.get("requires-python").and_then(|v| v.as_str()) {
                let range = find_quoted(text, rp, 0);
                match VersionSpecifiers::from_str(rp) {
                    Ok(spec) => {
                        self.files[idx].python = Some(PythonReq {
                            file: idx,
                            range,
                            text: rp.to_string(),
                            spec,
                        })
                    }
                    Err(e) => self.problem(
                        idx,
                        range,
                        ProblemKind::InvalidRequirement,
                        format!(
                            "`requires-python = \"{rp}\"` is not a valid version specifier: {}",
                            first_line(&e.to_string())
                        ),
                        None,
                    ),
                }
            }
            if let Some(deps) = project.get("dependencies").and_then(|v| v.as_array()) {
                if let Some(p) = text.find("dependencies") {
                    search_from = p;
                }
                for d in deps.iter().filter_map(|d| d.as_str()) {
                    let range = find_quoted(text, d, search_from);
                    search_from = range.end();
                    self.read_requirement_line(idx, d, range, None);
                }
            }
        }
        if let Some(project) = project {
            if project
                .get("dynamic")
                .and_then(|d| d.as_array())
                .is_some_and(|d| d.iter().any(|v| v.as_str() == Some("dependencies")))
            {
                self.files[idx].opaque = true;
            }
            // Extras: `[project.optional-dependencies] test = ["pytest"]`.
            if let Some(extras) = project
                .get("optional-dependencies")
                .and_then(|v| v.as_table())
            {
                for (name, list) in extras.iter() {
                    let Some(list) = list.as_array() else {
                        continue;
                    };
                    // An extra named for development (`test`, `dev`) is a dev dependency.
                    self.dev_context = is_dev_name(name).then(|| name.clone());
                    self.read_toml_list(idx, list, &mut search_from);
                    self.dev_context = None;
                }
            }
        }
        let tool = value.get("tool");
        if tool.and_then(|t| t.get("uv")).is_some_and(|u| {
            u.get("index").is_some() || u.get("sources").is_some() || u.get("find-links").is_some()
        }) || tool
            .and_then(|t| t.get("poetry"))
            .is_some_and(|p| p.get("source").is_some())
        {
            self.files[idx].index_options = true;
        }
        // PEP 735 `[dependency-groups]` (`{include-group = …}` entries are skipped).
        if let Some(groups) = value.get("dependency-groups").and_then(|v| v.as_table()) {
            for (name, list) in groups.iter() {
                let Some(list) = list.as_array() else {
                    continue;
                };
                self.dev_context = Some(name.clone());
                self.read_toml_list(idx, list, &mut search_from);
            }
        }
        // uv's dev dependencies.
        if let Some(list) = value
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("dev-dependencies"))
            .and_then(|d| d.as_array())
        {
            self.dev_context = Some("dev-dependencies".into());
            self.read_toml_list(idx, list, &mut search_from);
        }
        self.dev_context = None;
        // Poetry: `[tool.poetry.dependencies]`, the old `dev-dependencies`, and groups.
        if let Some(poetry) = value.get("tool").and_then(|t| t.get("poetry")) {
            if let Some(t) = poetry.get("dependencies").and_then(|v| v.as_table()) {
                self.read_toml_table(idx, t, true);
            }
            let mut dev: Vec<(&str, &toml::Table)> = poetry
                .get("dev-dependencies")
                .and_then(|v| v.as_table())
                .map(|t| ("dev-dependencies", t))
                .into_iter()
                .collect();
            if let Some(groups) = poetry.get("group").and_then(|g| g.as_table()) {
                dev.extend(groups.iter().filter_map(|(name, g)| {
                    Some((
                        name.as_str(),
                        g.get("dependencies").and_then(|d| d.as_table())?,
                    ))
                }));
            }
            for (name, table) in dev {
                self.dev_context = Some(name.to_string());
                self.read_toml_table(idx, table, true);
            }
            self.dev_context = None;
        }
        // Poetry's `python = "^3.10"`.
        if self.files[idx].python.is_none()
            && let Some(py) = value
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.get("python"))
                .and_then(|p| p.as_str())
            && let Some(spec) = poetry_spec(py)
        {
            let range = find_quoted(text, py, 0);
            self.files[idx].python = Some(PythonReq {
                file: idx,
                range,
                text: py.to_string(),
                spec,
            });
        }
    }

    /// Requirement strings of a TOML array, each located at its quoted text.
    pub(super) fn read_toml_list(
        &mut self,
        idx: usize,
        list: &[toml::Value],
        search_from: &mut usize,
    ) {
        let text = self.text(idx);
        for d in list.iter().filter_map(|d| d.as_str()) {
            let range = find_quoted(&text.text, d, *search_from);
            if range.end() > 0 {
                *search_from = range.end();
            }
            self.read_requirement_line(idx, d, range, None);
        }
    }

    /// A TOML table of `name = "version"` / `name = { version = … }` (Poetry, Pipfile). The
    /// `python` key is the interpreter, not a package, when `skip_python`.
    pub(super) fn read_toml_table(&mut self, idx: usize, table: &toml::Table, skip_python: bool) {
        let src = self.text(idx);
        let text = src.text.as_str();
        for (name, value) in table {
            if skip_python && name == "python" {
                continue;
            }
            let version = match value {
                toml::Value::String(v) => Some(v.as_str()),
                toml::Value::Table(t) => t.get("version").and_then(|v| v.as_str()),
                _ => None,
            };
            let url = matches!(value, toml::Value::Table(t) if ["git", "path", "url", "file"].iter().any(|k| t.contains_key(*k)));
            let range = find_key(text, name);
            let spec = version.filter(|v| *v != "*").and_then(|v| {
                VersionSpecifiers::from_str(v)
                    .ok()
                    .or_else(|| poetry_spec(v))
            });
            self.push_dep(Dep {
                file: idx,
                range,
                raw_name: name.clone(),
                name: normalize(name),
                syntax: Syntax::Pip,
                spec_text: spec.as_ref().map(ToString::to_string).unwrap_or_default(),
                spec,
                url,
                dev: false,
                group: None,
            });
        }
    }
}
