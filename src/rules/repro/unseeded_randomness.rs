//! `REP001 unseeded-randomness`.

use super::calls::{Lib, Program, draws_from, is_strong};
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::python::ParsedFile;

crate::declare_rule! {
    /// ## What it does
    /// Reports a notebook or script that trains a model (it calls `fit`, `backward`,
    /// `train_on_batch` or builds a `Trainer`) and draws from a library's global random
    /// state — NumPy (`np.random.rand`, `permutation`, `shuffle` …), Python's
    /// `random.shuffle`, PyTorch (`torch.rand*`, `randperm`, `nn.init.*`,
    /// `DataLoader(shuffle=True)`, `random_split`) or TensorFlow/Keras (`tf.random.*`,
    /// `Dataset.shuffle`, layers whose weights are initialised at random) — when no seed is
    /// set for that library before the use. One finding per file and library, at the first
    /// draw that decides what the model learns (batch order, split, initial weights), else
    /// at the first draw, naming the seed call to add.
    ///
    /// A seed counts when it is the library's own (`np.random.seed`, `random.seed`,
    /// `torch.manual_seed`, `tf.random.set_seed`, `keras.utils.set_random_seed`) or any call
    /// whose name says it seeds (`seed_everything`, `transformers.set_seed`, accelerate's
    /// `set_seed`, a project's own `set_seed` helper). In a notebook the seed must come in an
    /// earlier cell or earlier in the same cell; in a script anywhere in the file (a seed in
    /// `main()` runs first). A call given its own `seed=`, `generator=`, `random_state=` or
    /// `rng=` is not a use, nor is drawing from a generator made with a seed
    /// (`np.random.default_rng(42)`).
    ///
    /// Not reported, because on real repositories these are demonstrations rather than
    /// results: code that trains nothing (a tutorial of tensor operations, an ONNX export
    /// with dummy inputs, a demo app); test files (`tests/`, `test_*.py`, `conftest.py`);
    /// draws inside the functions of a `.py` file without `if __name__ == "__main__":` (a
    /// library module: whoever calls its functions seeds); a plain random tensor made inside a function (a placeholder
    /// input far more often than data); Python's `random` other than `shuffle` (picking an
    /// example to show, a port, a retry jitter), in files that import no numerical or ML
    /// library, or inside `sleep(…)`. Hugging Face's `Trainer` seeds everything when it is
    /// made. A seed set in a module the script imports is not seen unless the call's name
    /// says so (`set_seed()`).
    ///
    /// ## Why is this bad?
    /// Every run draws different numbers: a different split, different initial weights,
    /// a different batch order. Results cannot be reproduced, and a change cannot be told
    /// apart from noise.
    ///
    /// ## Example
    /// ```python
    /// import numpy as np
    /// idx = np.random.permutation(len(df))   # REP001: NumPy is never seeded
    /// model.fit(df.iloc[idx[:800]], y[idx[:800]])
    /// ```
    ///
    /// ## How to fix
    /// Seed the library once, before the first draw (`np.random.seed(42)`), or draw from a
    /// seeded generator (`rng = np.random.default_rng(42); rng.permutation(n)`).
    pub static UNSEEDED_RANDOMNESS = {
        code: "REP001",
        name: "unseeded-randomness",
        domain: Repro,
        severity: Warning,
        default: true,
        fix: None,
        summary: "Randomness drawn from a library that is never seeded before",
    }
}

pub fn check(checker: &mut FileChecker<'_>, parsed: &ParsedFile, program: &Program<'_>) {
    let file = checker.file;
    if !program.notebook && super::is_test_file(&file.path) {
        return;
    }
    // A module whose draws all sit in functions, with no `__main__` block: a library whose
    // caller seeds.
    let library_module = !program.notebook && !program.main_guard;
    if !program.trains {
        // Code that trains nothing (a tutorial of tensor operations, an export script, a
        // demo app) draws numbers, not results.
        return;
    }
    // Per library, the first unseeded draw that decides what a model learns, else the first
    // unseeded draw.
    let mut first: Vec<(Lib, bool, &super::calls::Call<'_>)> = Vec::new();
    for call in &program.calls {
        let Some(lib) = draws_from(call, program.tensorflow) else {
            continue;
        };
        if library_module && call.info.in_function {
            continue;
        }
        if lib == Lib::Random && (!program.ml_imports || call.info.in_sleep) {
            continue;
        }
        if program.seeded_before(lib, call) {
            continue;
        }
        let strong = is_strong(call);
        if !strong && call.info.in_function {
            // A random tensor made inside a function is a placeholder input (dummy data
            // for an export, a benchmark, a demo of distributed mechanics) far more often
            // than the data or weights a result depends on.
            continue;
        }
        match first.iter_mut().find(|(l, _, _)| *l == lib) {
            Some(slot) if strong && !slot.1 => *slot = (lib, strong, call),
            Some(_) => {}
            None => first.push((lib, strong, call)),
        }
    }
    for (lib, _, call) in first {
        let raw = parsed.to_raw(file, call.unit, call.info.range);
        checker.push(
            Diagnostic::new(
                &UNSEEDED_RANDOMNESS,
                file,
                raw,
                format!(
                    "`{}` draws from the global random state of {}, and no seed is set before it",
                    call.info.callee,
                    lib.label()
                ),
            )
            .with_help(format!(
                "call {} before the first draw, or pass a seeded generator",
                lib.seed_call()
            )),
        );
    }
}
