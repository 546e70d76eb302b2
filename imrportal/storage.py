"""The storages of case documents ("default") and signed letters ("letters"), for ``settings.STORAGES``."""

from __future__ import annotations

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    addressing_style: str | None = None,
    encryption: bool = False,
) -> dict[str, dict]:
    """Documents under ``media/`` and letters under ``letters/`` of one private S3-compatible bucket.

    No ACL is sent (the bucket's own policy: private), a URL would be signed and short-lived (the portal never hands
    one out: files leave through the views that check access), and a file is never overwritten in place.
    """
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": addressing_style or None,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": "AES256"} if encryption else {},
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "media"}},
        "letters": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "letters"}},
    }
