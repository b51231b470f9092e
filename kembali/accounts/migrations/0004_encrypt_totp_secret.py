"""TOTP secrets encrypted at rest: widen the column, encrypt the secrets already
stored (with the keys of KEMBALI_FIELD_KEY), then read and write it through
EncryptedCharField. Reversible: going back decrypts them."""

from django.db import migrations, models

import kembali.accounts.encryption


def encrypt_secrets(apps, schema_editor):
    from kembali.accounts.encryption import encrypt, is_encrypted

    device_model = apps.get_model("accounts", "TotpDevice")
    for pk, secret in device_model.objects.values_list("pk", "secret").iterator():
        if secret and not is_encrypted(secret):
            device_model.objects.filter(pk=pk).update(secret=encrypt(secret))


def decrypt_secrets(apps, schema_editor):
    from kembali.accounts.encryption import decrypt, is_encrypted

    device_model = apps.get_model("accounts", "TotpDevice")
    for pk, secret in device_model.objects.values_list("pk", "secret").iterator():
        if secret and is_encrypted(secret):
            device_model.objects.filter(pk=pk).update(secret=decrypt(secret))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_totpdevice"),
    ]

    operations = [
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=models.CharField(max_length=255),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=kembali.accounts.encryption.EncryptedCharField(max_length=255),
        ),
    ]
