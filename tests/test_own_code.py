"""Your own Lambda code behind the pair's API: a directory or a .zip, the same hash in both halves, one-line mistakes.

Program tests run the real program under Pulumi's mock runtime on an edited copy of the example pair; the parity
test drives the policy pack over gRPC as the engine does.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pulumi.asset import AssetArchive, FileArchive

from regionpair.analyzer import PolicyPackProcess
from regionpair.components import lambda_code
from regionpair.components.declaration import DeclarationError, LambdaSettings
from regionpair.simulate import StackRun, simulate_pair, simulate_stack
from tests.conftest import ROOT, PairCopy

FUNCTION = "aws:lambda/function:Function"
LAYER = "arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:7"
NODE_HANDLER = "export const handler = async () => ({ statusCode: 200, body: 'ok' });\n"


def _api_function(run: StackRun) -> dict:
    return run.one(FUNCTION, "-api-function").inputs


def _write_code(root: Path, version: str = "1") -> Path:
    code = root / "app"
    (code / "lib").mkdir(parents=True, exist_ok=True)
    (code / "index.mjs").write_text(NODE_HANDLER.replace("ok", f"ok {version}"))
    (code / "lib" / "util.mjs").write_text("export const x = 1;\n")
    (code / "__pycache__").mkdir(exist_ok=True)
    (code / "__pycache__" / "junk.pyc").write_bytes(os.urandom(16))  # never deployed, never hashed
    return code


def _own_code(copy: PairCopy, code: str = "app", handler: str = "index.handler") -> PairCopy:
    def mutate(d: dict) -> None:
        d["api"]["lambda"] = {
            "code": code, "handler": handler, "runtime": "nodejs22.x", "architecture": "arm64",
            "memoryMb": 512, "timeoutSeconds": 20, "reservedConcurrency": 25,
            "environment": {"LOG_LEVEL": "info", "BACKEND_URL": "https://backend.example.com", "RETRIES": 3},
            "layers": [LAYER],
        }  # fmt: skip

    copy.shared(mutate)
    copy.stack(
        "secondary", lambda c: c.update({"regionpair:lambda": {"environment": {"BACKEND_URL": "https://w.example"}}})
    )
    return copy


@pytest.fixture(scope="module")
def directory_pair(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("own-code")
    _own_code(PairCopy(root))
    _write_code(root)
    return root, simulate_pair(root)


# -------------------------------------------------------------------------------------------------- a directory
def test_directory_code_is_deployed_with_its_settings_in_both_regions(directory_pair) -> None:
    root, runs = directory_pair
    for run, region in ((runs.primary, "us-east-1"), (runs.secondary, "us-west-2")):
        f = _api_function(run)
        assert (f["handler"], f["runtime"], f["architectures"]) == ("index.handler", "nodejs22.x", ["arm64"]), run.stack
        assert (f["memorySize"], f["timeout"], f["reservedConcurrentExecutions"]) == (512, 20, 25), run.stack
        assert f["layers"] == [LAYER.replace("{region}", region)], f"{run.stack}: layers are regional"
        code = f["code"]
        assert isinstance(code, AssetArchive), run.stack
        assert sorted(code.assets) == ["index.mjs", "lib/util.mjs"], f"{run.stack}: caches are not deployed"
        assert code.assets["index.mjs"].path == str((root / "app" / "index.mjs").resolve())


def test_both_halves_carry_the_same_source_code_hash(directory_pair) -> None:
    root, runs = directory_pair
    hashes = {run.stack: _api_function(run)["sourceCodeHash"] for run in runs}
    assert len(set(hashes.values())) == 1, hashes
    expected = lambda_code.archive_hash(
        [("index.mjs", root / "app" / "index.mjs"), ("lib/util.mjs", root / "app" / "lib" / "util.mjs")]
    )
    assert hashes["primary"] == expected
    assert len(base64.b64decode(expected)) == 32  # SHA-256, base64 as Lambda writes CodeSha256
    manifests = [run.outputs["parityManifest"]["api"] for run in runs]
    assert manifests[0]["codeSha256"] == manifests[1]["codeSha256"] == expected


def test_environment_keys_shared_values_per_region(directory_pair) -> None:
    _, runs = directory_pair
    env = {run.stack: _api_function(run)["environment"]["variables"] for run in runs}
    assert env["primary"].keys() == env["secondary"].keys(), env
    assert env["primary"]["BACKEND_URL"] == "https://backend.example.com"
    assert env["secondary"]["BACKEND_URL"] == "https://w.example", "a stack file gives its region's value"
    assert env["primary"]["RETRIES"] == "3", "YAML numbers become the strings Lambda takes"
    assert {"PAIR", "ROLE", "TABLE_NAME", "APP_ID", "STATE_KEY"} <= env["primary"].keys()
    api = runs.primary.outputs["parityManifest"]["api"]
    assert api["environmentKeys"] == sorted(env["primary"]), api
    assert (api["handler"], api["architecture"], api["reservedConcurrency"], api["code"]) == (
        "index.handler", "arm64", 25, "directory"
    )  # fmt: skip
    assert api["layers"] == ["AWSLambdaPowertoolsPythonV3-python313-arm64"], "names only: ARNs are regional"


def test_hash_is_deterministic_and_follows_content(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for root, order in ((a, ("z.py", "app.py")), (b, ("app.py", "z.py"))):
        root.mkdir()
        for name in order:  # created in another order, with other timestamps
            (root / name).write_text(f"# {name}\n")
            os.utime(root / name, (1_000_000 + len(str(root)), 2_000_000 + len(order)))
    settings = LambdaSettings(code="x", handler="app.handler")
    ha = lambda_code.resolve(settings.model_copy(update={"code": "a"}), tmp_path).source_code_hash
    hb = lambda_code.resolve(settings.model_copy(update={"code": "b"}), tmp_path).source_code_hash
    assert ha == hb, "sorted entries, fixed timestamps: the same code hashes the same on any machine"
    (b / "z.py").write_text("# changed\n")
    assert lambda_code.resolve(settings.model_copy(update={"code": "b"}), tmp_path).source_code_hash != ha


# ------------------------------------------------------------------------------------------------------- a .zip
def test_zip_code_is_deployed_as_it_is(tmp_path: Path) -> None:
    copy = _own_code(PairCopy(tmp_path), code="build/app.zip")
    (tmp_path / "build").mkdir()
    archive = tmp_path / "build" / "app.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.mjs", NODE_HANDLER)
    runs = simulate_pair(copy.path)
    want = base64.b64encode(hashlib.sha256(archive.read_bytes()).digest()).decode()
    for run in runs:
        f = _api_function(run)
        assert isinstance(f["code"], FileArchive), run.stack
        assert f["code"].path == str(archive.resolve()), run.stack
        assert f["sourceCodeHash"] == want, run.stack
        assert run.outputs["parityManifest"]["api"]["code"] == "zip"


def test_bundled_example_stays_the_default(primary: StackRun, secondary: StackRun) -> None:
    for run in (primary, secondary):
        f = _api_function(run)
        assert (f["handler"], f["architectures"]) == ("app.handler", ["x86_64"]), run.stack
        assert f["sourceCodeHash"] == lambda_code.archive_hash([("app.py", lambda_code.BUNDLED_SOURCE)])
        assert not {"reservedConcurrentExecutions", "layers"} & f.keys(), run.stack


# ------------------------------------------------------------------------------- parity sees two versions
def test_other_code_in_one_half_is_a_differing_source_code_hash(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for root, version in ((old, "1"), (new, "2")):
        root.mkdir()
        _own_code(PairCopy(root))
        _write_code(root, version)
    secondary = simulate_stack("secondary", config_dir=old)  # deployed from the older checkout
    for preview in (True, False):
        primary = simulate_stack(
            "primary", config_dir=new, peer_outputs={"secondary": secondary.outputs}, preview=preview
        )
        ours, theirs = _api_function(primary)["sourceCodeHash"], _api_function(secondary)["sourceCodeHash"]
        assert ours != theirs, "the function's sourceCodeHash input tells the versions apart, in preview too"
        with PolicyPackProcess("primary", preview=preview) as pack:
            found = pack.analyze_stack(primary.resources)
        parity = [d for d in found if d.policy == "apigateway-api-parity" and "codeSha256" in d.message]
        assert [d.level for d in parity] == ["mandatory"], [(d.policy, d.message) for d in found]


# --------------------------------------------------------------------------------------------- mistakes
def _refused(copy: PairCopy, key: str, fragment: str, stack: str = "primary") -> None:
    def load_and_check() -> None:
        lambda_code.check(copy.load(stack), copy.path)

    with pytest.raises(DeclarationError) as info:
        load_and_check()
    assert key in info.value.key, f"error names {info.value.key!r}, expected {key!r}: {info.value}"
    assert fragment in info.value.message, str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("lambda_", "key", "fragment"),
    [
        ({"code": "missing", "handler": "index.handler", "runtime": "nodejs22.x"}, "api.lambda.code", "does not exist"),
        ({"code": "app", "handler": "main.handler", "runtime": "nodejs22.x"}, "api.lambda.code", "main.js"),
        ({"code": "/srv/app", "handler": "index.handler", "runtime": "nodejs22.x"}, "api.lambda.code", "relative"),
        ({"code": "app", "runtime": "nodejs22.x"}, "api.lambda", "handler: required with code"),
        ({"runtime": "nodejs22.x"}, "api.lambda.runtime", "for the bundled example"),
        ({"runtime": "nodejs18.x"}, "api.lambda.runtime", "deprecated"),
        ({"runtime": "cobol1"}, "api.lambda.runtime", "not a Lambda runtime"),
        ({"architecture": "arm"}, "api.lambda.architecture", "arm64"),
        ({"environment": {"AWS_REGION": "x"}}, "api.lambda.environment", "reserved"),
        ({"environment": {"ROLE": "x"}}, "api.lambda.environment", "set by the pair"),
        ({"environment": {"DEBUG": True}}, "api.lambda.environment", "quote it"),
        ({"reservedConcurrency": 0}, "api.lambda.reservedConcurrency", "greater than or equal to 1"),
        ({"layers": [LAYER.replace("{region}", "us-east-1")]}, "api.lambda.layers[0]", "{region}"),
        ({"layers": [LAYER] * 6}, "api.lambda.layers", "at most 5"),
        ({"layers": ["arn:aws:lambda:us-east-1:1:layer:x"]}, "api.lambda.layers", "not a layer version ARN"),
    ],
)
def test_lambda_mistakes_are_one_line(pair_copy: PairCopy, lambda_: dict, key: str, fragment: str) -> None:
    _write_code(pair_copy.path)
    pair_copy.shared(lambda d: d["api"].update({"lambda": lambda_}))
    _refused(pair_copy, key, fragment)


def test_zip_that_is_not_an_archive(pair_copy: PairCopy) -> None:
    (pair_copy.path / "app.zip").write_text("not a zip")
    pair_copy.shared(lambda d: d["api"].update({"lambda": {"code": "app.zip", "handler": "app.handler"}}))
    _refused(pair_copy, "api.lambda.code", "neither a directory nor a .zip")


def test_python_handler_in_a_package(pair_copy: PairCopy) -> None:
    (pair_copy.path / "src" / "shop").mkdir(parents=True)
    (pair_copy.path / "src" / "shop" / "api.py").write_text("def handler(e, c): ...\n")
    pair_copy.shared(lambda d: d["api"].update({"lambda": {"code": "src", "handler": "shop.api.handler"}}))
    lambda_code.check(pair_copy.load(), pair_copy.path)  # found as shop/api.py


def test_stack_file_environment_key_must_be_shared(pair_copy: PairCopy) -> None:
    pair_copy.stack("secondary", lambda c: c.update({"regionpair:lambda": {"environment": {"ONLY_HERE": "x"}}}))
    pair_copy.assert_refused("regionpair:lambda.environment.ONLY_HERE", "declare it there")


def test_stack_file_layers_must_be_this_regions_and_the_same(pair_copy: PairCopy) -> None:
    east, west = LAYER.replace("{region}", "us-east-1"), LAYER.replace("{region}", "us-west-2")
    pair_copy.stack("secondary", lambda c: c.update({"regionpair:lambda": {"layers": [east]}}))
    pair_copy.assert_refused("regionpair:lambda.layers[0]", "layers are regional")
    pair_copy.stack("secondary", lambda c: c.update({"regionpair:lambda": {"layers": [west]}}))
    pair_copy.assert_refused("regionpair:lambda.layers", "same layers")
    pair_copy.stack("primary", lambda c: c.update({"regionpair:lambda": {"layers": [east.replace(":7", ":9")]}}))
    pair = pair_copy.load()  # the same layer, another version in each region: fine
    assert pair.primary.lambda_ is not None
    assert pair.primary.lambda_.layers == [east.replace(":7", ":9")]


@pytest.mark.slow
def test_check_refuses_missing_code_in_one_line(tmp_path: Path) -> None:
    copy = PairCopy(tmp_path)
    copy.shared(lambda d: d["api"].update({"lambda": {"code": "dist/fn", "handler": "app.handler"}}))
    out = subprocess.run(
        [str(Path(sys.executable).parent / "regionpair"), "check", "--config-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "api.lambda.code" in lines[0], lines[0]
    assert "does not exist" in lines[0], lines[0]
    assert "Traceback" not in out.stderr


def test_code_dir_next_to_a_declaration_elsewhere(tmp_path: Path) -> None:
    copy = _own_code(PairCopy(tmp_path))
    (tmp_path / "config").mkdir()
    shutil.move(str(tmp_path / "pair.yaml"), tmp_path / "config" / "pair.yaml")
    for stack in ("primary", "secondary"):
        copy.stack(stack, lambda c: c.update({"regionpair:declaration": "config/pair.yaml"}))
    _write_code(tmp_path / "config")  # relative to the directory of pair.yaml, not the project's
    run = simulate_stack("secondary", config_dir=tmp_path)
    assert _api_function(run)["code"].assets["index.mjs"].path == str((tmp_path / "config/app/index.mjs").resolve())


def test_the_new_model_modules_stay_in_the_model_layer() -> None:
    """Code checks, API and adoption rules are read by the loader, the pack and the CLI: no pulumi_aws, no pulumi."""
    modules = ("regionpair.components.lambda_code", "regionpair.components.api_rules", "regionpair.components.adopt",
               "regionpair.policy_config")  # fmt: skip
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += "print('pulumi_aws' in sys.modules, 'pulumi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "False False", out.stdout
