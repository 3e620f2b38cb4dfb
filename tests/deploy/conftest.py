"""Shared fixtures of the deploy checks: the tools of .venv-deploy, the rendered overlays, checkov.

The tools live in their own venv (`make deploy-tools`): kubectl (kustomize), kubernetes-validate
(the Kubernetes JSON schemas, bundled: validation runs offline) and checkov. checkov is the slow
one, so it starts in the background as soon as the overlays are rendered, once for all of them,
and the policy test collects its report at the end.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".venv-deploy" / "bin"
DEPLOY = REPO / "deploy"
OVERLAYS = ("dev", "prod")
SERVICES = sorted(path.parent.name for path in REPO.glob("services/*/pyproject.toml"))


def tool(name: str) -> Path:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run make deploy-tools", pytrace=False)
    return path


def package_of(service: str) -> str:
    return service.replace("-", "_")


@dataclass
class Rendered:
    overlay: str
    path: Path
    docs: list[dict[str, Any]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.of_kind(kind) if doc["metadata"]["name"] == name]
        assert found, f"{self.overlay}: no {kind} named {name}"
        return found[0]

    def workloads(self) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] in ("Deployment", "StatefulSet", "Job")]


class Checkov:
    """One checkov run over every rendered overlay, started early, read once."""

    def __init__(self, files: list[Path], workdir: Path):
        self.files = files
        self.out = workdir / "checkov.json"
        self.err = workdir / "checkov.err"
        command = [
            str(tool("checkov")),
            "--config-file",
            str(DEPLOY / "checkov.yaml"),
            "-o",
            "json",
        ]
        for path in files:
            command += ["-f", str(path)]
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, cwd=workdir)
        self._report: dict[str, Any] | None = None

    def report(self) -> dict[str, Any]:
        if self._report is None:
            code = self.process.wait(timeout=300)
            text = self.out.read_text()
            assert text.strip(), (
                f"checkov wrote nothing (exit {code}): {self.err.read_text()[-2000:]}"
            )
            data = json.loads(text)
            reports = data if isinstance(data, list) else [data]
            kubernetes = [r for r in reports if r.get("check_type") == "kubernetes"]
            assert kubernetes, f"checkov ran no Kubernetes checks: {text[:500]}"
            self._report = kubernetes[0]
        return self._report

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def rendered_all(tmp_path_factory) -> dict[str, Rendered]:
    workdir = tmp_path_factory.mktemp("rendered")
    kubectl = tool("kubectl")
    result: dict[str, Rendered] = {}
    for overlay in OVERLAYS:
        run = subprocess.run(
            [str(kubectl), "kustomize", str(DEPLOY / "k8s" / "overlays" / overlay)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, f"kubectl kustomize {overlay} failed:\n{run.stderr}"
        path = workdir / f"{overlay}.yaml"
        path.write_text(run.stdout)
        docs = [doc for doc in yaml.safe_load_all(run.stdout) if doc]
        result[overlay] = Rendered(overlay, path, docs)
    return result


@pytest.fixture(scope="session")
def checkov(rendered_all, tmp_path_factory):
    run = Checkov([r.path for r in rendered_all.values()], tmp_path_factory.mktemp("checkov"))
    yield run
    run.stop()


@pytest.fixture(params=OVERLAYS)
def rendered(request, rendered_all, checkov) -> Rendered:
    # Requesting checkov here starts it with the first rendered overlay, beside the other tests.
    return rendered_all[request.param]
