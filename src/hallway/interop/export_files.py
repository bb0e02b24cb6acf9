"""Exports as files on disk, written once per change of the programme and sent with sendfile.

An export of a large programme is 0.2–2 MB.  Copying that out of a cache into every response
was what held exports below the pages' speed, so each export is written once, as a file named
by the event, its change count (``Event.published_generation``, see
:mod:`hallway.schedule.publication`), a digest of the host and filters and the format, next to
a precompressed ``.gz``; responses are ``FileResponse`` objects, which gunicorn sends with
``sendfile`` (``wsgi.file_wrapper``) without the bytes passing through Python.

The files are only a cache.  The change count is read from the database on every request, so
a release through any server names a file no server has written yet, and the first request
for it renders afresh: several servers may each keep their own directory (a Kubernetes
``emptyDir``) or share one.  Files are written to a temporary name and moved into place with
``os.replace``, so a reader sees a whole file or none, and two processes writing the same file
at once both write the same bytes.  Older generations' files of the event are removed once a
newer one is written.  A directory that cannot be written (read-only, absent, full) is logged
and the export is rendered into the response instead: slower, never wrong.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse

log = logging.getLogger(__name__)

_GENERATION = re.compile(r"^g(\d+)-")
# Directories found unwritable, with when: tried again a minute later, logged once a minute.
_UNWRITABLE: dict[Path, float] = {}
RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class Stored:
    """An export on disk: the identity body, its gzip twin (when written) and their mtime."""

    path: Path
    gzip: Path
    modified: float


def export_dir() -> Path:
    return Path(settings.HALLWAY_EXPORT_DIR)


def stored_export(
    slug: str, generation: int, digest: str, extension: str, render: Callable[[], bytes]
) -> Stored | bytes:
    """The export's file, written now from ``render()`` if this generation has none yet; or
    the rendered bytes themselves when the directory cannot be written."""
    directory = export_dir() / slug
    path = directory / f"g{generation}-{digest}.{extension}"
    try:
        return Stored(path, path.with_name(path.name + ".gz"), path.stat().st_mtime)
    except OSError:
        pass
    body = render()
    if time.monotonic() - _UNWRITABLE.get(directory, -RETRY_SECONDS) < RETRY_SECONDS:
        return body
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # The twin first: once the plain file exists, its .gz does too.
        _write_atomically(path.with_name(path.name + ".gz"), gzip.compress(body, 6, mtime=0))
        _write_atomically(path, body)
        modified = path.stat().st_mtime
    except OSError as exc:
        _UNWRITABLE[directory] = time.monotonic()
        log.warning(
            "export file %s not written (%s): served from memory; check HALLWAY_EXPORT_DIR",
            path,
            exc,
        )
        return body
    _UNWRITABLE.pop(directory, None)
    remove_older(directory, generation)
    return Stored(path, path.with_name(path.name + ".gz"), modified)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def remove_older(directory: Path, generation: int) -> int:
    """Delete the event's files of generations before ``generation`` (and temporary files
    left by a process that died mid-write, once they are an hour old).  A file another
    request has open stays readable until it is closed (POSIX)."""
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        match = _GENERATION.match(entry.name)
        stale = match is not None and int(match.group(1)) < generation
        if not stale and entry.name.startswith(".tmp-"):
            with contextlib.suppress(OSError):
                stale = entry.stat().st_mtime < time.time() - 3600
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


class FileBackedResponse(HttpResponse):
    """A 200 whose body is an open file.

    A WSGI server with ``wsgi.file_wrapper`` (gunicorn) is handed the file itself, as Django's
    ``FileResponse`` does, and sends it with ``sendfile``; unlike ``FileResponse`` this is not
    a streaming response, so whatever reads ``.content`` (a middleware, Django's test client)
    gets the file's bytes, read on first use, and the file is left at its start for sending.
    """

    block_size = 64 * 1024

    def __init__(self, file, *args, **kwargs):
        super().__init__(b"", *args, **kwargs)
        self.file_to_stream = file
        self._resource_closers.append(file.close)
        self._loaded = False
        self["Content-Length"] = str(os.fstat(file.fileno()).st_size)

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.file_to_stream.seek(0)
            self._container = [self.file_to_stream.read()]
            self.file_to_stream.seek(0)

    @property
    def content(self):
        self._load()
        return HttpResponse.content.fget(self)

    @content.setter
    def content(self, value):
        self._loaded = True  # replaced: the file is no longer the body
        self.file_to_stream = None
        HttpResponse.content.fset(self, value)

    def __iter__(self):
        self._load()
        return super().__iter__()

    def close(self):
        # Handed to the WSGI server, the file's ``close`` is this method (Django's WSGIHandler
        # sets it) and the file has been sent.  Closed otherwise (the test client closes a
        # response before the test reads it), the body is read first so it can still be.
        file = self.file_to_stream
        if file is not None and not file.closed and "close" not in vars(file):
            self._load()
        super().close()
