"""Application passwords, one per source: the system keyring, else a 0600 file.

The keyring is used when it has a real backend (the Secret Service, macOS Keychain,
Windows Credential Locker, ...); keyring's "fail" and "null" backends, or anything of
priority below 1, mean there is none, and the secrets go to ``secrets.json`` in the
config directory instead: the directory 0700, the file 0600, written atomically.
Secrets never reach a log line, an error message or a repr.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import filelock
import keyring
import keyring.backend
import keyring.errors

from tui.store.paths import config_path

SERVICE = "reviews"
FILE_NAME = "secrets.json"


class SecretStoreError(Exception):
    """A secret could not be stored, read or deleted; the message never holds the secret."""


def real_keyring() -> keyring.backend.KeyringBackend | None:
    """The system keyring when it has a usable backend, else None."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001  # a broken keyring install means "no keyring"
        return None
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
        return None
    try:
        priority = float(backend.priority)
    except Exception:  # noqa: BLE001  # some backends raise from priority when unusable
        return None
    if priority < 1 or getattr(backend, "backends", None) == []:
        return None
    return backend


class SecretStore:
    """Stores, reads and deletes the application password of each source id."""

    def __init__(self, directory: Path | None = None, *, use_keyring: bool = True) -> None:
        self.directory = directory if directory is not None else config_path().parent
        self.keyring = real_keyring() if use_keyring else None

    def __repr__(self) -> str:
        return f"SecretStore({self.where()!r})"

    @property
    def path(self) -> Path:
        """The file used when there is no keyring."""
        return self.directory / FILE_NAME

    def where(self) -> str:
        """Where the secrets live, for ``reviews where`` (never the secrets themselves)."""
        if self.keyring is not None:
            return f"system keyring ({type(self.keyring).__name__}, service {SERVICE!r})"
        return str(self.path)

    def save(self, source_id: str, secret: str) -> None:
        """Store ``secret`` for ``source_id``, replacing any earlier one."""
        if self.keyring is not None:
            try:
                self.keyring.set_password(SERVICE, source_id, secret)
            except keyring.errors.KeyringError as error:
                raise SecretStoreError(
                    f"system keyring: cannot store the password of {source_id}: "
                    f"{type(error).__name__}"
                ) from None
            return
        with self._locked():
            secrets = self._read()
            secrets[source_id] = secret
            self._write(secrets)

    def load(self, source_id: str) -> str | None:
        """The secret stored for ``source_id``, or None."""
        if self.keyring is not None:
            try:
                return self.keyring.get_password(SERVICE, source_id)
            except keyring.errors.KeyringError as error:
                raise SecretStoreError(
                    f"system keyring: cannot read the password of {source_id}: "
                    f"{type(error).__name__}"
                ) from None
        return self._read().get(source_id)

    def delete(self, source_id: str) -> bool:
        """Forget the secret of ``source_id``; False when there was none."""
        if self.keyring is not None:
            try:
                self.keyring.delete_password(SERVICE, source_id)
            except keyring.errors.PasswordDeleteError:
                return False
            except keyring.errors.KeyringError as error:
                raise SecretStoreError(
                    f"system keyring: cannot delete the password of {source_id}: "
                    f"{type(error).__name__}"
                ) from None
            return True
        with self._locked():
            secrets = self._read()
            if secrets.pop(source_id, None) is None:
                return False
            self._write(secrets)
            return True

    # --- the file ------------------------------------------------------------------------

    def _locked(self) -> filelock.BaseFileLock:
        self._make_directory()
        return filelock.FileLock(str(self.path) + ".lock", mode=0o600)

    def _make_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self.directory.stat().st_mode & 0o077:
                self.directory.chmod(0o700)
        except OSError as error:
            raise SecretStoreError(f"{self.directory}: {error.strerror or error}") from None

    def _read(self) -> dict[str, str]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise SecretStoreError(f"{self.path}: {error.strerror or error}") from None
        with contextlib.suppress(OSError):
            if self.path.stat().st_mode & 0o077:
                self.path.chmod(0o600)
        try:
            data = json.loads(raw)
        except ValueError:
            # the reason would quote the file, and the file holds secrets
            raise SecretStoreError(f"{self.path}: not a secrets file (broken JSON)") from None
        if not isinstance(data, dict):
            raise SecretStoreError(f"{self.path}: not a secrets file")
        return {str(key): value for key, value in data.items() if isinstance(value, str)}

    def _write(self, secrets: dict[str, str]) -> None:
        data = json.dumps(secrets, indent=1, sort_keys=True).encode("utf-8")
        try:
            fd, temporary = tempfile.mkstemp(prefix=".secrets-", dir=self.directory)
        except OSError as error:
            raise SecretStoreError(f"{self.directory}: {error.strerror or error}") from None
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise SecretStoreError(f"{self.path}: {error.strerror or error}") from None
