"""Bring your own regional endpoints: an existing API Gateway REST/HTTP API or ALB per region behind the pair's name.

The pair then builds routing, health checks and signals only (no API Gateway, Lambda or custom domain of its own).
Program runs under Pulumi's mock runtime; `regionpair check` drives the policy pack over gRPC, in preview and update.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from regionpair.check import run_check
from regionpair.simulate import PairRun, simulate_pair
from tests.conftest import ROOT, PairCopy

RECORD = "aws:route53/record:Record"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ENDPOINTS = {
    "alb": {
        "primary": {"type": "alb", "domainName": "dualstack.shop-alb-1234.us-east-1.elb.amazonaws.com",
                    "hostedZoneId": "Z35SXDOTRQ7X7K", "loadBalancer": "app/shop-alb/50dc6c495c0c9188",
                    "healthCheck": {"path": "/healthz"}},
        "secondary": {"type": "alb", "domainName": "dualstack.shop-alb-5678.us-west-2.elb.amazonaws.com",
                      "hostedZoneId": "Z1H1FL5HABSF5", "loadBalancer": "app/shop-alb/60dc6c495c0c9188",
                      "healthCheck": {"path": "/healthz"}},
    },
    "restApi": {
        "primary": {"type": "restApi", "domainName": "d-abc123def4.execute-api.us-east-1.amazonaws.com",
                    "hostedZoneId": "Z1UJRXOUMOOFQ8", "apiName": "shop-api", "stage": "prod",
                    "healthCheck": {"fqdn": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "path": "/prod/health"}},
        "secondary": {"type": "restApi", "domainName": "d-fed987cba6.execute-api.us-west-2.amazonaws.com",
                      "hostedZoneId": "Z2OJLYMUO9EFXC", "apiName": "shop-api", "stage": "prod",
                      "healthCheck": {"fqdn": "f6e5d4c3b2.execute-api.us-west-2.amazonaws.com",
                                      "path": "/prod/health"}},
    },
    "httpApi": {
        "primary": {"type": "httpApi", "domainName": "d-abc123def4.execute-api.us-east-1.amazonaws.com",
                    "hostedZoneId": "Z1UJRXOUMOOFQ8", "apiId": "a1b2c3d4e5"},
        "secondary": {"type": "httpApi", "domainName": "d-fed987cba6.execute-api.us-west-2.amazonaws.com",
                      "hostedZoneId": "Z2OJLYMUO9EFXC", "apiId": "f6e5d4c3b2"},
    },
}  # fmt: skip


def _existing(copy: PairCopy, kind: str, mode: str = "failover") -> PairCopy:
    def shared(d: dict) -> None:
        d["api"] = {"domainName": "api.example.com", "endpoints": "existing"}
        d["routing"]["mode"] = mode
        if mode == "latency":
            d["routing"].pop("stop", None)

    copy.shared(shared)
    def endpoint(config: dict, stack: str) -> None:
        config.pop("regionpair:certificateArn")
        config["regionpair:endpoint"] = ENDPOINTS[kind][stack]

    for stack in ("primary", "secondary"):
        copy.stack(stack, lambda c, s=stack: endpoint(c, s))
    return copy


@pytest.fixture(scope="module")
def alb_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PairRun]:
    root = tmp_path_factory.mktemp("alb")
    _existing(PairCopy(root), "alb")
    return root, simulate_pair(root)


def test_no_api_of_our_own_is_built(alb_pair) -> None:
    _, runs = alb_pair
    for run in runs:
        kinds = {r.type.split(":")[1].split("/")[0] for r in run.resources if r.custom}
        assert "apigateway" not in kinds, f"{run.stack}: builds an API Gateway"
        names = [r.name for r in run.by_type("aws:lambda/function:Function")]
        assert not any("-api-" in n for n in names), names
        component = run.one("regionpair:api:ExistingApi")
        assert component.inputs["endpoint"]["type"] == "alb", component.urn
        assert run.outputs["parityManifest"]["api"]["endpointType"] == "alb"


def test_failover_records_alias_the_existing_endpoints(alb_pair) -> None:
    _, runs = alb_pair
    records = {r.inputs["setIdentifier"]: r for r in runs.primary.by_type(RECORD) if r.inputs.get("setIdentifier")}
    primary, secondary = records["primary"], records["secondary"]
    assert primary.inputs["aliases"][0]["name"] == ENDPOINTS["alb"]["primary"]["domainName"], primary.urn
    assert primary.inputs["aliases"][0]["zoneId"] == "Z35SXDOTRQ7X7K", primary.urn
    assert secondary.inputs["aliases"][0]["name"] == ENDPOINTS["alb"]["secondary"]["domainName"], secondary.urn
    assert secondary.inputs["aliases"][0]["zoneId"] == "Z1H1FL5HABSF5", "read from the secondary's manifest"
    assert runs.secondary.by_type(ALARM), "the STOP alarm lives in the secondary as always"


def test_signals_watch_the_albs_metrics(alb_pair) -> None:
    _, runs = alb_pair
    for run, lb in ((runs.primary, "app/shop-alb/50dc6c495c0c9188"), (runs.secondary, "app/shop-alb/60dc6c495c0c9188")):
        errors = run.one(ALARM, "api-5xx").inputs
        queries = {q["id"]: q for q in errors["metricQueries"]}
        assert queries["targets"]["metric"]["namespace"] == "AWS/ApplicationELB", run.stack
        assert queries["requests"]["metric"]["dimensions"] == {"LoadBalancer": lb}, run.stack
        latency = run.one(ALARM, "api-latency").inputs
        assert (latency["metricName"], latency["extendedStatistic"]) == ("TargetResponseTime", "p99"), run.stack
        assert latency["threshold"] == 3, "TargetResponseTime is in seconds: 3000 ms"
        assert not [r for r in run.by_type(ALARM) if "lambda-" in r.name], "the function behind it is not ours"


@pytest.mark.parametrize("preview", [False, True])
def test_check_passes_with_existing_endpoints(alb_pair, preview: bool) -> None:
    root, _ = alb_pair
    reports = run_check(root, ["secondary", "primary"], preview=preview)
    for report in reports:
        assert not report.mandatory, [(d.policy, d.message) for d in report.mandatory]


@pytest.mark.parametrize("kind", ["restApi", "httpApi"])
def test_api_gateway_endpoints_and_their_metrics(tmp_path: Path, kind: str) -> None:
    runs = simulate_pair(_existing(PairCopy(tmp_path), kind).path)
    dims = {
        "restApi": ({"ApiName": "shop-api", "Stage": "prod"}, "5XXError"),
        "httpApi": ({"ApiId": "a1b2c3d4e5", "Stage": "$default"}, "5xx"),
    }[kind]
    alarm = runs.primary.one(ALARM, "api-5xx").inputs
    assert (alarm["namespace"], alarm["metricName"], alarm["dimensions"]) == ("AWS/ApiGateway", dims[1], dims[0])


def test_latency_routing_probes_what_the_stack_file_names(tmp_path: Path) -> None:
    runs = simulate_pair(_existing(PairCopy(tmp_path), "restApi", mode="latency").path)
    for run, side in ((runs.primary, "primary"), (runs.secondary, "secondary")):
        check = run.one("aws:route53/healthCheck:HealthCheck").inputs
        want = ENDPOINTS["restApi"][side]["healthCheck"]
        assert (check["fqdn"], check["resourcePath"], check["port"]) == (want["fqdn"], want["path"], 443), run.stack


def test_region_switch_routing_over_existing_endpoints(tmp_path: Path) -> None:
    copy = PairCopy(tmp_path)
    shutil.copy(ROOT / "docs" / "examples" / "pair-region-switch.yaml", tmp_path / "pair.yaml")
    _existing(copy, "alb", mode="region-switch")
    copy.assert_refused("Pulumi.primary.yaml regionpair:certificateArn", "required in region-switch mode")
    for stack in ("primary", "secondary"):
        arn = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]["regionpair:certificateArn"]
        copy.stack(stack, lambda c, arn=arn: c.update({"regionpair:certificateArn": arn}))
    for report in run_check(tmp_path, ["secondary", "primary"]):
        assert not report.mandatory, [(d.policy, d.message) for d in report.mandatory]


# --------------------------------------------------------------------------------------------- mistakes
def test_each_half_names_its_endpoint(pair_copy: PairCopy) -> None:
    _existing(pair_copy, "alb")
    pair_copy.stack("secondary", lambda c: c.pop("regionpair:endpoint"))
    pair_copy.assert_refused("Pulumi.secondary.yaml regionpair:endpoint", "each stack file names")


def test_endpoint_in_another_region(pair_copy: PairCopy) -> None:
    _existing(pair_copy, "alb")
    pair_copy.stack("secondary", lambda c: c.update({"regionpair:endpoint": ENDPOINTS["alb"]["primary"]}))
    pair_copy.assert_refused("regionpair:endpoint.domainName", "is in us-east-1 but this stack deploys us-west-2")


def test_same_kind_in_both_regions(pair_copy: PairCopy) -> None:
    _existing(pair_copy, "alb")
    pair_copy.stack("secondary", lambda c: c.update({"regionpair:endpoint": ENDPOINTS["httpApi"]["secondary"]}))
    pair_copy.assert_refused("regionpair:endpoint.type", "same kind of endpoint")


def test_endpoint_without_existing_endpoints(pair_copy: PairCopy) -> None:
    pair_copy.stack("primary", lambda c: c.update({"regionpair:endpoint": ENDPOINTS["alb"]["primary"]}))
    pair_copy.assert_refused("regionpair:endpoint", "set api.endpoints: existing")


def test_lambda_is_not_used_with_existing_endpoints(pair_copy: PairCopy) -> None:
    _existing(pair_copy, "alb")
    pair_copy.shared(lambda d: d["api"].update({"lambda": {"runtime": "python3.12"}}))
    pair_copy.assert_refused("api", "not used with endpoints: existing")


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        ({"domainName": "shop.example.com"}, "regionpair:endpoint", "not the alias target of a alb"),
        ({"hostedZoneId": "zone"}, "regionpair:endpoint.hostedZoneId", "hosted zone id"),
        ({"loadBalancer": None}, "regionpair:endpoint", "loadBalancer: required"),
        ({"loadBalancer": "shop-alb"}, "regionpair:endpoint", "app/<name>/<id>"),
        ({"healthCheck": {"path": "healthz"}}, "regionpair:endpoint.healthCheck.path", "starting with /"),
        ({"type": "nlb"}, "regionpair:endpoint.type", "restApi"),
    ],
)
def test_endpoint_mistakes_are_one_line(pair_copy: PairCopy, change: dict, key: str, fragment: str) -> None:
    _existing(pair_copy, "alb")
    bad = {k: v for k, v in {**ENDPOINTS["alb"]["primary"], **change}.items() if v is not None}
    pair_copy.stack("primary", lambda c: c.update({"regionpair:endpoint": bad}))
    pair_copy.assert_refused(key, fragment)


def test_latency_with_api_gateway_needs_the_probe_host(pair_copy: PairCopy) -> None:
    _existing(pair_copy, "httpApi", mode="latency")
    pair_copy.assert_refused("regionpair:endpoint.healthCheck.fqdn", "execute-api.us-east-1.amazonaws.com")
