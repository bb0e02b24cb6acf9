"""The Kubernetes manifests and the Containerfile: valid against the Kubernetes schemas
(kubernetes-validate, offline, strict), and consistent with the application they run: the
probes hit paths hallway answers, the commands exist, and every variable set is one hallway
reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))


def resources() -> list[dict]:
    from kubernetes_validate.utils import resources_from_file

    return [r for path in MANIFESTS for r in resources_from_file(str(path))]


def containers() -> list[dict]:
    found = []
    for resource in resources():
        spec = resource.get("spec", {})
        pod = spec.get("template", {}).get("spec", {})
        found += pod.get("containers", [])
    return found


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(path):
    from kubernetes_validate.utils import latest_version, resources_from_file, validate

    for resource in resources_from_file(str(path)):
        validate(resource, latest_version(), strict=True)


def test_the_manifests_cover_an_operators_deployment():
    kinds = {(r["kind"], r["metadata"]["name"]) for r in resources()}
    assert {
        ("Deployment", "hallway-web"),
        ("Deployment", "hallway-worker"),
        ("Job", "hallway-migrate"),
        ("Service", "hallway"),
        ("ConfigMap", "hallway"),
        ("Secret", "hallway"),
    } <= kinds


@pytest.mark.django_db
def test_probes_point_at_paths_hallway_answers(demo):
    probes = [
        c[kind]["httpGet"]["path"]
        for c in containers()
        for kind in ("readinessProbe", "livenessProbe", "startupProbe")
        if kind in c
    ]
    assert set(probes) == {"/healthz", "/readyz"}
    for path in probes:
        assert Client(HTTP_HOST="10.0.0.9:8000").get(path).status_code == 200


def test_every_command_run_exists():
    commands = get_commands()
    run = [c.get("command", ["hallway", "serve"]) for c in containers()]
    containerfile = (ROOT / "Containerfile").read_text()
    run.append(
        re.search(r"^CMD \[(.*)\]$", containerfile, re.M).group(1).replace('"', "").split(", ")
    )
    for argv in run:
        assert argv[0] == "hallway"
        assert argv[1].replace("-", "_") in commands, argv


def test_every_variable_configured_is_one_hallway_reads():
    read = set(re.findall(r'"((?:HALLWAY|DATABASE|OTEL)_[A-Z_]+)"', _sources()))
    configured = set()
    for resource in resources():
        if resource["kind"] == "ConfigMap":
            configured |= set(resource["data"])
        if resource["kind"] == "Secret":
            configured |= set(resource["stringData"])
    configured.discard("OTEL_SERVICE_NAME")  # read by the OpenTelemetry SDK itself
    assert configured - read == set()


def _sources() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "src" / "hallway").rglob("*.py"))
