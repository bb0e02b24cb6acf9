"""Exports are written once per change of the programme to files (plain and gzip) and served
from them: the next request after a release or an edit serves the new body, clients revalidate
with a 304, gzip is negotiated, and a directory that cannot be written falls back to rendering
(logged) rather than failing.  The same through two real servers: tests/test_two_servers.py."""

from __future__ import annotations

import gzip
import logging
import threading
from pathlib import Path

import pytest
from django.test import Client

from factories import make_world
from hallway.interop import export_files
from hallway.schedule.services import release_schedule

pytestmark = pytest.mark.django_db

URL = "/alpha/schedule.xml"


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def export_dir(settings, tmp_path) -> Path:
    settings.HALLWAY_EXPORT_DIR = tmp_path / "exports"
    return settings.HALLWAY_EXPORT_DIR


def files(directory: Path) -> set[str]:
    return {p.name for p in (directory / "alpha").glob("*")} if directory.exists() else set()


def test_a_release_or_an_edit_is_served_by_the_next_request_from_a_new_file(world, export_dir):
    client = Client()
    first = client.get(URL)
    assert first.status_code == 200 and b"Talk Apricot" in first.content
    written = files(export_dir)
    assert len(written) == 2 and any(n.endswith(".xml.gz") for n in written)
    plain = next(export_dir / "alpha" / n for n in written if n.endswith(".xml"))
    assert plain.read_bytes() == first.content
    assert client.get(URL).content == first.content  # from the file: nothing new written
    assert files(export_dir) == written

    session = world.apricot.session
    session.title = "Talk Apricot, retitled"
    session.save()
    edited = client.get(URL)
    assert b"Talk Apricot, retitled" in edited.content
    assert edited["ETag"] != first["ETag"]
    assert not files(export_dir) & written  # the old generation's files are removed

    release_schedule(world.alpha, "2.0")  # the hidden sessions become public
    released = client.get(URL)
    assert b"<version>2.0</version>" in released.content
    assert b"Secret Apricot" in released.content


def test_clients_revalidate_with_a_304_by_etag_or_date(world, export_dir):
    client = Client()
    first = client.get(URL)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=300"
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = client.get(URL, headers=headers)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
    # An ETag wins over a date (RFC 9110 13.2.2): a stale tag gets the body.
    stale = client.get(URL, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert stale.status_code == 200
    world.apricot.session.save()  # any public edit
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 200


def test_gzip_is_sent_to_clients_that_accept_it(world, export_dir):
    client = Client()
    plain = client.get(URL)
    assert plain["Vary"] == "Accept-Encoding" and "Content-Encoding" not in plain
    zipped = client.get(URL, headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert zipped["Content-Encoding"] == "gzip"
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] != plain["ETag"]  # two representations, two strong tags
    # Either tag is current: a client holding one gets a 304 for the other.
    assert client.get(URL, headers={"If-None-Match": plain["ETag"]}).status_code == 304
    for refusal in ("gzip;q=0", "identity", "*;q=0", "br"):
        answer = client.get(URL, headers={"Accept-Encoding": refusal})
        assert "Content-Encoding" not in answer and answer.content == plain.content, refusal


def test_a_head_request_gets_the_headers_without_the_body(world, export_dir):
    client = Client()
    body = client.get("/alpha/schedule.json").content
    head = client.head("/alpha/schedule.json")
    assert head.status_code == 200 and head.content == b""
    assert int(head["Content-Length"]) == len(body)
    assert head["Content-Type"].startswith("application/json")


def test_two_threads_writing_the_same_export_leave_one_whole_file(tmp_path, settings):
    settings.HALLWAY_EXPORT_DIR = tmp_path
    body = b"<schedule>" + b"x" * 2_000_000 + b"</schedule>"
    both_rendered = threading.Barrier(2)
    results, errors = [], []

    def render() -> bytes:
        both_rendered.wait(timeout=30)  # neither finds the other's file: both write it
        return body

    def request():
        try:
            results.append(export_files.stored_export("e", 7, "abc", "xml", render))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and len(results) == 2
    assert all(isinstance(r, export_files.Stored) for r in results)
    assert (tmp_path / "e" / "g7-abc.xml").read_bytes() == body
    assert gzip.decompress((tmp_path / "e" / "g7-abc.xml.gz").read_bytes()) == body
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == ["g7-abc.xml", "g7-abc.xml.gz"]


def test_an_export_dir_that_cannot_be_written_falls_back_to_rendering(
    world, tmp_path, settings, caplog
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.HALLWAY_EXPORT_DIR = blocker / "exports"  # cannot be created: a file is in the way
    client = Client()
    with caplog.at_level(logging.WARNING, logger="hallway.interop.export_files"):
        answer = client.get(URL, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and b"Talk Apricot" in answer.content
    assert "Content-Encoding" not in answer  # from memory, as rendered
    assert "HALLWAY_EXPORT_DIR" in caplog.text
    assert client.get(URL, headers={"If-None-Match": answer["ETag"]}).status_code == 304
    # Still correct after a change, while the directory stays unwritable.
    world.apricot.session.title = "Talk Apricot, fixed"
    world.apricot.session.save()
    assert b"Talk Apricot, fixed" in client.get(URL).content


def test_an_absent_export_dir_is_created(world, tmp_path, settings):
    settings.HALLWAY_EXPORT_DIR = tmp_path / "not" / "yet" / "there"
    assert Client().get("/alpha/schedule.ics").status_code == 200
    assert len(list((tmp_path / "not" / "yet" / "there" / "alpha").glob("g*.ics*"))) == 2
