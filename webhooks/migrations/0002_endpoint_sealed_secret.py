"""The endpoints' signing secrets sealed at rest (``webhooks.sealing``): each row's secret in clear is encrypted into
``sealed_secret``, then the clear column is dropped; backwards, the reverse.

The key derivation is a copy of ``webhooks.sealing``'s as of this migration (migrations must not import code that
changes): HKDF-SHA256 of ``SECRET_KEY`` with its ``info``, a Fernet key.
"""

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations, models

import webhooks.models


def _fernet() -> Fernet:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"imr-portal webhooks.endpoint-secret")
    return Fernet(base64.urlsafe_b64encode(kdf.derive(settings.SECRET_KEY.encode())))


def seal_secrets(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "Endpoint")
    fernet = _fernet()
    for endpoint in Endpoint.objects.only("pk", "secret"):
        sealed = fernet.encrypt(endpoint.secret.encode()).decode("ascii")
        Endpoint.objects.filter(pk=endpoint.pk).update(sealed_secret=sealed)


def unseal_secrets(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "Endpoint")
    fernet = _fernet()
    for endpoint in Endpoint.objects.only("pk", "sealed_secret"):
        Endpoint.objects.filter(pk=endpoint.pk).update(secret=fernet.decrypt(endpoint.sealed_secret.encode()).decode())


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_endpoints_and_deliveries")]

    operations = [
        migrations.AddField("endpoint", "sealed_secret", models.TextField(default="")),
        migrations.AlterField("endpoint", "secret", models.CharField(max_length=100, default="")),
        migrations.RunPython(seal_secrets, unseal_secrets),
        migrations.RemoveField("endpoint", "secret"),
        migrations.AlterField("endpoint", "sealed_secret", models.TextField(default=webhooks.models.new_sealed_secret)),
    ]
