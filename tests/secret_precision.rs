//! The classes of false findings and duplicates read on real repositories (issues #10 and
//! #11), each as a case of the tuning split: a keyword inside another word, a value taken
//! across a line break or from the next line, pip log lines, sharded-checkpoint indexes,
//! documented emulator keys, presigned URLs, and one finding per secret per cell, output or
//! line.

use std::path::PathBuf;
use std::sync::Arc;

use mlcheck::pipeline;
use mlcheck::rules::secrets::{GENERIC_SECRET, HARDCODED_SECRET};
use mlcheck::settings::Settings;
use mlcheck::source::{SourceFile, SourceKind};

/// The pattern ids found in `text`, as a file named `name`.
fn found(name: &str, text: &str) -> Vec<String> {
    let kind = SourceKind::from_path(std::path::Path::new(name)).unwrap();
    let file = Arc::new(SourceFile::new(PathBuf::from(name), text.to_string(), kind));
    let settings = Settings::with_rules(&[&HARDCODED_SECRET, &GENERIC_SECRET]);
    pipeline::check_source(&file, &settings)
        .iter()
        .map(|d| d.properties["pattern"].as_str().unwrap().to_string())
        .collect()
}

fn notebook_with_output(source: &str, output: &str) -> String {
    serde_json::json!({
        "cells": [{
            "cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": output}],
            "source": source,
        }],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })
    .to_string()
}

#[test]
fn a_keyword_inside_another_word_names_nothing() {
    for (name, text) in [
        (
            "a.md",
            "https://drive.google.com/uc?id=1AbC&resourcekey=0-Xy9AbCdEfGhIjKlMnOpQ12\n",
        ),
        (
            "a.md",
            "https://www.dropbox.com/scl/fi/a1b2/data.zip?rlkey=7hq2kz9xw3p5m1n8v4b6c0d2f&dl=1\n",
        ),
        (
            "a.txt",
            "Requirement already satisfied: cryptography (from authlib->arize-phoenix==7.2.0) (42.0.5)\n",
        ),
        ("a.py", "hotkey = \"Ctrl4ShiftAltQ9x\"\n"),
    ] {
        assert_eq!(found(name, text), Vec::<String>::new(), "{text}");
    }
    // A keyword that is a word of the name still counts.
    for text in [
        "resource_key = \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\"\n",
        "apiKey: \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\"\n",
        "SECRETKEY=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\n",
        "OPENAIKEY=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\n",
        "OAUTH=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\n",
    ] {
        assert_eq!(found("a.env", text), ["generic-secret"], "{text}");
    }
}

#[test]
fn a_value_never_continues_past_its_line() {
    for (name, text) in [
        (
            "a.py",
            "splitter = TokenTextSplitter(\n    chunk_size=512,\n    chunk_overlap=64,\n)\n",
        ),
        (
            "a.env",
            "OPENAI_API_KEY=<your-api-key>\nMODEL_NAME=gpt4o20240806x\n",
        ),
        (
            "a.py",
            "password = settings.DB_PASSWORD\nconnection_timeout_s = 30\n",
        ),
        (
            "a.yaml",
            "auth:\n  token:\n  refresh_every: 30s\nmodel: llama3b8x2\n",
        ),
    ] {
        assert_eq!(found(name, text), Vec::<String>::new(), "{text}");
    }
    // A YAML block scalar is one value on the next lines.
    assert_eq!(
        found(
            "a.yaml",
            "api_token: >\n  Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\n"
        ),
        ["generic-secret"]
    );
}

#[test]
fn names_and_documented_keys_are_not_secrets() {
    let index = "{\n  \"weight_map\": {\n    \"model.embed_tokens.weight\": \"model-00001-of-00003.safetensors\",\n    \"lm_head.weight\": \"model-00003-of-00003.safetensors\"\n  }\n}\n";
    assert_eq!(
        found("model.safetensors.index.json", index),
        Vec::<String>::new()
    );
    let azurite = "conn = \"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;\"\n";
    assert_eq!(found("a.py", azurite), Vec::<String>::new());
}

#[test]
fn one_finding_per_secret_per_output_and_line() {
    // `!wget` prints a presigned URL twice: its key id is the signer's, not a secret.
    let url = "https://objects.githubusercontent.com/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAVCODYLSA53PQK4ZA%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=3f1a";
    let nb = notebook_with_output(
        "!wget URL",
        &format!("--2024-05-01--  {url}\nRedirecting to {url}\n"),
    );
    assert_eq!(found("a.ipynb", &nb), Vec::<String>::new());
    // A key printed twice in one output, and written twice on one line: one finding each.
    let key = "ghp_k8Hq2Wn5Zp9Rt3Yx7Lm1Vb4Nc6Dj0Fg2Hs8Kq";
    let nb = notebook_with_output("print(cfg)", &format!("token={key}\nagain: {key}\n"));
    assert_eq!(found("a.ipynb", &nb), ["github-token"]);
    let py = format!("headers = {{\"a\": \"{key}\", \"b\": \"{key}\"}}\nother = \"{key}\"\n");
    assert_eq!(found("a.py", &py), ["github-token", "github-token"]);
    // A pip log repeating one requirement: nothing at all.
    let log = "Requirement already satisfied: pyjwt in /usr/lib (from authlib->arize-phoenix==7.2.0) (2.8.0)\n".repeat(17);
    let nb = notebook_with_output("!pip install arize-phoenix", &log);
    assert_eq!(found("a.ipynb", &nb), Vec::<String>::new());
}

#[test]
fn a_key_name_is_tied_to_its_value_across_the_shapes_of_config() {
    let hex = "00fe7ee5fc324bdb2e1142a21c402364f9572b85";
    // A W&B key in a dict block whose `wandb` key is lines above: SEC001, not a guess.
    let py = format!(
        "config = {{\n    \"wandb\": {{\n        \"project\": \"llm\",\n        \"api_key\": \"{hex}\",\n    }},\n}}\n"
    );
    assert_eq!(found("a.py", &py), ["wandb-api-key-in-config"]);
    // A type-annotated attribute.
    let py = "class S3:\n    aws_secret_access_key: str = \"zNyD7CHLn+xC/1hsYgBds1ghxY5OokvQyx7eNWVQ\"\n";
    assert_eq!(found("a.py", py), ["aws-secret-access-key"]);
    // A Kubernetes `env:` entry: the name, then its value on the next line.
    let yaml = "env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: \"zNyD7CHLn+xC/1hsYgBds1ghxY5OokvQyx7eNWVQ\"\n";
    assert_eq!(found("a.yaml", yaml), ["env-name-value-secret"]);
    // Twilio's quickstart: the account SID, then the auth token.
    let py = "client = Client(\"AC3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e\", \"b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4\")\n";
    assert_eq!(found("a.py", py), ["twilio-sid-and-token"]);
}
