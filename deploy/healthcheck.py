"""The container's health check (the Dockerfile's HEALTHCHECK, compose.yaml's): exits 0 when the
web process in this container answers /healthz with 200, 1 otherwise. Standard library only, so
the image needs no curl.

/healthz is answered before the host check and the redirect to HTTPS (safer_lewisham/health.py),
so a plain request by address will do. A redirect is a failure, not followed: it would mean
something other than the health check answered.
"""

import os
import sys
import urllib.error
import urllib.request


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def main(path="/healthz"):
    url = f"http://127.0.0.1:{int(os.environ.get('PORT', '8000'))}{path}"
    try:
        # A fixed http URL on loopback.
        with urllib.request.build_opener(NoRedirects).open(url, timeout=4) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:  # refused, timed out
        print(f"{url}: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"{url}: {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
