"""A Lambda function with its own log group and least-privilege execution role, as every component builds one.

The regional API, the event-replication function and the Region switch fence function are the same shape: the
log group exists before the function (so Lambda does not create an unmanaged one without retention), the role
may write only to that group plus what the caller grants, and the function logs JSON to it. Resource names stay
the callers' (`<name>-logs`, `<name>-role`, the policy's, `<name>-function`), so no deployed resource is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.iam import assume_role_policy

LOG_RETENTION_DAYS = 30


@dataclass
class LoggedFunctionArgs:
    """What differs between the components' functions."""

    function_name: str
    """Physical name of the function and of its role (IAM is global: the name carries the region)."""
    region: str
    source: Path
    """The handler's one source file (components/lambda_src/)."""
    handler: str
    runtime: str
    timeout: int
    description: str
    statements: Callable[[aws.iam.Role], list[dict[str, Any]]] = lambda _role: []
    """IAM statements beyond writing the function's own logs (the role is given for its ARN's account)."""
    environment: dict[str, pulumi.Input[str]] | None = None
    memory_size: int | None = None
    role_description: str | None = None
    tags: dict[str, str] | None = None
    policy_suffix: str = "policy"
    """The inline policy's resource name is `<name>-<policy_suffix>` (kept as each component first named it)."""
    code: pulumi.Archive | None = None
    """The deployment package when it is more than `source` (the API's own code: components/lambda_code.py)."""
    source_code_hash: str | None = None
    """The code's content hash (the same in both halves when they run the same code)."""
    architectures: list[str] | None = None
    layers: list[str] | None = None
    reserved_concurrent_executions: int | None = None


def logged_function(name: str, args: LoggedFunctionArgs, parent: pulumi.Resource) -> aws.lambda_.Function:
    """Create the log group, role, inline policy and function as children of `parent`; the function."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs", name=f"/aws/lambda/{args.function_name}", retention_in_days=LOG_RETENTION_DAYS,
        region=args.region, tags=args.tags, opts=child,
    )  # fmt: skip
    role = aws.iam.Role(
        f"{name}-role", name=args.function_name, description=args.role_description,
        assume_role_policy=assume_role_policy("lambda.amazonaws.com"), tags=args.tags, opts=child,
    )  # fmt: skip
    own_logs = {
        "Sid": "WriteOwnLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": pulumi.Output.concat(log_group.arn, ":*"),
    }
    policy = aws.iam.RolePolicy(
        f"{name}-{args.policy_suffix}",
        role=role.id,
        policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [own_logs, *args.statements(role)]}),
        opts=child,
    )
    return aws.lambda_.Function(
        f"{name}-function",
        name=args.function_name,
        description=args.description,
        role=role.arn,
        runtime=args.runtime,
        handler=args.handler,
        memory_size=args.memory_size,
        timeout=args.timeout,
        code=args.code or pulumi.AssetArchive({args.source.name: pulumi.FileAsset(str(args.source))}),
        source_code_hash=args.source_code_hash,
        architectures=args.architectures,
        layers=args.layers,
        reserved_concurrent_executions=args.reserved_concurrent_executions,
        environment={"variables": args.environment} if args.environment is not None else None,
        logging_config={"log_format": "JSON", "log_group": log_group.name},
        region=args.region,
        tags=args.tags,
        # The policy must exist before the first invocation logs; the log group before Lambda creates its own.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[log_group, policy]),
    )
