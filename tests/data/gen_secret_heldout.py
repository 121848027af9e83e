#!/usr/bin/env python3
"""Writes tests/data/secret_heldout.jsonl: the held-out split of the secret scanner's test
material (see tests/secret_heldout.rs). Sources, none of them the gitleaks rule tests that
tests/data/secret_samples.jsonl is built from:
  - `provider-doc`: tokens in each provider's documented format and length range, with
    random bodies (seeded), in the places ML code puts them;
  - `scanner-shape`: shapes from other scanners' published detector tests (trufflehog's
    detectors, detect-secrets' plugins): URLs with secrets, tokens with no key name;
  - `ml-hand`: hand-written ML notebooks and configs;
  - `look-alike`: clean text that resembles a secret (must stay clean).
Written once, before tuning; only measured on. Run: python3 tests/data/gen_secret_heldout.py
"""
import json, random, string, os

R = random.Random(20261202)
A = string.ascii_letters + string.digits
LO = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
def r(n, alpha=A): return "".join(R.choice(alpha) for _ in range(n))
def rmix(n, alpha=A):
    # at least one digit, one upper, one lower where the alphabet has them
    while True:
        s = r(n, alpha)
        if (any(c.isdigit() for c in s) or not any(c.isdigit() for c in alpha)) and \
           (any(c.isupper() for c in s) or not any(c.isupper() for c in alpha)):
            return s

cases = []
def add(source, rule, expect, ext, label, text):
    cases.append({"source": source, "rule": rule, "expect": expect, "ext": ext, "label": label, "text": text})

def nb(cells):
    out = []
    for i, c in enumerate(cells):
        kind, src = c[0], c[1]
        cell = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": src}
        if kind == "code":
            cell["execution_count"] = i + 1
            cell["outputs"] = c[2] if len(c) > 2 else []
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}, indent=1)

def stream(text): return [{"name": "stdout", "output_type": "stream", "text": text}]

# Contexts a token appears in (name is the env/var name ML code uses).
def contexts(token, name, var):
    return [
        ("py", "assign", f'import os\n{var} = "{token}"\nclient = make_client({var})\n'),
        ("py", "call-arg", f'client = Client("{token}", timeout=30)\n'),
        ("py", "environ", f'os.environ["{name}"] = "{token}"\n'),
        ("env", "dotenv", f"{name}={token}\n"),
        ("yaml", "yaml", f"credentials:\n  {var}: {token}\n"),
        ("ipynb", "nb-cell", nb([("markdown", "# Setup"), ("code", f'%env {name}={token}')])),
        ("ipynb", "nb-output", nb([("code", "print(os.environ)", stream(f"environ({{'HOME': '/root', '{name}': '{token}'}})\n"))])),
        ("log", "log-line", f"2026-01-12 10:22:01 INFO using credential {token} for upload\n"),
        ("py", "tuple", f'CREDS = ("svc-user", "{token}")\n'),
    ]

def provider(rule, tokens, name, var, which=None):
    for ti, tok in enumerate(tokens):
        for ci, (ext, lab, text) in enumerate(contexts(tok, name, var)):
            if which is not None and lab not in which:
                continue
            add("provider-doc", rule, "flag", ext, f"{lab}-{ti}", text)

# --- provider-documented formats ---------------------------------------------------------
provider("openai", [f"sk-proj-{r(74,A+'_-')}T3BlbkFJ{r(74,A+'_-')}", f"sk-svcacct-{r(74,A+'_-')}T3BlbkFJ{r(74,A+'_-')}",
                     f"sk-{rmix(20)}T3BlbkFJ{rmix(20)}", f"sk-mlpipeline-{rmix(20)}T3BlbkFJ{rmix(20)}",
                     f"sk-admin-{r(74,A+'_-')}T3BlbkFJ{r(74,A+'_-')}"],
         "OPENAI_API_KEY", "openai_api_key", which={"assign", "dotenv", "nb-output", "log-line", "call-arg"})
provider("anthropic", [f"sk-ant-api03-{r(93,A+'_-')}AA", f"sk-ant-admin01-{r(93,A+'_-')}AA"],
         "ANTHROPIC_API_KEY", "anthropic_key", which={"assign", "nb-cell", "tuple"})
provider("huggingface", [f"hf_{rmix(34)}", f"hf_{r(34,string.ascii_letters)}", f"api_org_{rmix(34)}"],
         "HF_TOKEN", "hf_token", which={"assign", "nb-output", "call-arg", "log-line"})
provider("github", [f"ghp_{rmix(36)}", f"gho_{rmix(36)}", f"ghs_{rmix(36)}", f"ghs_{rmix(40)}", f"ghu_{rmix(36)}",
                    f"ghr_{rmix(76)}", f"github_pat_{rmix(22)}_{rmix(59)}"],
         "GITHUB_TOKEN", "gh_token", which={"assign", "dotenv", "log-line"})
provider("gitlab", [f"glpat-{r(20,A+'_-')}", f"glpat-{r(27,A+'_-')}.01.{r(9,LO)}", f"glpat-{rmix(40)}", f"glptt-{r(40,HEX)}",
                    f"gldt-{r(20,A+'_-')}"],
         "GITLAB_TOKEN", "gitlab_token", which={"assign", "yaml", "log-line"})
provider("sendgrid", [f"SG.{r(22,A+'_-')}.{r(43,A+'_-')}", f"SG.{r(22,A)}.{r(43,A)}"],
         "SENDGRID_API_KEY", "sendgrid_key", which={"assign", "dotenv", "call-arg"})
provider("slack", [f"xoxb-{r(12,string.digits)}-{r(13,string.digits)}-{rmix(24)}", f"xoxp-{r(11,string.digits)}-{r(12,string.digits)}-{r(13,string.digits)}-{r(32,HEX)}",
                   f"xoxa-2-{r(12,string.digits)}-{r(12,string.digits)}-{r(13,string.digits)}-{r(64,HEX)}", f"xoxe.xoxp-1-{rmix(140, A+'-')}",
                   f"xapp-1-A{r(10,string.ascii_uppercase+string.digits)}-{r(13,string.digits)}-{r(64,HEX)}", f"xoxs-{r(10,string.digits)}-{r(10,string.digits)}-{r(12,string.digits)}-{r(64,HEX)}"],
         "SLACK_BOT_TOKEN", "slack_token", which={"assign", "log-line", "tuple"})
provider("telegram", [f"{r(10,string.digits)}:AA{r(33,A+'_-')}", f"{r(9,string.digits)}:AAE{r(32,A+'_-')}"],
         "TELEGRAM_BOT_TOKEN", "bot_token", which={"assign", "dotenv", "call-arg"})
provider("discord-bot", [f"M{r(23,A)}.{r(6,A+'_-')}.{r(27,A+'_-')}", f"N{r(25,A)}.{r(6,A+'_-')}.{r(38,A+'_-')}", f"MT{r(24,A)}.G{r(5,A+'_-')}.{r(38,A+'_-')}"],
         "DISCORD_TOKEN", "discord_token", which={"assign", "dotenv"})
provider("prefect", [f"pnu_{rmix(36)}"], "PREFECT_API_KEY", "prefect_key")
provider("supabase", [f"sbp_{r(40,HEX)}"], "SUPABASE_ACCESS_TOKEN", "supabase_token", which={"assign", "log-line", "tuple", "call-arg", "nb-output"})
provider("figma", [f"figd_{r(40,A+'_-')}"], "FIGMA_TOKEN", "figma_token", which={"log-line", "tuple", "call-arg"})
provider("netlify", [f"nfp_{rmix(36)}"], "NETLIFY_AUTH_TOKEN", "netlify_token", which={"assign", "log-line", "tuple", "call-arg"})
provider("dropbox", [f"sl.{r(135,A+'_-')}", f"sl.u.{r(200,A+'_-')}"], "DROPBOX_TOKEN", "dbx_token", which={"assign", "log-line", "tuple", "call-arg"})
provider("groq", [f"gsk_{rmix(52)}"], "GROQ_API_KEY", "groq_key", which={"assign", "nb-output", "call-arg"})
provider("replicate", [f"r8_{rmix(37)}"], "REPLICATE_API_TOKEN", "replicate_token", which={"assign", "log-line"})
provider("stripe", [f"sk_live_{rmix(24)}", f"rk_live_{rmix(99)}"], "STRIPE_KEY", "stripe_key", which={"assign", "tuple"})
provider("langsmith", [f"lsv2_pt_{r(32,HEX)}_{r(10,HEX)}", f"lsv2_sk_{r(32,HEX)}_{r(10,HEX)}"], "LANGCHAIN_API_KEY", "ls_key", which={"assign", "dotenv"})
provider("pinecone", [f"pcsk_{r(5,A)}_{rmix(63, A)}"], "PINECONE_API_KEY", "pc_key", which={"assign", "call-arg"})
provider("nvidia", [f"nvapi-{r(64,A+'_-')}"], "NVIDIA_API_KEY", "nv_key", which={"assign", "log-line"})
provider("perplexity", [f"pplx-{r(48,LO)}"], "PPLX_API_KEY", "pplx_key", which={"assign"})
provider("google", [f"AIza{r(35,A+'_-')}"], "GOOGLE_API_KEY", "google_key", which={"assign", "call-arg", "nb-output"})
provider("databricks", [f"dapi{r(32,HEX)}", f"dapi{r(32,HEX)}-2"], "DATABRICKS_TOKEN", "db_token", which={"assign", "yaml"})
provider("pypi", [f"pypi-AgEIcHlwaS5vcmc{r(70,A+'_-')}"], "TWINE_PASSWORD", "pypi_token", which={"dotenv", "log-line"})
provider("shopify", [f"shpat_{r(32,HEX)}"], "SHOPIFY_TOKEN", "shop_token", which={"assign"})
provider("linear", [f"lin_api_{rmix(40)}"], "LINEAR_API_KEY", "linear_key", which={"assign"})
provider("doppler", [f"dp.pt.{rmix(43)}"], "DOPPLER_TOKEN", "doppler_token", which={"dotenv"})
provider("digitalocean", [f"dop_v1_{r(64,HEX)}"], "DIGITALOCEAN_TOKEN", "do_token", which={"assign", "log-line"})
provider("atlassian", [f"ATATT3xFfGF0{r(170,A+'_-')}={r(8,HEX.upper())}"], "JIRA_API_TOKEN", "jira_token", which={"assign"})
provider("postman", [f"PMAK-{r(24,HEX)}-{r(34,HEX)}"], "POSTMAN_API_KEY", "postman_key", which={"assign"})
provider("npm-token", [f"npm_{rmix(36)}"], "NPM_TOKEN", "npm_token", which={"assign", "log-line"})
provider("aws", [f"AKIA{r(16,string.ascii_uppercase+'234567')}"], "AWS_ACCESS_KEY_ID", "aws_access_key_id", which={"assign", "dotenv", "log-line"})

# Keys with context needed (no unique prefix)
aws_secret = rmix(40, A + "/+")
add("provider-doc", "aws", "flag", "py", "annotated-attr", f'from dataclasses import dataclass\n\n@dataclass\nclass S3Config:\n    bucket: str = "training-data"\n    aws_access_key_id: str = "AKIA{r(16,string.ascii_uppercase+"234567")}"\n    aws_secret_access_key: str = "{aws_secret}"\n')
add("provider-doc", "aws", "flag", "py", "annotated-attr-secret-only", f'class Settings(BaseSettings):\n    region: str = "us-east-1"\n    aws_secret_access_key: str = "{rmix(40, A + "/+")}"\n')
add("provider-doc", "aws", "flag", "yaml", "k8s-env", f'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: trainer\n    image: trainer:1.2\n    env:\n    - name: AWS_SECRET_ACCESS_KEY\n      value: "{rmix(40, A + "/+")}"\n    - name: BUCKET\n      value: "ml-data"\n')
add("provider-doc", "generic", "flag", "yml", "compose-env", f'services:\n  worker:\n    image: worker:latest\n    environment:\n      - name: MLFLOW_TRACKING_PASSWORD\n        value: "{rmix(24)}"\n')
add("provider-doc", "openai", "flag", "yaml", "k8s-env-openai", f'env:\n  - name: OPENAI_API_KEY\n    value: sk-proj-{r(74,A+"_-")}T3BlbkFJ{r(74,A+"_-")}\n')
add("provider-doc", "wandb", "flag", "py", "wandb-dict-block", f'config = {{\n    "wandb": {{\n        "project": "llm-finetune",\n        "api_key": "{r(40,HEX)}",\n    }},\n}}\n')
add("provider-doc", "wandb", "flag", "yaml", "wandb-yaml-block", f'wandb:\n  entity: my-team\n  api_key: {r(40,HEX)}\n')
add("provider-doc", "wandb", "flag", "py", "wandb-login", f'import wandb\nwandb.login(key="{r(40,HEX)}")\n')
add("provider-doc", "twilio", "flag", "py", "twilio-pair", f'from twilio.rest import Client\naccount_sid = "AC{r(32,HEX)}"\nauth_token = "{r(32,HEX)}"\nclient = Client(account_sid, auth_token)\n')
add("provider-doc", "twilio", "flag", "py", "twilio-pair-call", f'client = Client("AC{r(32,HEX)}", "{r(32,HEX)}")\n')
add("provider-doc", "twilio", "flag", "env", "twilio-env", f'TWILIO_ACCOUNT_SID=AC{r(32,HEX)}\nTWILIO_AUTH_TOKEN={r(32,HEX)}\n')
add("provider-doc", "azure-devops", "flag", "py", "ado-pat", f'AZURE_DEVOPS_PAT = "{r(52,"abcdefghijklmnopqrstuvwxyz234567")}"\n')
add("provider-doc", "azure-devops", "flag", "sh", "ado-git", f'git clone https://user:{r(52,"abcdefghijklmnopqrstuvwxyz234567")}@dev.azure.com/org/project/_git/repo\n')
add("provider-doc", "azure-devops", "flag", "yml", "ado-yaml", f'azure_devops:\n  organization: https://dev.azure.com/contoso\n  pat: {r(52,"abcdefghijklmnopqrstuvwxyz234567")}\n')
add("provider-doc", "azure-devops", "flag", "env", "ado-new", f'ADO_TOKEN={r(76,A)}AZDO{r(4,A)}\n')
add("provider-doc", "npm", "flag", "npmrc", "npmrc-uuid", f'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={r(8,HEX)}-{r(4,HEX)}-{r(4,HEX)}-{r(4,HEX)}-{r(12,HEX)}\n')
add("provider-doc", "npm", "flag", "npmrc", "npmrc-private", f'@acme:registry=https://npm.acme.dev/\n//npm.acme.dev/:_authToken={rmix(40)}\nalways-auth=true\n')
add("provider-doc", "npm", "flag", "txt", "npmrc-npm-token", f'//registry.npmjs.org/:_authToken=npm_{rmix(36)}\n')
add("provider-doc", "azure-storage", "flag", "py", "azure-conn", f'conn = "DefaultEndpointsProtocol=https;AccountName=mlartifacts;AccountKey={r(86,A+"+/")}==;EndpointSuffix=core.windows.net"\n')
add("provider-doc", "mistral", "flag", "py", "mistral", f'from mistralai import Mistral\nclient = Mistral(api_key="{rmix(32)}")\n')
add("provider-doc", "cohere", "flag", "py", "cohere", f'import cohere\nco = cohere.Client("{rmix(40)}")\n')
add("provider-doc", "elevenlabs", "flag", "py", "elevenlabs", f'ELEVENLABS_API_KEY = "sk_{r(48,HEX)}"\n')
add("provider-doc", "kaggle", "flag", "json", "kaggle-json", f'{{"username":"jdoe","key":"{r(32,HEX)}"}}\n')
add("provider-doc", "together", "flag", "py", "together", f'TOGETHER_API_KEY = "{r(64,HEX)}"\n')

# --- other scanners' detector shapes ---------------------------------------------------------
def url_cases(rule, urls, label):
    for i, u in enumerate(urls):
        add("scanner-shape", rule, "flag", "py", f"{label}-py-{i}", f'requests.post("{u}", json={{"text": "training finished"}})\n')
        add("scanner-shape", rule, "flag", "txt", f"{label}-log-{i}", f"posting results to {u}\n")
        add("scanner-shape", rule, "flag", "ipynb", f"{label}-nb-{i}", nb([("code", f'WEBHOOK = "{u}"\nnotify(WEBHOOK)')]))
url_cases("discord-webhook", [f"https://discord.com/api/webhooks/{r(18,string.digits)}/{r(68,A+'_-')}", f"https://discordapp.com/api/webhooks/{r(19,string.digits)}/{r(68,A+'_-')}"], "discord-webhook")
url_cases("slack-webhook", [f"https://hooks.slack.com/services/T{r(8,string.ascii_uppercase+string.digits)}/B{r(10,string.ascii_uppercase+string.digits)}/{rmix(24)}", f"https://hooks.slack.com/workflows/T{r(10,string.ascii_uppercase+string.digits)}/A{r(10,string.ascii_uppercase+string.digits)}/{r(18,string.digits)}/{rmix(24)}"], "slack-webhook")
url_cases("azure-sas", [f"https://mldata.blob.core.windows.net/train/data.parquet?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig={r(43,A)}%3D",
                        f"https://acct.blob.core.windows.net/models?sp=racwdl&st=2025-03-01T10:00:00Z&se=2025-09-01T18:00:00Z&spr=https&sv=2022-11-02&sr=c&sig={r(20,A)}%2B{r(20,A)}%2F{r(2,A)}%3D"], "azure-sas")
add("scanner-shape", "slack", "flag", "txt", "slack-bare", f"bot token xoxb-{r(13,string.digits)}-{r(13,string.digits)}-{rmix(24)} rotated\n")
add("scanner-shape", "github", "flag", "txt", "gh-url", f"git remote add origin https://ghp_{rmix(36)}@github.com/acme/models.git\n")
add("scanner-shape", "private-key", "flag", "pem", "pem", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(r(70, A + "+/") for _ in range(6)) + "\n-----END OPENSSH PRIVATE KEY-----\n")
add("scanner-shape", "db-url", "flag", "py", "postgres", f'engine = create_engine("postgresql://mlops:{rmix(16)}@db.prod.internal:5432/features")\n')
add("scanner-shape", "db-url", "flag", "env", "mongo", f'MONGO_URI=mongodb+srv://trainer:{rmix(18)}@cluster0.ab12c.mongodb.net/experiments\n')
add("scanner-shape", "jwt", "flag", "py", "jwt-bearer", 'headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIiwiaWF0IjoxNzAwMDAwMDAwfQ' + '.' + r(43, A + "_-") + '"}\n')
add("scanner-shape", "generic", "flag", "py", "password-kw", f'DB_PASSWORD = "{rmix(14, A + "!@#%")}"\n')
add("scanner-shape", "generic", "flag", "ini", "ini-secret", f'[server]\nhost = 10.0.0.5\nclient_secret = {rmix(32)}\n')
add("scanner-shape", "basic-auth", "flag", "sh", "curl-u", f'curl -u admin:{rmix(16)} https://mlflow.acme.dev/api/2.0/mlflow/experiments/list\n')

# --- hand-written ML notebooks and configs ----------------------------------------------------
add("ml-hand", "openai", "flag", "ipynb", "nb-openai-cell", nb([("markdown", "## Chat"), ("code", f'from openai import OpenAI\nclient = OpenAI(api_key="sk-proj-{r(74,A+"_-")}T3BlbkFJ{r(74,A+"_-")}")')]))
add("ml-hand", "hf", "flag", "ipynb", "nb-hf-login", nb([("code", f'from huggingface_hub import login\nlogin(token="hf_{rmix(34)}")')]))
add("ml-hand", "wandb", "flag", "ipynb", "nb-wandb-env", nb([("code", f'import os\nos.environ["WANDB_API_KEY"] = "{r(40,HEX)}"\nimport wandb; wandb.init(project="x")')]))
add("ml-hand", "generic", "flag", "ipynb", "nb-output-token", nb([("code", "!cat ~/.config/tool/creds", stream(f"[default]\napi_token = {rmix(32)}\n"))]))
add("ml-hand", "aws", "flag", "ipynb", "nb-boto3", nb([("code", f's3 = boto3.client("s3", aws_access_key_id="AKIA{r(16,string.ascii_uppercase+"234567")}", aws_secret_access_key="{rmix(40,A+"/+")}")')]))
add("ml-hand", "langsmith", "flag", "ipynb", "nb-langchain-env", nb([("code", f'%env LANGCHAIN_TRACING_V2=true\n%env LANGCHAIN_API_KEY=lsv2_pt_{r(32,HEX)}_{r(10,HEX)}')]))
add("ml-hand", "mlflow", "flag", "yaml", "mlflow-creds", f'tracking:\n  uri: https://mlflow.acme.dev\n  username: ci\n  password: {rmix(20)}\n')
add("ml-hand", "anthropic", "flag", "toml", "toml-key", f'[llm]\nprovider = "anthropic"\napi_key = "sk-ant-api03-{r(93,A+"_-")}AA"\n')
add("ml-hand", "hf", "flag", "sh", "hf-cli", f'huggingface-cli login --token hf_{rmix(34)}\n')
add("ml-hand", "github", "flag", "ipynb", "nb-clone-token", nb([("code", f'!git clone https://oauth2:ghp_{rmix(36)}@github.com/acme/data.git')]))
add("ml-hand", "openai", "flag", "py", "openai-env-default", f'openai.api_key = os.getenv("OPENAI_API_KEY", "sk-proj-{r(74,A+"_-")}T3BlbkFJ{r(74,A+"_-")}")\n')
add("ml-hand", "generic", "flag", "py", "dict-api-key", f'HEADERS = {{"x-api-key": "{rmix(32)}", "accept": "application/json"}}\n')
add("ml-hand", "hf", "flag", "ipynb", "nb-markdown-key", nb([("markdown", f"Use my token `hf_{rmix(34)}` to download the weights."), ("code", "x = 1")]))

# --- clean look-alikes ------------------------------------------------------------------------
def clean(rule, ext, label, text): add("look-alike", rule, "clean", ext, label, text)
clean("generic", "py", "settings-password-next-line", 'password = settings.DB_PASSWORD\nconnection_timeout_seconds = 30\n')
clean("generic", "py", "password-attr-newline", 'db_password = (\n    config.database.password\n)\n')
clean("generic", "json", "safetensors-index", json.dumps({"metadata": {"total_size": 14483464192}, "weight_map": {"lm_head.weight": "model-00003-of-00003.safetensors", "model.embed_tokens.weight": "model-00001-of-00003.safetensors", "model.layers.0.self_attn.k_proj.weight": "model-00001-of-00003.safetensors", "model.layers.0.self_attn.q_proj.weight": "model-00001-of-00003.safetensors", "model.layers.31.mlp.down_proj.weight": "model-00002-of-00003.safetensors"}}, indent=2))
clean("azure-storage", "py", "azurite", 'conn = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"\n')
clean("azure-storage", "yaml", "azurite-yaml", 'storage:\n  account_name: devstoreaccount1\n  account_key: Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\n')
clean("aws", "py", "aws-example", 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\naws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n')
clean("generic", "ipynb", "gdrive-resourcekey", nb([("code", "!gdown 'https://drive.google.com/uc?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345&resourcekey=0-Xy9AbCdEfGhIjKlMnOpQ12'", stream("Downloading...\nFrom: https://drive.google.com/uc?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345&resourcekey=0-Xy9AbCdEfGhIjKlMnOpQ12\nTo: /content/data.zip\n"))]))
clean("generic", "md", "dropbox-rlkey", 'Download the data from https://www.dropbox.com/scl/fi/a1b2c3d4e5f6g7h8i9j0k/data.zip?rlkey=7hq2kz9xw3p5m1n8v4b6c0d2f&dl=1\n')
clean("generic", "ipynb", "pip-log", nb([("code", "!pip install arize-phoenix", stream("Collecting authlib (from arize-phoenix==7.2.0)\nRequirement already satisfied: tokenizers>=0.19 in /usr/local/lib/python3.10/dist-packages (from transformers->sentence-transformers==2.7.0) (0.19.1)\nRequirement already satisfied: cryptography in /usr/local/lib/python3.10/dist-packages (from authlib->arize-phoenix==7.2.0) (42.0.5)\nRequirement already satisfied: pyjwt>=2.8 in /usr/local/lib/python3.10/dist-packages (from authlib->arize-phoenix==7.2.0) (2.8.0)\nSuccessfully installed authlib-1.3.1 secretstorage-3.3.3\n"))]))
clean("generic", "py", "text-splitter", 'splitter = TokenTextSplitter(\n    chunk_size=512,\n    chunk_overlap=64,\n)\n')
clean("generic", "env", "placeholder-next-line", 'OPENAI_API_KEY=<your-api-key>\nMODEL_NAME=gpt4o20240806\n')
clean("generic", "md", "placeholder-md", 'Set `HF_TOKEN=<your-token>` then run\n\n    python train.py --epochs 3b1 --model llama3b8\n')
clean("aws", "ipynb", "presigned-url", nb([("code", "!wget 'https://github.com/acme/models/releases/download/v1/model.bin'", stream("--2024-05-01 10:00:00--  https://objects.githubusercontent.com/github-production-release-asset-2e65be/123/456?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAVCODYLSA53PQK4ZA%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240501T100000Z&X-Amz-Expires=300&X-Amz-Signature=3f1a9c2e7b5d4a8c6e0f1b2d3c4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d&X-Amz-SignedHeaders=host\nResolving objects.githubusercontent.com\n"))]))
clean("db-url", "md", "doc-conn-string", 'Connect with:\n\n```\nmongodb+srv://<username>:<password>@cluster0.example.mongodb.net/?retryWrites=true\npostgresql://user:password@localhost:5432/mydb\n```\n')
clean("db-url", "ipynb", "doc-conn-markdown", nb([("markdown", "Example: `DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net`"), ("code", "x = 1")]))
clean("generic", "py", "git-sha", 'model = AutoModel.from_pretrained("bert-base-uncased", revision="5f2a1b3c4d5e6f708192a3b4c5d6e7f809a1b2c3")\n')
clean("generic", "py", "run-id", 'run_id = "3f2c9a1b7d4e4f0a9b8c6d5e4f3a2b1c"\nmlflow.start_run(run_id=run_id)\n')
clean("generic", "py", "uuid-id", 'dataset_id = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"\n')
clean("placeholder", "py", "sk-dots", 'client = OpenAI(api_key="sk-...")\n')
clean("placeholder", "py", "hf-xxx", 'HF_TOKEN = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n')
clean("placeholder", "env", "your-key", 'OPENAI_API_KEY=your-openai-api-key-here\nANTHROPIC_API_KEY=YOUR_ANTHROPIC_KEY\n')
clean("placeholder", "yaml", "slack-placeholder", 'slack:\n  token: xoxb-your-bot-token-here\n  webhook: https://hooks.slack.com/services/XXXXXXXXX/XXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX\n')
clean("placeholder", "py", "env-lookup", 'api_key = os.environ["OPENAI_API_KEY"]\ntoken = os.getenv("HF_TOKEN")\nsecret = userdata.get("WANDB_API_KEY")\n')
clean("generic", "py", "max-tokens", 'response = client.chat.completions.create(model="gpt-4o", max_tokens=1024, temperature=0.2)\ntokenizer = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")\n')
clean("generic", "py", "token-ids", 'token_ids = tokenizer("hello world")["input_ids"]\npad_token = tokenizer.eos_token\nkey = jax.random.PRNGKey(42)\n')
clean("generic", "yaml", "dvc-lock", 'outs:\n- path: data/train.csv\n  md5: 2c4d8f1a7b9e3c5d6f0a1b2c3d4e5f6a\n  size: 104857600\n')
clean("generic", "ipynb", "image-output", nb([("code", "plt.show()", [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" + r(200, A + "+/"), "text/plain": "<Figure size 640x480 with 1 Axes>"}}])]))
clean("generic", "py", "public-key", 'PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + r(40, A) + '\\n-----END PUBLIC KEY-----"\n')
clean("generic", "py", "secret-name-ref", 'secret_name = "prod/ml/openai-key"\nkey_vault_secret = client.get_secret(secret_name)\n')
clean("slack", "py", "slack-channel", 'SLACK_CHANNEL = "C0123456789"\nslack_user = "U0ABCDEF123"\n')
clean("discord", "py", "discord-ids", 'GUILD_ID = 123456789012345678\nCHANNEL_ID = 987654321098765432\n')
clean("telegram", "py", "telegram-time", 'start = "2024-05-01 10:22:01"\nchat_id = -1001234567890\n')
clean("generic", "py", "hash-names", 'EXPECTED_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"\ncache_key = f"{model_name}-{revision}"\n')
clean("generic", "ipynb", "tqdm-output", nb([("code", "trainer.train()", stream("{'loss': 2.3415, 'grad_norm': 1.873, 'learning_rate': 4.9e-05, 'epoch': 0.1}\nTraining: 100%|##########| 500/500 [01:23<00:00, 6.01it/s]\n"))]))
clean("generic", "py", "password-getpass", 'password = getpass.getpass("Password: ")\n')
clean("generic", "cfg", "pip-conf", '[global]\nindex-url = https://pypi.org/simple\ntrusted-host = pypi.org\n')
clean("generic", "py", "token-type", 'token_type = "bearer"\nauth_header = f"Bearer {access_token}"\n')
clean("sendgrid", "py", "sg-dots", 'from_email = "SG.notifications@acme.dev"\n')
clean("gitlab", "yml", "gitlab-ci-var", 'deploy:\n  script:\n    - docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY\n')
clean("npm", "npmrc", "npmrc-env", '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n')
clean("azure-sas", "py", "azure-url-nosig", 'url = "https://mldata.blob.core.windows.net/train/data.parquet"\n')
clean("azure-sas", "py", "sas-placeholder", 'sas_url = f"https://{account}.blob.core.windows.net/{container}?{sas_token}"\n')
clean("twilio", "py", "twilio-sid-only", 'account_sid = os.environ["TWILIO_ACCOUNT_SID"]\nmessaging_service = "MG" + suffix\n')
clean("dropbox", "py", "sl-not-token", 'import sklearn as sl\nresult = sl.metrics.accuracy_score(y_true, y_pred)\n')
clean("generic", "py", "loss-scale", 'loss_scale_key = "dynamic"\nkey_padding_mask = mask.bool()\n')
clean("generic", "md", "readme-key-howto", 'Get an API key at https://platform.openai.com/api-keys and export it:\n\n    export OPENAI_API_KEY=sk-...\n')
clean("generic", "ipynb", "pip-freeze-output", nb([("code", "!pip freeze | head", stream("absl-py==2.1.0\naccelerate==0.30.1\naiohttp==3.9.5\nsecretstorage==3.3.3\ntokenizers==0.19.1\nkeyring==24.3.1\n"))]))
clean("generic", "ipynb", "model-card-tokens", nb([("code", "print(tokenizer)", stream("LlamaTokenizerFast(name_or_path='meta-llama/Llama-2-7b-hf', vocab_size=32000, model_max_length=4096, special_tokens={'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>'})\n"))]))
clean("generic", "yaml", "k8s-secret-ref", 'env:\n  - name: AWS_SECRET_ACCESS_KEY\n    valueFrom:\n      secretKeyRef:\n        name: aws-creds\n        key: secret-key\n')
clean("generic", "yaml", "k8s-next-var", 'env:\n  - name: AWS_SECRET_ACCESS_KEY\n  - name: MODEL_REVISION\n    value: "a1b2c3d4e5f6g7h8i9j0"\n')
clean("generic", "py", "annotated-none", 'class Cfg:\n    api_key: str | None = None\n    aws_secret_access_key: Optional[str] = Field(default=None, env="AWS_SECRET_ACCESS_KEY")\n')

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "secret_heldout.jsonl"), "w") as f:
    for c in cases:
        f.write(json.dumps(c) + "\n")
print(len(cases), sum(c["expect"] == "flag" for c in cases), "flag")
