"""The reply mailbox over IMAP, against a real IMAP server on loopback (Debian's dovecot,
a Maildir seeded with real replies from talon's fixtures and a real bounce from sisimai's)."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock, skipUnless

from reactivate.channels.config import channel_configure
from reactivate.channels.models import ChannelEvent, InboundMessage, OutboundMessage
from reactivate.replies.mailbox import poll_mailbox
from reactivate.replies.models import Reply
from reactivate.testing import BaseTestCase, make_lead

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOUNCE = Path(__file__).resolve().parents[2] / "channels/email/fixtures/sisimai/lhost-amavis-01.eml"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
CAN_RUN = os.path.exists(DOVECOT) and os.geteuid() == 0
WHY = "needs Debian's dovecot-imapd, run as root (.ci/run installs it)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    """A throwaway dovecot: one user, a Maildir, plain login on a loopback port."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.root.chmod(0o755)  # dovecot's auth process (not root) reads the users file
        self.port = free_port()
        nobody = pwd.getpwnam("nobody")
        self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
        (self.root / "users").write_text("north:{PLAIN}s3cret::::::\n")
        for sub in ("run", "state", "mail/north/new", "mail/north/cur", "mail/north/tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "dovecot.conf").write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.root}/mail/%u
log_path = {self.root}/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 0
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/users
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.root}/mail/%u
}}
""")

    def deliver(self, name: str, raw: bytes) -> None:
        path = self.root / "mail/north/new" / f"{time.time_ns()}.{name}.test"
        path.write_bytes(raw)
        os.chown(path, self.uid, self.gid)

    def __enter__(self):
        os.chown(self.root / "mail", self.uid, self.gid)
        for folder in (self.root / "mail").rglob("*"):
            os.chown(folder, self.uid, self.gid)
        subprocess.run([DOVECOT, "-c", str(self.root / "dovecot.conf")], check=True)
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        raise RuntimeError((self.root / "dovecot.log").read_text())

    def __exit__(self, *exc):
        subprocess.run([DOVECOT, "-c", str(self.root / "dovecot.conf"), "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@skipUnless(CAN_RUN, WHY)
class MailboxTests(BaseTestCase):
    def setUp(self):
        self.dovecot = Dovecot()
        for name in ("gmail", "outlook", "yahoo"):
            self.dovecot.deliver(name, (FIXTURES / "talon" / f"{name}.eml").read_bytes())
        self.dovecot.deliver("bounce", BOUNCE.read_bytes())
        self.dovecot.__enter__()
        self.addCleanup(self.dovecot.__exit__, None, None, None)
        channel_configure(
            practice=self.north, channel="email", provider="smtp", actor=self.north_owner,
            values={"url": "smtp://127.0.0.1:2525", "from_email": "frontdesk@north.example",
                    "reply_domain": "replies.north.example",
                    "imap_url": f"imap://north:s3cret@127.0.0.1:{self.dovecot.port}/INBOX"},
        )  # fmt: skip
        # The senders of the talon replies are North's leads; the bounce is about Neko's email.
        self.gmail = make_lead(self.north, "Megan", "One", email="xxx@gmail.com")
        self.neko = make_lead(self.north, "Neko", "Cat", email="neko@example.co.jp")
        OutboundMessage.objects.create(
            practice=self.north, lead=self.neko, channel="email", idempotency_key="k-neko",
            to_value="neko@example.co.jp", body="Hi", status="sent", provider="smtp",
            provider_id="<Qdmail.0.0.0e_8ed60e1eb3e559f02254e3437c3110b1@example.net>",
        )  # fmt: skip

    def test_each_message_is_fetched_once_read_on_its_new_text_and_a_bounce_recorded(self):
        counts = poll_mailbox(self.north)
        self.assertEqual(counts, {"replies": 3, "reports": 1, "seen_before": 0})
        self.assertEqual(poll_mailbox(self.north)["replies"], 0)  # marked seen
        self.assertEqual(InboundMessage.objects.count(), 3)
        texts = set(Reply.objects.values_list("text", flat=True))
        self.assertEqual(texts, {"Hello"})  # quoted history and signatures stripped
        self.assertEqual(InboundMessage.objects.get(lead=self.gmail).from_value, "xxx@gmail.com")
        event = ChannelEvent.objects.get()
        self.assertEqual((event.kind, event.code, event.outbound.lead), ("bounced", "5.1.1",
                                                                          self.neko))  # fmt: skip

    def test_two_pollers_at_once_store_each_message_once(self):
        # A second poller that fetched the same unseen messages before the first marked them
        # seen: the first poll's marks are held back, so the second sees every one again.
        with mock.patch("imap_tools.MailBoxUnencrypted.flag"):
            first = poll_mailbox(self.north)
        second = poll_mailbox(self.north)
        self.assertEqual((first["replies"], second["replies"]), (3, 0))
        self.assertEqual(second["seen_before"], 3)
        self.assertEqual(InboundMessage.objects.count(), 3)
        self.assertEqual(Reply.objects.count(), 3)
        self.assertEqual(ChannelEvent.objects.count(), 1)  # the bounce, acted on once
