"""The simulator's state: one SQLite file under ``$HEMICYCLE_DATA/prefecture-simulator/``.

One table of transactions, like S²LOW's ``actes_transactions``: acts (type 1), documents of
the prefecture (types 2–5, ``related_id`` = the act), answers of the collectivité (same type
as the document answered, ``type_reponse`` 3/4) and cancellations (type 6).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    siren TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    type INTEGER NOT NULL,
    related_id INTEGER,
    type_reponse INTEGER,
    number TEXT NOT NULL DEFAULT '',
    nature_code INTEGER,
    subject TEXT NOT NULL DEFAULT '',
    decision_date TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL DEFAULT '',
    status INTEGER NOT NULL,
    status_at REAL NOT NULL,
    history TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    submission_date TEXT NOT NULL,
    unique_id TEXT NOT NULL DEFAULT '',
    anomaly TEXT NOT NULL DEFAULT '',
    anomaly_nature TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    read INTEGER NOT NULL DEFAULT 0,
    answered_by INTEGER,
    message BLOB,
    answer BLOB,
    archive_name TEXT NOT NULL DEFAULT '',
    archive BLOB,
    files TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS transactions_siren_number ON transactions (siren, number);
"""

COLUMNS = ("id", "siren", "department", "type", "related_id", "type_reponse", "number", "nature_code", "subject",
           "decision_date", "classification", "status", "status_at", "history", "created_at", "submission_date",
           "unique_id", "anomaly", "anomaly_nature", "text", "read", "answered_by", "message", "answer",
           "archive_name", "archive", "files")


class Store:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    def insert(self, **values) -> int:
        with self.lock:
            keys = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cursor = self._conn.execute(f"INSERT INTO transactions ({keys}) VALUES ({marks})", list(values.values()))
            return int(cursor.lastrowid)

    def update(self, tid: int, **values) -> None:
        with self.lock:
            sets = ", ".join(f"{k} = ?" for k in values)
            self._conn.execute(f"UPDATE transactions SET {sets} WHERE id = ?", [*values.values(), tid])

    def get(self, tid) -> dict | None:
        try:
            tid = int(tid)
        except (TypeError, ValueError):
            return None
        with self.lock:
            row = self._conn.execute("SELECT * FROM transactions WHERE id = ?", (tid,)).fetchone()
        return dict(row) if row else None

    def select(self, where: str = "1=1", params=(), order: str = "id") -> list[dict]:
        with self.lock:
            rows = self._conn.execute(f"SELECT * FROM transactions WHERE {where} ORDER BY {order}", params).fetchall()
        return [dict(r) for r in rows]

    def count(self, where: str = "1=1", params=()) -> int:
        with self.lock:
            return int(self._conn.execute(f"SELECT COUNT(*) FROM transactions WHERE {where}", params).fetchone()[0])


def add_history(row: dict, status: int, at: float, message: str = "") -> str:
    history = json.loads(row.get("history") or "[]")
    history.append({"status": status, "at": at, "message": message})
    return json.dumps(history, ensure_ascii=False)
