"""Encrypting tokens with the stack's KMS key before they are stored.

DynamoDB already encrypts the table at rest; this second layer means a table export, a backup or a
console read never shows a usable token, and every decrypt is a logged, permissioned KMS call. The
encryption context binds each ciphertext to its seller so a ciphertext copied to another item fails.
"""

from __future__ import annotations

from typing import Any, Protocol

from tts_connector.observability import register_secret


class TokenCipher(Protocol):
    def encrypt(self, plaintext: str, owner: str) -> bytes: ...

    def decrypt(self, ciphertext: bytes, owner: str) -> str: ...


class KmsTokenCipher:
    def __init__(self, kms: Any, key_id: str):
        self._kms = kms
        self._key_id = key_id

    def encrypt(self, plaintext: str, owner: str) -> bytes:
        response = self._kms.encrypt(
            KeyId=self._key_id, Plaintext=plaintext.encode(), EncryptionContext=_context(owner)
        )
        return bytes(response["CiphertextBlob"])

    def decrypt(self, ciphertext: bytes, owner: str) -> str:
        response = self._kms.decrypt(CiphertextBlob=ciphertext, KeyId=self._key_id, EncryptionContext=_context(owner))
        plaintext = bytes(response["Plaintext"]).decode()
        register_secret(plaintext)
        return plaintext


def _context(owner: str) -> dict[str, str]:
    return {"purpose": "tiktok-shop-token", "owner": owner}
