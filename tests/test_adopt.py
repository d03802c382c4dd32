"""Adopting existing resources: what a stack file declares under `regionpair:adopt` is imported, not created.

The program runs under Pulumi's mock runtime; the mock cloud is given the import id as the engine gives it to a
provider (`MockResourceArgs.resource_id`, from the `import` resource option) and answers as an import does: that
id, the existing state, known in preview too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi.output import Unknown

from regionpair.check import run_check
from regionpair.components.adopt import adopted, import_id
from regionpair.mockcloud import CloudMocks
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import PairCopy

NUMBER_ID = "phone-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
POOL_ID = "pool-00112233445566778899aabbccddeeff"
PRIMARY_ADOPT = {
    "emailIdentities": ["example.com", "notify.example.com"],
    "buckets": {"assets": "notify-assets-us-east-1"},
    "tables": ["orders", "app-state"],
    "phoneNumbers": {"us-toll-free-0": NUMBER_ID},
    "pools": {"US": POOL_ID},
    "optOutList": "notify-opt-outs",
}
SECONDARY_ADOPT = {"emailIdentities": ["example.com"], "buckets": {"assets": "notify-assets-us-west-2"}}
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
BUCKET = "aws:s3/bucket:Bucket"
TABLE = "aws:dynamodb/table:Table"
NUMBER = "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber"
POOL = "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool"
OPT_OUT = "aws:pinpoint/smsvoicev2OptOutList:Smsvoicev2OptOutList"


def _adopting(copy: PairCopy) -> PairCopy:
    copy.stack("primary", lambda c: c.update({"regionpair:adopt": PRIMARY_ADOPT}))
    copy.stack("secondary", lambda c: c.update({"regionpair:adopt": SECONDARY_ADOPT}))
    return copy


def _run(root: Path, *, preview: bool = False, existing: dict | None = None) -> tuple[StackRun, CloudMocks, StackRun]:
    secondary = simulate_stack("secondary", config_dir=root)
    mocks = CloudMocks(peer_outputs={"secondary": secondary.outputs}, preview=preview, existing=existing)
    primary = simulate_stack("primary", config_dir=root, mocks=mocks, preview=preview)
    return primary, mocks, secondary


@pytest.fixture(scope="module")
def adopted_pair(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("adopt")
    _adopting(PairCopy(root))
    return root, _run(root)


def test_adopted_resources_are_imported_with_their_ids(adopted_pair) -> None:
    _, (primary, mocks, _) = adopted_pair
    imported = {(v["type"], v["id"]) for v in mocks.imports.values()}
    assert imported == {
        (IDENTITY, "example.com"), (IDENTITY, "notify.example.com"), (BUCKET, "notify-assets-us-east-1"),
        (TABLE, "notify-orders"), (TABLE, "notify-app-state"), (NUMBER, NUMBER_ID), (POOL, POOL_ID),
        (OPT_OUT, "notify-opt-outs"),
    }, imported  # fmt: skip
    by_name = {a.name: a for a in mocks.registered}
    for name, entry in mocks.imports.items():
        assert by_name[name].resource_id == entry["id"], f"{name}: the engine passes the import id to the provider"
    # Not adopted: created as before (no import id).
    customers = primary.one(TABLE, "customers")
    assert by_name[customers.name].resource_id in (None, ""), customers.urn


def test_an_imported_resource_answers_with_the_existing_one(adopted_pair) -> None:
    _, (primary, _, _) = adopted_pair
    number = primary.one(NUMBER, "us-toll-free-0")
    assert number.outputs["arn"] == f"arn:aws:sms-voice:us-east-1:123456789012:phone-number/{NUMBER_ID}", number.urn
    pool = primary.one(POOL)
    assert pool.outputs["arn"].endswith(f":pool/{POOL_ID}"), pool.urn


def test_adopted_resources_keep_the_pairs_settings(adopted_pair) -> None:
    _, (primary, _, secondary) = adopted_pair
    table = primary.one(TABLE, "orders")
    assert [r["regionName"] for r in table.inputs["replicas"]] == ["us-west-2"], "adopting adds the replica"
    assert table.inputs["streamEnabled"] is True, table.urn
    for run in (primary, secondary):
        versioning = run.one("aws:s3/bucketVersioning:BucketVersioning")
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", versioning.urn


def test_the_secondary_imports_its_own(adopted_pair) -> None:
    root, _ = adopted_pair
    mocks = CloudMocks()
    simulate_stack("secondary", config_dir=root, mocks=mocks)
    assert {v["id"] for v in mocks.imports.values()} == {"example.com", "notify-assets-us-west-2"}


def test_import_ids_come_from_one_place(adopted_pair) -> None:
    root, _ = adopted_pair
    pair = PairCopy.__new__(PairCopy)
    pair.path = root
    loaded = pair.load("primary")
    assert import_id(loaded, "bucket", "assets") == "notify-assets-us-east-1"
    assert import_id(loaded, "table", "customers") is None
    assert import_id(loaded, "optOutList", "notify-opt-outs") == "notify-opt-outs"
    assert adopted(loaded, loaded.this_role)["emailIdentity"] == {"example.com": "example.com",
                                                                  "notify.example.com": "notify.example.com"}


def test_in_preview_an_import_is_known(tmp_path: Path) -> None:
    _adopting(PairCopy(tmp_path))
    primary, mocks, _ = _run(tmp_path, preview=True)
    number = primary.one(NUMBER, "us-toll-free-0")
    assert not isinstance(number.outputs.get("arn"), Unknown), "an import reads the existing resource in preview"
    assert mocks.imports, "imports happen in preview too"


def test_an_import_of_what_the_account_lacks_fails(tmp_path: Path) -> None:
    _adopting(PairCopy(tmp_path))
    existing = {(IDENTITY, "example.com"): {}}  # the account holds one identity only
    with pytest.raises(Exception, match="no such resource in the account"):
        _run(tmp_path, existing=existing)


def test_declared_inputs_that_differ_are_the_import_diff(tmp_path: Path) -> None:
    _adopting(PairCopy(tmp_path))
    existing = {
        (t, i): {}
        for t, i in [(IDENTITY, "example.com"), (IDENTITY, "notify.example.com"), (TABLE, "notify-orders"),
                     (TABLE, "notify-app-state"), (NUMBER, NUMBER_ID), (POOL, POOL_ID), (OPT_OUT, "notify-opt-outs")]
    }  # fmt: skip
    existing[(BUCKET, "notify-assets-us-east-1")] = {"bucket": "notify-assets-us-east-1", "tags": {"owner": "ops"}}
    _, mocks, _ = _run(tmp_path, existing=existing)
    bucket = next(v for v in mocks.imports.values() if v["type"] == BUCKET)
    assert bucket["diff"] == ["tags"], "what pulumi up would then change on the adopted bucket"


@pytest.mark.parametrize("preview", [False, True])
def test_check_passes_with_adopted_resources(adopted_pair, preview: bool) -> None:
    root, _ = adopted_pair
    for report in run_check(root, ["secondary", "primary"], preview=preview):
        assert not report.mandatory, [(d.policy, d.message) for d in report.mandatory]


# --------------------------------------------------------------------------------------------- mistakes
@pytest.mark.parametrize(
    ("stack", "adopt", "key", "fragment"),
    [
        ("primary", {"buckets": {"assets": "my-old-assets"}}, "adopt.buckets.assets", "bucketNames.primary"),
        ("primary", {"buckets": {"logs": "x"}}, "adopt.buckets.logs", "not one of buckets"),
        ("secondary", {"tables": ["orders"]}, "adopt.tables", "adopt the table in the primary"),
        ("primary", {"tables": {"orders": "Orders"}}, "adopt.tables.orders", "cannot rename"),
        ("primary", {"emailIdentities": ["other.org"]}, "adopt.emailIdentities.other.org", "email.domains"),
        ("primary", {"emailIdentities": {"example.com": "x"}}, "adopt.emailIdentities.example.com", "write example"),
        ("primary", {"phoneNumbers": {"us-toll-free-0": "+18885550100"}}, "adopt.phoneNumbers", "phone number id"),
        ("primary", {"phoneNumbers": {"us-dlc-9": NUMBER_ID}}, "adopt.phoneNumbers.us-dlc-9", "requestedNumbers"),
        ("primary", {"pools": {"CA": POOL_ID}}, "adopt.pools.CA", "no number for CA"),
        ("primary", {"pools": {"US": "US-pool"}}, "adopt.pools", "pool id"),
        ("primary", {"optOutList": "legacy"}, "adopt.optOutList", "sms.optOutList: legacy"),
        ("primary", {"queues": ["x"]}, "adopt.queues", "unknown key"),
    ],
)
def test_adoption_mistakes_are_one_line(pair_copy: PairCopy, stack: str, adopt: dict, key: str, fragment: str) -> None:
    pair_copy.stack(stack, lambda c: c.update({"regionpair:adopt": adopt}))
    pair_copy.assert_refused(key, fragment)
