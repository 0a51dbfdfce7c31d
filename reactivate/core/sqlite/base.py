"""SQLite with writers that queue on a file lock instead of SQLite's busy handler.

SQLite admits one writer at a time. A writer that finds the database busy sleeps in
growing steps (1, 2, 5 … 100 ms) before it looks again, so under a burst of replies a
transaction can wait a hundred milliseconds for a lock that was free after two. Here each
write transaction first takes an exclusive lock on a file beside the database; waiters
poll it every half millisecond, so the next writer starts as soon as the last commits.
SQLite's own lock and timeout stay underneath as the guarantee; the file lock only orders
the queue. An in-memory database (the tests') has one connection and needs none of this.
"""

from __future__ import annotations

import fcntl
import os
import time

from django.db.backends.sqlite3 import base

POLL = 0.0005


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def _writer_lock(self) -> None:
        if self.is_in_memory_db():
            return
        if self._writer_fd is None:
            path = f"{self.settings_dict['NAME']}.writer-lock"
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return  # SQLite's own busy timeout decides from here
                time.sleep(POLL)
                continue
            self._writer_held = True
            return

    def _writer_unlock(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_unlock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_unlock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_unlock()

    def _close(self):
        self._writer_unlock()
        try:
            return super()._close()
        finally:
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
