"""The session signing key: configured, or made once per instance and kept in its folder."""

from __future__ import annotations

import os
import secrets
import stat
import time

from tracker.settings import Settings


class InsecureSecretKey(RuntimeError):
    """The configured key may not be used: the app refuses to start."""


def _read(path: os.PathLike[str]) -> str:
    # A second worker may start while the first is writing: wait a moment for the whole key.
    for _ in range(50):
        with open(path, encoding="utf-8") as stored:
            key = stored.read().strip()
        if key:
            return key
        time.sleep(0.02)
    raise InsecureSecretKey(f"{path} is empty; delete it to have a new key made.")


def instance_secret_key(settings: Settings) -> str:
    """Return the key to sign sessions with, refusing a published, guessable or short one.

    Without TRACKER_SECRET_KEY the instance makes a random key the first time it starts and keeps
    it in `<instance_path>/secret_key`, readable by its owner only, so that sessions survive a
    restart and every worker of one instance signs alike.
    """
    problems = settings.secret_key_problems()
    if problems:
        raise InsecureSecretKey(" ".join(problems))
    if settings.secret_key is not None:
        return settings.secret_key
    path = settings.secret_key_file
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)  # someone widened it: a key others can read is no secret
        return _read(path)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(48) + "\n")
    return _read(path)
