"""One-line errors an operator can act on: which resource, in which region, what AWS said, what to do next."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, ReadTimeoutError


class OpsError(Exception):
    """A domain error: printed as one line by the CLI, never as a traceback."""


def reason(err: BaseException) -> str:
    """AWS's answer in one line: the error code and message for API errors, the first line otherwise."""
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        code = error.get("Code") or str(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        message = (error.get("Message") or "").splitlines()[0] if error.get("Message") else ""
        return f"{code}: {message}" if message else code or "error"
    text = str(err).splitlines()[0] if str(err) else ""
    return text or err.__class__.__name__


def aws_error(err: BaseException, resource: str, region: str, next_step: str) -> OpsError:
    """`<resource> in <region>: <what AWS said>; <next step>`."""
    return OpsError(f"{resource} in {region}: {reason(err)}; {next_step}")


AWS_ERRORS = (ClientError, BotoCoreError)


def outcome_unknown(err: BaseException) -> bool:
    """The request may have been processed: it was sent and the reply was lost (read timeout, closed early).

    Also when the deadline refused a retry after such an attempt (`DeadlineExceededError.previous`).
    """
    previous = getattr(err, "previous", None)
    if previous is not None and previous is not err:
        return outcome_unknown(previous)
    return isinstance(err, (ReadTimeoutError, ConnectionClosedError))
