from django.test import SimpleTestCase, override_settings

from reactivate.core.checks import check_debug_exposed, check_site_url


class SystemCheckTests(SimpleTestCase):
    @override_settings(DEBUG=True, ALLOWED_HOSTS=["clinic.example.com"])
    def test_debug_on_a_public_host_is_an_error(self):
        self.assertEqual([e.id for e in check_debug_exposed(None)], ["reactivate.E001"])

    @override_settings(DEBUG=True, ALLOWED_HOSTS=["127.0.0.1", "localhost"])
    def test_debug_on_loopback_is_fine(self):
        self.assertEqual(check_debug_exposed(None), [])

    @override_settings(SITE_URL="http://clinic.example.com")
    def test_a_public_site_without_tls_is_warned_about(self):
        self.assertEqual([e.id for e in check_site_url(None)], ["reactivate.W002"])

    @override_settings(SITE_URL="https://clinic.example.com")
    def test_a_public_site_with_tls_passes(self):
        self.assertEqual(check_site_url(None), [])
