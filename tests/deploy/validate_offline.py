"""Validate every object of rendered manifests against the Kubernetes schemas, offline.

Run by tests/deploy with .venv-deploy's Python (kubernetes-validate bundles the schemas):
    python validate_offline.py <kubernetes version> <file.yaml>...
Prints one JSON object: {"checked": [...], "errors": [...], "no_schema": [...]}.
Strict: a field the schema does not know is an error (a typo is never silently ignored).
Kinds without a built-in schema (the operators' custom resources) are reported in "no_schema";
the test decides which of those it accepts and checks them itself.
"""

from __future__ import annotations

import json
import sys

import kubernetes_validate
import yaml


def main(version: str, paths: list[str]) -> None:
    report: dict[str, list] = {"checked": [], "errors": [], "no_schema": []}
    for path in paths:
        with open(path) as handle:
            for doc in yaml.safe_load_all(handle):
                if not doc:
                    continue
                name = f"{path}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.SchemaNotFoundError:
                    report["no_schema"].append(
                        {
                            "object": name,
                            "kind": doc.get("kind"),
                            "apiVersion": doc.get("apiVersion"),
                        }
                    )
                except kubernetes_validate.ValidationError as error:
                    path_in_doc = "/".join(str(part) for part in error.absolute_path)
                    report["errors"].append(f"{name} at /{path_in_doc}: {error.message}")
                except kubernetes_validate.InvalidSchemaError as error:
                    report["errors"].append(f"{name}: invalid schema: {error}")
                else:
                    report["checked"].append(name)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
