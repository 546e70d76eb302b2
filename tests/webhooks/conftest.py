"""A real HTTP receiver on 127.0.0.1 (``http.server`` in a thread) standing in for an organization's system, and the
organizations with their managers."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.models import Party
from tests.factories import PartyFactory
from tests.parties.conftest import party_user
from webhooks.models import Endpoint

README = Path(__file__).resolve().parents[2] / "README.md"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # the codes to answer, in turn; 200 once they run out
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(Received({name.lower(): value for name, value in self.headers.items()}, body))
            code = state.answers.pop(0) if state.answers else 200
            reply = b"stored" if code < 300 else b"our database is down"
            self.send_response(code)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/imr-hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def readme_signature_check():
    """The signature check exactly as README.md gives it to claims administrators: the tests verify with it."""
    section = README.read_text(encoding="utf-8").split("### Checking a webhook's signature", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None, "README.md has no Python block under its signature check"
    namespace: dict = {}
    exec(code.group(1), namespace)  # noqa: S102 - our own README's example, run as a reader would run it
    return namespace["is_from_the_imr_portal"]


def organization(name: str, kind: str = Party.Kind.CLAIMS_ADMINISTRATOR) -> Party:
    return PartyFactory(kind=kind, name=name)


def manager_of(party: Party, username: str, *, is_manager: bool = True, second_factor: bool = True):
    """A manager (or a colleague) of ``party`` with a confirmed authenticator (``tests.parties.conftest.sign_in``
    passes it in a test client's session)."""
    return party_user(party, username, manager=is_manager, second_factor=second_factor)


def endpoint_for(party: Party, url: str, events=None, **fields) -> Endpoint:
    events = (
        list(events)
        if events is not None
        else ["case.assigned", "records.requested", "records.overdue", "determination.issued"]
    )
    return Endpoint.objects.create(organization=party, url=url, events=events, **fields)
