"""For the client set to "tampered": a byte of the ID token's signature is changed in the
token response, as an attacker in the middle would."""

import json
from urllib.parse import parse_qs

from django.conf import settings


class TamperWithIdTokens:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client_id = None
        if request.method == "POST" and request.path.endswith("/token/"):
            # Read the body first: the token view reads it after us.
            form = parse_qs(request.body.decode())
            client_id = (form.get("client_id") or [None])[0]
        response = self.get_response(request)
        if settings.MISBEHAVIOUR.get(client_id) == "tampered" and response.status_code == 200:
            answer = json.loads(response.content)
            header, payload, signature = answer["id_token"].split(".")
            middle = len(signature) // 2
            changed = "A" if signature[middle] != "A" else "B"
            signature = signature[:middle] + changed + signature[middle + 1 :]
            answer["id_token"] = ".".join([header, payload, signature])
            response.content = json.dumps(answer).encode()
            response["Content-Length"] = str(len(response.content))
        return response
