from django.test import SimpleTestCase

from reactivate.core.sms import gsm_safe, sms_segments


class SegmentCounting(SimpleTestCase):
    """GSM-7 vs UCS-2 as carriers count them (3GPP TS 23.038 / 23.040)."""

    def test_gsm7_fits_160_then_153_per_segment(self):
        self.assertEqual(sms_segments("a" * 160).count, 1)
        self.assertEqual(sms_segments("a" * 161).count, 2)
        self.assertEqual(sms_segments("a" * 306).count, 2)
        self.assertEqual(sms_segments("a" * 307).count, 3)
        self.assertEqual(sms_segments("").count, 0)

    def test_extension_characters_take_two_septets_and_are_never_split(self):
        counted = sms_segments("€" * 80)
        self.assertEqual((counted.encoding, counted.units, counted.count), ("GSM-7", 160, 1))
        self.assertEqual(sms_segments("€" * 81).count, 2)
        # 152 plain septets then a two-septet character: it moves whole to segment two.
        self.assertEqual(sms_segments("a" * 152 + "[" + "a" * 152).count, 3)

    def test_gsm_accented_letters_stay_gsm7(self):
        self.assertEqual(sms_segments("Hola Zoë, ¿qué tal? Ñandú ça va à Paris").encoding, "UCS-2")
        self.assertEqual(sms_segments("Ñ ñ é è ü ö ä à ù ì ò Ç ¿ ¡ £ ¥ §").encoding, "GSM-7")

    def test_curly_quote_forces_ucs2_and_is_named(self):
        counted = sms_segments("It’s Jo from the clinic")
        self.assertEqual(counted.encoding, "UCS-2")
        self.assertEqual(counted.forcing, "’")
        self.assertEqual(counted.forcing_name, "right single quotation mark")
        self.assertEqual(sms_segments("x" * 69 + "’").count, 1)
        self.assertEqual(sms_segments("x" * 70 + "’").count, 2)
        self.assertEqual(sms_segments("x" * 133 + "’").count, 2)
        self.assertEqual(sms_segments("x" * 134 + "’").count, 3)

    def test_non_breaking_space_forces_ucs2(self):
        counted = sms_segments("Reply\u00a0STOP to opt out")
        self.assertEqual((counted.encoding, counted.forcing_name), ("UCS-2", "no-break space"))

    def test_emoji_outside_the_bmp_count_two_units(self):
        counted = sms_segments("See you soon 😀")
        self.assertEqual((counted.encoding, counted.units), ("UCS-2", 15))
        self.assertEqual(sms_segments("😀" * 35).count, 1)
        self.assertEqual(sms_segments("😀" * 36).count, 2)
        # A surrogate pair is never split: 33 emoji fill 66 of 67 units per segment.
        self.assertEqual(sms_segments("😀" * 67).count, 3)

    def test_gsm_safe_replaces_accidental_characters(self):
        text = gsm_safe("It’s “fine” — really…\u00a0ok")
        self.assertEqual(text, 'It\'s "fine" - really... ok')
        self.assertEqual(sms_segments(text).encoding, "GSM-7")
