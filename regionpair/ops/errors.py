"""One-line errors an operator can act on: which resource, in which region, what AWS said, what to do next."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    CredentialRetrievalError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    RefreshWithMFAUnsupportedError,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)


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
    """`<resource> in <region>: <what AWS said>; <next step>` (a credentials problem says so instead)."""
    problem = credentials_problem(err)
    if problem:  # no next step about the resource helps: the credentials must be fixed first
        return CredentialsError(f"{resource} in {region}: AWS credentials: {problem}; fix them and rerun")
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


class CredentialsError(OpsError):
    """The AWS credentials are missing, expired or refused: no command can work until they are fixed."""


# Error codes AWS answers when the credentials themselves are the problem (not a missing permission): STS and
# most services (ExpiredToken, InvalidClientTokenId), JSON services (UnrecognizedClientException,
# ExpiredTokenException), S3-style (InvalidAccessKeyId, InvalidToken).
CREDENTIAL_CODES = frozenset({
    "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
    "InvalidAccessKeyId", "InvalidToken", "TokenRefreshRequired", "AuthFailure",
})  # fmt: skip


def credentials_problem(err: BaseException | None) -> str | None:
    """What is wrong with the credentials, when that is why `err` happened (None otherwise)."""
    if err is None:
        return None
    if isinstance(err, ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        if code in CREDENTIAL_CODES:
            expired = "Expired" in code or "Refresh" in code
            what = "the session token has expired" if expired else "AWS does not recognise the access key or token"
            return f"{what} ({code})"
        return None
    if isinstance(err, NoCredentialsError):
        return "no credentials found"
    if isinstance(err, PartialCredentialsError):
        return f"incomplete credentials ({reason(err)})"
    if isinstance(err, ProfileNotFound):
        return f"profile not configured ({reason(err)})"
    if isinstance(err, (TokenRetrievalError, SSOError, UnauthorizedSSOTokenError)):
        return f"the SSO session has expired or is not logged in ({reason(err)})"
    if isinstance(err, (CredentialRetrievalError, RefreshWithMFAUnsupportedError)):
        return f"the credentials could not be obtained ({reason(err)})"
    return credentials_problem(getattr(err, "previous", None))


def credentials_advice(profile: str | None, explicit_profile: bool, method: str | None, env: dict[str, str]) -> str:
    """Which source the credentials come from and what to do about it, for the one-line message."""
    if profile and (explicit_profile or env.get("AWS_PROFILE")):
        flag = "--profile" if explicit_profile else "AWS_PROFILE"
        sso = " (`aws sso login --profile " + profile + "` for an SSO profile)"
        return f"credentials of profile {profile} ({flag}): refresh them{sso} and rerun"
    if env.get("AWS_ACCESS_KEY_ID") or method == "env":
        token = "AWS_SESSION_TOKEN" if env.get("AWS_SESSION_TOKEN") else "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        return (f"credentials from the environment ({token}): export fresh ones (or unset them and pass --profile) "
                "and rerun")  # fmt: skip
    if method:
        return f"credentials from {method}: refresh them (`aws configure list` shows the source) and rerun"
    return ("no profile and no AWS_* variables are set: pass --profile or set AWS_PROFILE to a configured profile, "
            "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (`aws configure list` shows what is found)")
