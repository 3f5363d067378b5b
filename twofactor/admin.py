"""django-otp registers its devices with admin; they are taken out again here. A partnership's
Plan administration must not list everyone's secret keys and recovery codes (devices belong to
people, not to a partnership), and a site administrator turns a person's two-factor
authentication off with `manage.py turn_off_two_factor USERNAME` (docs/security.md)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
