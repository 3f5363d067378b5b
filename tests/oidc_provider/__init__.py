"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit's, in a
small Django project of its own, run in its own process on loopback (``python -m
tests.oidc_provider``; ``running.py`` starts and stops it). Its signing key, database and users
are made at start-up in a temporary directory; nothing of it is a secret.

It misbehaves only for the clients its configuration names (``settings.MISBEHAVIOUR``): an ID
token for another audience, an ID token already expired, a token response whose ID token's
signature has a byte changed on the way, an ID token without ``email_verified``. Everything
else is the real protocol: its login form, the authorization code with PKCE, the token
endpoint, its published keys, RP-initiated logout.
"""
