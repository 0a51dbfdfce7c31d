"""A stand-in of Twilio's Messages endpoint on loopback, for the tests and the send benchmark.

It answers the three calls the SMS adapter makes (create a message, list messages to a number
since a moment, fetch one message for its price) in the shapes Twilio's API documents, after
an optional delay (a real call takes 100-500 ms), and refuses the numbers it is told to with
Twilio's error body. Every request is kept; ``check`` (the tests pass one that validates
against Twilio's OpenAPI spec) sees each one first, and a request it rejects is answered 400
and kept in ``invalid``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

MESSAGES = "/2010-04-01/Accounts/{account}/Messages.json"


class TwilioStandIn:
    def __init__(
        self,
        *,
        delay: float = 0.0,
        check: Callable[[str, str, str, bytes, dict], None] | None = None,
        refuse: dict[str, tuple[int, int, str]] | None = None,
        price: str | None = None,
    ) -> None:
        self.delay, self.check = delay, check
        # What a fetched message says it cost (Twilio's form: "-0.00790"); None is Twilio's
        # answer before it has priced the message. Never on the create's answer, as on Twilio.
        self.price = price
        self.refuse = refuse or {}  # number → (HTTP status, Twilio error code, message)
        self.messages: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []
        self.invalid: list[str] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> TwilioStandIn:
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def created(self, account: str, form: dict) -> tuple[int, dict]:
        to = form.get("To", "")
        if to in self.refuse:
            status, code, message = self.refuse[to]
            return status, {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            }
        now = datetime.now(UTC)
        sid = "SM" + uuid.uuid4().hex
        base = f"/2010-04-01/Accounts/{account}/Messages"
        message = {
            "account_sid": account,
            "api_version": "2010-04-01",
            "body": form.get("Body", ""),
            "date_created": format_datetime(now),
            "date_sent": None,
            "date_updated": format_datetime(now),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued" if "MessagingServiceSid" not in form else "accepted",
            "subresource_uris": {"media": f"{base}/{sid}/Media.json"},
            "to": to,
            "uri": f"{base}/{sid}.json",
            "_sent": now,
        }
        with self.lock:
            self.messages.append(message)
        return 201, _public(message)

    def fetched(self, account: str, sid: str) -> tuple[int, dict]:
        with self.lock:
            found = [m for m in self.messages if m["sid"] == sid and m["account_sid"] == account]
        if not found:
            return 404, {
                "code": 20404,
                "message": f"The requested resource {sid} was not found",
                "more_info": "https://www.twilio.com/docs/errors/20404",
                "status": 404,
            }
        return 200, _public({**found[0], "price": self.price, "status": "delivered"})

    def listed(self, account: str, query: dict) -> tuple[int, dict]:
        after = query.get("DateSent>")
        since = datetime.fromisoformat(after.replace("Z", "+00:00")) if after else None
        with self.lock:
            found = [
                m
                for m in self.messages
                if m["to"] == query.get("To", m["to"]) and (since is None or m["_sent"] >= since)
            ]
        uri = MESSAGES.format(account=account)
        return 200, {
            "messages": [_public(m) for m in found],
            "end": max(len(found) - 1, 0),
            "first_page_uri": uri + "?PageSize=50&Page=0",
            "next_page_uri": None,
            "page": 0,
            "page_size": 50,
            "previous_page_uri": None,
            "start": 0,
            "uri": uri,
        }


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client killed mid-request (the benchmark's SIGKILLs) is expected, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _public(message: dict) -> dict:
    return {k: v for k, v in message.items() if not k.startswith("_")}


class _Handler(BaseHTTPRequestHandler):
    standin: TwilioStandIn
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Answers go out at once, not after the client's delayed ACK (Nagle's algorithm):
        # the stand-in must not add latency of its own to what it is asked to add.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args) -> None:  # quiet: the tests read self.standin.requests
        pass

    def do_GET(self) -> None:
        self.answer("GET")

    def do_POST(self) -> None:
        self.answer("POST")

    def answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        standin = self.standin
        with standin.lock:
            standin.requests.append((method, parts.path, form if method == "POST" else query))
        segments = parts.path.split("/")
        one = (method == "GET" and len(segments) == 6 and segments[4] == "Messages"
               and segments[5].endswith(".json"))  # fmt: skip
        if not one and (len(segments) != 5 or segments[4] != "Messages.json"):
            return self.reply(404, {"code": 20404, "message": "Not found", "status": 404})
        if standin.check is not None:
            try:
                standin.check(method, parts.path, parts.query, body, dict(self.headers))
            except Exception as exc:  # any failure of the spec is the test's finding
                with standin.lock:
                    standin.invalid.append(f"{method} {parts.path}: {exc}")
                return self.reply(400, {"code": 21100, "message": str(exc), "status": 400})
        if standin.delay:
            time.sleep(standin.delay)
        account = segments[3]
        if one:
            return self.reply(*standin.fetched(account, segments[5].removesuffix(".json")))
        if method == "POST":
            return self.reply(*standin.created(account, form))
        return self.reply(*standin.listed(account, query))

    def reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
