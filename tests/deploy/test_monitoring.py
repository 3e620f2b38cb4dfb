"""deploy/monitoring: alert rules and the Grafana dashboard name only metrics the services export.

The exported metrics are read from the code (prometheus_client Counter/Gauge/Histogram/Summary
declarations and the GaugeMetricFamily built at a scrape, in shared/ and services/, never
imported); the expressions are parsed enough to find every metric name, label matcher, grouping
label and function, with balanced brackets.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

import pytest
import yaml
from conftest import DEPLOY, REPO

MONITORING = DEPLOY / "monitoring"
# prometheus_client's metric classes, and the gauge families a collector builds at scrape time.
KINDS = {"Counter", "Gauge", "Histogram", "Summary", "GaugeMetricFamily"}
FUNCTIONS = {
    # aggregations
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
    # functions
    "abs",
    "absent",
    "absent_over_time",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "days_in_month",
    "delta",
    "deriv",
    "exp",
    "floor",
    "histogram_avg",
    "histogram_count",
    "histogram_fraction",
    "histogram_quantile",
    "histogram_sum",
    "holt_winters",
    "hour",
    "idelta",
    "increase",
    "irate",
    "label_join",
    "label_replace",
    "ln",
    "log2",
    "log10",
    "minute",
    "month",
    "predict_linear",
    "rate",
    "resets",
    "round",
    "scalar",
    "sgn",
    "sort",
    "sort_desc",
    "sqrt",
    "time",
    "timestamp",
    "vector",
    "year",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "count_over_time",
    "quantile_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "last_over_time",
    "present_over_time",
}
KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
}
SEVERITIES = {"critical", "warning", "info"}
REQUIRED_ALERTS = {  # DESIGN/issue 12: what ops watch
    "HotelOutboxBacklogOld",
    "HotelDeadLetters",
    "HotelConsumerLag",
    "HotelPmsBreakerOpen",
    "HotelHigh5xxRate",
    "HotelHighP99Latency",
}


# --- what the services export ----------------------------------------------------------------


def exported_metrics() -> dict[str, set[str]]:
    """Every series name the code declares, with its label names (from the source, not imported)."""
    series: dict[str, set[str]] = {}
    files = [*REPO.glob("shared/hotel_shared/**/*.py"), *REPO.glob("services/*/*/**/*.py")]
    for path in files:
        if "/tests/" in str(path) or "prometheus_client" not in (text := path.read_text()):
            continue
        for node in ast.walk(ast.parse(text)):
            if not (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in KINDS
            ):
                continue
            if not (
                node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            kind, name = (
                getattr(node.func, "id", getattr(node.func, "attr", None)),
                node.args[0].value,
            )
            labels_node = (
                node.args[2]
                if len(node.args) > 2
                else next(
                    (k.value for k in node.keywords if k.arg in ("labelnames", "labels")), None
                )
            )
            labels = (
                {e.value for e in labels_node.elts}
                if isinstance(labels_node, (ast.List, ast.Tuple))
                else set()
            )
            if kind == "Counter":
                base = name.removesuffix("_total")
                names = {f"{base}_total": labels, f"{base}_created": labels}
            elif kind == "Histogram":
                names = {
                    f"{name}_bucket": labels | {"le"},
                    f"{name}_sum": labels,
                    f"{name}_count": labels,
                    f"{name}_created": labels,
                }
            elif kind == "Summary":
                names = {
                    name: labels | {"quantile"},
                    f"{name}_sum": labels,
                    f"{name}_count": labels,
                }
            else:
                names = {name: labels}
            for series_name, series_labels in names.items():
                series.setdefault(series_name, set()).update(series_labels)
    return series


EXPORTED = exported_metrics()


def test_the_services_export_the_http_metrics():
    assert {"hotel_http_requests_total", "hotel_http_request_duration_seconds_bucket"} <= set(
        EXPORTED
    )
    assert {"service", "route", "status"} <= EXPORTED["hotel_http_requests_total"]


# --- a small PromQL reader -------------------------------------------------------------------


@dataclass
class Expr:
    metrics: dict[str, set[str]] = field(default_factory=dict)  # name -> label names matched
    grouping: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def read_promql(expr: str) -> Expr:
    found = Expr()
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)  # string literals hold no names
    stack = []
    for char in text:
        if char in "([{":
            stack.append(char)
        elif char in ")]}" and (not stack or "([{"[")]}".index(char)] != stack.pop()):
            found.errors.append(f"unbalanced {char!r}")
    if stack:
        found.errors.append(f"unclosed {stack[-1]!r}")
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries
    text = re.sub(r"\boffset\s+\w+", " ", text)
    for clause in re.finditer(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", text
    ):
        found.grouping |= {label.strip() for label in clause.group(2).split(",") if label.strip()}
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    for match in re.finditer(r"(?<![\w.])([A-Za-z_:][A-Za-z0-9_:]*)\s*(\(|\{)?", text):
        name, after = match.group(1), match.group(2)
        if name.lower() in KEYWORDS:
            continue
        if after == "(":
            if name not in FUNCTIONS:
                found.errors.append(f"unknown function {name}")
            continue
        labels: set[str] = set()
        if after == "{":
            body = text[match.end() : text.index("}", match.end())]
            for matcher in filter(None, (part.strip() for part in body.split(","))):
                pair = re.fullmatch(r'([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*""', matcher)
                if not pair:
                    found.errors.append(f"bad label matcher {matcher!r}")
                else:
                    labels.add(pair.group(1))
        found.metrics.setdefault(name, set()).update(labels)
    # Label names inside {...} were consumed with their metric; drop any that leaked as names.
    for name in list(found.metrics):
        if re.search(rf"[{{,]\s*{re.escape(name)}\s*(=~|!~|!=|=)", text):
            del found.metrics[name]
    return found


def unknown_in(expr: str) -> list[str]:
    """What in `expr` the services do not export (metrics, labels), or what does not parse."""
    parsed = read_promql(expr)
    problems = list(parsed.errors)
    if not parsed.metrics:
        problems.append("names no metric")
    known_labels: set[str] = set()
    for name, labels in parsed.metrics.items():
        if name not in EXPORTED:
            problems.append(f"metric {name} is not exported by any service")
            continue
        known_labels |= EXPORTED[name]
        problems += [f"{name} has no label {label}" for label in labels - EXPORTED[name]]
    if known_labels:
        problems += [
            f"grouping by unknown label {label}" for label in parsed.grouping - known_labels
        ]
    return problems


def test_the_reader_finds_unknown_metrics_labels_and_functions():
    assert unknown_in('sum by (service) (rate(hotel_http_requests_total{status=~"5.."}[5m]))') == []
    assert unknown_in("rate(hotel_made_up_total[5m]) > 0") == [
        "metric hotel_made_up_total is not exported by any service"
    ]
    assert unknown_in('hotel_http_requests_total{colour="red"}') == [
        "hotel_http_requests_total has no label colour"
    ]
    assert unknown_in("sum by (colour) (hotel_http_requests_total)") == [
        "grouping by unknown label colour"
    ]
    assert unknown_in("rte(hotel_http_requests_total[5m])") == ["unknown function rte"]
    assert "unclosed '('" in unknown_in("sum(rate(hotel_http_requests_total[5m])")


# --- the alert rules -------------------------------------------------------------------------


def rules_of(path):
    document = yaml.safe_load(path.read_text())
    assert set(document) == {"groups"}, path
    for group in document["groups"]:
        assert group["name"], path
        assert group["rules"], path
        yield from group["rules"]


ACTIVE = list(rules_of(MONITORING / "alerts.yaml"))


@pytest.mark.parametrize("rule", ACTIVE, ids=lambda rule: rule.get("alert", "?"))
def test_each_rule_is_complete(rule):
    assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}
    assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
    assert isinstance(rule["expr"], str)
    assert rule["expr"].strip()
    assert re.fullmatch(r"(\d+[smhdw])+", rule["for"])
    assert rule["labels"]["severity"] in SEVERITIES
    assert rule["annotations"]["summary"]
    assert rule["annotations"]["description"]
    assert read_promql(rule["expr"]).errors == []


@pytest.mark.parametrize("rule", ACTIVE, ids=lambda rule: rule["alert"])
def test_each_active_rule_names_only_exported_metrics(rule):
    assert unknown_in(rule["expr"]) == []


def test_the_alerts_cover_what_ops_watch():
    names = [rule["alert"] for rule in ACTIVE]
    assert len(names) == len(set(names))
    assert set(names) >= REQUIRED_ALERTS


# --- the Grafana dashboard -------------------------------------------------------------------


DASHBOARD = json.loads((MONITORING / "grafana-dashboard.json").read_text())


def test_the_dashboard_is_a_grafana_dashboard():
    assert DASHBOARD["uid"]
    assert DASHBOARD["title"]
    assert DASHBOARD["schemaVersion"] >= 36
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))
    for panel in DASHBOARD["panels"]:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])


def test_every_dashboard_query_names_only_exported_metrics():
    queries = 0
    for panel in DASHBOARD["panels"]:
        if panel["type"] in ("text", "row"):
            continue
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            expr = target["expr"].replace("$service", "x")
            assert unknown_in(expr) == [], panel["title"]
            queries += 1
    for variable in DASHBOARD["templating"]["list"]:
        if variable["type"] == "query":
            metric, label = re.fullmatch(
                r"label_values\((\w+),\s*(\w+)\)", variable["definition"]
            ).groups()
            assert label in EXPORTED[metric]
    assert queries >= 5
