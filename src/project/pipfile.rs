//! Pipenv's `Pipfile`: `[packages]`, `[dev-packages]`, `[requires] python_version`.

use super::environment::*;

impl EnvSet {
    pub(super) fn read_pipfile(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        let Some(value) = self.parse_toml(idx, text) else {
            return;
        };
        for key in ["packages", "dev-packages"] {
            if let Some(t) = value.get(key).and_then(|v| v.as_table()) {
                self.dev_context = (key == "dev-packages").then(|| key.to_string());
                self.read_toml_table(idx, t, false);
                self.dev_context = None;
            }
        }
        if let Some(v) = value
            .get("requires")
            .and_then(|r| {
                r.get("python_full_version")
                    .or_else(|| r.get("python_version"))
            })
            .and_then(|v| v.as_str())
            && let Some(spec) = python_prefix_spec(v)
        {
            self.files[idx].python = Some(PythonReq {
                file: idx,
                range: find_quoted(text, v, 0),
                text: v.to_string(),
                spec,
            });
        }
    }
}
