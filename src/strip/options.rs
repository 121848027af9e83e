//! The strip options, listed once.
//!
//! [`OPTIONS`] has one row per field of [`Options`]: its kebab name (the config key in
//! `[strip]` and the command-line flag), its `--help` line and how it takes a value. That one
//! table drives the four places an option appears: the config table (the [`Deserialize`] impl
//! of [`Options`] below), the flags of `fix` and `install` (`crate::cli::StripArgs`), merging
//! the flags over the config (`crate::config::strip_options`) and the flags `install` carries
//! into the git filter command. Adding an option is the [`Options`] field plus one row here.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::{Options, parse_size};

/// One strip option: see the module docs.
pub struct StripOption {
    /// Kebab case: the `[strip]` key and the flag (`--keep-count`).
    pub name: &'static str,
    /// The flag's `--help` line.
    pub help: &'static str,
    /// How it is written and where it is stored.
    pub value: Value,
}

/// How an option takes its value on the command line and in the config, and its field.
#[derive(Clone, Copy)]
pub enum Value {
    /// `--name`; config `name = true`. A flag can only turn the option on.
    Flag(fn(&mut Options) -> &mut bool),
    /// `--name "a b"`: one value of space-separated words (`hyphens`: the value may start
    /// with `-`); config a string of words or an array. Flags add to the configured words.
    Words {
        field: fn(&mut Options) -> &mut Vec<String>,
        value_name: &'static str,
        hyphens: bool,
    },
    /// `--name a --name b` or `--name a,b`; config a string of words or an array. Flags add
    /// to the configured list.
    List {
        field: fn(&mut Options) -> &mut Vec<String>,
        value_name: &'static str,
    },
    /// `--name 1K` (nbstripout's sizes: [`parse_size`]); config an integer or a size string.
    /// The flag replaces the configured size.
    Size {
        field: fn(&mut Options) -> &mut i64,
        value_name: &'static str,
    },
}

/// Every strip option, in the order of `--help` and of the config error's "expected one of".
pub const OPTIONS: &[StripOption] = &[
    StripOption {
        name: "keep-output",
        help: "Keep outputs",
        value: Value::Flag(|o| &mut o.keep_output),
    },
    StripOption {
        name: "keep-count",
        help: "Keep execution counts",
        value: Value::Flag(|o| &mut o.keep_count),
    },
    StripOption {
        name: "keep-id",
        help: "Keep cell ids (default: renumber them \"0\", \"1\", …)",
        value: Value::Flag(|o| &mut o.keep_id),
    },
    StripOption {
        name: "extra-keys",
        help: "More metadata keys to strip, space-separated dotted paths (`metadata.x cell.metadata.y`)",
        value: Value::Words {
            field: |o| &mut o.extra_keys,
            value_name: "KEYS",
            hyphens: true,
        },
    },
    StripOption {
        name: "keep-metadata-keys",
        help: "Metadata keys to keep although they are on the strip list",
        value: Value::Words {
            field: |o| &mut o.keep_metadata_keys,
            value_name: "KEYS",
            hyphens: true,
        },
    },
    StripOption {
        name: "drop-empty-cells",
        help: "Remove cells whose source is empty or whitespace",
        value: Value::Flag(|o| &mut o.drop_empty_cells),
    },
    StripOption {
        name: "drop-tagged-cells",
        help: "Remove cells with any of these (space-separated) tags",
        value: Value::Words {
            field: |o| &mut o.drop_tagged_cells,
            value_name: "TAGS",
            hyphens: false,
        },
    },
    StripOption {
        name: "strip-init-cells",
        help: "Strip the outputs of `init_cell` cells too",
        value: Value::Flag(|o| &mut o.strip_init_cells),
    },
    StripOption {
        name: "max-size",
        help: "Keep outputs up to this size (`1K`, `2M`, `1G` suffixes)",
        value: Value::Size {
            field: |o| &mut o.max_size,
            value_name: "SIZE",
        },
    },
    StripOption {
        name: "keep-output-type",
        help: "Keep outputs of these types (`stream:stderr`, `error`, `display_data`…); repeat the \
               flag or separate with commas (one value per flag, so a path after it stays a path)",
        value: Value::List {
            field: |o| &mut o.keep_output_type,
            value_name: "TYPE",
        },
    },
    StripOption {
        name: "drop-output-type",
        help: "Drop outputs of these types even when outputs are kept (repeat or use commas)",
        value: Value::List {
            field: |o| &mut o.drop_output_type,
            value_name: "TYPE",
        },
    },
];

/// The names of [`OPTIONS`], for serde's "expected one of".
pub static NAMES: [&str; OPTIONS.len()] = names();

const fn names() -> [&'static str; OPTIONS.len()] {
    let mut out = [""; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        out[i] = OPTIONS[i].name;
        i += 1;
    }
    out
}

/// The option named `name` (kebab case, without `--`).
pub fn find(name: &str) -> Option<&'static StripOption> {
    OPTIONS.iter().find(|o| o.name == name)
}

/// The `[strip]` table: keys from [`OPTIONS`], unknown keys and bad values are errors (the
/// config loader adds the file and line).
impl<'de> Deserialize<'de> for Options {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct("Options", &NAMES, OptionsVisitor)
    }
}

struct OptionsVisitor;

impl<'de> Visitor<'de> for OptionsVisitor {
    type Value = Options;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Options")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Options, A::Error> {
        let mut out = Options::default();
        let mut seen = [false; OPTIONS.len()];
        while let Some(Key(index)) = map.next_key()? {
            if std::mem::replace(&mut seen[index], true) {
                return Err(de::Error::duplicate_field(NAMES[index]));
            }
            match OPTIONS[index].value {
                Value::Flag(field) => *field(&mut out) = map.next_value()?,
                Value::Words { field, .. } | Value::List { field, .. } => {
                    *field(&mut out) = map.next_value::<WordList>()?.0;
                }
                Value::Size { field, .. } => *field(&mut out) = map.next_value::<SizeValue>()?.0,
            }
        }
        Ok(out)
    }
}

/// A `[strip]` key: the index of its row, or serde's "unknown field" error.
struct Key(usize);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                NAMES
                    .iter()
                    .position(|n| *n == v)
                    .map(Key)
                    .ok_or_else(|| E::unknown_field(v, &NAMES))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// A list in the config: a string of space-separated words or an array of strings.
struct WordList(Vec<String>);

impl<'de> Deserialize<'de> for WordList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        // Named as serde's error message shows it: "… untagged enum Words".
        enum Words {
            One(String),
            Many(Vec<String>),
        }
        Ok(WordList(match Words::deserialize(d)? {
            Words::One(s) => s.split_whitespace().map(str::to_string).collect(),
            Words::Many(v) => v,
        }))
    }
}

/// A size in the config: an integer or a string [`parse_size`] reads.
struct SizeValue(i64);

impl<'de> Deserialize<'de> for SizeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        // Named as serde's error message shows it: "… untagged enum Size".
        enum Size {
            Int(i64),
            Text(String),
        }
        match Size::deserialize(d)? {
            Size::Int(n) => Ok(SizeValue(n)),
            Size::Text(s) => parse_size(&s).map(SizeValue).map_err(de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding a field to [`Options`] without its row fails here: every field `Debug` prints
    /// has a row of the same (kebab) name, and every row a field.
    #[test]
    fn every_field_has_one_row() {
        let debug = format!("{:?}", Options::default());
        let inner = debug
            .strip_prefix("Options { ")
            .and_then(|d| d.strip_suffix(" }"))
            .unwrap();
        let fields: Vec<String> = inner
            .split(", ")
            .map(|f| f.split(':').next().unwrap().replace('_', "-"))
            .collect();
        assert_eq!(fields, NAMES, "Options fields vs OPTIONS rows");
        for (i, name) in NAMES.iter().enumerate() {
            assert!(!NAMES[..i].contains(name), "{name} twice");
            assert!(find(name).is_some());
        }
    }

    #[test]
    fn unknown_keys_name_the_expected_ones() {
        let err = toml::from_str::<Options>("bogus = 1")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown field `bogus`, expected one of `keep-output`, `keep-count`"),
            "{err}"
        );
    }
}
