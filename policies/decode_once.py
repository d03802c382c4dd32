"""Decode each resource of a request once for all the pack's policies, not once per policy.

Why: `pulumi_policy` (1.21) turns every resource of an `AnalyzeStack` request into Python values separately for
each stack policy: protobuf's pure-Python `json_format.MessageToDict`, then `deserialize_properties`, then
`unknown_checking_proxy` (the wrapper that raises `UnknownValueError` in preview). With 39 stack policies and
a primary whose root carries both halves' manifests, that repeated decoding was two thirds of the pack's time
and the end of `regionpair check`'s critical path (the primary's AnalyzeStack), and it costs the same under
`pulumi preview --policy-pack` on a real account.

How: the three SDK functions the servicer calls are wrapped in its module (`pulumi_policy.policy`), nothing else
changes. A message is recognised as the same object (within a request), else by its wire bytes (equal bytes,
equal values); the decoded and proxied value of an identical message is handed out again, so the policies of one
request read the same (read-only) objects instead of 39 equal copies. The SDK's objects themselves are unchanged:
its proxies still raise on unknowns, and the remediation path (secrets proxied) is not memoized. Policies read
props and never write them (a write through the SDK's proxy would be seen by the policies after it in the same
request); the memo keeps the last `MEMO_SIZE` messages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import policy as sdk

MEMO_SIZE = 4096
"""Messages remembered (per kind): a request's resources, with room for a second stack's."""


class _Memo:
    """A bounded map, safe across the gRPC server's worker threads."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size, self.lock, self.items = size, threading.Lock(), OrderedDict[Any, Any]()

    def get(self, key: Any) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class _JsonFormat:
    """`json_format` as the SDK module sees it, with `MessageToDict` of a Struct remembered by its wire bytes."""

    def __init__(self) -> None:
        self.memo = _Memo()
        self.seen = _Memo()
        """The very message objects already decoded (kept alive, so an id is not reused): the SDK reads the same
        request's resources once per stack policy, and protobuf hands out the same object each time."""

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:  # protobuf's name, as the SDK calls it
        if args or kwargs or not isinstance(message, struct_pb2.Struct):
            return json_format.MessageToDict(message, *args, **kwargs)
        same = self.seen.get(id(message))
        if same is not None and same[0] is message:
            return same[1]
        key = message.SerializeToString()
        found = self.memo.get(key)
        if found is None:
            found = json_format.MessageToDict(message)
            self.memo.put(key, found)
        self.seen.put(id(message), (message, found))
        return found


def _by_identity(real: Callable[..., Any]) -> Callable[..., Any]:
    """`real(value)` remembered for the very object `value` (kept alive, so its id is not reused)."""
    memo = _Memo()

    def wrapper(value: Any, *args: Any) -> Any:
        if args and any(args):  # deserialize_properties(props, proxy_secrets=True): remediation, not memoized
            return real(value, *args)
        found = memo.get(id(value))
        if found is None or found[0] is not value:
            found = (value, real(value))
            memo.put(id(value), found)
        return found[1]

    wrapper.__wrapped__ = real  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Wrap the SDK's decoding once per process (idempotent)."""
    if isinstance(sdk.json_format, _JsonFormat):
        return
    sdk.json_format = _JsonFormat()  # type: ignore[assignment]
    sdk.deserialize_properties = _by_identity(sdk.deserialize_properties)
    sdk.unknown_checking_proxy = _by_identity(sdk.unknown_checking_proxy)
