"""Visitor ids and one-time resume codes, against a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest

from cnn_core import identity
from cnn_core.identity import ResumeCodes

VID = identity.new_visitor_id()


def test_visitor_ids_are_long_random_and_checked():
    ids = {identity.new_visitor_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(identity.valid_visitor_id(v) and len(v) == 32 for v in ids)
    assert not any(v.startswith("-") for v in ids)  # safe as a command-line argument
    for bad in (None, "", "short", "../../etc/passwd-xxxxxxxx", "a" * 65, "spaces are bad ok?", 7):
        assert not identity.valid_visitor_id(bad)


def test_a_code_opens_the_identity_once(tmp_path):
    store = ResumeCodes(tmp_path / "codes.sqlite3")
    code, expires = store.issue(VID, now=1000.0)
    assert expires == 1000.0 + identity.CODE_SECONDS
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert store.redeem(code, now=1001.0) == VID
    assert store.redeem(code, now=1002.0) is None  # single use


def test_codes_are_read_forgivingly(tmp_path):
    store = ResumeCodes(tmp_path / "codes.sqlite3")
    code, _ = store.issue(VID)
    typed = "  " + code.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    assert identity.normalize_code(typed) == code.replace("-", "")
    assert store.redeem(typed) == VID


def test_expired_wrong_and_replaced_codes_open_nothing(tmp_path):
    store = ResumeCodes(tmp_path / "codes.sqlite3", seconds=60)
    old, _ = store.issue(VID, now=0.0)
    assert store.redeem(old, now=61.0) is None  # expired (and gone)
    first, _ = store.issue(VID, now=100.0)
    second, _ = store.issue(VID, now=101.0)
    assert store.redeem(first, now=102.0) is None  # a new code replaces the visitor's old one
    for wrong in ("", "XXXX", "ABCD-EFGH-JKMU", "not a code at all", "A" * 200, None):
        assert store.redeem(wrong, now=102.0) is None
    assert store.redeem(second, now=102.0) == VID


def test_the_store_keeps_hashes_not_codes(tmp_path):
    path = tmp_path / "codes.sqlite3"
    code, _ = ResumeCodes(path).issue(VID)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT digest, visitor FROM resume_codes").fetchall()
    assert len(rows) == 1 and rows[0][1] == VID
    assert code.replace("-", "") not in rows[0][0] and len(rows[0][0]) == 64
    assert code.replace("-", "").encode() not in path.read_bytes()


def test_issuing_for_a_malformed_id_is_refused(tmp_path):
    with pytest.raises(ValueError):
        ResumeCodes(tmp_path / "codes.sqlite3").issue("../etc")


def test_the_codes_live_in_the_runs_folder(tmp_path):
    assert identity.resume_codes(tmp_path).path == tmp_path / identity.DB_NAME


def test_the_command_line_makes_ids_and_codes(tmp_path, capsys):
    assert identity.main(["new"]) == 0
    owner = capsys.readouterr().out.strip()
    assert identity.valid_visitor_id(owner)
    assert identity.main(["code", owner, "--runs-dir", str(tmp_path)]) == 0
    code = capsys.readouterr().out.strip()
    assert identity.resume_codes(tmp_path).redeem(code) == owner
    with pytest.raises(SystemExit):
        identity.main(["code", "cli", "--runs-dir", str(tmp_path)])
