//! Unit tests of the parse: facts, magics, needs.

use super::*;

fn facts(code: &str) -> Facts {
    let unit = parse_unit(code, Some(0), true);
    assert_eq!(unit.status, UnitStatus::Parsed, "{code}");
    unit.facts
}

fn names(refs: &[NameRef]) -> Vec<&str> {
    refs.iter().map(|r| r.name.as_str()).collect()
}

#[test]
fn module_reads_and_defs() {
    let f = facts(
        "import numpy as np\nfrom os import path\nx = np.zeros(3)\n[y for y in x if z]\nclass A:\n    b = 1\n    c = b + w\ndef f(a):\n    return a + q\n",
    );
    assert_eq!(names(&f.defs), ["np", "path", "x", "A", "f"]);
    assert_eq!(names(&f.reads), ["np", "x", "z", "w"]);
    assert_eq!(f.functions.len(), 1);
    assert_eq!(names(&f.functions[0].free_reads), ["q"]);
}

#[test]
fn guards_and_type_checking() {
    let f = facts(
        "try:\n    a\nexcept NameError:\n    a = 1\nif TYPE_CHECKING:\n    import t\nif 'm' not in globals():\n    m = load(m0)\n",
    );
    assert!(names(&f.reads).iter().all(|n| *n != "a" && *n != "m0"));
    assert!(f.unsure.iter().any(|n| n == "t"));
    assert_eq!(names(&f.defs), ["a", "m"]);
}

#[test]
fn magics_parse_and_star_import_is_dynamic() {
    let f = facts("%matplotlib inline\n!pip install x\nfiles = !ls\nprint(files)\n");
    assert_eq!(names(&f.defs), ["files"]);
    assert!(f.dynamic.is_none());
    assert!(facts("from pylab import *\n").dynamic.is_some());
    assert!(facts("%run other.ipynb\n").dynamic.is_some());
    assert!(facts("%store -r data\n").dynamic.is_some());
    assert!(facts("%store data\n").dynamic.is_none());
}

#[test]
fn cell_magics() {
    let unit = parse_unit("%%bash\nls -la\n", Some(0), true);
    assert!(matches!(unit.status, UnitStatus::Skipped { .. }));
    let unit = parse_unit("%%time\nx = 1\n", Some(0), true);
    assert_eq!(unit.status, UnitStatus::Parsed);
    assert_eq!(names(&unit.facts.defs), ["x"]);
    let unit = parse_unit("%%capture out\ny = 2\n", Some(0), true);
    assert_eq!(names(&unit.facts.defs), ["y", "out"]);
    let unit = parse_unit("%time z = fit()\n", Some(0), true);
    assert_eq!(names(&unit.facts.defs), ["z"]);
}

#[test]
fn syntax_errors_and_garbage_never_panic() {
    for code in [
        "def (:\n",
        "x = \"\\U0\"",
        "\u{0}\u{feff}",
        "%%",
        "%",
        "!",
        "?",
        "a = (",
        "   \n\t  x",
    ] {
        let _ = parse_unit(code, Some(0), true);
        let _ = parse_unit(code, None, false);
    }
    let unit = parse_unit("x = (\n", None, false);
    assert!(matches!(unit.status, UnitStatus::SyntaxError { .. }));
}

#[test]
fn strings_with_call_context() {
    let f = facts(
        "df = pd.read_csv('/home/bob/x.csv')\ntext = Path('a.txt').read_text()\nwith open('o.txt', 'w') as fh: pass\n'''doc /home/x'''\n",
    );
    let s = &f.strings;
    assert_eq!(s[0].value, "/home/bob/x.csv");
    assert_eq!(s[0].call.as_ref().unwrap().callee, "pd.read_csv");
    assert_eq!(
        s[1].call.as_ref().unwrap().then_method.as_deref(),
        Some("read_text")
    );
    let open = s.iter().find(|s| s.value == "o.txt").unwrap();
    assert_eq!(open.call.as_ref().unwrap().mode.as_deref(), Some("w"));
    assert!(s.last().unwrap().docstring);
}

#[test]
fn path_like_needs_keep_the_same_path_literals() {
    let code = "a = 'x'\nb = open('/home/u/f', 'w')\n'''doc /x'''\nc = f'{a}/b'\nd = f'C:\\\\{a}'\ne = g(k='/p', m=1)\nt = Path('/q').read_text()\n";
    let needs = Needs {
        names: false,
        strings: StringNeeds::PathLike,
        status: false,
        imports: false,
        calls: false,
    };
    let all = parse_unit(code, Some(0), true).facts.strings;
    let some = parse_unit_with(code, Some(0), true, needs).facts.strings;
    let pick = |v: &[StrLit]| -> Vec<(String, TextRange, Option<CallSite>)> {
        v.iter()
            .filter(|s| !s.docstring && s.value.contains(['/', '\\']))
            .map(|s| (s.value.clone(), s.range, s.call.clone()))
            .collect()
    };
    assert_eq!(pick(&some), pick(&all));
    assert_eq!(some.len(), 4, "{some:?}");
    assert!(some.iter().any(|s| {
        s.call
            .as_ref()
            .is_some_and(|c| c.then_method.as_deref() == Some("read_text"))
    }));
    assert!(!needs.must_parse("x = 1\nprint(x)"));
    assert!(needs.must_parse("x = '\\x2f'"));
}

#[test]
fn imports() {
    let f = facts(
        "import os.path, numpy as np\nfrom sklearn.model_selection import x\nfrom . import y\nfrom __future__ import annotations\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\nm = importlib.import_module('torch')\n",
    );
    let mods: Vec<(&str, bool, bool, bool)> = f
        .imports
        .iter()
        .map(|i| (i.module.as_str(), i.optional, i.dynamic, i.relative))
        .collect();
    assert_eq!(
        mods,
        [
            ("os.path", false, false, false),
            ("numpy", false, false, false),
            ("sklearn.model_selection", false, false, false),
            ("", false, false, true),
            ("ujson", true, false, false),
            ("torch", false, true, false),
        ]
    );
}
