//! "Did you mean" hints for misspelt keys and names.

/// The closest candidate to a misspelt key (edit distance ≤ 2, or equal once `-`/case are
/// folded), for "did you mean" hints.
pub fn did_you_mean<'c>(key: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let fold = |s: &str| s.to_ascii_lowercase().replace(['-', ' '], "_");
    let k = fold(key);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let fc = fold(c);
        let d = if fc == k || fc.trim_end_matches('s') == k.trim_end_matches('s') {
            0
        } else {
            levenshtein(&k, &fc)
        };
        let limit = if c.len() <= 4 { 1 } else { 2 };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    // Optimal string alignment distance: a swap of two neighbours counts as one edit.
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
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
    }
}
