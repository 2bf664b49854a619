"""Where the database, drafts and config live (platformdirs), and the overrides."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from tui.store.errors import StoreError
from tui.store.files import real_database_path

APP_NAME = "reviews"
DB_ENV = "REVIEWS_DB"
CONFIG_ENV = "REVIEWS_CONFIG"


def default_db_path() -> Path:
    """The database: ``$REVIEWS_DB``, else ``reviews.json`` in the user data directory."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME) / "reviews.json"


def config_path() -> Path:
    """The YAML config: ``$REVIEWS_CONFIG``, else ``config.yaml`` in the user config directory."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.yaml"


def drafts_path(db_path: Path) -> Path:
    """The reply drafts kept beside a database, so each database has its own."""
    return db_path.with_name(db_path.name + ".drafts.json")


def state_path(db_path: Path) -> Path:
    """Small UI state (theme, sort order) beside a database; never the config file."""
    return db_path.with_name(db_path.name + ".ui.json")


def real_path(db_path: Path) -> Path:
    """The file ``db_path`` names, symlinks resolved (``StoreError`` for a planted one).

    Lock, drafts, backups and UI state all sit beside this real file, so two
    paths to one database share them.
    """
    try:
        return real_database_path(db_path)
    except OSError as error:
        raise StoreError(error.strerror or str(error)) from None
