"""Sensitive fields encrypted at rest, and their masked forms for lists and exports.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under keys
derived from ``settings.LIANBING_FIELD_KEY``. Several keys may be given,
separated by commas: the first encrypts, all decrypt, so a key can be rotated
by putting the new one first and re-saving the rows.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(key_setting: str) -> MultiFernet:
    secrets = [k.strip() for k in key_setting.split(",") if k.strip()]
    if not secrets:
        raise ImproperlyConfigured("请设置 LIANBING_FIELD_KEY（敏感字段加密密钥）。")
    keys = [
        Fernet(base64.urlsafe_b64encode(hashlib.sha256(s.encode("utf-8")).digest()))
        for s in secrets
    ]
    return MultiFernet(keys)


def encrypt(text: str) -> str:
    token = _fernet(settings.LIANBING_FIELD_KEY).encrypt(text.encode("utf-8"))
    return PREFIX + token.decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was switched on
    try:
        data = _fernet(settings.LIANBING_FIELD_KEY).decrypt(stored[len(PREFIX) :].encode("ascii"))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "敏感字段无法解密：LIANBING_FIELD_KEY 与加密时不一致，请恢复原密钥。"
        ) from exc
    return data.decode("utf-8")


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted; read and written in the clear by Python code.

    The stored form is random (a new nonce each save), so the column can be
    neither searched nor unique; ``max_length`` limits the clear text.
    """

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.clear_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.clear_max_length is not None:
            kwargs["max_length"] = self.clear_max_length
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def mask_id_number(value: str) -> str:
    """``330102199001011234`` → ``3301**********1234``: region and last four only."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
