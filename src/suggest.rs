//! "Did you mean": the closest known name to a misspelt one, for config keys, MLproject
//! and DVC keys, parameter types and entry points.

/// The closest candidate to a misspelt key (optimal-string-alignment distance ≤ 2, ≤ 1 for
/// candidates of four letters or fewer, or equal once `-`, spaces, case and a plural `s`
/// are folded).
pub fn did_you_mean<'c>(key: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let fold = |s: &str| s.to_ascii_lowercase().replace(['-', ' '], "_");
    let k = fold(key);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let fc = fold(c);
        let d = if fc == k || fc.trim_end_matches('s') == k.trim_end_matches('s') {
            0
        } else {
            strsim::osa_distance(&k, &fc)
        };
        let limit = if c.len() <= 4 { 1 } else { 2 };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos() {
        let keys = [
            "name",
            "conda_env",
            "python_env",
            "docker_env",
            "entry_points",
        ];
        assert_eq!(did_you_mean("entry_point", &keys), Some("entry_points"));
        assert_eq!(did_you_mean("conda-env", &keys), Some("conda_env"));
        assert_eq!(
            did_you_mean("defualt", &["type", "default"]),
            Some("default")
        );
        assert_eq!(did_you_mean("kubernetes", &keys), None);
        assert_eq!(did_you_mean("mian", &["main"]), Some("main"));
        // A swap of two neighbours is one edit, not two.
        assert_eq!(did_you_mean("stgaes", &["stages"]), Some("stages"));
    }
}
