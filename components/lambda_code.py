"""The API function's code: found, checked and hashed the same way in both stacks, so both regions run one version.

Why a hash of our own: the engine sends Lambda's provider an archive, not its hash, so neither the policy pack nor
the peer could tell two versions apart. The function's `source_code_hash` input (a hash the provider stores and
compares only to trigger an update; pulumi-aws `lambda_.Function` docs) is set here from the code's content, the
same way in both stacks: SHA-256 of a deterministic zip (entries sorted by path, fixed timestamps and
permissions, stored without compression so that no zlib build changes it), base64 as Lambda writes CodeSha256.
A .zip you give is deployed as it is and its bytes are hashed. The parity policy compares it across the halves,
in preview too (it is a plain input). Nothing here imports pulumi: the program's edge checks the code with it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from regionpair.components.declaration import DeclarationError, Pair
from regionpair.components.declaration.api import HANDLER_FILES, LambdaSettings

BUNDLED_SOURCE = Path(__file__).resolve().parent / "lambda_src" / "app.py"
"""The bundled example's handler file, found next to this module (not via cwd: `pulumi up` may run anywhere)."""
SKIPPED_DIRS = frozenset({"__pycache__", ".git"})
SKIPPED_SUFFIXES = (".pyc",)
SKIPPED_NAMES = frozenset({".DS_Store"})
"""Never deployed from a code directory: caches differ per machine and would make the two halves' hashes differ."""
# Lambda quotas (AWS Lambda Developer Guide, "Lambda quotas"): a deployment package uploaded directly is at most
# 50 MB zipped; unzipped, with its layers, at most 250 MB.
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class CodeError(ValueError):
    """The code cannot be deployed; the message says why and the fix (the caller names the key)."""


@dataclass(frozen=True)
class Code:
    """What the function deploys and the hash both halves compare."""

    kind: str
    """bundled (the example), directory or zip."""
    path: Path
    """The directory, the .zip, or the bundled handler file."""
    files: tuple[tuple[str, Path], ...]
    """(name in the archive, file) for the bundled example and a directory; empty for a .zip (deployed as is)."""
    source_code_hash: str
    """Base64 SHA-256 of the deterministic archive (or of the .zip's bytes)."""


def base_dir(pair: Pair, project_dir: Path) -> Path:
    """Where `api.lambda.code` is relative to: the directory of the pair's declaration file (pair.yaml)."""
    return (project_dir / pair.this.declaration).parent


def resolve(settings: LambdaSettings, base: Path | None) -> Code:
    """Find, check and hash the code of `settings`; raises `CodeError`."""
    if settings.code is None:
        files = (("app.py", BUNDLED_SOURCE),)
        return Code("bundled", BUNDLED_SOURCE, files, archive_hash(files))
    path = ((base or Path.cwd()) / settings.code).resolve()
    if not path.exists():
        raise CodeError(f"{settings.code!r} does not exist (looked for {path}); build your code first or fix the path")
    if not os.access(path, os.R_OK):
        raise CodeError(f"{path} is not readable; fix its permissions")
    if path.is_dir():
        files = tuple(_directory_files(path))
        if not files:
            raise CodeError(f"{path} holds no files; point it at your function's code")
        total = sum(f.stat().st_size for _, f in files)
        if total > MAX_UNZIPPED_BYTES:
            raise CodeError(f"{path} holds {total // 2**20} MB; Lambda takes at most 250 MB unzipped: move "
                            "dependencies into a layer")  # fmt: skip
        _check_handler(settings, {name for name, _ in files}, str(path))
        return Code("directory", path, files, archive_hash(files))
    if not zipfile.is_zipfile(path):
        raise CodeError(f"{path} is neither a directory nor a .zip archive; give one of them")
    size = path.stat().st_size
    if size > MAX_ZIPPED_BYTES:
        raise CodeError(f"{path} is {size // 2**20} MB; Lambda takes at most 50 MB zipped in a direct upload: move "
                        "dependencies into a layer")  # fmt: skip
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise CodeError(f"{path} unzips to more than 250 MB, Lambda's limit: move dependencies into a layer")
    _check_handler(settings, {i.filename for i in infos if not i.is_dir()}, str(path))
    return Code("zip", path, (), _b64(hashlib.sha256(path.read_bytes()).digest()))


def check(pair: Pair, project_dir: Path) -> None:
    """The program's edge: `api.lambda.code` deployable, one line naming the key otherwise."""
    api = pair.shared.api
    if api is None or api.lambda_ is None or api.lambda_.code is None:
        return
    try:
        resolve(api.lambda_, base_dir(pair, project_dir))
    except CodeError as err:
        raise DeclarationError(f"{Path(pair.this.declaration).name} api.lambda.code", str(err)) from None


def _directory_files(root: Path) -> Iterable[tuple[str, Path]]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if name in SKIPPED_NAMES or name.endswith(SKIPPED_SUFFIXES):
                continue
            file = Path(dirpath) / name
            if not os.access(file, os.R_OK):
                raise CodeError(f"{file} is not readable; fix its permissions")
            yield PurePosixPath(file.relative_to(root).as_posix()).as_posix(), file


def _check_handler(settings: LambdaSettings, names: set[str], where: str) -> None:
    """The handler's file is in the code, for runtimes whose handler names one (Python, Node.js, Ruby)."""
    suffixes = HANDLER_FILES.get(settings.family)
    if suffixes is None:
        return  # Java, .NET and custom runtimes name a class or a bootstrap, possibly in a layer
    module = settings.effective_handler.rsplit(".", 1)[0]
    candidates = {module + s for s in suffixes}
    if settings.family == "python":  # `pkg.mod.handler` imports pkg/mod.py (or the package pkg/mod/)
        dotted = module.replace(".", "/")
        candidates |= {dotted + ".py", dotted + "/__init__.py"}
    if not candidates & names:
        raise CodeError(
            f"handler {settings.effective_handler!r} needs {' or '.join(sorted(candidates))} in {where}, which has "
            "no such file; fix api.lambda.handler or the code"
        )


def archive_hash(files: Iterable[tuple[str, Path]]) -> str:
    """Base64 SHA-256 of the deterministic zip of `files` (sorted, fixed time and modes, stored)."""
    sink = _HashSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        for name, file in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.create_system = 3  # unix, whatever the machine
            executable = bool(file.stat().st_mode & stat.S_IXUSR)
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w") as out, file.open("rb") as src:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
    return _b64(sink.digest())


class _HashSink:
    """A write-only stream that hashes what the zip writer writes (no archive kept in memory or on disk)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        return len(data)

    def flush(self) -> None: ...

    def digest(self) -> bytes:
        return self._hash.digest()


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()
