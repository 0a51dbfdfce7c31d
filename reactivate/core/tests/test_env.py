import os
import stat
from unittest import mock

from django.test import SimpleTestCase

from reactivate.core.env import ConfigError, envbool, envint, envsecret, persistent_secret_key


class EnvTests(SimpleTestCase):
    def test_envbool_reads_the_usual_words_and_rejects_others(self):
        for raw, expected in (("1", True), ("Yes", True), ("off", False), ("", False)):
            with self.subTest(raw=raw), mock.patch.dict(os.environ, {"FLAG": raw}):
                self.assertIs(envbool("FLAG"), expected)
        with mock.patch.dict(os.environ, {"FLAG": "maybe"}), self.assertRaises(ConfigError):
            envbool("FLAG")

    def test_envint_uses_the_default_when_unset(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual(envint("N", 5), 5)
        with mock.patch.dict(os.environ, {"N": "x"}), self.assertRaises(ConfigError):
            envint("N", 5)

    def test_envsecret_prefers_the_file(self):
        import tempfile

        with tempfile.NamedTemporaryFile("w", delete=False) as handle:
            handle.write("from-file\n")
        env = {"TOKEN": "from-env", "TOKEN_FILE": handle.name}
        with mock.patch.dict(os.environ, env):
            self.assertEqual(envsecret("TOKEN"), "from-file")
        os.unlink(handle.name)

    def test_the_generated_secret_key_is_kept_private_and_reused(self):
        import pathlib
        import tempfile

        with tempfile.TemporaryDirectory() as home:
            first = persistent_secret_key(pathlib.Path(home) / "data")
            second = persistent_secret_key(pathlib.Path(home) / "data")
            mode = stat.S_IMODE((pathlib.Path(home) / "data" / "secret_key").stat().st_mode)
        self.assertEqual(first, second)
        self.assertGreaterEqual(len(first), 50)
        self.assertEqual(mode, 0o600)
