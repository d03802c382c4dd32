"""Test sends from the standby region during a drill: one email and one SMS, the evidence that it can send.

Email goes to the SES mailbox simulator by default (`success@simulator.amazonses.com`: accepted and delivered by
SES, no real recipient, not counted against the sending quota or reputation; Amazon SES Developer Guide, "Using
the mailbox simulator"), from `drill@<first sending domain>` through the first declared configuration set, so the
standby's identity, DKIM and event destinations are the ones exercised.
SMS goes out only when a destination is given (use an AWS End User Messaging SMS simulator destination number
for the country, e.g. from the SMS User Guide's simulator table: no carrier is reached), from the standby
region's pool (found by the pair's opt-out list, which every pool of the pair uses) or an explicit origination
identity.
A send that was attempted and refused fails the drill step: a standby that cannot send is what the drill is
there to find. A channel not declared or not requested is reported `skipped`, with why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from regionpair.ops.context import PairContext
from regionpair.ops.errors import AWS_ERRORS, OpsError, reason

MAILBOX_SIMULATOR = "success@simulator.amazonses.com"
SMS_SERVICE = "pinpoint-sms-voice-v2"


@dataclass
class TestSend:
    """One test send and what the standby region answered."""

    channel: str
    region: str
    to: str
    sender: str
    result: str
    """`sent`, `failed` or `skipped`."""
    message_id: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Structured values for --json and the report."""
        return {k.replace("_id", "Id"): v for k, v in asdict(self).items()}


def send_email(clients: Any, ctx: PairContext, to: str = MAILBOX_SIMULATOR) -> TestSend:
    """One email from the standby region (SES v2 SendEmail)."""
    region = ctx.standby_region
    email = ctx.pair.shared.email
    if email is None:
        return TestSend("email", region, to, "", "skipped", detail="no email: section declared")
    sender = f"drill@{email.domains[0]}"
    kwargs: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": [to]},
        "Content": {"Simple": {
            "Subject": {"Data": f"regionpair drill: {ctx.pair.shared.name} sends from {region}"},
            "Body": {"Text": {"Data": f"Test send of a failover drill of pair {ctx.pair.shared.name}, from {region}."}},
        }},
    }  # fmt: skip
    if email.configuration_sets:
        kwargs["ConfigurationSetName"] = ctx.pair.physical_name(email.configuration_sets[0].name)
    try:
        message_id = clients.get("sesv2", region).send_email(**kwargs)["MessageId"]
    except AWS_ERRORS as err:
        return TestSend("email", region, to, sender, "failed", detail=f"SES in {region}: {reason(err)}")
    return TestSend("email", region, to, sender, "sent", str(message_id), kwargs.get("ConfigurationSetName", ""))


def standby_pool(clients: Any, ctx: PairContext) -> str | None:
    """The standby region's pool of the pair (every pool of the pair uses the declared opt-out list)."""
    sms = ctx.pair.shared.sms
    if sms is None:
        return None
    client = clients.get(SMS_SERVICE, ctx.standby_region)
    filters = [{"Name": "opt-out-list-name", "Values": [sms.opt_out_list]}]
    for page in client.get_paginator("describe_pools").paginate(Filters=filters):
        for pool in page.get("Pools", []):
            return str(pool["PoolId"])
    return None


def send_sms(clients: Any, ctx: PairContext, to: str | None, origination: str | None = None) -> TestSend:
    """One SMS from the standby region (End User Messaging SMS SendTextMessage), when a destination is given."""
    region = ctx.standby_region
    if ctx.pair.shared.sms is None:
        return TestSend("sms", region, to or "", "", "skipped", detail="no sms: section declared")
    if not to:
        return TestSend("sms", region, "", "", "skipped",
                        detail="no destination: pass --sms-to with a simulator destination number")  # fmt: skip
    try:
        sender = origination or standby_pool(clients, ctx)
        if sender is None:
            lists = ctx.pair.shared.sms.opt_out_list
            return TestSend("sms", region, to, "", "failed", detail=f"no pool with opt-out list {lists} in {region}")
        answer = clients.get(SMS_SERVICE, region).send_text_message(
            DestinationPhoneNumber=to, OriginationIdentity=sender, MessageType="TRANSACTIONAL",
            MessageBody=f"regionpair drill: {ctx.pair.shared.name} sends from {region}",
        )  # fmt: skip
    except AWS_ERRORS as err:
        return TestSend("sms", region, to, origination or "", "failed", detail=f"SMS in {region}: {reason(err)}")
    return TestSend("sms", region, to, sender, "sent", str(answer.get("MessageId")))


def run(
    clients: Any, ctx: PairContext, *, email_to: str | None = MAILBOX_SIMULATOR, sms_to: str | None = None,
    sms_from: str | None = None, into: list[TestSend] | None = None,
) -> str:  # fmt: skip
    """The drill step: both sends; raises `OpsError` naming each refused send (results kept in `into`)."""
    sends = [
        send_email(clients, ctx, email_to) if email_to else
        TestSend("email", ctx.standby_region, "", "", "skipped", detail="--no-test-email"),
        send_sms(clients, ctx, sms_to, sms_from),
    ]  # fmt: skip
    if into is not None:
        into[:] = sends
    failed = [s for s in sends if s.result == "failed"]
    summary = "; ".join(f"{s.channel} {s.result}" + (f" ({s.detail})" if s.result != "sent" else "") for s in sends)
    if failed:
        raise OpsError(f"test sends from {ctx.standby_region}: {summary}")
    return summary
