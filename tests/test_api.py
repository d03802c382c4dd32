"""The regional API: same function and settings in both regions, each behind its own regional custom domain.

Program tests run the real program under Pulumi's mock runtime (`primary` / `secondary` fixtures). The Lambda
handler runs against moto server on 127.0.0.1 (DynamoDB GetItem is implemented there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from regionpair.components.api import LAMBDA_SOURCE, arn_parts
from regionpair.simulate import Recorded, StackRun

API_TYPE = "regionpair:api:RegionalApi"
FUNCTION = "aws:lambda/function:Function"
GLOBAL_MODULES = {"iam", "route53"}
REGIONS = {"primary": "us-east-1", "secondary": "us-west-2"}
CERTS = {
    "primary": "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
    "secondary": "arn:aws:acm:us-west-2:123456789012:certificate/66666666-7777-8888-9999-000000000000",
}


def _children(run: StackRun) -> list[Recorded]:
    """Custom resources registered by the RegionalApi component (its direct children)."""
    component = run.one(API_TYPE)
    return [r for r in run.resources if r.parent == component.urn and r.custom]


def _child(run: StackRun, token: str) -> Recorded:
    found = [r for r in _children(run) if r.type == token]
    assert len(found) == 1, f"{run.stack}: expected one {token} in the API, found {[r.urn for r in found]}"
    return found[0]


@pytest.fixture(params=["primary", "secondary"])
def run(request: pytest.FixtureRequest, primary: StackRun, secondary: StackRun) -> StackRun:
    return {"primary": primary, "secondary": secondary}[request.param]


# ------------------------------------------------------------------------------------------------ program
def test_function_settings_identical_in_both_regions(primary: StackRun, secondary: StackRun) -> None:
    fp, fs = _child(primary, FUNCTION), _child(secondary, FUNCTION)
    for key in ("runtime", "memorySize", "timeout", "handler"):
        assert fp.inputs[key] == fs.inputs[key], f"{fp.urn} vs {fs.urn}: {key} differs"
    assert (fp.inputs["runtime"], fp.inputs["memorySize"], fp.inputs["timeout"]) == ("python3.12", 256, 10), fp.urn
    assert fp.region == "us-east-1", (fp.urn, fs.urn)
    assert fs.region == "us-west-2", (fp.urn, fs.urn)


def test_function_code_is_the_same_archive(primary: StackRun, secondary: StackRun) -> None:
    archives = [_child(run, FUNCTION).inputs["code"] for run in (primary, secondary)]
    paths = [{name: asset.path for name, asset in a.assets.items()} for a in archives]
    assert paths[0] == paths[1] == {"app.py": str(LAMBDA_SOURCE)}, paths
    assert LAMBDA_SOURCE.is_file(), LAMBDA_SOURCE
    hashes = [run.outputs["parityManifest"]["api"]["codeSha256"] for run in (primary, secondary)]
    assert hashes[0] == hashes[1], "the two regions must run the same handler source"


def test_every_regional_resource_names_this_region(run: StackRun) -> None:
    for r in _children(run):
        if r.type.split(":")[1].split("/")[0] in GLOBAL_MODULES:
            assert "region" not in r.inputs, f"{r.urn}: global service given a region"
        else:
            assert r.region == REGIONS[run.stack], f"{r.urn}: region {r.region!r}, expected {REGIONS[run.stack]}"


def test_custom_domain_uses_this_regions_certificate(run: StackRun) -> None:
    domain = _child(run, "aws:apigateway/domainName:DomainName")
    assert domain.inputs["domainName"] == "api.example.com", domain.urn
    assert domain.inputs["regionalCertificateArn"] == CERTS[run.stack], domain.urn
    assert domain.inputs["endpointConfiguration"]["types"] == "REGIONAL", domain.urn
    assert domain.inputs["securityPolicy"] == "TLS_1_2", domain.urn
    rest = _child(run, "aws:apigateway/restApi:RestApi")
    assert rest.inputs["endpointConfiguration"]["types"] == "REGIONAL", rest.urn
    assert rest.inputs["name"] == "notify-api", f"{rest.urn}: the ApiName metric dimension signals.py alarms on"
    mapping = _child(run, "aws:apigateway/basePathMapping:BasePathMapping")
    assert mapping.inputs["domainName"] == "api.example.com", mapping.urn
    rest_api_id = rest.outputs["executionArn"].rsplit(":", 1)[-1]
    assert mapping.inputs["restApi"] == rest_api_id, mapping.urn
    assert mapping.inputs["stageName"] == "prod", mapping.urn


def test_proxy_integrations_and_redeploy_trigger(run: StackRun) -> None:
    integrations = [r for r in _children(run) if r.type == "aws:apigateway/integration:Integration"]
    assert len(integrations) == 2, [r.urn for r in integrations]  # root and {proxy+}
    for i in integrations:
        assert i.inputs["type"] == "AWS_PROXY", i.urn
        assert i.inputs["integrationHttpMethod"] == "POST", i.urn
        assert i.inputs["uri"] == _child(run, FUNCTION).outputs["invokeArn"], i.urn
    proxy = _child(run, "aws:apigateway/resource:Resource")
    assert proxy.inputs["pathPart"] == "{proxy+}", proxy.urn
    deployment = _child(run, "aws:apigateway/deployment:Deployment")
    assert len(deployment.inputs["triggers"]["redeployment"]) == 64, deployment.urn
    assert {i.urn for i in integrations} <= set(deployment.dependencies), f"{deployment.urn} must follow integrations"
    stage = _child(run, "aws:apigateway/stage:Stage")
    assert stage.inputs["stageName"] == "prod", stage.urn


def test_invoke_permission_scoped_to_this_api(run: StackRun) -> None:
    permission = _child(run, "aws:lambda/permission:Permission")
    rest = _child(run, "aws:apigateway/restApi:RestApi")
    assert permission.inputs["principal"] == "apigateway.amazonaws.com", permission.urn
    assert permission.inputs["sourceArn"] == f"{rest.outputs['executionArn']}/prod/*/*", permission.urn


def test_role_is_per_region_and_least_privilege(run: StackRun) -> None:
    region = REGIONS[run.stack]
    role = _child(run, "aws:iam/role:Role")
    assert region in role.inputs["name"], f"{role.urn}: IAM is global, both stacks create a role"
    assume = json.loads(role.inputs["assumeRolePolicy"])
    assert assume["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}, role.urn
    policy = json.loads(_child(run, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert set(by_sid) == {"WriteOwnLogs", "ReadAppState"}, policy
    assert by_sid["ReadAppState"]["Action"] == ["dynamodb:GetItem"], policy
    assert by_sid["ReadAppState"]["Resource"] == f"arn:aws:dynamodb:{region}:123456789012:table/notify-app-state"
    log_group = _child(run, "aws:cloudwatch/logGroup:LogGroup")
    assert by_sid["WriteOwnLogs"]["Resource"] == f"{log_group.outputs['arn']}:*", policy
    assert log_group.inputs["retentionInDays"] > 0, log_group.urn
    assert log_group.inputs["name"] == f"/aws/lambda/{_child(run, FUNCTION).inputs['name']}", log_group.urn
    for statement in policy["Statement"]:
        assert "*" not in statement["Action"], statement
        assert statement["Resource"] != "*", statement


def test_function_reads_the_state_item_of_its_own_region(run: StackRun) -> None:
    env = _child(run, FUNCTION).inputs["environment"]["variables"]
    assert env["TABLE_NAME"] == "notify-app-state", env
    assert env["APP_ID"] == "notify", env


def test_manifest_api_section(run: StackRun) -> None:
    api = run.outputs["parityManifest"]["api"]
    domain = _child(run, "aws:apigateway/domainName:DomainName")
    assert api["regionalDomainName"] == domain.outputs["regionalDomainName"], domain.urn
    assert api["regionalZoneId"] == domain.outputs["regionalZoneId"], domain.urn
    assert api["region"] == REGIONS[run.stack]
    assert {k: api[k] for k in ("domainName", "runtime", "memoryMb", "timeoutSeconds", "stage")} == {
        "domainName": "api.example.com",
        "runtime": "python3.12",
        "memoryMb": 256,
        "timeoutSeconds": 10,
        "stage": "prod",
    }
    assert api["functionName"] == f"notify-api-{REGIONS[run.stack]}"
    rest = _child(run, "aws:apigateway/restApi:RestApi")
    assert rest.outputs["executionArn"].endswith(f":{api['restApiId']}"), rest.urn


def test_account_comes_from_the_certificate_arn() -> None:
    assert arn_parts(CERTS["primary"]) == ("aws", "123456789012")
    assert arn_parts("arn:aws-cn:acm:cn-north-1:210987654321:certificate/x") == ("aws-cn", "210987654321")
    with pytest.raises(ValueError, match="account id"):
        arn_parts("not-an-arn")


# ------------------------------------------------------------------------------------------------ handler
@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def handler(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch):
    """The handler module, configured as the stack configures it, talking to moto; one table per region."""
    from regionpair.components.lambda_src import app

    for key, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-west-2",
        "TABLE_NAME": "notify-app-state",
        "APP_ID": "notify",
        "STATE_KEY": "AppId",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(app, "_DYNAMODB", None)
    # The replicas of a global table share the name; give each region a different state to tell them apart.
    for region, state in (("us-east-1", "fenced"), ("us-west-2", "failover")):
        ddb = boto3.client("dynamodb", region_name=region, endpoint_url=moto_endpoint)
        if "notify-app-state" not in ddb.list_tables()["TableNames"]:
            ddb.create_table(
                TableName="notify-app-state",
                KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        ddb.put_item(
            TableName="notify-app-state", Item={"AppId": {"S": "notify"}, "state": {"S": state}, "ver": {"N": "3"}}
        )
    return app


def _call(app, path: str, method: str = "GET") -> tuple[int, dict]:
    response = app.handler({"httpMethod": method, "path": path}, None)
    assert response["headers"]["Content-Type"] == "application/json", response
    return response["statusCode"], json.loads(response["body"])


def test_handler_health(handler) -> None:
    assert _call(handler, "/health") == (200, {"region": "us-west-2", "status": "ok"})


def test_handler_state_reads_its_own_region(handler) -> None:
    status, body = _call(handler, "/state")
    assert status == 200, body
    assert body["region"] == "us-west-2"
    assert body["item"] == {"AppId": "notify", "state": "failover", "ver": 3}


def test_handler_state_missing_item_is_404(handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ID", "other-app")
    status, body = _call(handler, "/state")
    assert status == 404, body
    assert "other-app" in body["error"], body


def test_handler_unknown_path_and_method(handler) -> None:
    status, body = _call(handler, "/nope")
    assert status == 404, body
    assert body["region"] == "us-west-2", body
    assert _call(handler, "/health", method="POST")[0] == 405
