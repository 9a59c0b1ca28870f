"""contest.storage as an interface: another backend (an S3-like object store) implements five
methods and gets streaming, limits, type checks and clean-up for free; the local backend
removes leftovers of killed uploads and refuses through ``inspect`` without leaving files."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from contest import file_types as ft
from contest.storage import (
    SPOOL_MAX_AGE,
    FileTooLarge,
    LocalStorage,
    MalformedFile,
    Storage,
    StorageError,
    UnsupportedFileType,
    valid_key,
)
from tests.attachments.conftest import docx_bytes, pdf_bytes, zip_bytes


class ObjectStore(Storage):
    """What an S3 backend looks like: objects in a dict, uploads spooled in a temp folder."""

    def __init__(self, spool: Path):
        self.spool, self.objects = spool, {}

    def spool_dir(self) -> Path:
        return self.spool

    def put(self, source: Path, key: str) -> None:
        self.objects[key] = source.read_bytes()  # upload_file(...)
        source.unlink()

    def open(self, key: str):
        if key not in self.objects:
            raise FileNotFoundError(key)
        return io.BytesIO(self.objects[key])  # get_object(...)["Body"]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def exists(self, key: str) -> bool:
        return key in self.objects


def leftovers(folder: Path) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_another_backend_gets_the_whole_save_pipeline(tmp_path):
    store = ObjectStore(tmp_path / "spool")
    stored = store.save(
        io.BytesIO(docx_bytes()), "entries", allowed={ft.PDF, ft.DOCX}, max_bytes=10**6
    )
    assert valid_key(stored.key) and stored.key.endswith(".docx")
    assert stored.content_type == ft.DOCX
    assert store.open(stored.key).read() == docx_bytes()
    assert store.local_path(stored.key) is None
    for data, error in (
        (zip_bytes(), UnsupportedFileType),  # a ZIP is not a DOCX
        (pdf_bytes() * 100, FileTooLarge),
    ):
        with pytest.raises(error):
            store.save(io.BytesIO(data), "entries", allowed={ft.PDF, ft.DOCX}, max_bytes=4000)
    assert list(store.objects) == [stored.key]
    assert leftovers(tmp_path / "spool") == []


def test_inspect_can_refuse_and_nothing_is_left(tmp_path):
    storage = LocalStorage(tmp_path / "up")
    seen = []

    def inspect(path, content_type):
        seen.append((path.parent.name, content_type, path.stat().st_size))
        raise MalformedFile()

    with pytest.raises(StorageError):
        storage.save(
            io.BytesIO(pdf_bytes()), "entries", allowed={ft.PDF}, max_bytes=10**6, inspect=inspect
        )
    assert seen == [(".incoming", ft.PDF, len(pdf_bytes()))]
    assert leftovers(storage.root) == []


def test_refusal_by_type_happens_before_anything_is_written(tmp_path):
    storage = LocalStorage(tmp_path / "up")
    reads = []

    class Counting(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    with pytest.raises(UnsupportedFileType) as caught:
        storage.save(
            Counting(b"\x89PNG\r\n\x1a\n" + b"0" * 10**6),
            "entries",
            allowed={ft.PDF},
            max_bytes=10**7,
        )
    assert caught.value.detected == ft.PNG
    assert sum(r for r in reads if r > 0) <= ft.HEAD_SIZE  # only the head was read
    assert not (storage.root / ".incoming").exists()


def test_leftovers_of_killed_uploads_are_swept(tmp_path):
    storage = LocalStorage(tmp_path / "up")
    spool = storage.spool_dir()
    spool.mkdir(parents=True)
    old, fresh = spool / ("a" * 32 + ".part"), spool / ("b" * 32 + ".part")
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    past = time.time() - SPOOL_MAX_AGE - 60
    os.utime(old, (past, past))
    storage.save(io.BytesIO(pdf_bytes()), "entries", allowed={ft.PDF}, max_bytes=10**6)
    assert not old.exists() and fresh.exists()


def test_small_generated_files_are_saved_by_type(tmp_path):
    storage = LocalStorage(tmp_path / "up")
    stored = storage.save_bytes(pdf_bytes(), "thumbs", ft.PDF)
    assert storage.path(stored.key).read_bytes() == pdf_bytes()
    with pytest.raises(UnsupportedFileType):
        storage.save_bytes(b"not a jpeg", "thumbs", ft.JPEG)
