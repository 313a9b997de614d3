from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from digest.collect import collect_files, read_document, split_front_matter
from digest.config import SourcesConfig
from digest.errors import SourceError

MAX = SourcesConfig().max_file_bytes


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_a_folder_yields_its_text_and_markdown_files_in_name_order(tmp_path: Path) -> None:
    write(tmp_path / "in" / "b.md", "Second article text.")
    write(tmp_path / "in" / "a.txt", "First article text.")
    write(tmp_path / "in" / "skip.pdf", "not read")
    result = collect_files(["in"], base_dir=tmp_path, max_bytes=MAX)
    assert [d.origin for d in result.documents] == ["in/a.txt", "in/b.md"]
    assert result.reports[-1].ok
    assert result.reports[-1].articles == 2


def test_a_glob_and_a_single_file(tmp_path: Path) -> None:
    write(tmp_path / "x" / "one.txt", "One.")
    write(tmp_path / "x" / "two.txt", "Two.")
    write(tmp_path / "lone.md", "Lone.")
    result = collect_files(["x/*.txt", "lone.md"], base_dir=tmp_path, max_bytes=MAX)
    assert [d.text for d in result.documents] == ["One.", "Two.", "Lone."]


def test_front_matter_is_read_and_removed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.md",
        "---\ntitle: Real headline\noutlet: The Paper\nurl: https://example.com/a\n"
        "published: 2022-02-01T17:06:00+05:30\n---\nBody text here.\n",
    )
    document = read_document(path, origin="a.md", max_bytes=MAX)
    assert document.title == "Real headline"
    assert document.outlet == "The Paper"
    assert document.url == "https://example.com/a"
    assert document.published is not None
    assert document.published.stated == dt.datetime(
        2022, 2, 1, 17, 6, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
    )
    assert document.text == "Body text here.\n"


def test_source_is_an_alias_of_outlet_in_front_matter() -> None:
    front, body = split_front_matter("---\nsource: Wire\n---\ntext")
    assert front == {"source": "Wire"}
    assert body == "text"


def test_text_without_front_matter_is_left_alone() -> None:
    text = "---\nnot closed front matter\nbody"
    assert split_front_matter(text) == ({}, text)


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 31)) * 40, "binary"),
    ],
)
def test_bad_files_raise_a_source_error_naming_them(
    tmp_path: Path, content: bytes, cause: str
) -> None:
    path = write(tmp_path / "bad.txt", content)
    with pytest.raises(SourceError, match=rf"^bad.txt: .*{cause}"):
        read_document(path, origin="bad.txt", max_bytes=MAX)


def test_a_bad_file_is_reported_and_the_others_still_come(tmp_path: Path) -> None:
    write(tmp_path / "in" / "good.txt", "Good text.")
    write(tmp_path / "in" / "image.txt", b"\x00\x01\x02binary")
    result = collect_files(["in"], base_dir=tmp_path, max_bytes=MAX)
    assert [d.origin for d in result.documents] == ["in/good.txt"]
    failed = [r for r in result.reports if not r.ok]
    assert [r.source for r in failed] == ["in/image.txt"]
    assert "binary" in failed[0].message


def test_non_utf8_text_is_decoded_as_windows_1252(tmp_path: Path) -> None:
    path = write(tmp_path / "old.txt", "Café costs 5 €".encode("cp1252"))
    assert read_document(path, origin="old.txt", max_bytes=MAX).text == "Café costs 5 €"


def test_a_missing_source_is_reported(tmp_path: Path) -> None:
    result = collect_files(["nowhere"], base_dir=tmp_path, max_bytes=MAX)
    assert result.documents == ()
    assert not result.reports[0].ok
    assert "nowhere" in result.reports[0].message


def test_a_file_over_the_size_cap_is_skipped_with_one_warning_naming_it_and_its_size(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "in" / "a.txt", "A short article.")
    write(tmp_path / "in" / "dump.txt", "A line of a log.\n" * 100)  # 1,700 bytes
    write(tmp_path / "in" / "z.txt", "x" * 1000)  # exactly at the cap: read
    result = collect_files(["in"], base_dir=tmp_path, max_bytes=1000)
    assert [d.origin for d in result.documents] == ["in/a.txt", "in/z.txt"]
    failed = [r for r in result.reports if not r.ok]
    assert [r.source for r in failed] == ["in/dump.txt"]
    assert failed[0].message == (
        "in/dump.txt: file too large (1,700 bytes, more than sources.max_file_bytes: 1,000),"
        " skipped"
    )
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [failed[0].message]


@pytest.mark.parametrize(("size", "read"), [(500, True), (1700, False)])
def test_a_file_that_grew_after_its_size_was_taken_is_read_on_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, read: bool
) -> None:
    path = write(tmp_path / "grew.txt", "x" * size)
    # The size the read starts from, taken when the file was 100 bytes long.
    monkeypatch.setattr(
        "digest.collect.os", SimpleNamespace(fstat=lambda _: SimpleNamespace(st_size=100))
    )
    if read:
        assert read_document(path, origin="grew.txt", max_bytes=1000).text == "x" * size
    else:
        with pytest.raises(SourceError, match="file too large"):
            read_document(path, origin="grew.txt", max_bytes=1000)
