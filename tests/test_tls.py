"""Every https connection in a process shares one verifying TLS context (tui.sources.tls)."""

from __future__ import annotations

import ssl
from typing import Any

import pytest

from tui.sources import tls
from tui.sources.http import Fetcher
from tui.sources.wordpress_sync import client


@pytest.fixture
def bundles_read(monkeypatch: pytest.MonkeyPatch, fresh_tls_context: None) -> list[object]:
    """Each certificate store loaded into a context, from a process with none built yet."""
    loaded: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loaded.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    return loaded


def test_blogs_and_feeds_read_the_certificates_once(bundles_read: list[object]) -> None:
    with client(5.0), client(5.0):  # two WordPress blogs in one sync
        pass
    fetcher = Fetcher()
    try:
        fetcher._pool("https")  # the feeds' https connections
        fetcher._pool("http")  # plain http: a context with no certificates at all
    finally:
        fetcher.close()
    assert bundles_read == [tls.verifying_context()]


def test_the_shared_context_verifies_certificates_and_names() -> None:
    context = tls.verifying_context()
    assert context is tls.verifying_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0
