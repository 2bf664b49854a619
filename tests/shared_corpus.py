"""Where the real-world export files are: ``../shared/corpus``, beside the checkout.

They are third-party files, read in place and never copied in (their README gives the
counts each must import as). A checkout elsewhere has no corpus: the tests that read
it are skipped with one line saying where it was looked for, never failed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
"""The corpus folder (its README names each file and what it must give)."""

HERE = (CORPUS / "README.md").is_file()
"""Whether the corpus is beside this checkout."""

WHERE = f"the shared corpus is not at {CORPUS} (it sits beside the checkout, never in it)"
"""The skip reason, one line."""

needs_corpus = pytest.mark.skipif(not HERE, reason=WHERE)
"""Mark for a test (or ``pytestmark`` for a module) that reads the corpus."""
