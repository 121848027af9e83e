//! ENV012: deprecated or placeholder distributions (`sklearn`, `tensorflow-gpu` …).

use crate::diagnostic::Diagnostic;

use super::Context;
use super::env_files::Syntax;

crate::declare_rule! {
    /// ## What it does
    /// Reports distributions that are placeholders or deprecated on PyPI: `sklearn` (use
    /// `scikit-learn`), `pytorch` in a pip list (use `torch`), `tensorflow-gpu`, `PIL`,
    /// `bs4`, `opencv`, `skimage`, `dotenv`.
    ///
    /// ## Why is this bad?
    /// `pip install sklearn` has failed on purpose since 2023 and `pytorch` on PyPI only
    /// raises an error; the others install an abandoned or unrelated package.
    ///
    /// ## Example
    /// ```text
    /// sklearn
    /// ```
    ///
    /// ## How to fix
    /// Use the real distribution name (`scikit-learn`).
    pub static DEPRECATED_PACKAGE = {
        code: "ENV012",
        name: "deprecated-package",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "a deprecated or placeholder distribution such as `sklearn`",
    }
}

/// (name, replacement, why, pip only)
const DEPRECATED: &[(&str, &str, &str, bool)] = &[
    (
        "sklearn",
        "scikit-learn",
        "the `sklearn` package is a placeholder that fails to install",
        true,
    ),
    (
        "pytorch",
        "torch",
        "the `pytorch` package on PyPI only raises an error",
        true,
    ),
    (
        "tensorflow-gpu",
        "tensorflow",
        "`tensorflow-gpu` is no longer released (GPU support is in `tensorflow`)",
        true,
    ),
    (
        "pil",
        "pillow",
        "`PIL` is not installable; Pillow provides the `PIL` module",
        true,
    ),
    (
        "bs4",
        "beautifulsoup4",
        "`bs4` is a dummy package that only pulls in `beautifulsoup4`",
        true,
    ),
    (
        "opencv",
        "opencv-python",
        "`opencv` is not the OpenCV distribution on PyPI",
        true,
    ),
    (
        "skimage",
        "scikit-image",
        "`skimage` is a placeholder; scikit-image provides the module",
        true,
    ),
    (
        "dotenv",
        "python-dotenv",
        "`dotenv` is an unrelated, abandoned package",
        true,
    ),
];

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&DEPRECATED_PACKAGE) {
        return;
    }
    let mut out = Vec::new();
    for d in &cx.project.env.deps {
        let Some((_, repl, why, pip_only)) = DEPRECATED.iter().find(|(n, ..)| *n == d.name) else {
            continue;
        };
        if *pip_only && d.syntax == Syntax::Conda {
            continue;
        }
        let file = &cx.project.env.files[d.file].source;
        out.push(
            Diagnostic::new(
                &DEPRECATED_PACKAGE,
                file,
                d.range,
                format!("`{}`: {why}", d.raw_name),
            )
            .with_help(format!("use `{repl}` instead")),
        );
    }
    for d in out {
        cx.push(d);
    }
}
