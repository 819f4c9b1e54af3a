"""Kubernetes formats round-trip exactly through the golden packages' models, and validate.

int-or-string stays an int or a string, quantities keep the numbers clients
send and their strings, MicroTime keeps six fractional digits, byte stays
base64 text, and CustomResourceDefinition's recursive JSONSchemaProps (with its
OrBool / OrArray / JSON unions and x-kubernetes-* extensions) comes back whole.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from kinds_support import Golden, kind_goldens

from generator.ir.model import TypeRef

__all__ = ["kind_goldens"]  # the fixture, imported for pytest

CONTAINER = {
    "name": "web",
    "image": "nginx:1.27",
    "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}, {"containerPort": 8443}],
    "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
    "readinessProbe": {"tcpSocket": {"port": 8443}},
    "resources": {
        "limits": {"cpu": "500m", "memory": "1Gi"},
        "requests": {"cpu": 0.25, "memory": 268435456, "ephemeral-storage": "2G"},
    },
}
DEPLOYMENTS = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "creationTimestamp": "2026-11-29T17:00:00Z",
            "labels": {"app": "web"},
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": unavailable, "maxSurge": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [CONTAINER], "terminationGracePeriodSeconds": 30},
            },
        },
        "status": {"replicas": 3, "conditions": [{"type": "Available", "status": "True"}]},
    }
    for unavailable in (0, "25%")
]
NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {"name": "n1"},
    "spec": {"podCIDR": "10.0.0.0/24", "taints": [{"key": "k", "effect": "NoSchedule"}]},
    "status": {
        "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
        "allocatable": {"cpu": 3.5, "memory": "15Gi", "pods": 110},
        "conditions": [
            {"type": "Ready", "status": "True", "lastHeartbeatTime": "2026-11-29T17:00:00Z"}
        ],
    },
}
EVENT = {
    "apiVersion": "events.k8s.io/v1",
    "kind": "Event",
    "metadata": {"name": "web.1", "namespace": "default"},
    "eventTime": "2026-11-29T17:00:00.000000Z",
    "series": {"count": 2, "lastObservedTime": "2026-11-29T17:00:01.123456Z"},
    "reportingController": "kubelet",
    "reportingInstance": "n1",
    "action": "Pulling",
    "reason": "Pulling",
    "type": "Normal",
    "regarding": {"kind": "Pod", "name": "web", "namespace": "default"},
}
LEASE = {
    "apiVersion": "coordination.k8s.io/v1",
    "kind": "Lease",
    "metadata": {"name": "n1", "namespace": "kube-node-lease"},
    "spec": {
        "holderIdentity": "n1",
        "leaseDurationSeconds": 40,
        "acquireTime": "2026-11-29T17:00:00.000000Z",
        "renewTime": "2026-11-29T17:00:10.500000Z",
    },
}
CONFIGMAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "settings"},
    "data": {"a": "1"},
    "binaryData": {"blob": "AAEC/w=="},
    "immutable": True,
}
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets", "listKind": "WidgetList"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["size"],
                                "properties": {
                                    "size": {"x-kubernetes-int-or-string": True},
                                    "tags": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "x-kubernetes-list-type": "set",
                                    },
                                    "ports": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"port": {"type": "integer"}},
                                        },
                                        "x-kubernetes-list-type": "map",
                                        "x-kubernetes-list-map-keys": ["port"],
                                    },
                                    "labels": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "closed": {"type": "object", "additionalProperties": False},
                                    "tuple": {"items": [{"type": "string"}, {"type": "integer"}]},
                                    "config": {
                                        "type": "object",
                                        "x-kubernetes-preserve-unknown-fields": True,
                                        "default": {"replicas": 1, "mode": "fast"},
                                    },
                                    "$ref": {"type": "string"},
                                },
                                "x-kubernetes-validations": [
                                    {"rule": "self.size != 0", "message": "size is zero"}
                                ],
                            },
                            "status": {
                                "x-kubernetes-embedded-resource": True,
                                "x-kubernetes-preserve-unknown-fields": True,
                                "type": "object",
                            },
                        },
                    }
                },
                "subresources": {"status": {}},
            }
        ],
    },
}
CASES = [
    ("Deployment", "Deployment", DEPLOYMENTS[0]),
    ("Deployment", "Deployment", DEPLOYMENTS[1]),
    ("Node", "Node", NODE),
    ("Event", "Event", EVENT),
    ("Lease", "Lease", LEASE),
    ("ConfigMap", "ConfigMap", CONFIGMAP),
    ("CustomResourceDefinition", "CustomResourceDefinition", CRD),
    (
        "Eviction",
        "Eviction",
        {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": "web", "namespace": "default"},
            "deleteOptions": {"gracePeriodSeconds": 0, "propagationPolicy": "Foreground"},
        },
    ),
]


@pytest.mark.parametrize(
    ("kind", "model", "data"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_realistic_objects_round_trip_unchanged_and_validate(
    kind_goldens: dict[str, Golden], kind: str, model: str, data: dict[str, Any]
) -> None:
    cls = kind_goldens[kind].module(model)
    sent = copy.deepcopy(data)
    obj = cls.model_validate(sent)
    assert obj.to_dict() == data
    assert cls.model_validate_json(obj.to_json()).to_dict() == data
    assert obj.validate_k8s() == []
    validators = kind_goldens[kind].module("validators")
    assert validators.VALIDATORS[model](data, strict=False) == []


def test_int_or_string_and_quantity_keep_their_python_types(
    kind_goldens: dict[str, Golden],
) -> None:
    deployment = kind_goldens["Deployment"].module("Deployment").model_validate(DEPLOYMENTS[0])
    rolling = deployment.spec.strategy.rolling_update
    assert type(rolling.max_unavailable) is int and rolling.max_surge == "25%"
    container = deployment.spec.template.spec.containers[0]
    assert type(container.ports[0].container_port) is int
    assert container.liveness_probe.http_get.port == "http"
    assert container.readiness_probe.tcp_socket.port == 8443
    assert container.resources.limits == {"cpu": "500m", "memory": "1Gi"}
    assert type(container.resources.requests["memory"]) is int
    assert type(container.resources.requests["cpu"]) is float


def test_microtime_keeps_microseconds_and_time_stays_whole_seconds(
    kind_goldens: dict[str, Golden],
) -> None:
    event_cls = kind_goldens["Event"].module("Event")
    event = event_cls.model_validate(EVENT)
    assert event.event_time == datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
    assert event.to_dict()["eventTime"] == "2026-11-29T17:00:00.000000Z"
    built = event_cls(
        event_time=datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC),
        reporting_controller="c",
        reporting_instance="i",
    )
    assert built.to_dict()["eventTime"] == "2026-01-02T03:04:05.000007Z"
    node = kind_goldens["Node"].module("Node").model_validate(NODE)
    assert node.to_dict()["status"]["conditions"][0]["lastHeartbeatTime"] == "2026-11-29T17:00:00Z"


def test_json_schema_props_is_a_self_referencing_model(kind_goldens: dict[str, Golden]) -> None:
    models = kind_goldens["CustomResourceDefinition"].module("models")
    crd = models.CustomResourceDefinition.model_validate(CRD)
    schema = crd.spec.versions[0].schema_.open_apiv3_schema
    assert isinstance(schema, models.JSONSchemaProps)
    spec = schema.properties["spec"]
    assert isinstance(spec, models.JSONSchemaProps)
    assert spec.properties["closed"].additional_properties is False  # JSONSchemaPropsOrBool
    assert isinstance(spec.properties["labels"].additional_properties, models.JSONSchemaProps)
    assert isinstance(spec.properties["tuple"].items, list)  # JSONSchemaPropsOrArray
    assert spec.properties["config"].default == {"replicas": 1, "mode": "fast"}  # JSON: Any
    api = kind_goldens["CustomResourceDefinition"].api
    fields = {f.json_name: f for f in api.model("JSONSchemaProps").fields}
    props = TypeRef("model", model=api.model("JSONSchemaProps").name)
    assert fields["additionalProperties"].type == TypeRef(
        "union", options=(props, TypeRef("boolean"))
    )
    assert fields["items"].type.options[1] == TypeRef("array", item=props)
    assert fields["properties"].type == TypeRef("map", item=props)
    assert fields["$schema"].python_name == "schema_"  # BaseModel.schema is not shadowed


@pytest.mark.parametrize(
    ("kind", "model", "change", "field"),
    [
        ("Deployment", "Deployment", ("spec", "strategy", "rollingUpdate", "maxUnavailable", 1.5),
         "spec.strategy.rollingUpdate.maxUnavailable"),
        ("Node", "Node", ("status", "capacity", "cpu", True), "status.capacity[cpu]"),
        ("Node", "Node", ("status", "capacity", "memory", "16 gigs"), "status.capacity[memory]"),
        ("Event", "Event", ("eventTime", "yesterday"), "eventTime"),
        ("CustomResourceDefinition", "CustomResourceDefinition",
         ("spec", "versions", 0, "schema", "openAPIV3Schema", "additionalProperties", "no"),
         "spec.versions[0].schema.openAPIV3Schema.additionalProperties"),
    ],
)  # fmt: skip
def test_validators_refuse_wrong_types_in_the_new_formats(
    kind_goldens: dict[str, Golden], kind: str, model: str, change: tuple[Any, ...], field: str
) -> None:
    data = copy.deepcopy(next(d for k, m, d in CASES if k == kind))
    node: Any = data
    for key in change[:-2]:
        node = node[key]
    node[change[-2]] = change[-1]
    errors = kind_goldens[kind].module("validators").VALIDATORS[model](data)
    assert [e.field for e in errors] == [field], errors


def test_a_quantity_is_checked_as_kube_apiserver_reads_it(kind_goldens: dict[str, Golden]) -> None:
    validate = kind_goldens["Node"].module("validators").VALIDATORS["Node"]
    for good in ("500m", "1Gi", "16G", "1e3", "+2", 0.5, 110):
        assert validate({"status": {"capacity": {"x": good}}}) == [], good
    (error,) = validate({"status": {"capacity": {"memory": "1 GiB"}}})
    assert str(error).startswith(
        'status.capacity[memory]: Invalid value: "1 GiB": quantities must match'
    )
