"""Hand-over to the archive (regulation.md §5b row 2, authorities): public records are never
purged by Uppsikt. `export` writes a documented package of everything an organisation keeps under
an archive class; once the archive confirms receipt, `handed_over` records it, and from then on the
purge may dispose of exactly what the package held (nothing written after the export).

Package layout (README.md inside says the same to the archivist):

    <package id>/README.md            what this is, the layout, how to verify it
    <package id>/manifest.json        package id, organisation, dates, schedule version, and per
                                      file its path, SHA-256, size, class and source
    <package id>/items/<n>.json       each record exactly as stored (evidence copies)
    <package id>/metadata/<n>.json    its storage metadata (class, dates, hashes, ids)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from uppsikt.errors import Conflict, NotFound

FORMAT = "uppsikt-handover/1"


@dataclass(frozen=True)
class Archived:
    """One thing kept for the archive: where it is stored (never its content)."""

    store: str  # "archive" (an S3 object) or "items"/"flags" (a DynamoDB row)
    key: str
    retention_class: str


class ArchiveContents(Protocol):
    def archived(self, org_id: str) -> Sequence[Archived]: ...

    def read(self, org_id: str, thing: Archived) -> tuple[bytes, dict[str, Any]]: ...

    def release(self, org_id: str, things: Sequence[Archived], now: datetime) -> int: ...


class HandoverRecords(Protocol):
    def put_handover(self, org_id: str, package_id: str, values: dict[str, Any]) -> None: ...

    def handover(self, org_id: str, package_id: str) -> dict[str, Any] | None: ...


class PackageNotFound(NotFound):
    """No exported package with that id for that organisation."""


class AlreadyHandedOver(Conflict):
    """The package's hand-over is already recorded."""


README = """# Uppsikt archive hand-over package

Organisation: {org_id}
Package: {package_id}
Exported: {exported_at} (retention schedule {schedule_version})

This package holds every record the organisation keeps under an archive class (public records:
archival copies of posts and comments, taken before any removal; see the retention schedule,
regulation.md §5b row 2). Uppsikt never deletes these on its own; after the archive confirms
receipt of this package, `uppsikt archive handed-over --org {org_id} --package {package_id}`
records the hand-over, and Uppsikt then deletes its own copies of exactly these records.

Layout:

- `manifest.json`: the package id, organisation, export time, schedule version and, for each
  file, its path, SHA-256, size in bytes, retention class and where it was stored.
- `items/<n>.json`: each record exactly as Uppsikt stored it (UTF-8 JSON).
- `metadata/<n>.json`: its storage metadata (retention class, capture and expiry dates, content
  hash, ids).

Verify: `sha256sum` of every file listed in manifest.json must equal its `sha256`.
Records: {count}.
"""


def export(
    org_id: str,
    out: Path,
    now: datetime,
    *,
    contents: ArchiveContents,
    records: HandoverRecords,
    schedule_version: str,
) -> dict[str, Any]:
    """Write the package under `out/<package id>/` and record the export; returns the manifest."""
    package_id = f"{org_id}-{now:%Y%m%dT%H%M%SZ}"
    root = out / package_id
    (root / "items").mkdir(parents=True, exist_ok=True)
    (root / "metadata").mkdir(exist_ok=True)
    things = list(contents.archived(org_id))
    files: list[dict[str, Any]] = []
    for n, thing in enumerate(things, start=1):
        body, metadata = contents.read(org_id, thing)
        meta_bytes = json.dumps(metadata, indent=1, sort_keys=True).encode()
        for path, data in ((f"items/{n:06d}.json", body), (f"metadata/{n:06d}.json", meta_bytes)):
            (root / path).write_bytes(data)
            files.append(
                {
                    "path": path,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                    "retention_class": thing.retention_class,
                    "source": f"{thing.store}:{thing.key}",
                }
            )
    manifest = {
        "format": FORMAT,
        "package_id": package_id,
        "org_id": org_id,
        "exported_at": now.isoformat(),
        "schedule_version": schedule_version,
        "records": len(things),
        "files": files,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    (root / "README.md").write_text(
        README.format(
            org_id=org_id,
            package_id=package_id,
            exported_at=now.isoformat(),
            schedule_version=schedule_version,
            count=len(things),
        ),
        encoding="utf-8",
    )
    records.put_handover(
        org_id,
        package_id,
        {
            "package_id": package_id,
            "exported_at": now.isoformat(),
            "status": "exported",
            # Where each record is stored (ids, no content): what the hand-over releases.
            "things": [[t.store, t.key, t.retention_class] for t in things],
        },
    )
    return manifest


def handed_over(
    org_id: str,
    package_id: str,
    now: datetime,
    *,
    contents: ArchiveContents,
    records: HandoverRecords,
) -> int:
    """Record that the archive received the package; its records may now be purged. Returns how
    many records were released to the purge."""
    record = records.handover(org_id, package_id)
    if record is None:
        raise PackageNotFound("no exported package with that id for that organisation")
    if record.get("status") == "handed_over":
        raise AlreadyHandedOver("that package's hand-over is already recorded")
    things = [Archived(s, k, c) for s, k, c in record["things"]]
    released = contents.release(org_id, things, now)
    records.put_handover(
        org_id, package_id, {**record, "status": "handed_over", "handed_over_at": now.isoformat()}
    )
    return released
