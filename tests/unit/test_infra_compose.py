"""The on-prem compose setup (Docker is not available here, so it is checked statically): it
names every service its README lists, its platform environment is the platform's settings,
every variable it needs is in .env.example, and the TLS and bootstrap scripts work."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml

from vigil.platform.resources import REPO_ROOT
from vigil.settings import Settings

LOCALSTACK = REPO_ROOT / "localstack"
COMPOSE = yaml.safe_load((LOCALSTACK / "docker-compose.yml").read_text())
COMPOSE_TEXT = (LOCALSTACK / "docker-compose.yml").read_text()
# Read by boto3/botocore themselves, not by settings.py.
BOTO_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE"}


def _readme_services() -> set[str]:
    rows = [line for line in (LOCALSTACK / "README.md").read_text().splitlines() if line.startswith("| `")]
    return {re.match(r"\| `([a-z0-9-]+)`", row).group(1) for row in rows}


def _settings_variables() -> set[str]:
    names: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names.update(getattr(alias, "choices", None) or ([alias] if isinstance(alias, str) else []))
    return names


def _env_example() -> dict[str, str]:
    out = {}
    for line in (LOCALSTACK / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key] = value
    return out


def test_the_compose_file_names_every_service_the_readmes_mention():
    services = set(COMPOSE["services"])
    listed = _readme_services()
    assert {"proxy", "platform", "localstack", "minio", "postgres", "redis", "mailpit", "certs"} <= listed
    assert listed == services
    deploying = (REPO_ROOT / "README.md").read_text().split("## Deploying", 1)[1].split("\n## ", 1)[0]
    for name in services - {"certs"}:  # the main README names every long-running service
        assert f"`{name}`" in deploying, name


def test_the_platform_environment_is_made_of_settings_variables_and_validates():
    env = COMPOSE["services"]["platform"]["environment"]
    unknown = set(env) - _settings_variables() - BOTO_VARIABLES - {"AWS_REGION"}
    assert not unknown, f"not read by settings.py: {sorted(unknown)}"
    # Substitute .env.example (with dummy secrets) and check settings.py accepts the result.
    values = {**_env_example(), "JWT_SECRET": "x" * 48, "ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
              "POSTGRES_PASSWORD": "p", "MINIO_ROOT_PASSWORD": "m" * 12}

    def expand(text: str) -> str:
        return re.sub(r"\$\{(\w+)(?::?[-?]([^}]*))?\}",
                      lambda m: values.get(m.group(1)) or (m.group(2) or ""), str(text))

    resolved = {k: expand(v) for k, v in env.items()}
    settings = Settings.model_validate(resolved)
    assert settings.database_url == "postgresql://vigil:p@postgres:5432/vigil"
    assert settings.s3_endpoint_url == "https://vigil.localhost:9443"
    assert settings.public_base_url == "https://vigil.localhost:443"
    assert settings.smtp_host == "mailpit" and settings.smtp_port == 1025


def test_every_variable_without_a_default_is_in_env_example_and_nothing_else_is():
    referenced = set(re.findall(r"\$\{(\w+)", COMPOSE_TEXT))
    required = {m.group(1) for m in re.finditer(r"\$\{(\w+)(\}|:\?)", COMPOSE_TEXT)}
    example = set(_env_example())
    assert required <= example, f"missing from .env.example: {sorted(required - example)}"
    assert example <= referenced, f"unused in the compose file: {sorted(example - referenced)}"


def test_data_lives_on_named_volumes_and_the_proxy_serves_http_and_https():
    declared = set(COMPOSE["volumes"])
    for service, mount in (("minio", "/data"), ("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        volumes = [v.split(":") for v in COMPOSE["services"][service]["volumes"]]
        assert any(src in declared and dst == mount for src, dst, *_ in volumes), service
    ports = " ".join(COMPOSE["services"]["proxy"]["ports"])
    assert ":80" in ports and ":443" in ports
    caddy = (LOCALSTACK / "Caddyfile").read_text()
    assert re.search(r"http://:80 \{\s+redir https://", caddy)
    assert caddy.count("tls {$TLS_CERT_FILE} {$TLS_KEY_FILE}") == 2
    assert "reverse_proxy platform:8080" in caddy and "reverse_proxy minio:9000" in caddy


def test_localstack_bootstraps_with_the_platforms_own_command():
    localstack = COMPOSE["services"]["localstack"]
    assert "./init/ready.d:/etc/localstack/init/ready.d:ro" in localstack["volumes"]
    scripts = sorted((LOCALSTACK / "init" / "ready.d").glob("*.sh"))
    assert scripts
    for script in scripts:
        assert os.access(script, os.X_OK), script
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    text = scripts[0].read_text()
    assert "-m vigil.cli bootstrap" in text and "infra/resources.yaml" in text
    pinned = (LOCALSTACK / "init" / "requirements-bootstrap.txt").read_text()
    for package in ("boto3", "pydantic", "pydantic-settings", "pyyaml"):
        assert re.search(rf"^{package}==", pinned, re.MULTILINE), package


@pytest.fixture
def tls_env(tmp_path):
    return {**os.environ, "TLS_CERT_FILE": str(tmp_path / "c" / "tls.crt"),
            "TLS_KEY_FILE": str(tmp_path / "c" / "tls.key"), "VIGIL_HOSTNAME": "vigil.example.test"}


def _run_cert_script(env):
    return subprocess.run(["sh", str(LOCALSTACK / "tls" / "generate-self-signed.sh")], env=env,
                          capture_output=True, text=True)


def test_the_cert_script_writes_a_matching_pair_once(tls_env):
    first = _run_cert_script(tls_env)
    assert first.returncode == 0, first.stderr
    cert, key = tls_env["TLS_CERT_FILE"], tls_env["TLS_KEY_FILE"]
    text = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-text"], capture_output=True,
                          text=True, check=True).stdout
    assert "DNS:vigil.example.test" in text and "DNS:localhost" in text
    cert_pub = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-pubkey"], capture_output=True,
                              check=True).stdout
    key_pub = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"], capture_output=True, check=True).stdout
    assert cert_pub == key_pub
    before = open(cert, "rb").read()
    # a second start keeps the pair (and an operator's own certificate)
    second = _run_cert_script(tls_env)
    assert second.returncode == 0 and "existing" in second.stdout
    assert open(cert, "rb").read() == before


def test_the_cert_script_refuses_half_a_pair(tls_env):
    os.makedirs(os.path.dirname(tls_env["TLS_KEY_FILE"]))
    open(tls_env["TLS_KEY_FILE"], "w").write("lonely key")
    result = _run_cert_script(tls_env)
    assert result.returncode != 0 and "only one" in result.stderr
