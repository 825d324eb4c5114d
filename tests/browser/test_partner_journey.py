"""A partner with nothing but docs/partners.md and its example: staff create the API
client, `client-examples/python/partner.py` gets a token, pages through the appointments,
registers its webhook and listens; a patient requests a slot on the booking page in
Chromium and the example's receiver prints the verified `appointment.requested`. A
tampered copy of that delivery is refused with 400; Ctrl-C removes the endpoint."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from datetime import UTC, datetime

import httpx
from playwright.async_api import Browser, expect
from standardwebhooks import Webhook

from resolvers.deps import Deps
from tests import factories
from tests.api.partners import CREATE
from tests.browser.pages import open_page, sign_in, snap
from tests.browser.test_booking_page import REQUESTED_FOR_MIA
from tests.live.test_client_examples import run_example
from tests.support import GraphQL, ServerProcess

DELIVERIES = """
query Deliveries($id: ID!) {
  webhookDeliveries(endpointId: $id, first: 1) { edges { node { eventType payload } } }
}"""
ENDPOINTS = "{ webhookEndpoints { id } }"


class Printed:
    """What a running example prints, line by line, waited for with a deadline."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        self.stream = process.stdout
        self.lines: list[str] = []

    async def until(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The first line from here on that matches `pattern`."""
        wanted = re.compile(pattern)
        try:
            async with asyncio.timeout(timeout):
                while raw := await self.stream.readline():
                    self.lines.append(raw.decode().rstrip("\n"))
                    if found := wanted.search(self.lines[-1]):
                        return found
        except TimeoutError:
            pass
        raise AssertionError(f"no line like {pattern!r} in: {self.lines}")


def signed(secret: str, message_id: str, body: str) -> dict[str, str]:
    """Standard Webhooks headers for `body`, signed with `secret` now."""
    now = datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
    }


async def test_a_partner_pages_registers_a_webhook_and_hears_a_request_from_the_booking_page(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    mia = await factories.patient(deps, name="Mia Schmidt", email=None)
    parent = await factories.user(deps, patients=(anna, mia), name="Anna Schmidt")
    for hour in (9, 11, 14):  # three visits already booked: two pages of two
        await factories.appointment(deps, diary, start=factories.slot_start(3, hour), patient=anna)

    # The clinic's staff create the client and hand over its id and secret.
    desk = await factories.staff(deps)
    scopes = ["appointments:read", "webhooks:manage"]
    made = (await server_gql(CREATE, {"name": "Booking Hub", "scopes": scopes}, token=desk.token))[
        "createApiClient"
    ]
    assert made["__typename"] == "ApiClientCredentials", made
    credentials = {
        "PORTAL_CLIENT_ID": made["client"]["id"],
        "PORTAL_CLIENT_SECRET": made["clientSecret"],
    }

    example = await run_example(
        "partner.py",
        server,
        "--port",
        "0",
        "--page-size",
        "2",
        separate_stderr=True,
        env=credentials,
    )
    printed = Printed(example)
    try:
        await printed.until(rf"^Signed in as API client {made['client']['id']}\.$")
        await printed.until(r"^Page 1: 2 appointments$")
        await printed.until(r"^Page 2: 1 appointment$")
        await printed.until(r"^3 appointments in all\.$")
        registered = await printed.until(r"^Webhook endpoint (\d+) registered for (http://\S+)$")
        endpoint_id, hook_url = registered.groups()
        secret = (await printed.until(r"signing secret is (whsec_\S+) "))[1]
        await printed.until(r"^Listening for appointment events")

        # A patient requests a slot on the booking page.
        page = await open_page(browser, f"{server.url}/book/")
        await page.locator("#slots button.slot").first.click()
        await sign_in(page, parent.user.email)
        await expect(page.get_by_role("heading", name="Held for you")).to_be_visible(timeout=10_000)
        await page.get_by_label("Who is the appointment for?").select_option(label="Mia Schmidt")
        await page.get_by_role("button", name="Request this time").click()
        await expect(page.get_by_role("status")).to_have_text(REQUESTED_FOR_MIA, timeout=10_000)
        await snap(page, "partner-journey-requested")

        heard = await printed.until(r"^appointment\.requested: appointment (\d+), ")
        assert heard.string.endswith(
            f"practitioner {diary.practitioner.id}, patient {mia.id}"
            " - requested online; awaiting the clinic's answer"
        ), heard.string

        # A copy of that delivery with its body changed is refused; the same body
        # signed with the same secret is taken, so the signature was not the problem.
        sent = (await server_gql(DELIVERIES, {"id": endpoint_id}, token=desk.token))[
            "webhookDeliveries"
        ]["edges"][0]["node"]
        assert sent["eventType"] == "appointment.requested"
        body = sent["payload"]
        tampered = json.dumps({**json.loads(body), "type": "appointment.booked"})
        async with httpx.AsyncClient() as partner_side:
            forged = await partner_side.post(
                hook_url, content=tampered, headers=signed(secret, "msg_tampered", body)
            )
            assert forged.status_code == 400
            await printed.until(r"^Refused a delivery that does not verify")
            genuine = await partner_side.post(
                hook_url, content=body, headers=signed(secret, "msg_genuine", body)
            )
            assert genuine.status_code == 204
        again = await printed.until(r"^appointment\.requested: appointment (\d+), ")
        assert again[1] == heard[1]
    finally:
        if example.returncode is None:
            example.send_signal(signal.SIGINT)
        rest, complaints = await asyncio.wait_for(example.communicate(), 30)

    # Ctrl-C ends quietly and takes the endpoint away.
    assert example.returncode == 0, complaints.decode()
    assert complaints.decode().strip() == ""
    assert rest.decode().strip() == f"Removed webhook endpoint {endpoint_id}. Stopped listening."
    assert (await server_gql(ENDPOINTS, token=desk.token))["webhookEndpoints"] == []
