"""A firm's check in the browser, between its steps: the uploaded file, the chosen standard, the confirmed
column mapping, the background job and what was committed, kept in a temporary folder per upload.

The folder is named by a random id (the capability that reaches it: 128 random bits in the page's URL) and
removed once it is older than `ttl` seconds, swept at each new upload; the job's report lives in the job
manager, and the data file stays until then because committing re-reads it to build the products' RDF.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from cpms_kg.errors import NotFound

TTL = 6 * 3600
"""Seconds an upload stays: long enough to check, fix the mapping, re-check and commit in one sitting."""
_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_STATE = "session.json"


@dataclass(frozen=True)
class CheckSession:
    id: str
    filename: str
    """The file name as uploaded (for the report's title)."""
    data: str
    """The stored file's name inside the session folder."""
    standard: str
    """ID@VERSION."""
    firm: str
    category: str | None = None
    columns: tuple[str, ...] = ()
    job: str | None = None
    mapping: str | None = None
    """The confirmed mapping file's name inside the folder (tables only)."""
    committed: str | None = None
    shared: bool = False
    created: float = field(default_factory=time.time)


class CheckSessions:
    """The sessions under one root folder (one per app)."""

    def __init__(self, root: Path | None = None, *, ttl: float = TTL) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="cpms-check-"))
        self.ttl = ttl

    def folder(self, session_id: str) -> Path:
        if not _ID.fullmatch(session_id):
            raise NotFound(f"no upload {session_id}", message_zh=f"没有上传 {session_id}")
        return self.root / session_id

    def new_folder(self) -> tuple[str, Path]:
        self.sweep()
        session_id = secrets.token_urlsafe(16)
        folder = self.root / session_id
        folder.mkdir(parents=True)
        return session_id, folder

    def save(self, session: CheckSession) -> CheckSession:
        path = self.folder(session.id) / _STATE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(session), ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)  # whole or not at all: two tabs of one upload never see half a state
        return session

    def get(self, session_id: str) -> CheckSession:
        path = self.folder(session_id) / _STATE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise NotFound(
                f"no upload {session_id} (uploads are kept for {self.ttl // 3600:.0f} hours)",
                message_zh=f"没有上传 {session_id}（上传文件保留 {self.ttl // 3600:.0f} 小时）",
            ) from None
        state["columns"] = tuple(state.get("columns") or ())
        return CheckSession(**state)

    def update(self, session: CheckSession, **changes: object) -> CheckSession:
        return self.save(replace(session, **changes))  # type: ignore[arg-type]

    def data_path(self, session: CheckSession) -> Path:
        return self.folder(session.id) / session.data

    def sweep(self) -> None:
        """Removes the folders of uploads older than the TTL."""
        limit = time.time() - self.ttl
        for folder in self.root.glob("*"):
            try:
                old = folder.stat().st_mtime < limit
            except OSError:
                continue
            if old:
                shutil.rmtree(folder, ignore_errors=True)

    def remove(self, session_id: str) -> None:
        shutil.rmtree(self.folder(session_id), ignore_errors=True)
