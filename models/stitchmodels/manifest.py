"""models/manifest.json: the list of model files with their sha256 and contract fields.

Every trainer and converter registers its output here; file paths are stored relative to the
manifest's folder. Writes are atomic (temporary file + rename) so a reader never sees half a
manifest, and an exclusive lock serialises writers that register at the same time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from typing import Dict, Iterator, Optional

SECTIONS = ("models", "directions")
VERSION = 1


class ManifestError(ValueError):
    """The manifest is malformed or names something that does not exist."""


class ChecksumMismatch(ManifestError):
    """A model file's content is not the one the manifest was written for."""

    def __init__(self, file: str, expected: str, actual: str):
        super().__init__(f"{file}: sha256 is {actual}, the manifest expects {expected}; "
                         "the file is corrupt or was replaced: convert or download it again")
        self.file = file
        self.expected = expected
        self.actual = actual


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def empty(name: str = "demo") -> dict:
    return {"version": VERSION, "name": name, "models": {}, "directions": {}}


def load(manifest_path: str) -> dict:
    with open(manifest_path, "r", encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ManifestError(f"{manifest_path}: not valid JSON ({e})") from e
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ManifestError(f"{manifest_path}: expected a version {VERSION} manifest")
    for section in SECTIONS:
        data.setdefault(section, {})
    return data


def _write_atomic(path: str, data: dict) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@contextmanager
def _locked(manifest_path: str) -> Iterator[None]:
    # Lock the manifest's folder (not a lock file, which would be left lying around).
    fd = os.open(os.path.dirname(manifest_path), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def register(manifest_path: str, section: str, name: str, file_path: str, entry: Dict,
             manifest_name: str = "demo") -> dict:
    """Add or replace ``section[name]`` with ``entry`` plus ``file`` (relative) and ``sha256``.

    Creates the manifest when absent; other entries are kept. Returns the stored entry.
    """
    if section not in SECTIONS:
        raise ManifestError(f"section must be one of {SECTIONS}, got {section!r}")
    if not os.path.isfile(file_path):
        raise ManifestError(f"{file_path}: model file not found")
    manifest_path = os.path.abspath(manifest_path)
    folder = os.path.dirname(manifest_path)
    os.makedirs(folder, exist_ok=True)
    relative = os.path.relpath(os.path.abspath(file_path), folder).replace(os.sep, "/")
    stored = {"file": relative, "sha256": sha256_file(file_path)}
    stored.update({k: v for k, v in entry.items() if k not in ("file", "sha256")})
    with _locked(manifest_path):
        data = load(manifest_path) if os.path.exists(manifest_path) else empty(manifest_name)
        data[section][name] = stored
        _write_atomic(manifest_path, data)
    return stored


def resolve(manifest_path: str, entry: dict) -> str:
    """Absolute path of an entry's file."""
    return os.path.join(os.path.dirname(os.path.abspath(manifest_path)), entry["file"])


def verify(manifest_path: str, section: Optional[str] = None, name: Optional[str] = None) -> int:
    """Check the sha256 of the selected entries (all by default); returns how many were checked.

    Raises ManifestError for a missing file and ChecksumMismatch for a changed one.
    """
    data = load(manifest_path)
    checked = 0
    for sec in ([section] if section else SECTIONS):
        entries = data.get(sec, {})
        if name is not None and name not in entries:
            raise ManifestError(f"{manifest_path}: no {sec} entry named {name!r}; known: {sorted(entries)}")
        for key, entry in entries.items():
            if name is not None and key != name:
                continue
            path = resolve(manifest_path, entry)
            if not os.path.isfile(path):
                raise ManifestError(f"{path}: listed in {manifest_path} as {sec}.{key} but missing")
            actual = sha256_file(path)
            if actual != entry["sha256"]:
                raise ChecksumMismatch(path, entry["sha256"], actual)
            checked += 1
    return checked
