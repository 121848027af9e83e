//! The calls of one file in run order, with callees resolved through the file's imports,
//! and where each random library gets seeded: what `REP001` and `REP002` read.

use std::collections::HashMap;

use crate::source::python::{ParsedFile, Unit, UnitStatus};
use crate::source::python_calls::CallInfo;
use crate::source::{SourceFile, SourceKind};

/// A library with a global random state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lib {
    Numpy,
    Random,
    Torch,
    TensorFlow,
}

impl Lib {
    pub const ALL: [Lib; 4] = [Lib::Numpy, Lib::Random, Lib::Torch, Lib::TensorFlow];

    pub fn label(self) -> &'static str {
        match self {
            Lib::Numpy => "NumPy",
            Lib::Random => "Python's `random`",
            Lib::Torch => "PyTorch",
            Lib::TensorFlow => "TensorFlow",
        }
    }

    /// The seed call to add.
    pub fn seed_call(self) -> &'static str {
        match self {
            Lib::Numpy => "np.random.seed(…)",
            Lib::Random => "random.seed(…)",
            Lib::Torch => "torch.manual_seed(…)",
            Lib::TensorFlow => "tf.random.set_seed(…) (or keras.utils.set_random_seed(…))",
        }
    }
}

/// One call with its resolved callee (`numpy.random.rand` for `np.random.rand`).
pub struct Call<'a> {
    pub unit: &'a Unit,
    /// Position of the unit in run order.
    pub order: usize,
    pub info: &'a CallInfo,
    pub resolved: String,
}

/// Every call of a file in run order.
pub struct Program<'a> {
    pub calls: Vec<Call<'a>>,
    pub notebook: bool,
    /// Some unit has `if __name__ == "__main__":`.
    pub main_guard: bool,
    /// The file imports a numerical or ML library (numpy, torch, sklearn …).
    pub ml_imports: bool,
    pub tensorflow: bool,
    /// The file trains a model (`fit`, `backward`, `train_on_batch`, a `*Trainer` …).
    pub trains: bool,
    /// Where each library is seeded (the run order and offset of the seed calls).
    seeds: HashMap<Lib, Vec<(usize, usize)>>,
}

const ML_ROOTS: &[&str] = &[
    "numpy",
    "torch",
    "tensorflow",
    "keras",
    "sklearn",
    "jax",
    "pandas",
    "transformers",
    "lightning",
    "pytorch_lightning",
    "xgboost",
    "lightgbm",
    "datasets",
    "scipy",
];

impl<'a> Program<'a> {
    pub fn new(file: &SourceFile, parsed: &'a ParsedFile) -> Self {
        let mut aliases: HashMap<&str, &str> = HashMap::new();
        let mut main_guard = false;
        let units: Vec<&Unit> = parsed
            .units
            .iter()
            .filter(|u| u.status == UnitStatus::Parsed)
            .collect();
        for u in &units {
            let f = &u.facts.calls_info;
            main_guard |= f.main_guard;
            for a in &f.aliases {
                aliases.insert(a.local.as_str(), a.target.as_str());
            }
        }
        let root_of = |t: &str| t.split('.').next().unwrap_or(t).to_string();
        let ml_imports = aliases
            .values()
            .any(|t| ML_ROOTS.contains(&root_of(t).as_str()));
        let tensorflow = aliases
            .values()
            .any(|t| matches!(root_of(t).as_str(), "tensorflow" | "keras"));
        let mut calls = Vec::new();
        for (order, u) in units.iter().enumerate() {
            for info in &u.facts.calls_info.calls {
                calls.push(Call {
                    unit: u,
                    order,
                    info,
                    resolved: resolve(&info.callee, &aliases),
                });
            }
        }
        let trains = calls.iter().any(|c| is_training(&c.resolved));
        let mut seeds: HashMap<Lib, Vec<(usize, usize)>> = HashMap::new();
        for c in &calls {
            for lib in seeded_libs(&c.resolved) {
                seeds
                    .entry(lib)
                    .or_default()
                    .push((c.order, c.info.range.start()));
            }
        }
        Program {
            calls,
            notebook: file.kind == SourceKind::Notebook,
            main_guard,
            ml_imports,
            tensorflow,
            trains,
            seeds,
        }
    }

    /// Whether `lib` is seeded before `call`: in a notebook, by an earlier cell or earlier in
    /// the same cell; in a script, or inside a function (which runs when called, not where
    /// it is defined), anywhere (a seed in `main()` runs before the functions it calls,
    /// whatever their order in the file).
    pub fn seeded_before(&self, lib: Lib, call: &Call<'_>) -> bool {
        let Some(seeds) = self.seeds.get(&lib) else {
            return false;
        };
        if !self.notebook || call.info.in_function {
            return true;
        }
        seeds
            .iter()
            .any(|&(order, at)| (order, at) < (call.order, call.info.range.start()))
    }
}

/// A call that trains a model: `model.fit(…)`, `loss.backward()`, `train_on_batch`,
/// `trainer.train()`, or building a `Trainer` (transformers, lightning, trl …).
fn is_training(resolved: &str) -> bool {
    let (base, last) = resolved.rsplit_once('.').unwrap_or(("", resolved));
    matches!(
        last,
        "fit" | "fit_generator" | "train_on_batch" | "backward"
    ) || last.ends_with("Trainer")
        || (last == "train" && base.to_ascii_lowercase().contains("trainer"))
}

/// `np.random.rand` → `numpy.random.rand` through the file's imports (the first name only).
fn resolve(callee: &str, aliases: &HashMap<&str, &str>) -> String {
    let (head, rest) = match callee.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (callee, None),
    };
    match (aliases.get(head), rest) {
        (Some(t), Some(r)) => format!("{t}.{r}"),
        (Some(t), None) => (*t).to_string(),
        (None, _) => callee.to_string(),
    }
}

fn keras_root(resolved: &str) -> Option<&str> {
    resolved
        .strip_prefix("tensorflow.keras.")
        .or_else(|| resolved.strip_prefix("tf_keras."))
        .or_else(|| resolved.strip_prefix("keras."))
}

/// The libraries a call seeds: the library's own seed function, or any other function whose
/// name says it sets seeds (`seed_everything`, `transformers.set_seed`, a project's own
/// `set_seed` helper), which is taken to seed them all.
pub fn seeded_libs(resolved: &str) -> Vec<Lib> {
    match resolved {
        "numpy.random.seed" => return vec![Lib::Numpy],
        "random.seed" => return vec![Lib::Random],
        "torch.manual_seed"
        | "torch.random.manual_seed"
        | "torch.cuda.manual_seed"
        | "torch.cuda.manual_seed_all" => return vec![Lib::Torch],
        "tensorflow.random.set_seed"
        | "tensorflow.set_random_seed"
        | "tensorflow.compat.v1.set_random_seed"
        | "tensorflow.compat.v1.random.set_random_seed" => return vec![Lib::TensorFlow],
        _ => {}
    }
    if keras_root(resolved) == Some("utils.set_random_seed") {
        return vec![Lib::Random, Lib::Numpy, Lib::TensorFlow];
    }
    // Hugging Face's `Trainer` (and trl's trainers built on it) call `set_seed(args.seed)`
    // when they are made.
    let last = resolved.rsplit('.').next().unwrap_or(resolved);
    if (resolved.starts_with("transformers.") || resolved.starts_with("trl."))
        && last.ends_with("Trainer")
    {
        return Lib::ALL.to_vec();
    }
    let root = resolved.split('.').next().unwrap_or(resolved);
    if matches!(root, "numpy" | "random" | "torch" | "tensorflow" | "keras") {
        return Vec::new();
    }
    let last = resolved.rsplit('.').next().unwrap_or(resolved);
    if last.to_ascii_lowercase().contains("seed") {
        return Lib::ALL.to_vec();
    }
    Vec::new()
}

/// NumPy's `numpy.random` functions that do not draw from the global state.
const NUMPY_NOT_DRAWS: &[&str] = &[
    "seed",
    "get_state",
    "set_state",
    "Generator",
    "SeedSequence",
    "BitGenerator",
    "PCG64",
    "PCG64DXSM",
    "MT19937",
    "Philox",
    "SFC64",
    "get_bit_generator",
    "set_bit_generator",
];

/// Python's `random`: only reordering data counts (picking an example to show, a port or
/// a jitter with `random.choice` / `randint` / `random()` is not an ML result).
const RANDOM_DRAWS: &[&str] = &["shuffle"];

const TORCH_DRAWS: &[&str] = &[
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
];

const TORCH_INITS: &[&str] = &[
    "uniform_",
    "normal_",
    "trunc_normal_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "sparse_",
];

const TF_DRAWS: &[&str] = &[
    "uniform",
    "normal",
    "truncated_normal",
    "shuffle",
    "categorical",
    "gamma",
    "poisson",
    "random_uniform",
    "random_normal",
    "random_shuffle",
    "multinomial",
];

/// Keras layers whose weights are initialised at random.
const KERAS_LAYERS: &[&str] = &[
    "Dense",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv2D",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "Embedding",
    "Dropout",
];

/// Keyword arguments that make a call use an explicit seed or generator.
const EXPLICIT: &[&str] = &["seed", "random_state", "generator", "rng"];

/// Draws that decide what a model learns (batch order, splits, initial weights), as
/// opposed to a random tensor made to show an operation.
pub fn is_strong(call: &Call<'_>) -> bool {
    let r = call.resolved.as_str();
    let last = r.rsplit('.').next().unwrap_or(r);
    r.starts_with("torch.nn.init.")
        || matches!(
            last,
            "DataLoader" | "random_split" | "shuffle" | "permutation"
        )
        || keras_root(r).is_some()
}

/// Which library's global random state a call draws from, if any.
pub fn draws_from(call: &Call<'_>, tensorflow_file: bool) -> Option<Lib> {
    let info = call.info;
    if EXPLICIT.iter().any(|k| info.has_keyword(k)) {
        return None;
    }
    let r = call.resolved.as_str();
    if let Some(f) = r.strip_prefix("numpy.random.") {
        if f.contains('.') {
            return None;
        }
        if matches!(f, "default_rng" | "RandomState") {
            // A generator without a seed draws its state from the OS.
            return (info.positional == 0 && !info.star_kwargs).then_some(Lib::Numpy);
        }
        return (!NUMPY_NOT_DRAWS.contains(&f)).then_some(Lib::Numpy);
    }
    if let Some(f) = r.strip_prefix("random.") {
        return RANDOM_DRAWS.contains(&f).then_some(Lib::Random);
    }
    if let Some(f) = r.strip_prefix("torch.") {
        if TORCH_DRAWS.contains(&f) {
            return Some(Lib::Torch);
        }
        if let Some(init) = f.strip_prefix("nn.init.") {
            return TORCH_INITS.contains(&init).then_some(Lib::Torch);
        }
        let last = f.rsplit('.').next().unwrap_or(f);
        if f.starts_with("utils.data.") && last == "DataLoader" {
            let shuffled = info
                .keyword("shuffle")
                .is_some_and(|(_, v)| v.as_deref() == Some("True"));
            return (shuffled && !info.has_keyword("sampler")).then_some(Lib::Torch);
        }
        if f.starts_with("utils.data.") && last == "random_split" {
            return (info.positional < 3).then_some(Lib::Torch);
        }
        return None;
    }
    if let Some(f) = r.strip_prefix("tensorflow.random.") {
        return TF_DRAWS.contains(&f).then_some(Lib::TensorFlow);
    }
    if let Some(rest) = keras_root(r) {
        let (module, name) = rest.rsplit_once('.').unwrap_or(("", rest));
        let frozen = info
            .keyword("trainable")
            .is_some_and(|(_, v)| v.as_deref() == Some("False"));
        if module == "layers" && KERAS_LAYERS.contains(&name) && !frozen {
            return Some(Lib::TensorFlow);
        }
        return None;
    }
    // `dataset.shuffle(buffer)` in a file that uses TensorFlow: `tf.data.Dataset.shuffle`.
    if tensorflow_file
        && r.ends_with(".shuffle")
        && !matches!(
            r.split('.').next(),
            Some("numpy" | "random" | "torch" | "sklearn" | "pandas")
        )
        && info.positional >= 1
    {
        return Some(Lib::TensorFlow);
    }
    None
}
