"""deploy/k8s: every overlay renders, validates offline, and has what running the platform needs.

Rendering is `kubectl kustomize` (the kubectl wheel of .venv-deploy); validation is
kubernetes-validate against the Kubernetes 1.30 schemas it bundles, strict (unknown fields fail).
The operators' custom resources (MongoDBCommunity, RabbitmqCluster) have no built-in schema: they
are checked below against small schemas written from the operators' documented fields.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import jsonschema
import pytest
from conftest import DEPLOY, REPO, SERVICES, Rendered, package_of, tool

KUBERNETES_VERSION = "1.30.0"
CUSTOM_RESOURCES = {
    "prod": {
        ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"),
        ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    },
    "dev": set(),
}
WEB_COMPONENT = "app.kubernetes.io/component"
NAME = "app.kubernetes.io/name"


def validate_offline(*paths) -> dict[str, list]:
    run = subprocess.run(
        [
            str(tool("python")),
            str(REPO / "tests" / "deploy" / "validate_offline.py"),
            KUBERNETES_VERSION,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def template_labels(workload: dict[str, Any]) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"].get("labels", {})


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels + matchExpressions) against a pod's labels."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value, operator = labels.get(expression["key"]), expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        if operator == "Exists" and value is None:
            return False
        if operator == "DoesNotExist" and value is not None:
            return False
    return True


def web_deployments(rendered: Rendered) -> list[dict[str, Any]]:
    return [
        d
        for d in rendered.of_kind("Deployment")
        if d["metadata"]["labels"].get(WEB_COMPONENT) == "web"
    ]


# --- rendering and schema validation ---------------------------------------------------------


def test_every_overlay_renders_the_whole_platform(rendered):
    kinds = {doc["kind"] for doc in rendered.docs}
    assert {
        "Namespace",
        "Deployment",
        "Service",
        "ConfigMap",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "Job",
    } <= kinds
    assert {
        doc["metadata"].get("namespace") for doc in rendered.docs if doc["kind"] != "Namespace"
    } == {"hotel"}


def test_every_built_in_object_validates_offline_against_the_kubernetes_schemas(rendered_all):
    report = validate_offline(*(r.path for r in rendered_all.values()))
    assert report["errors"] == []
    assert len(report["checked"]) >= 100
    for overlay, r in rendered_all.items():
        unknown = {
            (i["apiVersion"], i["kind"]) for i in report["no_schema"] if str(r.path) in i["object"]
        }
        # Only the operators' resources may lack a schema; they are checked in the next tests.
        assert unknown == CUSTOM_RESOURCES[overlay], overlay


def test_the_offline_validator_rejects_an_unknown_field(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicaz: 2\n"
        "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
        "    spec: {containers: [{name: x, image: 'y:1'}]}\n"
    )
    report = validate_offline(broken)
    assert len(report["errors"]) == 1
    assert "replicaz" in report["errors"][0]


# The operators' custom resources: the fields this repository uses, as the operators document
# them (MongoDB Community Operator: docs/deploy-configure.md, docs/users.md; RabbitMQ Cluster
# Operator: the rabbitmq.com/v1beta1 API reference). Unknown spec fields are rejected.
SECRET_REF = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "key": {"type": "string"}},
}
MONGODB_COMMUNITY = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "spec": {
            "type": "object",
            "required": ["members", "type", "version", "security", "users"],
            "additionalProperties": False,
            "properties": {
                "members": {"type": "integer", "minimum": 3},
                "arbiters": {"type": "integer"},
                "type": {"const": "ReplicaSet"},
                "version": {"type": "string", "pattern": r"^7\.0\.\d+$"},
                "featureCompatibilityVersion": {"type": "string"},
                "replicaSetHorizons": {"type": "array"},
                "security": {
                    "type": "object",
                    "required": ["authentication"],
                    "properties": {
                        "authentication": {
                            "type": "object",
                            "required": ["modes"],
                            "properties": {
                                "modes": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "enum": ["SCRAM", "SCRAM-SHA-1", "SCRAM-SHA-256", "X509"]
                                    },
                                }
                            },
                        },
                        "tls": {"type": "object"},
                        "roles": {"type": "array"},
                    },
                },
                "users": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": [
                            "name",
                            "db",
                            "passwordSecretRef",
                            "roles",
                            "scramCredentialsSecretName",
                        ],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            "db": {"type": "string"},
                            "passwordSecretRef": SECRET_REF,
                            "scramCredentialsSecretName": {
                                "type": "string",
                                "pattern": "^[a-z0-9-]+$",
                            },
                            "connectionStringSecretName": {"type": "string"},
                            "additionalConnectionStringConfig": {"type": "object"},
                            "roles": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "required": ["name", "db"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "name": {"type": "string"},
                                        "db": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                },
                "statefulSet": {"type": "object", "required": ["spec"]},
                "additionalMongodConfig": {"type": "object"},
                "additionalConnectionStringConfig": {"type": "object"},
                "agent": {"type": "object"},
                "automationConfig": {"type": "object"},
                "prometheus": {"type": "object"},
                "memberConfig": {"type": "array"},
            },
        }
    },
}
QUANTITY = {"type": "string", "pattern": r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$"}
RABBITMQ_CLUSTER = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "spec": {
            "type": "object",
            "required": ["replicas", "persistence", "resources"],
            "additionalProperties": False,
            "properties": {
                "replicas": {"type": "integer", "minimum": 3},
                "image": {"type": "string", "pattern": r"^rabbitmq:3\.13"},
                "imagePullSecrets": {"type": "array"},
                "service": {"type": "object"},
                "persistence": {
                    "type": "object",
                    "required": ["storage"],
                    "additionalProperties": False,
                    "properties": {"storage": QUANTITY, "storageClassName": {"type": "string"}},
                },
                "resources": {"type": "object", "required": ["requests", "limits"]},
                "affinity": {"type": "object"},
                "tolerations": {"type": "array"},
                "rabbitmq": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "additionalConfig": {"type": "string"},
                        "advancedConfig": {"type": "string"},
                        "envConfig": {"type": "string"},
                        "additionalPlugins": {"type": "array"},
                        "erlangInetConfig": {"type": "string"},
                    },
                },
                "tls": {"type": "object"},
                "override": {"type": "object"},
                "skipPostDeploySteps": {"type": "boolean"},
                "terminationGracePeriodSeconds": {"type": "integer"},
                "delayStartSeconds": {"type": "integer"},
                "autoEnableAllFeatureFlags": {"type": "boolean"},
                "secretBackend": {"type": "object"},
            },
        }
    },
}


def test_prod_mongodb_is_a_three_member_replica_set_of_the_community_operator(rendered_all):
    (mongo,) = rendered_all["prod"].of_kind("MongoDBCommunity")
    jsonschema.validate(mongo, MONGODB_COMMUNITY)
    assert mongo["spec"]["members"] == 3
    # The services' user may write every database the services use, and only those.
    (user,) = mongo["spec"]["users"]
    databases = {
        cm["data"]["MONGO_DB"]
        for cm in rendered_all["prod"].of_kind("ConfigMap")
        if "MONGO_DB" in cm.get("data", {})
    }
    assert {(role["name"], role["db"]) for role in user["roles"]} == {
        ("readWrite", db) for db in databases
    }
    # The services read the connection string the operator writes for that user.
    connection = user["connectionStringSecretName"]
    for workload in rendered_all["prod"].workloads():
        for container in pod_spec(workload)["containers"]:
            for env in container.get("env", []):
                if env["name"] == "MONGO_URL":
                    assert env["valueFrom"]["secretKeyRef"] == {
                        "name": connection,
                        "key": "connectionString.standard",
                    }


def test_prod_rabbitmq_is_a_three_node_cluster_of_the_cluster_operator(rendered_all):
    (cluster,) = rendered_all["prod"].of_kind("RabbitmqCluster")
    jsonschema.validate(cluster, RABBITMQ_CLUSTER)
    assert cluster["spec"]["replicas"] == 3
    assert (
        "cluster_partition_handling = pause_minority"
        in cluster["spec"]["rabbitmq"]["additionalConfig"]
    )


def test_prod_runs_two_of_every_worker(rendered_all):
    workers = [
        d
        for d in rendered_all["prod"].of_kind("Deployment")
        if d["metadata"]["labels"].get("app.kubernetes.io/component") == "worker"
    ]
    assert len(workers) == 6
    assert all(d["spec"]["replicas"] == 2 for d in workers)


def test_dev_runs_a_single_node_replica_set_and_initiates_it(rendered_all):
    dev = rendered_all["dev"]
    mongo = dev.get("StatefulSet", "mongo")
    assert mongo["spec"]["replicas"] == 1
    (mongod,) = pod_spec(mongo)["containers"]
    assert mongod["image"].startswith("mongo:7")
    assert "--replSet" in mongod["args"]
    replica_set = mongod["args"][mongod["args"].index("--replSet") + 1]
    init = dev.get("Job", "mongo-rs-init")
    script = " ".join(pod_spec(init)["containers"][0]["command"])
    assert "rs.initiate(" in script
    assert f'_id: "{replica_set}"' in script
    assert "NotYetInitialized" in script  # re-running it leaves an initiated set alone
    rabbit = dev.get("StatefulSet", "rabbitmq")
    assert rabbit["spec"]["replicas"] == 1
    assert pod_spec(rabbit)["containers"][0]["image"].startswith("rabbitmq:3.13")
    assert all(d["spec"]["replicas"] == 1 for d in dev.of_kind("Deployment"))


# --- the services ----------------------------------------------------------------------------


def dockerfile_cmd(service: str) -> list[str]:
    text = (REPO / "services" / service / "Dockerfile").read_text()
    (cmd,) = re.findall(r"^CMD (\[.*\])\s*$", text, re.M)
    return json.loads(cmd)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_its_web_process_and_its_worker(rendered, service):
    web = rendered.get("Deployment", service)
    (container,) = pod_spec(web)["containers"]
    assert container["args"] == dockerfile_cmd(service)  # gunicorn exactly as the image runs it
    assert container["image"].startswith(f"ghcr.io/hotel-ops/{service}:")
    worker = rendered.get("Deployment", f"{service}-worker")
    (container,) = pod_spec(worker)["containers"]
    assert container["args"] == ["python", "-m", f"{package_of(service)}.consumer"]
    service_object = rendered.get("Service", service)
    assert selects({"matchLabels": service_object["spec"]["selector"]}, template_labels(web))
    assert not selects({"matchLabels": service_object["spec"]["selector"]}, template_labels(worker))


def test_every_image_is_a_tagged_hotel_ops_image_or_a_pinned_upstream_one(rendered):
    for workload in rendered.workloads():
        for container in pod_spec(workload)["containers"]:
            image = container["image"]
            name, _, tag = image.rpartition(":")
            assert name, image
            assert tag not in ("", "latest"), image
            assert name.startswith("ghcr.io/hotel-ops/") or name in ("mongo", "rabbitmq"), image


def test_every_workload_has_probes_resources_and_a_restricted_security_context(rendered):
    for workload in rendered.workloads():
        where = f"{rendered.overlay}: {workload['kind']}/{workload['metadata']['name']}"
        spec = pod_spec(workload)
        assert spec.get("automountServiceAccountToken") is False, where
        pod_security = spec["securityContext"]
        assert pod_security["runAsNonRoot"] is True, where
        assert pod_security["runAsUser"] >= 10000, where
        assert pod_security["seccompProfile"] == {"type": "RuntimeDefault"}, where
        writable = {
            v["name"]
            for v in spec.get("volumes", [])
            if "emptyDir" in v or "persistentVolumeClaim" in v
        }
        writable |= {
            t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates", [])
        }
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
            assert security.get("privileged", False) is False, where
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert mounts.get("/tmp") in writable, f"{where}: /tmp must be a writable emptyDir"
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), f"{where}: {kind}"
            if workload["kind"] != "Job":
                assert "readinessProbe" in container, where
                assert "livenessProbe" in container, where


def test_web_processes_are_probed_on_readyz_and_healthz(rendered):
    for web in web_deployments(rendered):
        if web["metadata"]["name"] == "gateway":
            continue
        (container,) = pod_spec(web)["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_every_web_deployment_has_an_autoscaler_and_a_disruption_budget(rendered):
    autoscalers = {
        h["spec"]["scaleTargetRef"]["name"]: h for h in rendered.of_kind("HorizontalPodAutoscaler")
    }
    budgets = rendered.of_kind("PodDisruptionBudget")
    webs = web_deployments(rendered)
    assert {w["metadata"]["name"] for w in webs} == {*SERVICES, "gateway"}
    for web in webs:
        name = web["metadata"]["name"]
        hpa = autoscalers[name]
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpa["spec"]["minReplicas"] <= web["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
        assert any(selects(b["spec"]["selector"], template_labels(web)) for b in budgets), name


def test_the_notifications_hub_keeps_polling_clients_on_one_process(rendered):
    service = rendered.get("Service", "notifications")
    assert service["spec"]["sessionAffinity"] == "ClientIP"
    assert rendered.get("HorizontalPodAutoscaler", "notifications")["spec"]["maxReplicas"] > 1


# --- settings and secrets --------------------------------------------------------------------


def code_text() -> str:
    files = [*REPO.glob("shared/hotel_shared/**/*.py"), *REPO.glob("services/*/*/**/*.py")]
    return "\n".join(path.read_text() for path in files if "/tests/" not in str(path))


def test_every_setting_in_a_configmap_is_one_the_code_reads(rendered):
    code = code_text()
    gateway = (REPO / "gateway" / "Dockerfile").read_text() + (
        REPO / "gateway" / "templates" / "default.conf.template"
    ).read_text()
    for config in rendered.of_kind("ConfigMap"):
        for key in config.get("data", {}):
            source = gateway if config["metadata"]["name"] == "gateway-config" else code
            assert re.search(rf"\b{key}\b", source), (
                f"{config['metadata']['name']}: nothing reads {key}"
            )


def referenced_secrets(rendered: Rendered) -> set[str]:
    names: set[str] = set()
    for workload in rendered.workloads():
        spec = pod_spec(workload)
        for container in spec["containers"]:
            names |= {
                e["valueFrom"]["secretKeyRef"]["name"]
                for e in container.get("env", [])
                if "secretKeyRef" in e.get("valueFrom", {})
            }
            names |= {
                e["secretRef"]["name"] for e in container.get("envFrom", []) if "secretRef" in e
            }
        names |= {v["secret"]["secretName"] for v in spec.get("volumes", []) if "secret" in v}
    for ingress in rendered.of_kind("Ingress"):
        names |= {tls["secretName"] for tls in ingress["spec"].get("tls", [])}
    for mongo in rendered.of_kind("MongoDBCommunity"):
        names |= {u["passwordSecretRef"]["name"] for u in mongo["spec"]["users"]}
    return names


def test_no_secret_values_are_committed_and_every_secret_is_documented(rendered):
    assert rendered.of_kind("Secret") == []
    for path in DEPLOY.rglob("*.y*ml"):
        assert not re.search(r"^kind:\s*Secret\s*$", path.read_text(), re.M), path
    readme = (DEPLOY / "README.md").read_text()
    section = readme.split("## Secrets to create", 1)[1].split("\n## ", 1)[0]
    operator_made = {
        u["connectionStringSecretName"]
        for m in rendered.of_kind("MongoDBCommunity")
        for u in m["spec"]["users"]
    }
    for name in referenced_secrets(rendered) - operator_made:
        assert f"`{name}`" in section, f"deploy/README.md does not say how to create Secret {name}"


# --- network policies ------------------------------------------------------------------------


def policies_for(
    rendered: Rendered, labels: dict[str, str], direction: str
) -> list[dict[str, Any]]:
    return [
        p
        for p in rendered.of_kind("NetworkPolicy")
        if direction in p["spec"].get("policyTypes", [])
        and selects(p["spec"]["podSelector"], labels)
    ]


def test_network_policies_deny_by_default(rendered):
    deny = [
        p
        for p in rendered.of_kind("NetworkPolicy")
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert deny, "no default-deny NetworkPolicy"


def test_only_the_gateway_reaches_the_services(rendered):
    gateway = template_labels(rendered.get("Deployment", "gateway"))
    pms_adapter = template_labels(rendered.get("Deployment", "pms-adapter"))
    for service in SERVICES:
        web = template_labels(rendered.get("Deployment", service))
        policies = policies_for(rendered, web, "Ingress")
        assert policies, service
        for policy in policies:
            for rule in policy["spec"].get("ingress", []):
                assert rule.get("from"), f"{policy['metadata']['name']} lets anyone reach {service}"
                for peer in rule["from"]:
                    if "podSelector" in peer and "namespaceSelector" not in peer:
                        allowed = selects(peer["podSelector"], gateway) or (
                            service == "rooms" and selects(peer["podSelector"], pms_adapter)
                        )
                        assert allowed, f"{policy['metadata']['name']}: {peer} may reach {service}"
                    else:  # only Prometheus' namespace, for /metrics
                        assert peer == {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                            }
                        }, peer
        worker = template_labels(rendered.get("Deployment", f"{service}-worker"))
        assert not any(
            p["spec"].get("ingress") for p in policies_for(rendered, worker, "Ingress")
        ), f"{service}-worker takes no traffic"


def egress_ports(rendered: Rendered, labels: dict[str, str]) -> set[int]:
    return {
        port["port"]
        for policy in policies_for(rendered, labels, "Egress")
        for rule in policy["spec"].get("egress", [])
        for port in rule.get("ports", [])
    }


def test_services_reach_mongodb_rabbitmq_and_dns_and_pms_adapter_the_pms(rendered):
    for service in SERVICES:
        for name in (service, f"{service}-worker"):
            ports = egress_ports(rendered, template_labels(rendered.get("Deployment", name)))
            assert {27017, 5672, 53} <= ports, name
    assert 443 in egress_ports(
        rendered, template_labels(rendered.get("Deployment", "pms-adapter-worker"))
    )
    assert 443 not in egress_ports(rendered, template_labels(rendered.get("Deployment", "rooms")))


def test_the_data_stores_take_traffic_from_the_services(rendered):
    rooms = template_labels(rendered.get("Deployment", "rooms"))
    ports = set()
    for policy in rendered.of_kind("NetworkPolicy"):
        for rule in policy["spec"].get("ingress", []):
            if any(
                "podSelector" in peer and selects(peer["podSelector"], rooms)
                for peer in rule.get("from", [])
            ):
                ports |= {p["port"] for p in rule.get("ports", [])}
    assert {27017, 5672} <= ports


def test_prod_publishes_the_gateway_through_an_ingress_with_tls(rendered_all):
    (ingress,) = rendered_all["prod"].of_kind("Ingress")
    assert ingress["spec"]["tls"][0]["secretName"]
    backends = {
        p["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for p in rule["http"]["paths"]
    }
    assert backends == {"gateway"}
    assert rendered_all["dev"].of_kind("Ingress") == []
