"""Tests for homeward.crypto.aead: AES-256-GCM tokens, keyrings and blind indexes."""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import stat
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.crypto import (
    DecryptionError,
    KeyConfigError,
    Keyring,
    blind_index,
    decrypt,
    encrypt,
    generate_keyring_file,
    is_token,
    normalize_identifier,
    reencrypt,
    token_key_id,
)

ID_NUMBER = "500101201801010011"
CONTEXT = "people.person.id_number"

# Fixed, public test keys. Never use these anywhere else.
KEY_1 = bytes(range(32))
KEY_2 = bytes(range(32, 64))
BLIND_KEY = bytes(range(64, 96))
OTHER_BLIND_KEY = bytes(range(96, 128))

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
UTF8_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=64)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def make_keyring(blind_key: bytes = BLIND_KEY) -> Keyring:
    return Keyring(keys={"k1": KEY_1}, active_key_id="k1", blind_index_key=blind_key)


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def valid_document() -> dict[str, object]:
    return {"active": "k1", "keys": {"k1": b64(KEY_1)}, "blind_index_key": b64(BLIND_KEY)}


# ---------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------


def test_an_encrypted_value_decrypts_to_the_original() -> None:
    # given a keyring
    keyring = make_keyring()
    # when an ID number is encrypted and decrypted with the same context
    token = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    # then the original comes back
    assert decrypt(keyring, token, context=CONTEXT) == ID_NUMBER


@settings(max_examples=200)
@given(plaintext=UTF8_TEXT)
def test_any_unicode_text_round_trips(plaintext: str) -> None:
    # given any text that UTF-8 can encode, including the empty string
    keyring = make_keyring()
    # when it is encrypted
    token = encrypt(keyring, plaintext, context=CONTEXT)
    # then it is a well-formed token that decrypts to the same text
    assert is_token(token)
    assert token.isascii()
    assert decrypt(keyring, token, context=CONTEXT) == plaintext


def test_the_empty_string_round_trips() -> None:
    # given a keyring
    keyring = make_keyring()
    # when the empty string is encrypted
    token = encrypt(keyring, "", context=CONTEXT)
    # then it decrypts to the empty string
    assert decrypt(keyring, token, context=CONTEXT) == ""


def test_two_encryptions_of_the_same_value_differ() -> None:
    # given a keyring
    keyring = make_keyring()
    # when the same value is encrypted twice
    first = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    second = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    # then the tokens differ (fresh nonce) but both decrypt
    assert first != second
    assert decrypt(keyring, first, context=CONTEXT) == decrypt(keyring, second, context=CONTEXT)


def test_the_token_does_not_contain_the_plaintext() -> None:
    # given a keyring
    keyring = make_keyring()
    # when an ID number is encrypted
    token = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    # then neither the digits nor their base64 appear in the token
    assert ID_NUMBER not in token
    assert base64.urlsafe_b64encode(ID_NUMBER.encode()).decode().rstrip("=") not in token


def test_the_token_has_the_documented_format() -> None:
    # given a keyring
    keyring = make_keyring()
    # when a value is encrypted
    token = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    # then it is hw1:<key id>:<unpadded urlsafe base64 of nonce || ciphertext || tag>
    prefix, key_id, payload = token.split(":")
    assert (prefix, key_id) == ("hw1", "k1")
    assert "=" not in payload
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert len(raw) == 12 + len(ID_NUMBER) + 16
    assert token_key_id(token) == "k1"


def test_a_token_built_by_hand_to_the_specification_decrypts() -> None:
    # given a token assembled with AESGCM directly, using the documented associated data
    nonce = bytes(12)
    sealed = AESGCM(KEY_1).encrypt(nonce, ID_NUMBER.encode(), b"hw1\x00" + CONTEXT.encode())
    payload = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    token = f"hw1:k1:{payload}"
    # when it is decrypted
    plaintext = decrypt(make_keyring(), token, context=CONTEXT)
    # then the stored format is stable
    assert plaintext == ID_NUMBER


@settings(max_examples=300)
@given(plaintext=UTF8_TEXT, data=st.data())
def test_changing_any_single_payload_character_fails_to_decrypt(
    plaintext: str, data: st.DataObject
) -> None:
    # given a token and one position inside its payload
    keyring = make_keyring()
    token = encrypt(keyring, plaintext, context=CONTEXT)
    payload_start = token.rindex(":") + 1
    position = data.draw(st.integers(min_value=payload_start, max_value=len(token) - 1))
    # when that character is replaced by another base64url character
    replacement = data.draw(st.sampled_from(B64_ALPHABET).filter(lambda c: c != token[position]))
    tampered = token[:position] + replacement + token[position + 1 :]
    # then decryption fails (also for non-canonical spellings of the last character)
    with pytest.raises(DecryptionError):
        decrypt(keyring, tampered, context=CONTEXT)


@settings(max_examples=300)
@given(data=st.data())
def test_changing_any_single_character_anywhere_in_the_token_fails_to_decrypt(
    data: st.DataObject,
) -> None:
    # given a token and any position in it, prefix and key id included
    keyring = Keyring(
        keys={"k1": KEY_1, "k2": KEY_2}, active_key_id="k1", blind_index_key=BLIND_KEY
    )
    token = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    # when that character is replaced by any other character
    replacement = data.draw(st.characters().filter(lambda c: c != token[position]))
    tampered = token[:position] + replacement + token[position + 1 :]
    # then decryption fails, even when the key id is changed to another known key
    with pytest.raises(DecryptionError):
        decrypt(keyring, tampered, context=CONTEXT)


def test_decrypting_with_the_wrong_context_fails() -> None:
    # given a token for the ID number column
    keyring = make_keyring()
    token = encrypt(keyring, ID_NUMBER, context=CONTEXT)
    # when it is decrypted as if it had been copied into the phone column
    with pytest.raises(DecryptionError) as excinfo:
        decrypt(keyring, token, context="people.person.phone")
    # then it fails, and the error reveals neither plaintext nor key
    message = str(excinfo.value)
    assert ID_NUMBER not in message
    assert b64(KEY_1) not in message
    assert excinfo.value.__cause__ is None


def test_decrypting_with_an_unknown_key_id_fails() -> None:
    # given a token made under a key the reading keyring does not have
    writer = Keyring(keys={"k9": KEY_2}, active_key_id="k9", blind_index_key=BLIND_KEY)
    token = encrypt(writer, ID_NUMBER, context=CONTEXT)
    # when it is decrypted with the usual keyring
    # then it fails with a message naming the key id only
    with pytest.raises(DecryptionError, match="unknown key id 'k9'"):
        decrypt(make_keyring(), token, context=CONTEXT)


def test_decrypting_with_a_different_key_under_the_same_id_fails() -> None:
    # given a token under k1 and a keyring whose k1 is another key
    token = encrypt(make_keyring(), ID_NUMBER, context=CONTEXT)
    impostor = Keyring(keys={"k1": KEY_2}, active_key_id="k1", blind_index_key=BLIND_KEY)
    # when it is decrypted
    # then authentication fails
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(impostor, token, context=CONTEXT)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "hello",
        ID_NUMBER,
        "hw1:k1",
        "hw1:k1:",
        "hw2:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "hw1::AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "hw1:k 1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "hw1:k1:AAAA",  # shorter than nonce + tag
        "hw1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # padding is not allowed
        "hw1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",  # standard alphabet is not allowed
        "hw1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # impossible base64 length
        "hw1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:x",
    ],
)
def test_a_malformed_token_fails_to_decrypt_and_is_not_a_token(token: str) -> None:
    # given a malformed token
    # when it is inspected or decrypted
    # then it is not recognised and decryption fails as DecryptionError
    assert not is_token(token)
    with pytest.raises(DecryptionError):
        decrypt(make_keyring(), token, context=CONTEXT)
    with pytest.raises(DecryptionError):
        token_key_id(token)


def test_an_invalid_context_is_a_programming_error() -> None:
    # given a keyring
    keyring = make_keyring()
    # when the context is empty or contains a NUL separator
    # then encryption and blind indexing refuse it
    for context in ("", "a\x00b", "people person"):
        with pytest.raises(ValueError, match="context"):
            encrypt(keyring, ID_NUMBER, context=context)
        with pytest.raises(ValueError, match="context"):
            blind_index(keyring, ID_NUMBER, context=context)


def test_unencodable_plaintext_is_refused_without_echoing_it() -> None:
    # given text with a lone surrogate
    plaintext = "secret\ud800"
    # when it is encrypted
    with pytest.raises(ValueError) as excinfo:
        encrypt(make_keyring(), plaintext, context=CONTEXT)
    # then the error does not repeat it
    assert "secret" not in str(excinfo.value)
    assert "\ud800" not in str(excinfo.value)


# ---------------------------------------------------------------------------
# Rotation
# ---------------------------------------------------------------------------


def test_old_tokens_still_decrypt_after_rotation() -> None:
    # given a token made under k1
    old = make_keyring()
    token = encrypt(old, ID_NUMBER, context=CONTEXT)
    # when a new key k2 is made active
    rotated = old.with_new_active_key("k2")
    # then new tokens use k2 and the old token still decrypts
    assert rotated.active_key_id == "k2"
    assert set(rotated.keys) == {"k1", "k2"}
    assert token_key_id(encrypt(rotated, ID_NUMBER, context=CONTEXT)) == "k2"
    assert decrypt(rotated, token, context=CONTEXT) == ID_NUMBER
    # and the original keyring is untouched
    assert old.active_key_id == "k1"
    assert set(old.keys) == {"k1"}


def test_reencrypt_moves_a_token_to_the_new_active_key() -> None:
    # given a token under k1 and a rotated keyring
    old = make_keyring()
    token = encrypt(old, ID_NUMBER, context=CONTEXT)
    rotated = old.with_new_active_key("k2")
    # when the token is re-encrypted
    moved = reencrypt(rotated, rotated, token, context=CONTEXT)
    # then it is under k2 and holds the same value
    assert token_key_id(moved) == "k2"
    assert decrypt(rotated, moved, context=CONTEXT) == ID_NUMBER


def test_reencrypt_works_across_two_separate_keyrings() -> None:
    # given a token under the old keyring and a new keyring that no longer has k1
    old = make_keyring()
    token = encrypt(old, ID_NUMBER, context=CONTEXT)
    new = Keyring(keys={"k2": KEY_2}, active_key_id="k2", blind_index_key=BLIND_KEY)
    # when the token is re-encrypted from old to new
    moved = reencrypt(old, new, token, context=CONTEXT)
    # then the new keyring alone can read it
    assert decrypt(new, moved, context=CONTEXT) == ID_NUMBER


def test_reencrypt_returns_a_token_already_under_the_active_key_unchanged() -> None:
    # given a token already under the active key
    rotated = make_keyring().with_new_active_key("k2")
    token = encrypt(rotated, ID_NUMBER, context=CONTEXT)
    # when it is re-encrypted
    # then the very same string comes back
    assert reencrypt(rotated, rotated, token, context=CONTEXT) == token


def test_reencrypt_still_authenticates_a_token_it_leaves_unchanged() -> None:
    # given a token under the active key id but for another context
    keyring = make_keyring()
    token = encrypt(keyring, ID_NUMBER, context="people.person.phone")
    # when it is re-encrypted for the wrong context
    # then the failure is reported rather than hidden
    with pytest.raises(DecryptionError):
        reencrypt(keyring, keyring, token, context=CONTEXT)


def test_adding_a_key_id_that_already_exists_is_refused() -> None:
    # given a keyring with k1
    keyring = make_keyring()
    # when k1 is added again, or an invalid id is used
    # then KeyConfigError is raised
    with pytest.raises(KeyConfigError, match="already exists"):
        keyring.with_new_active_key("k1")
    with pytest.raises(KeyConfigError, match="invalid key id"):
        keyring.with_new_active_key("k/2")


# ---------------------------------------------------------------------------
# Blind index
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        ID_NUMBER,
        " 500101201801010011 ",
        "\t500101201801010011\n",
        "5001 0120 1801 0100 11",
        "５００１０１２０１８０１０１００１１",  # full-width digits
        "\u3000500101201801010011\u3000",  # ideographic spaces
    ],
)
def test_the_blind_index_ignores_whitespace_and_full_width_digits(variant: str) -> None:
    # given a keyring
    keyring = make_keyring()
    # when the canonical value and a variant are indexed
    # then the indexes are equal
    assert blind_index(keyring, variant, context=CONTEXT) == blind_index(
        keyring, ID_NUMBER, context=CONTEXT
    )


@pytest.mark.parametrize(
    "variant", ["50010120180101001x", " 50010120180101001X", "５００１０１２０１８０１０１００１ｘ"]
)
def test_the_blind_index_ignores_the_case_of_the_check_character(variant: str) -> None:
    # given an ID number ending in the check character X
    keyring = make_keyring()
    # when it is written with x, X or a full-width x
    # then the indexes are equal
    assert blind_index(keyring, variant, context=CONTEXT) == blind_index(
        keyring, "50010120180101001X", context=CONTEXT
    )


def test_the_blind_index_differs_across_contexts() -> None:
    # given one keyring and one value
    keyring = make_keyring()
    # when it is indexed for two columns
    # then the indexes differ
    assert blind_index(keyring, ID_NUMBER, context=CONTEXT) != blind_index(
        keyring, ID_NUMBER, context="people.person.phone"
    )


def test_the_blind_index_differs_across_blind_index_keys() -> None:
    # given two keyrings with the same encryption key but different blind-index keys
    first = make_keyring(BLIND_KEY)
    second = make_keyring(OTHER_BLIND_KEY)
    # when the same value is indexed
    # then the indexes differ
    assert blind_index(first, ID_NUMBER, context=CONTEXT) != blind_index(
        second, ID_NUMBER, context=CONTEXT
    )


def test_the_blind_index_is_truncated_hmac_sha256_of_context_and_value() -> None:
    # given the documented construction computed independently
    expected = hmac.new(
        BLIND_KEY, f"{CONTEXT}\x00{ID_NUMBER}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    # when the blind index is computed
    index = blind_index(make_keyring(), ID_NUMBER, context=CONTEXT)
    # then it matches, is 128 bits of lowercase hex, and does not reveal the value
    assert index == expected
    assert len(index) == 32
    assert int(index, 16) >= 0
    assert ID_NUMBER not in index


def test_the_blind_index_without_normalization_is_exact() -> None:
    # given a keyring
    keyring = make_keyring()
    # when normalization is turned off
    # then whitespace and case matter
    assert blind_index(keyring, " abc", context=CONTEXT, normalize=False) != blind_index(
        keyring, "abc", context=CONTEXT, normalize=False
    )
    assert blind_index(keyring, "abc", context=CONTEXT, normalize=False) != blind_index(
        keyring, "ABC", context=CONTEXT, normalize=False
    )


def test_normalize_identifier_strips_widens_and_upper_cases() -> None:
    # given a messy, full-width ID number with a lower-case check character
    messy = " ５００１０１ ２０１８０１０１００１ｘ\u3000"
    # when it is normalized
    # then it is the plain half-width upper-case form
    assert normalize_identifier(messy) == "50010120180101001X"


# ---------------------------------------------------------------------------
# Keyring construction
# ---------------------------------------------------------------------------


def test_a_keyring_is_built_from_a_spec() -> None:
    # given a two-key spec
    spec = f"k1:{b64(KEY_1)}, k2:{b64(KEY_2)}"
    # when it is parsed
    keyring = Keyring.from_spec(spec, "k2", b64(BLIND_KEY))
    # then both keys are loaded and k2 is active
    assert dict(keyring.keys) == {"k1": KEY_1, "k2": KEY_2}
    assert keyring.active_key_id == "k2"
    assert keyring.blind_index_key == BLIND_KEY


def test_a_spec_accepts_urlsafe_and_unpadded_base64() -> None:
    # given keys in URL-safe base64 without padding
    key = bytes([0xFB, 0xFF] * 16)
    encoded = base64.urlsafe_b64encode(key).decode().rstrip("=")
    # when it is parsed
    keyring = Keyring.from_spec(f"k1:{encoded}", "k1", b64(BLIND_KEY))
    # then the key is decoded
    assert keyring.keys["k1"] == key


GOOD = b64(KEY_1)
GOOD_2 = b64(KEY_2)
BLIND = b64(BLIND_KEY)


@pytest.mark.parametrize(
    ("spec", "active", "blind", "message"),
    [
        ("", "k1", BLIND, "empty"),
        ("   ", "k1", BLIND, "empty"),
        (f"k1:{GOOD},", "k1", BLIND, "entry 2 is empty"),
        (f"k1:{GOOD},,k2:{GOOD_2}", "k1", BLIND, "entry 2 is empty"),
        (GOOD, "k1", BLIND, "has no ':'"),
        (f":{GOOD}", "k1", BLIND, "invalid key id"),
        (f"k 1:{GOOD}", "k1", BLIND, "invalid key id"),
        (f"k.1:{GOOD}", "k1", BLIND, "invalid key id"),
        (f"{'k' * 33}:{GOOD}", "k1", BLIND, "invalid key id"),
        (f"k1:{GOOD},k1:{GOOD_2}", "k1", BLIND, "duplicate key id 'k1'"),
        ("k1:!!!not-base64!!!", "k1", BLIND, "not valid base64"),
        ("k1:", "k1", BLIND, "empty key"),
        (f"k1:{b64(bytes(16))}", "k1", BLIND, "16 bytes, expected 32"),
        (f"k1:{b64(bytes(33))}", "k1", BLIND, "33 bytes, expected 32"),
        (f"k1:{GOOD}", "k2", BLIND, "unknown active key id 'k2'"),
        (f"k1:{GOOD}", "", BLIND, "invalid key id"),
        (f"k1:{GOOD}", "k1", "", "blind index key: empty key"),
        (f"k1:{GOOD}", "k1", "***", "blind index key: not valid base64"),
        (f"k1:{GOOD}", "k1", b64(bytes(31)), "blind index key: wrong length"),
        (f"k1:{GOOD}", "k1", GOOD, "must differ from encryption key 'k1'"),
    ],
)
def test_every_malformed_key_spec_raises_key_config_error(
    spec: str, active: str, blind: str, message: str
) -> None:
    # given a malformed spec, active id or blind-index key
    # when a keyring is built from it
    # then KeyConfigError (a ValueError) explains what is wrong without echoing key bytes
    with pytest.raises(KeyConfigError, match=message) as excinfo:
        Keyring.from_spec(spec, active, blind)
    assert isinstance(excinfo.value, ValueError)
    assert GOOD not in str(excinfo.value)
    assert GOOD_2 not in str(excinfo.value)


def test_a_keyring_never_shows_key_material_in_its_repr() -> None:
    # given a keyring
    keyring = Keyring.from_spec(f"k1:{GOOD},k2:{GOOD_2}", "k2", BLIND)
    # when it is printed
    text = repr(keyring) + str(keyring)
    # then only the key ids appear
    assert "k1" in text
    assert "k2" in text
    for secret in (KEY_1, KEY_2, BLIND_KEY):
        assert b64(secret) not in text
        assert repr(secret) not in text


def test_a_keyring_is_immutable() -> None:
    # given a keyring built from a mutable dict
    keys = {"k1": KEY_1}
    keyring = Keyring(keys=keys, active_key_id="k1", blind_index_key=BLIND_KEY)
    # when the dict is changed afterwards, or the keyring is changed directly
    keys["k2"] = KEY_2
    # then the keyring does not change and refuses assignment
    assert set(keyring.keys) == {"k1"}
    with pytest.raises(TypeError):
        keyring.keys["k2"] = KEY_2  # type: ignore[index]
    with pytest.raises(AttributeError):
        keyring.active_key_id = "k2"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Key files
# ---------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_generate_keyring_file_creates_an_owner_only_file(tmp_path: Path) -> None:
    # given a path that does not exist yet
    path = tmp_path / "keyring.json"
    # when a keyring file is generated
    generate_keyring_file(path)
    # then it is mode 0o600 and loads as a one-key keyring
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    keyring = Keyring.from_file(path)
    assert keyring.active_key_id == "k1"
    assert len(keyring.keys) == 1
    assert keyring.blind_index_key != keyring.keys["k1"]


def test_generate_keyring_file_uses_fresh_keys_each_time(tmp_path: Path) -> None:
    # given two generated files
    generate_keyring_file(tmp_path / "a.json")
    generate_keyring_file(tmp_path / "b.json", key_id="k20250101")
    # when they are loaded
    a = Keyring.from_file(tmp_path / "a.json")
    b = Keyring.from_file(tmp_path / "b.json")
    # then no key is shared
    assert b.active_key_id == "k20250101"
    assert a.keys["k1"] != b.keys["k20250101"]
    assert a.blind_index_key != b.blind_index_key


def test_generate_keyring_file_refuses_to_overwrite(tmp_path: Path) -> None:
    # given an existing file
    path = tmp_path / "keyring.json"
    path.write_text("precious", encoding="utf-8")
    # when a keyring file is generated at that path
    with pytest.raises(KeyConfigError, match="refusing to overwrite"):
        generate_keyring_file(path)
    # then the existing content is untouched
    assert path.read_text(encoding="utf-8") == "precious"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_generate_keyring_file_does_not_follow_a_symlink(tmp_path: Path) -> None:
    # given a dangling symlink planted where the key file should go
    target = tmp_path / "elsewhere.json"
    link = tmp_path / "keyring.json"
    link.symlink_to(target)
    # when a keyring file is generated there
    with pytest.raises(KeyConfigError, match="refusing to overwrite"):
        generate_keyring_file(link)
    # then nothing was written through the link
    assert not target.exists()


def test_a_keyring_round_trips_through_a_file(tmp_path: Path) -> None:
    # given a two-key keyring
    keyring = Keyring.from_spec(f"k1:{GOOD},k2:{GOOD_2}", "k2", BLIND)
    path = tmp_path / "keyring.json"
    # when it is written and read back
    keyring.to_file(path)
    loaded = Keyring.from_file(path)
    # then it is equal and the file has the documented shape
    assert loaded == keyring
    assert hash(loaded) == hash(keyring)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "active": "k2",
        "keys": {"k1": GOOD, "k2": GOOD_2},
        "blind_index_key": BLIND,
    }


def test_a_generated_file_round_trips_through_rotation(tmp_path: Path) -> None:
    # given a generated key file and a token under its key
    path = tmp_path / "keyring.json"
    generate_keyring_file(path)
    original = Keyring.from_file(path)
    token = encrypt(original, ID_NUMBER, context=CONTEXT)
    # when a new key is added, saved over the same file and loaded again
    original.with_new_active_key("k2").to_file(path)
    rotated = Keyring.from_file(path)
    # then the old token still decrypts and the blind-index key is unchanged
    assert rotated.active_key_id == "k2"
    assert rotated.keys["k1"] == original.keys["k1"]
    assert rotated.blind_index_key == original.blind_index_key
    assert decrypt(rotated, token, context=CONTEXT) == ID_NUMBER
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]  # no temp file left
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_to_file_replaces_a_loosely_permissioned_file_with_an_owner_only_one(
    tmp_path: Path,
) -> None:
    # given an existing world-readable key file
    path = tmp_path / "keyring.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)
    # when a keyring is written over it
    make_keyring().to_file(path)
    # then the new file is owner-only
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_missing_key_file_raises_key_config_error(tmp_path: Path) -> None:
    # given a path with no file
    path = tmp_path / "absent.json"
    # when it is loaded
    # then KeyConfigError says so
    with pytest.raises(KeyConfigError, match="not found"):
        Keyring.from_file(path)


def test_a_directory_as_key_file_raises_key_config_error(tmp_path: Path) -> None:
    # given a directory
    # when it is loaded as a key file
    # then KeyConfigError says it cannot be read
    with pytest.raises(KeyConfigError, match="cannot be read"):
        Keyring.from_file(tmp_path)


def _with(**changes: object) -> dict[str, object]:
    document = valid_document()
    document.update(changes)
    return document


def _without(field: str) -> dict[str, object]:
    document = valid_document()
    del document[field]
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "top level must be a JSON object"),
        ("k1", "top level must be a JSON object"),
        (_without("active"), "missing field"),
        (_without("keys"), "missing field"),
        (_without("blind_index_key"), "missing field"),
        (_with(extra=1), "unknown field"),
        (_with(active=1), "'active' must be a string"),
        (_with(active="k2"), "unknown active key id 'k2'"),
        (_with(keys=[]), "'keys' must be a non-empty object"),
        (_with(keys={}), "'keys' must be a non-empty object"),
        (_with(keys={"k 1": GOOD}), "invalid key id"),
        (_with(keys={"k1": 123}), "expected a base64 string"),
        (_with(keys={"k1": "@@@@"}), "not valid base64"),
        (_with(keys={"k1": b64(bytes(24))}), "24 bytes, expected 32"),
        (_with(blind_index_key=None), "expected a base64 string"),
        (_with(blind_index_key=GOOD), "must differ from encryption key"),
    ],
)
def test_every_malformed_key_file_raises_key_config_error(
    tmp_path: Path, document: object, message: str
) -> None:
    # given a key file with one thing wrong
    path = write_json(tmp_path / "keyring.json", document)
    # when it is loaded
    # then KeyConfigError names the file and the problem
    with pytest.raises(KeyConfigError, match=message) as excinfo:
        Keyring.from_file(path)
    assert "keyring.json" in str(excinfo.value)
    assert GOOD not in str(excinfo.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid UTF-8 JSON"),
        (b"{not json", "not valid UTF-8 JSON"),
        (b"\xff\xfe{}", "not valid UTF-8 JSON"),
        (b'{"active": "k1", "active": "k1"}', "duplicate field 'active'"),
        (
            (
                f'{{"active": "k1", "blind_index_key": "{BLIND}", '
                f'"keys": {{"k1": "{GOOD}", "k1": "{GOOD_2}"}}}}'
            ).encode(),
            "duplicate field 'k1'",
        ),
        (b" " * (64 * 1024 + 1), "larger than"),
    ],
)
def test_an_unparsable_key_file_raises_key_config_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    # given a key file that is not valid JSON, or repeats a field
    path = tmp_path / "keyring.json"
    path.write_bytes(content)
    # when it is loaded
    # then KeyConfigError explains why
    with pytest.raises(KeyConfigError, match=message):
        Keyring.from_file(path)


def test_the_package_imports_neither_django_nor_other_homeward_apps() -> None:
    # given the package's own modules (the top-level homeward package loads Celery and
    # Django settings on import, so this checks the source rather than sys.modules)
    package = Path(__file__).resolve().parents[1]
    modules = sorted(package.glob("*.py"))
    # when every import statement in them is collected
    imported: set[str] = set()
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    # then only the standard library, cryptography and homeward.crypto itself are used
    assert {path.name for path in modules} >= {"__init__.py", "aead.py"}
    forbidden = {
        name
        for name in imported
        if name.split(".")[0] in {"django", "celery"}
        or (name.startswith("homeward") and not name.startswith("homeward.crypto"))
    }
    assert forbidden == set()
