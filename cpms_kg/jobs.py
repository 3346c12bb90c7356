"""Background jobs for long work (large uploads): they run in their own thread, so a client that
disconnects does not stop them, and report progress and a result that clients fetch later."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cpms_kg.errors import CpmsError


@dataclass
class Job:
    id: str
    kind: str
    status: str = "queued"
    """queued, running, done or failed"""
    phase: str = ""
    progress: float = 0.0
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    result: Any = None
    error: CpmsError | None = None

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "phase": self.phase,
            "progress": round(self.progress, 3),
            "created": self.created,
            "links": {"self": f"/api/jobs/{self.id}", "result": f"/api/jobs/{self.id}/result"},
        }
        if self.error is not None:
            out["error"] = {
                "status": self.error.status,
                "error": self.error.message,
                "error_zh": self.error.message_zh,
                "errors": [p.as_dict() for p in self.error.problems],
            }
        return out


class JobManager:
    """Keeps the most recent jobs in memory (a restart forgets them; results are reports, not data)."""

    def __init__(self, keep: int = 200) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def start(
        self, kind: str, work: Callable[[Callable[[str, float], None]], Any], *, cleanup: Path | None = None
    ) -> Job:
        job = Job(uuid.uuid4().hex, kind)
        with self._lock:
            self._jobs[job.id] = job
            for stale in list(self._jobs)[: max(0, len(self._jobs) - self._keep)]:
                del self._jobs[stale]

        def report(phase: str, progress: float) -> None:
            job.phase, job.progress = phase, progress

        def run() -> None:
            job.status = "running"
            try:
                job.result = work(report)
                job.status, job.progress, job.phase = "done", 1.0, "done"
            except CpmsError as exc:
                job.status, job.error = "failed", exc
            finally:
                if cleanup is not None:
                    shutil.rmtree(cleanup, ignore_errors=True)

        threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)
