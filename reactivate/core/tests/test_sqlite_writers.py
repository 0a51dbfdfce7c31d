"""SQLite writers queue on a file lock and start the moment the writer before them ends
(reactivate.core.sqlite), instead of sleeping in SQLite's busy handler."""

import fcntl
import os
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from django.db.utils import ConnectionHandler
from django.test import SimpleTestCase


def connect(path: Path):
    handler = ConnectionHandler({"default": {
        "ENGINE": "reactivate.core.sqlite", "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
    }})  # fmt: skip
    connection = handler["default"]
    connection.ensure_connection()
    return connection


def write(connection, value: str, hold: float = 0.0) -> float:
    """One write transaction; the moment it began."""
    connection._start_transaction_under_autocommit()
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])
    time.sleep(hold)
    connection.commit()
    return began


class WriterQueueTests(SimpleTestCase):
    databases = {"default"}  # its own file database, named default in its own handler

    def setUp(self):
        folder = TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = Path(folder.name) / "db.sqlite3"
        first = connect(self.path)
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        self.first = first
        self.addCleanup(first.close)

    def rows(self) -> list[str]:
        with self.first.cursor() as cursor:
            cursor.execute("SELECT v FROM t ORDER BY id")
            return [v for (v,) in cursor.fetchall()]

    def test_a_second_writer_waits_for_the_first_and_starts_as_it_commits(self):
        self.first._start_transaction_under_autocommit()
        with self.first.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('first')")
        began = {}

        def second() -> None:
            other = connect(self.path)
            try:
                began["second"] = write(other, "second")
            finally:
                other.close()

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        self.assertNotIn("second", began)  # queued behind the open transaction
        committed = time.monotonic()
        self.first.commit()
        thread.join(5)
        self.assertGreaterEqual(began["second"], committed)
        self.assertEqual(self.rows(), ["first", "second"])
        self.assertTrue(Path(f"{self.path}.writer-lock").exists())

    def free(self) -> bool:
        """Whether nobody holds the writers' lock now."""
        descriptor = os.open(f"{self.path}.writer-lock", os.O_RDWR)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(descriptor)
        return True

    def test_a_rollback_or_a_closed_connection_frees_the_queue(self):
        self.first._start_transaction_under_autocommit()
        self.assertFalse(self.free())
        self.first.rollback()
        self.assertTrue(self.free())
        other = connect(self.path)
        write(other, "after rollback")
        other._start_transaction_under_autocommit()
        self.assertFalse(self.free())
        other.close()  # a worker that dies mid-transaction leaves nobody waiting
        self.assertTrue(self.free())
        write(self.first, "after close")
        self.assertEqual(self.rows(), ["after rollback", "after close"])

    def test_eight_writers_at_once_all_commit(self):
        def writer(n: int) -> None:
            connection = connect(self.path)
            try:
                for i in range(10):
                    write(connection, f"{n}-{i}")
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(len(self.rows()), 80)
