"""Application passwords: a 0600 file when there is no keyring, the keyring when there is."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

from tui.sources.secrets import SecretStore, SecretStoreError, real_keyring

SECRET = "Zq3x 8Hk2 Lm9P rT4w Yb7N cD1s"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_round_trip_delete_and_modes(tmp_path: Path) -> None:
    store = SecretStore(tmp_path / "config" / "reviews", use_keyring=False)
    assert store.load("blog-1") is None
    store.save("blog-1", SECRET)
    store.save("blog-2", "other")
    assert mode(store.directory) == 0o700
    assert mode(store.path) == 0o600
    assert SecretStore(store.directory, use_keyring=False).load("blog-1") == SECRET
    store.save("blog-1", "replaced")
    assert store.load("blog-1") == "replaced"
    assert store.delete("blog-1") is True
    assert store.delete("blog-1") is False
    assert store.load("blog-1") is None and store.load("blog-2") == "other"
    assert mode(store.path) == 0o600
    assert [p.name for p in store.directory.iterdir() if p.name.startswith(".secrets-")] == []


def test_a_file_others_could_read_is_tightened(tmp_path: Path) -> None:
    store = SecretStore(tmp_path, use_keyring=False)
    store.save("blog", SECRET)
    store.path.chmod(0o644)
    assert store.load("blog") == SECRET
    assert mode(store.path) == 0o600


def test_default_directory_is_the_config_directory() -> None:
    store = SecretStore(use_keyring=False)
    store.save("blog", SECRET)
    assert store.path.parent.name == "reviews" and store.path.parent.parent.name == "config"
    assert mode(store.path) == 0o600 and mode(store.path.parent) == 0o700


def test_errors_and_reprs_never_hold_the_secret(tmp_path: Path) -> None:
    store = SecretStore(tmp_path, use_keyring=False)
    store.save("blog", SECRET)
    assert SECRET not in repr(store) and SECRET not in store.where()
    # a broken file: the error names the file, not what is in it
    store.path.write_text('{"blog": "' + SECRET + '", broken', encoding="utf-8")
    with pytest.raises(SecretStoreError) as caught:
        store.load("blog")
    assert str(store.path) in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    store = SecretStore(blocker / "reviews", use_keyring=False)
    with pytest.raises(SecretStoreError) as caught:
        store.save("blog", SECRET)
    assert str(blocker) in str(caught.value) and SECRET not in str(caught.value)


def test_no_real_keyring_means_the_file() -> None:
    # keyring's "fail" backend is what a machine without a keyring service gets
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert real_keyring() is None
        assert SecretStore().keyring is None
    finally:
        keyring.set_keyring(previous)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in this process (for the test only)."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_a_real_keyring_is_used_and_no_file_is_written(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    store = SecretStore(tmp_path)
    assert store.keyring is memory_keyring
    assert "MemoryKeyring" in store.where()
    store.save("blog-1", SECRET)
    assert memory_keyring.items == {("reviews", "blog-1"): SECRET}
    assert store.load("blog-1") == SECRET
    assert store.delete("blog-1") is True and store.delete("blog-1") is False
    assert not store.path.exists()
