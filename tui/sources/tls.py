"""One verifying TLS context per process: the certificate store is read once.

httpx builds a new ``ssl.SSLContext`` for every client it makes, loading the
whole certificate bundle again (certifi's, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``
as httpx reads them): ~20-30 ms of CPU each. A sync makes one client per
WordPress blog and the outbox one per send, so a sync of twenty blogs spent half
a second reading the same certificates. A context may be shared by any number of
connections and threads; the environment is read when it is first built.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def verifying_context() -> ssl.SSLContext:
    """The context every https connection uses (built on first use, then shared)."""
    return httpx.create_ssl_context(trust_env=True)
