"""contest.storage: streamed writes, random names, type by magic bytes, keys that cannot
leave the storage root, nothing left behind after a refusal."""

from __future__ import annotations

import io

import pytest

from contest.storage import (
    CHUNK_SIZE,
    EmptyFile,
    FileTooLarge,
    LocalStorage,
    UnsupportedFileType,
    sniff,
    valid_key,
)
from tests.editions_ui.conftest import make_pdf

PDF = {"application/pdf"}


class Trickle(io.RawIOBase):
    """A stream that returns at most ``step`` bytes per read and counts the reads."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step, self.reads, self.position = data, step, 0, 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.reads += 1
        size = self.step if size < 0 else min(size, self.step)
        chunk = self.data[self.position : self.position + size]
        self.position += len(chunk)
        return chunk


def files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "uploads")


def test_sniff_by_content_not_name():
    assert sniff(b"%PDF-1.7\n") == ("application/pdf", "pdf")
    assert sniff(b"\x89PNG\r\n\x1a\n....") == ("image/png", "png")
    assert sniff(b"\xff\xd8\xff\xe0") == ("image/jpeg", "jpg")
    assert sniff(b"PK\x03\x04") == ("application/zip", "zip")
    assert sniff(b"<html>%PDF-") is None
    assert sniff(b"") is None


def test_save_streams_in_chunks_under_a_random_name(storage):
    data = make_pdf() + b"%" + b"x" * (3 * CHUNK_SIZE)
    stream = Trickle(data, 5000)  # short reads, including for the head
    stored = storage.save(stream, "rules", allowed=PDF, max_bytes=10 * CHUNK_SIZE)
    assert valid_key(stored.key) and stored.key.startswith("rules/")
    assert stored.size == len(data) and stored.content_type == "application/pdf"
    assert storage.path(stored.key).read_bytes() == data
    assert stream.reads > 10  # read piece by piece, never whole
    with storage.open(stored.key) as handle:
        assert handle.read(5) == b"%PDF-"
    other = storage.save(io.BytesIO(data), "rules", allowed=PDF, max_bytes=10 * CHUNK_SIZE)
    assert other.key != stored.key and other.sha256 == stored.sha256


def test_files_are_private(storage):
    stored = storage.save(io.BytesIO(make_pdf()), "rules", allowed=PDF, max_bytes=10**6)
    assert storage.path(stored.key).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyFile),
        (b"GIF89a....", UnsupportedFileType),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, UnsupportedFileType),
        (b"%PDF-" + b"0" * 5000, FileTooLarge),
    ],
)
def test_refusals_leave_nothing_behind(storage, data, error):
    with pytest.raises(error) as caught:
        storage.save(Trickle(data, 700), "rules", allowed=PDF, max_bytes=4096)
    assert str(caught.value.message)  # a message for the user
    assert not storage.root.exists() or files(storage.root) == []


def test_a_failing_stream_leaves_nothing_behind(storage):
    class Broken(Trickle):
        def read(self, size=-1):
            if self.position > 100:
                raise OSError("connection reset")
            return super().read(size)

    with pytest.raises(OSError):
        storage.save(Broken(make_pdf() * 10, 50), "rules", allowed=PDF, max_bytes=10**6)
    assert files(storage.root) == []


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "rules/../../x.pdf",
        "/etc/passwd",
        "rules/ab/" + "a" * 32 + ".pdf/..",
        "rules/ab/" + "g" * 32 + ".pdf",
        "RULES/ab/" + "a" * 32 + ".pdf",
        "",
    ],
)
def test_malformed_keys_are_never_opened(storage, key):
    assert not valid_key(key)
    with pytest.raises(ValueError):
        storage.path(key)
    assert storage.exists(key) is False
    storage.delete(key)  # ignored, never raises


def test_delete_and_exists(storage):
    stored = storage.save(io.BytesIO(make_pdf()), "rules", allowed=PDF, max_bytes=10**6)
    assert storage.exists(stored.key)
    storage.delete(stored.key)
    assert not storage.exists(stored.key)
    storage.delete(stored.key)  # twice is harmless


def test_category_is_checked(storage):
    with pytest.raises(ValueError):
        storage.save(io.BytesIO(make_pdf()), "../x", allowed=PDF, max_bytes=10**6)
