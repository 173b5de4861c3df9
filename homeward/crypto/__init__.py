"""Field-level encryption and blind indexing of personal data (Django-free).

See :mod:`homeward.crypto.aead` for the design and token format.
"""

from homeward.crypto.aead import (
    BLIND_INDEX_HEX_LENGTH,
    FORMAT_VERSION,
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

__all__ = [
    "BLIND_INDEX_HEX_LENGTH",
    "FORMAT_VERSION",
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
