//! A `Dockerfile`: `RUN pip install …` lines and the Python of `FROM python:3.X`.

use super::environment::*;
use crate::source::TextRange;

impl EnvSet {
    pub(super) fn read_dockerfile(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        // Logical lines: `\` continues an instruction on the next line.
        let mut offset = 0;
        let mut start: Option<usize> = None;
        let mut logical = String::new();
        let mut lines: Vec<(usize, String)> = Vec::new();
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            if content.trim_start().starts_with('#') {
                continue;
            }
            start.get_or_insert(line_start);
            match content.strip_suffix('\\') {
                Some(head) => {
                    logical.push_str(head);
                    logical.push(' ');
                }
                None => {
                    logical.push_str(content);
                    lines.push((
                        start.take().unwrap_or(line_start),
                        std::mem::take(&mut logical),
                    ));
                }
            }
        }
        for (at, line) in lines {
            let t = line.trim_start();
            let lead = line.len() - t.len();
            let upper = t.get(..5).map(str::to_ascii_uppercase).unwrap_or_default();
            if upper.starts_with("FROM ") && self.files[idx].python.is_none() {
                // `FROM python:3.10-slim AS base`: the image's Python.
                let image = t[5..]
                    .split_whitespace()
                    .find(|w| !w.starts_with("--"))
                    .unwrap_or("");
                let name = image.rsplit('/').next().unwrap_or(image);
                if let Some(tag) = name.strip_prefix("python:") {
                    let version: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .collect();
                    if let Some(spec) = python_prefix_spec(version.trim_end_matches('.')) {
                        let s = at + lead + t.find(tag).unwrap_or(0);
                        self.files[idx].python = Some(PythonReq {
                            file: idx,
                            range: TextRange::new(s, s + version.len()),
                            text: version.clone(),
                            spec,
                        });
                    }
                }
                continue;
            }
            if !upper.starts_with("RUN ") {
                continue;
            }
            // Each `pip install` command of the RUN line (`&&`-chained commands too).
            for cmd in t[4..].split("&&").flat_map(|c| c.split(';')) {
                // A template (`{{ cookiecutter.x }}`) is filled in when it is rendered.
                if cmd.contains("{{") || cmd.contains("{%") {
                    continue;
                }
                let words: Vec<&str> = cmd.split_whitespace().collect();
                let Some(pos) = words.windows(2).position(|w| {
                    (w[0] == "pip" || w[0] == "pip3" || w[0].ends_with("/pip")) && w[1] == "install"
                }) else {
                    continue;
                };
                let mut it = words[pos + 2..].iter();
                while let Some(w) = it.next() {
                    if matches!(*w, "-r" | "--requirement" | "-c" | "--constraint") {
                        it.next();
                        continue;
                    }
                    if matches!(
                        *w,
                        "-i" | "--index-url" | "--extra-index-url" | "-f" | "--find-links"
                    ) {
                        self.files[idx].index_options = true;
                        it.next();
                        continue;
                    }
                    // Options, variables, paths, wheels, URLs and template placeholders name
                    // no package here.
                    if w.starts_with(['-', '$', '.', '/'])
                        || w.contains(['{', '}'])
                        || w.contains("://")
                        || w.ends_with(".whl")
                        || w.ends_with(".tar.gz")
                    {
                        continue;
                    }
                    let req = w.trim_matches(|c| c == '"' || c == '\'');
                    let Some(p) = text[at..].find(req) else {
                        continue;
                    };
                    let range = TextRange::new(at + p, at + p + req.len());
                    self.read_requirement_line(idx, req, range, None);
                }
            }
        }
    }
}
