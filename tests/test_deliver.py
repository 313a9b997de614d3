"""Writing briefings: atomic files, and an output folder checked before any work is done."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from digest import deliver
from digest.errors import FileError


def test_the_output_folder_is_created_and_left_clean(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    deliver.prepare_output_dir(out)
    assert out.is_dir()
    assert list(out.iterdir()) == []  # the probe file is gone


def test_a_folder_under_a_file_names_the_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    with pytest.raises(FileError) as caught:
        deliver.prepare_output_dir(tmp_path / "notes" / "briefings")
    message = str(caught.value)
    assert message.startswith(
        f"{tmp_path / 'notes' / 'briefings'}: cannot create the output folder"
    )
    assert f"({tmp_path / 'notes'} is a file)" in message


def test_a_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(FileError, match=r"out: cannot create the output folder: File exists"):
        deliver.prepare_output_dir(tmp_path / "out")


def test_an_unwritable_folder_is_named_not_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tempfile.mkstemp

    def refuse(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if kwargs.get("dir") == tmp_path:
            raise PermissionError(13, "Permission denied", str(tmp_path / ".x.tmp"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(FileError) as caught:
        deliver.prepare_output_dir(tmp_path)
    assert str(caught.value) == f"{tmp_path}: cannot write in the output folder: Permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(FileError, match="cannot write in the output folder"):
            deliver.prepare_output_dir(tmp_path)
    finally:
        tmp_path.chmod(0o755)


def test_a_failed_write_names_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "2022-02-01.md"
    target.mkdir()  # a folder where the file goes: the rename fails
    with pytest.raises(FileError) as caught:
        deliver.write_atomically(target, "text")
    assert str(caught.value).startswith(f"{target}: cannot write: ")
    assert [p.name for p in tmp_path.iterdir()] == ["2022-02-01.md"]


def test_a_written_file_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    deliver.write_atomically(target, "é\n")
    assert target.read_text(encoding="utf-8") == "é\n"
    assert target.stat().st_mode & 0o777 == 0o644
