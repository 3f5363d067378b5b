"""The provider's claims: the user's e-mail address and whether it is verified; and, for the
clients set to misbehave (settings.MISBEHAVIOUR), an ID token for another audience, for several
without ``azp``, from another issuer, with another nonce, already expired, issued an hour ago,
or without ``email_verified`` (as Microsoft Entra ID sends it)."""

import time

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        return {"email": user.email, "email_verified": user.username not in settings.UNVERIFIED}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        fault = settings.MISBEHAVIOUR.get(request.client.client_id)
        now = int(time.time())
        if fault == "wrong-audience":
            claims["aud"] = "another-service"
        elif fault == "several-audiences":  # ours among others, and no azp
            claims["aud"] = [request.client.client_id, "another-service"]
        elif fault == "wrong-issuer":
            claims["iss"] = "https://elsewhere.example"
        elif fault == "wrong-nonce":
            claims["nonce"] = "not-the-nonce-of-this-sign-in"
        elif fault == "expired":
            claims["exp"] = now - 3600
        elif fault == "issued-long-ago":  # still unexpired, but made an hour ago
            claims["iat"] = now - 3600
            claims["exp"] = now + 3600
        elif fault == "no-email-verified":
            claims.pop("email_verified", None)
        return claims, expiration_time
