"""``digestbot subscribers list|count|export`` through the real CLI dispatcher."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_subscriptions_support import Clock

from bot.cli import main
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)
    store = SubscriptionStore.from_url(url)
    clock = Clock()
    store.subscribe(11, Preferences(hour=7, minute=30, tz="Asia/Riyadh"), clock(), lang="en")
    store.subscribe(22, Preferences(frequency="weekly", tz="UTC+03:00"), clock())
    store.subscribe(33, Preferences(), clock())
    store.deactivate(33, "blocked", clock())
    store.close()
    return url


def test_count(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subscribers", "count"]) == 0
    assert capsys.readouterr().out.split() == ["active:", "2", "inactive:", "1", "(blocked:", "1)"]
    assert main(["subscribers", "count", "--active"]) == 0
    assert capsys.readouterr().out.strip() == "2"


def test_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subscribers", "list", "--inactive"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("33\tinactive (blocked)")


def test_export_csv_and_jsonl(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subscribers", "export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["chat_id"] for r in rows] == ["11", "22", "33"]
    assert rows[0]["time"] == "07:30" and rows[0]["tz"] == "Asia/Riyadh" and rows[0]["lang"] == "en"
    out = tmp_path / "subs.jsonl"
    assert main(["subscribers", "export", "--format", "jsonl", "--active", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["chat_id"] for r in records] == [11, 22]
    assert records[1]["frequency"] == "weekly" and records[1]["tz"] == "UTC+03:00"
