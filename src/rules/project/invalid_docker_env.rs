//! PRJ007: `docker_env` shape (`image` required, `volumes` strings, `environment` pairs).

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;

crate::declare_rule! {
    /// ## What it does
    /// Checks `docker_env`: `image` must be a valid image reference (`[registry/]name[:tag]`,
    /// a lower-case name, no spaces), `volumes` a list of strings, and
    /// `environment` a list whose items are a variable name (copied from the host) or a
    /// `[NAME, value]` pair.
    ///
    /// ## Why is this bad?
    /// MLflow rejects these when the project loads (`Docker environment specified but no
    /// image attribute found`, `Docker volumes must be a list of strings`, …).
    ///
    /// ## Example
    /// ```yaml
    /// docker_env:
    ///   volumes: /data:/data
    ///   environment: {HOME: /root}
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// docker_env:
    ///   image: my-image:1.0
    ///   volumes: ["/data:/data"]
    ///   environment: [["HOME", "/root"], "AWS_PROFILE"]
    /// ```
    pub static INVALID_DOCKER_ENV = {
        code: "PRJ007",
        name: "invalid-docker-env",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "`docker_env` without `image`, or with malformed `volumes`/`environment`",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let Some((key, docker)) = root.entry("docker_env") else {
        return;
    };
    if docker.is_null() {
        return; // skipped by MLflow (PRJ006 covers it next to another env key)
    }
    let mut out = Vec::new();
    let Some(_) = docker.as_map() else {
        out.push(
            Diagnostic::new(
                &INVALID_DOCKER_ENV,
                &file,
                docker.range,
                format!(
                    "`docker_env` must be a mapping with `image`, found {}",
                    docker.kind_name()
                ),
            )
            .with_help("write `docker_env:` with `image: <name:tag>` under it"),
        );
        for d in out {
            cx.push(d);
        }
        return;
    };
    match docker.get("image") {
        None => out.push(
            Diagnostic::new(
                &INVALID_DOCKER_ENV,
                &file,
                key.range,
                "`docker_env` has no `image`: MLflow rejects the project",
            )
            .with_help("add `image: <name:tag>` under `docker_env`"),
        ),
        Some(img) if img.as_str().is_none_or(str::is_empty) => out.push(
            Diagnostic::new(
                &INVALID_DOCKER_ENV,
                &file,
                img.range,
                format!(
                    "`image` must be a non-empty string, found {}",
                    img.kind_name()
                ),
            )
            .with_help("write the image as `name:tag`"),
        ),
        Some(img) => {
            if let Some(problem) = img.as_str().and_then(image_reference_problem) {
                out.push(
                    Diagnostic::new(
                        &INVALID_DOCKER_ENV,
                        &file,
                        img.range,
                        format!("`image` is not a valid image reference: {problem}"),
                    )
                    .with_help("write the image as `[registry/]name[:tag]` with a lowercase name and no spaces"),
                );
            }
        }
    }
    if let Some(vols) = docker.get("volumes") {
        match vols.as_seq() {
            None => out.push(
                Diagnostic::new(
                    &INVALID_DOCKER_ENV,
                    &file,
                    vols.range,
                    format!(
                        "`volumes` must be a list of strings, found {}",
                        vols.kind_name()
                    ),
                )
                .with_help("write `volumes: [\"/host/path:/container/path\"]`"),
            ),
            Some(items) => {
                for v in items.iter().filter(|v| v.as_str().is_none()) {
                    out.push(
                        Diagnostic::new(
                            &INVALID_DOCKER_ENV,
                            &file,
                            v.range,
                            format!("each volume must be a string, found {}", v.kind_name()),
                        )
                        .with_help("write the volume as `\"/host/path:/container/path\"`"),
                    );
                }
            }
        }
    }
    if let Some(env) = docker.get("environment") {
        match env.as_seq() {
            None => out.push(
                Diagnostic::new(
                    &INVALID_DOCKER_ENV,
                    &file,
                    env.range,
                    format!("`environment` must be a list, found {}", env.kind_name()),
                )
                .with_help("write `environment: [[\"NAME\", \"value\"], \"HOST_VAR\"]`"),
            ),
            Some(items) => {
                for it in items {
                    let ok = it.as_str().is_some()
                        || it.as_seq().is_some_and(|p| {
                            p.len() == 2
                                && p.iter().all(|x| x.as_scalar().is_some() && !x.is_null())
                        });
                    if !ok {
                        out.push(Diagnostic::new(&INVALID_DOCKER_ENV, &file, it.range, format!("each `environment` item must be a variable name or a `[NAME, value]` pair, found {}", it.kind_name()))
                            .with_help("write `\"NAME\"` to copy it from the host or `[\"NAME\", \"value\"]` to set it"));
                    }
                }
            }
        }
    }
    for d in out {
        cx.push(d);
    }
}

/// Why `image` is not a Docker image reference (`[registry[:port]/]path[:tag][@digest]`),
/// or `None` when it is one (or is a template Docker cannot judge).
fn image_reference_problem(image: &str) -> Option<String> {
    if image.contains("{{") || image.contains('$') {
        return None;
    }
    if image.trim() != image || image.contains(char::is_whitespace) {
        return Some("it contains a space".into());
    }
    let name = image.split('@').next().unwrap_or(image);
    // The tag is after the last `:` that follows the last `/`.
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    let path = match name[slash..].rfind(':') {
        Some(i) => &name[..slash + i],
        None => name,
    };
    // A registry host (`localhost:5000`, `ghcr.io`) may use upper case; the path may not.
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        parts.remove(0);
    }
    if parts
        .iter()
        .any(|p| p.chars().any(|c| c.is_ascii_uppercase()))
    {
        return Some(format!(
            "`{path}` has upper-case letters (repository names are lower case)"
        ));
    }
    if parts.iter().any(|p| {
        p.is_empty()
            || !p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
    }) {
        return Some(format!(
            "`{path}` has characters Docker does not allow in a name"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::image_reference_problem;

    #[test]
    fn image_references() {
        for ok in [
            "python:3.10",
            "ghcr.io/org/img:latest",
            "Registry.Example.com:5000/img",
            "localhost:5000/team/img:v1.2",
            "mlflow-docker-example",
            "repo/img@sha256:abc",
            "{{ cookiecutter.image }}",
        ] {
            assert_eq!(image_reference_problem(ok), None, "{ok}");
        }
        assert!(image_reference_problem("My-Image:latest").is_some());
        assert!(image_reference_problem("my image:latest").is_some());
        assert!(image_reference_problem("docker.io/Team/img").is_some());
    }
}
