"""The data key of every test (base64 of 32 bytes): fixed, so a subprocess can open what the
test wrote, and never a real school's."""

from __future__ import annotations

from storage.crypto import Keyring, parse_key

TEST_KEY = "dHJ5Z2ctc2tvbGUgdGVzdCBrZXkgLSBub3QgcmVhbCE="
TEST_KEYRING = Keyring.of(parse_key(TEST_KEY))
