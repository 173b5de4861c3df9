"""Field-level encryption of personal data at rest (Django-free).

Personal data such as ID numbers, phone numbers and addresses is stored
encrypted, column by column, to meet the storage-confidentiality requirement
of 等保 level 3 (GB/T 22239-2019, 8.1.4.8) and the security-measure duty of
PIPL art. 51. This module is pure Python on top of ``cryptography``; the
Django model field that uses it lives elsewhere.

Design
------
* **Cipher.** AES-256-GCM with a fresh random 96-bit nonce per encryption.
  NIST SP 800-38D limits random-nonce GCM to 2**32 encryptions per key, which
  is far above the volume of this platform; rotate keys anyway (see below).
* **Token format.** A single ASCII string ``"hw1:<key_id>:<payload>"`` where
  ``payload`` is URL-safe base64 without padding of ``nonce || ciphertext ||
  tag``. The key id tells which key of the :class:`Keyring` decrypts it, so
  several keys can be live during a rotation. Only the canonical base64
  encoding is accepted, so every token has exactly one spelling.
* **Context binding.** The caller names the column (e.g.
  ``"people.person.id_number"``). ``b"hw1\\x00" + context`` is the GCM
  associated data, so a ciphertext copied into another column, or under
  another format version, fails authentication.
* **Blind index.** Encrypted values cannot be searched, so exact-match lookup
  uses a keyed HMAC-SHA256 of ``context + "\\x00" + value`` under a key kept
  separate from the encryption keys. See :func:`blind_index`.
* **Rotation.** Add a key with :meth:`Keyring.with_new_active_key`, write it
  with :meth:`Keyring.to_file`, deploy, then run :func:`reencrypt` over the
  stored tokens. Old keys stay in the keyring until no token uses them.

Errors never carry plaintext or key material: :class:`KeyConfigError` for a
bad keyring, :class:`DecryptionError` for any token that cannot be decrypted.

Usage
-----
.. code-block:: python

    from homeward.crypto import Keyring, blind_index, decrypt, encrypt

    keyring = Keyring.from_file("/etc/homeward/keyring.json")
    token = encrypt(keyring, "500101201801010011", context="people.person.id_number")
    plain = decrypt(keyring, token, context="people.person.id_number")
    lookup = blind_index(keyring, "500101201801010011", context="people.person.id_number")
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "FORMAT_VERSION",
    "BLIND_INDEX_HEX_LENGTH",
    "DecryptionError",
    "KeyConfigError",
    "Keyring",
    "blind_index",
    "decrypt",
    "encrypt",
    "generate_keyring_file",
    "is_token",
    "normalize_identifier",
    "reencrypt",
    "token_key_id",
]

#: Format version tag at the start of every token (also part of the associated data).
FORMAT_VERSION = "hw1"
#: Length of a blind index in hex characters (128 bits).
BLIND_INDEX_HEX_LENGTH = 32

_KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12  # 96-bit GCM nonce
_TAG_BYTES = 16  # 128-bit GCM tag
_MAX_KEY_FILE_BYTES = 64 * 1024
_KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_CONTEXT_RE = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]+")
_FILE_FIELDS = frozenset({"active", "keys", "blind_index_key"})


class KeyConfigError(ValueError):
    """A keyring specification, key file or key operation is invalid.

    The message names the offending key id or field but never the key bytes.
    """


class DecryptionError(Exception):
    """A token could not be decrypted.

    Raised for a malformed token, an unknown key id, a wrong context or any
    tampering. The message never contains plaintext or key material.
    """


# ---------------------------------------------------------------------------
# Keyring
# ---------------------------------------------------------------------------


def _check_key_id(key_id: object, where: str) -> str:
    if not isinstance(key_id, str) or _KEY_ID_RE.fullmatch(key_id) is None:
        shown = repr(key_id) if isinstance(key_id, str) and len(key_id) <= 64 else "(value)"
        raise KeyConfigError(f"{where}: invalid key id {shown}; expected [A-Za-z0-9_-]{{1,32}}")
    return key_id


def _decode_key(encoded: object, what: str) -> bytes:
    """Decode a base64 (standard or URL-safe, padding optional) 32-byte key."""
    if not isinstance(encoded, str):
        raise KeyConfigError(f"{what}: expected a base64 string, got {type(encoded).__name__}")
    text = encoded.strip().replace("-", "+").replace("_", "/")
    if not text:
        raise KeyConfigError(f"{what}: empty key")
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"{what}: not valid base64") from None
    if len(raw) != _KEY_BYTES:
        raise KeyConfigError(
            f"{what}: wrong length, decodes to {len(raw)} bytes, expected {_KEY_BYTES}"
        )
    return raw


def _encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, repr=False)
class Keyring:
    """Named AES-256 keys, the active key id and a separate blind-index key.

    Instances are immutable: ``keys`` is a read-only mapping over a private
    copy, and rotation returns a new keyring. ``repr`` shows key ids only.

    Parameters
    ----------
    keys : Mapping[str, bytes]
        Key id to 32-byte AES-256 key. Ids match ``[A-Za-z0-9_-]{1,32}``.
    active_key_id : str
        Id of the key used for new encryptions; must be in ``keys``.
    blind_index_key : bytes
        32-byte HMAC key for :func:`blind_index`; must differ from every
        encryption key.

    Raises
    ------
    KeyConfigError
        If any of the above does not hold.
    """

    keys: Mapping[str, bytes]
    active_key_id: str
    blind_index_key: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.keys, Mapping) or not self.keys:
            raise KeyConfigError("keyring: at least one encryption key is required")
        copied: dict[str, bytes] = {}
        for key_id, key in self.keys.items():
            _check_key_id(key_id, "keyring")
            if not isinstance(key, bytes) or len(key) != _KEY_BYTES:
                raise KeyConfigError(f"keyring: key {key_id!r} must be {_KEY_BYTES} bytes")
            copied[key_id] = key
        if not isinstance(self.active_key_id, str) or self.active_key_id not in copied:
            raise KeyConfigError(
                f"keyring: unknown active key id {self.active_key_id!r}; "
                f"known ids: {', '.join(sorted(copied))}"
            )
        if not isinstance(self.blind_index_key, bytes) or len(self.blind_index_key) != _KEY_BYTES:
            raise KeyConfigError(f"keyring: blind index key must be {_KEY_BYTES} bytes")
        for key_id, key in copied.items():
            if hmac.compare_digest(key, self.blind_index_key):
                raise KeyConfigError(
                    f"keyring: blind index key must differ from encryption key {key_id!r}"
                )
        object.__setattr__(self, "keys", MappingProxyType(copied))

    def __repr__(self) -> str:
        return (
            f"Keyring(key_ids={tuple(sorted(self.keys))!r}, active_key_id={self.active_key_id!r})"
        )

    def __hash__(self) -> int:
        return hash((frozenset(self.keys.items()), self.active_key_id, self.blind_index_key))

    # -- constructors -----------------------------------------------------

    @classmethod
    def from_spec(cls, spec: str, active_key_id: str, blind_index_key: str) -> Keyring:
        """Build a keyring from an environment-style specification.

        Parameters
        ----------
        spec : str
            Comma-separated ``key_id:base64`` entries, e.g.
            ``"k1:<base64 of 32 bytes>,k2:<base64 of 32 bytes>"``. Whitespace
            around entries is ignored.
        active_key_id : str
            Id of the key used for new encryptions.
        blind_index_key : str
            Base64 of the 32-byte blind-index key.

        Returns
        -------
        Keyring

        Raises
        ------
        KeyConfigError
            On an empty spec or entry, a missing ``:``, a bad key id, a
            duplicate id, bad base64, a key that is not 32 bytes, or an
            unknown active key id.
        """
        if not isinstance(spec, str) or not spec.strip():
            raise KeyConfigError("key spec: empty; expected 'key_id:base64[,key_id:base64...]'")
        keys: dict[str, bytes] = {}
        for position, entry in enumerate(spec.split(","), start=1):
            entry = entry.strip()
            if not entry:
                raise KeyConfigError(f"key spec: entry {position} is empty")
            key_id, sep, encoded = entry.partition(":")
            if not sep:
                raise KeyConfigError(
                    f"key spec: entry {position} has no ':'; expected 'key_id:base64'"
                )
            key_id = _check_key_id(key_id.strip(), f"key spec entry {position}")
            if key_id in keys:
                raise KeyConfigError(f"key spec: duplicate key id {key_id!r}")
            keys[key_id] = _decode_key(encoded, f"key spec: key {key_id!r}")
        _check_key_id(active_key_id, "active key id")
        return cls(
            keys=keys,
            active_key_id=active_key_id,
            blind_index_key=_decode_key(blind_index_key, "blind index key"),
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Keyring:
        """Load a keyring from a JSON key file.

        The file holds exactly::

            {"active": "k2",
             "keys": {"k1": "<base64>", "k2": "<base64>"},
             "blind_index_key": "<base64>"}

        Parameters
        ----------
        path : str or os.PathLike
            Key file, as written by :func:`generate_keyring_file` or
            :meth:`to_file`.

        Returns
        -------
        Keyring

        Raises
        ------
        KeyConfigError
            If the file is missing or unreadable, is not valid JSON, has
            missing, unknown or duplicate fields, or holds an invalid key.
        """
        file = Path(path)
        try:
            with file.open("rb") as handle:
                data = handle.read(_MAX_KEY_FILE_BYTES + 1)
        except FileNotFoundError:
            raise KeyConfigError(f"key file {str(file)!r}: not found") from None
        except OSError as exc:
            raise KeyConfigError(
                f"key file {str(file)!r}: cannot be read ({exc.strerror or type(exc).__name__})"
            ) from None
        if len(data) > _MAX_KEY_FILE_BYTES:
            raise KeyConfigError(f"key file {str(file)!r}: larger than {_MAX_KEY_FILE_BYTES} bytes")
        where = f"key file {str(file)!r}"
        try:
            document = json.loads(data.decode("utf-8"), object_pairs_hook=_reject_duplicates)
        except _DuplicateField as exc:
            raise KeyConfigError(f"{where}: duplicate field {exc.name!r}") from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise KeyConfigError(f"{where}: not valid UTF-8 JSON") from None
        if not isinstance(document, dict):
            raise KeyConfigError(f"{where}: top level must be a JSON object")
        missing = _FILE_FIELDS - document.keys()
        if missing:
            raise KeyConfigError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
        unknown = document.keys() - _FILE_FIELDS
        if unknown:
            raise KeyConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        raw_keys = document["keys"]
        if not isinstance(raw_keys, dict) or not raw_keys:
            raise KeyConfigError(f"{where}: 'keys' must be a non-empty object")
        keys: dict[str, bytes] = {}
        for key_id, encoded in raw_keys.items():
            _check_key_id(key_id, where)
            keys[key_id] = _decode_key(encoded, f"{where}: key {key_id!r}")
        active = document["active"]
        if not isinstance(active, str):
            raise KeyConfigError(f"{where}: 'active' must be a string")
        _check_key_id(active, f"{where}: active key id")
        try:
            return cls(
                keys=keys,
                active_key_id=active,
                blind_index_key=_decode_key(
                    document["blind_index_key"], f"{where}: blind index key"
                ),
            )
        except KeyConfigError as exc:
            if str(exc).startswith(where):
                raise
            raise KeyConfigError(f"{where}: {exc}") from None

    # -- rotation and persistence -------------------------------------------

    def with_new_active_key(self, key_id: str) -> Keyring:
        """Return a keyring with an extra fresh random key, made active.

        All existing keys are kept so that old tokens still decrypt.

        Parameters
        ----------
        key_id : str
            Id for the new key; must be valid and not already present.

        Returns
        -------
        Keyring

        Raises
        ------
        KeyConfigError
            If ``key_id`` is invalid or already in the keyring.
        """
        _check_key_id(key_id, "new key")
        if key_id in self.keys:
            raise KeyConfigError(f"new key: key id {key_id!r} already exists in the keyring")
        keys = dict(self.keys)
        keys[key_id] = secrets.token_bytes(_KEY_BYTES)
        return Keyring(keys=keys, active_key_id=key_id, blind_index_key=self.blind_index_key)

    def to_file(self, path: str | os.PathLike[str]) -> None:
        """Write the keyring to a JSON key file, replacing it atomically.

        The content goes to a temporary file (mode ``0o600``) in the same
        directory, is flushed to disk, and is then renamed over ``path`` with
        :func:`os.replace`, so readers see either the old or the new keyring.

        Parameters
        ----------
        path : str or os.PathLike
            Destination; an existing file is replaced.

        Raises
        ------
        OSError
            If the directory is missing or not writable.
        """
        target = Path(path)
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )  # mkstemp creates the file with mode 0o600
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_serialize(self))
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_directory(target.parent)


def generate_keyring_file(path: str | os.PathLike[str], *, key_id: str = "k1") -> None:
    """Create a new key file with one fresh key and a fresh blind-index key.

    The file is created with ``os.open(O_CREAT | O_EXCL, 0o600)``, so it is
    never readable by group or others and an existing file (or symlink) is
    never overwritten.

    Parameters
    ----------
    path : str or os.PathLike
        File to create.
    key_id : str, default "k1"
        Id of the (active) encryption key.

    Raises
    ------
    KeyConfigError
        If ``path`` already exists or ``key_id`` is invalid.
    OSError
        If the directory is missing or not writable.
    """
    _check_key_id(key_id, "new key")
    keyring = Keyring(
        keys={key_id: secrets.token_bytes(_KEY_BYTES)},
        active_key_id=key_id,
        blind_index_key=secrets.token_bytes(_KEY_BYTES),
    )
    target = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise KeyConfigError(
            f"key file {str(target)!r}: already exists; refusing to overwrite"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_serialize(keyring))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    _fsync_directory(target.parent)


class _DuplicateField(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _DuplicateField(name)
        result[name] = value
    return result


def _serialize(keyring: Keyring) -> bytes:
    document = {
        "active": keyring.active_key_id,
        "keys": {key_id: _encode_key(key) for key_id, key in sorted(keyring.keys.items())},
        "blind_index_key": _encode_key(keyring.blind_index_key),
    }
    return (json.dumps(document, indent=2) + "\n").encode("ascii")


def _fsync_directory(directory: Path) -> None:
    """Persist a rename on POSIX; a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------


def _associated_data(context: str) -> bytes:
    if not isinstance(context, str) or _CONTEXT_RE.fullmatch(context) is None:
        raise ValueError(
            "context must match [A-Za-z0-9_.:-]{1,128}, e.g. 'people.person.id_number'"
        )
    return f"{FORMAT_VERSION}\x00{context}".encode("ascii")


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _parse_token(token: object) -> tuple[str, bytes] | None:
    """Split a token into key id and raw payload, or ``None`` if malformed."""
    if not isinstance(token, str):
        return None
    parts = token.split(":")
    if len(parts) != 3:
        return None
    prefix, key_id, payload = parts
    if prefix != FORMAT_VERSION or _KEY_ID_RE.fullmatch(key_id) is None:
        return None
    if _PAYLOAD_RE.fullmatch(payload) is None or len(payload) % 4 == 1:
        return None
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        return None
    # Reject non-canonical spellings (unused low bits set in the last
    # character) so that every token has exactly one encoding.
    if _b64url_encode(raw) != payload or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        return None
    return key_id, raw


def encrypt(keyring: Keyring, plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` under the keyring's active key.

    Parameters
    ----------
    keyring : Keyring
        Supplies the active key.
    plaintext : str
        Value to protect; the empty string is allowed.
    context : str
        Column name bound as associated data, e.g.
        ``"people.person.id_number"``; must match ``[A-Za-z0-9_.:-]{1,128}``.

    Returns
    -------
    str
        ``"hw1:<key_id>:<urlsafe-b64(nonce || ciphertext || tag)>"``; two
        encryptions of the same value differ.

    Raises
    ------
    ValueError
        If ``context`` is invalid or ``plaintext`` is not encodable as UTF-8
        (lone surrogates). The message does not contain the plaintext.
    """
    aad = _associated_data(context)
    if not isinstance(plaintext, str):
        raise TypeError(f"plaintext must be str, not {type(plaintext).__name__}")
    try:
        data = plaintext.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("plaintext is not encodable as UTF-8 (lone surrogate)") from None
    key_id = keyring.active_key_id
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(keyring.keys[key_id]).encrypt(nonce, data, aad)
    return f"{FORMAT_VERSION}:{key_id}:{_b64url_encode(nonce + sealed)}"


def decrypt(keyring: Keyring, token: str, *, context: str) -> str:
    """Decrypt a token produced by :func:`encrypt`.

    Parameters
    ----------
    keyring : Keyring
        Must hold the key named in the token (active or not).
    token : str
        Token to decrypt.
    context : str
        The same context that was given to :func:`encrypt`.

    Returns
    -------
    str
        The plaintext.

    Raises
    ------
    DecryptionError
        If the token is malformed, names an unknown key id, was produced for
        another context, or has been tampered with.
    ValueError
        If ``context`` itself is invalid (a programming error).
    """
    aad = _associated_data(context)
    parsed = _parse_token(token)
    if parsed is None:
        raise DecryptionError("malformed token")
    key_id, raw = parsed
    key = keyring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        data = AESGCM(key).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise DecryptionError(
            f"authentication failed for key id {key_id!r} and context {context!r} "
            "(wrong context, wrong key or tampered token)"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("decrypted payload is not valid UTF-8") from None


def token_key_id(token: str) -> str:
    """Return the key id named in a token, without decrypting it.

    Parameters
    ----------
    token : str
        A token produced by :func:`encrypt`.

    Returns
    -------
    str

    Raises
    ------
    DecryptionError
        If the token is malformed.
    """
    parsed = _parse_token(token)
    if parsed is None:
        raise DecryptionError("malformed token")
    return parsed[0]


def is_token(value: str) -> bool:
    """Tell whether ``value`` is shaped like a token (structure only).

    Checks the prefix, key id and canonical payload encoding; it does not
    authenticate the token. Useful to tell legacy plaintext from tokens
    during a migration.

    Parameters
    ----------
    value : str

    Returns
    -------
    bool
    """
    return _parse_token(value) is not None


def reencrypt(old_keyring: Keyring, new_keyring: Keyring, token: str, *, context: str) -> str:
    """Move a token to ``new_keyring``'s active key (key rotation).

    Parameters
    ----------
    old_keyring : Keyring
        A keyring that knows the token's key; often the same object as
        ``new_keyring`` after :meth:`Keyring.with_new_active_key`.
    new_keyring : Keyring
        Its active key is the target.
    token : str
        Token to move.
    context : str
        The token's context.

    Returns
    -------
    str
        ``token`` unchanged if it is already under the active key (after
        checking that it authenticates), otherwise a new token.

    Raises
    ------
    DecryptionError
        If the token cannot be decrypted.
    """
    if token_key_id(token) == new_keyring.active_key_id:
        decrypt(new_keyring, token, context=context)  # verify, do not rewrite
        return token
    plaintext = decrypt(old_keyring, token, context=context)
    return encrypt(new_keyring, plaintext, context=context)


# ---------------------------------------------------------------------------
# Blind index
# ---------------------------------------------------------------------------


def normalize_identifier(value: str) -> str:
    """Normalize an identifier (ID number, phone number) for exact lookup.

    Applies NFKC (full-width digits and letters become half-width, the
    ideographic space becomes a space), removes all whitespace, including
    inside the value, and upper-cases, so that the check character of a
    Chinese resident ID number matches whether written ``x``, ``X`` or ``ｘ``.

    Parameters
    ----------
    value : str

    Returns
    -------
    str

    Examples
    --------
    ``normalize_identifier(" ５００１０１２０１８０１０１００１ｘ ")`` gives
    ``"50010120180101001X"``.
    """
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def blind_index(keyring: Keyring, value: str, *, context: str, normalize: bool = True) -> str:
    """Compute a keyed blind index for exact-match lookup of an encrypted value.

    ``HMAC-SHA256(blind_index_key, context + "\\x00" + value)`` as hex,
    truncated to the first 32 hex characters (128 bits). 128 bits keeps the
    chance of any collision negligible (birthday bound about 2**64 values)
    while halving the index column; the index is used only for equality
    lookups, never as a secret or a MAC. Binding ``context`` means equal
    values in different columns get unrelated indexes.

    Parameters
    ----------
    keyring : Keyring
        Supplies the blind-index key.
    value : str
        Plaintext value.
    context : str
        Column name, as for :func:`encrypt`.
    normalize : bool, default True
        Apply :func:`normalize_identifier` first. Use ``False`` for values
        where whitespace and case are significant.

    Returns
    -------
    str
        32 lowercase hex characters.

    Raises
    ------
    ValueError
        If ``context`` is invalid or ``value`` is not encodable as UTF-8.
    """
    _associated_data(context)  # validates the context
    if normalize:
        value = normalize_identifier(value)
    try:
        message = f"{context}\x00{value}".encode()
    except UnicodeEncodeError:
        raise ValueError("value is not encodable as UTF-8 (lone surrogate)") from None
    digest = hmac.new(keyring.blind_index_key, message, hashlib.sha256).hexdigest()
    return digest[:BLIND_INDEX_HEX_LENGTH]
