"""The lists capability: load list files into the store, update from the official sources, report.

Every load parses the whole file first and writes the snapshot in one transaction afterwards, so
a file that fails to parse never touches the store: the last good snapshot stays in service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any, Callable, Iterable

from moneytrail.fetch import FetchError, fetch
from moneytrail.model import Entity, Snapshot
from moneytrail.sources import DetectedFile, SourceError, detect, find_lists, ftm_json
from moneytrail.store import Store, StoreError
from moneytrail.store.store import snapshot_to_dict, utcnow


@dataclass(frozen=True)
class LoadOutcome:
    """What happened to one list file: ``loaded``, ``unchanged``, ``not_modified`` or ``failed``."""

    source: str
    status: str
    path: str | None = None
    snapshot: Snapshot | None = None
    previous: Snapshot | None = None  # the snapshot in service before (and after, on failure)
    error: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "path": self.path,
            "snapshot": snapshot_to_dict(self.snapshot) if self.snapshot else None,
            "in_service": snapshot_to_dict(self.previous) if self.previous else None,
            "error": self.error,
        }


def official_sources() -> dict[str, dict[str, str]]:
    """The official download address and format of each list we can update over the network."""
    raw = package_files("moneytrail").joinpath("data/official_sources.json").read_text("utf-8")
    return json.loads(raw)


def load_file(store: Store, detected: DetectedFile, *, force: bool = False,
              published: str | None = None) -> LoadOutcome:
    """Parse one recognised list file and store it as a new snapshot, all or nothing.

    A file whose bytes were loaded before for the same list is ``unchanged`` (unless ``force``).
    """
    previous = store.latest(detected.source)
    path = str(detected.path)
    try:
        sha256 = detected.sha256()
        if not force and store.find_by_sha256(detected.source, sha256) is not None:
            return LoadOutcome(detected.source, "unchanged", path, previous=previous)
        notes: tuple[str, ...] = ()
        if detected.format.name == "ftm_json" and ftm_json.is_delta(detected.path):
            entities, notes = _apply_delta(store, detected, previous)
        else:
            entities = list(detected.format.parse(detected.path))
        snapshot = Snapshot(
            id=None, source=detected.source, format=detected.format.name,
            published=published or detected.published or date.today().isoformat(),
            loaded_at=utcnow(), sha256=sha256, files=tuple(p.name for p in detected.files))
        stored = store.add_snapshot(snapshot, entities, force=force)
    except (SourceError, StoreError) as exc:
        return LoadOutcome(detected.source, "failed", path, previous=previous, error=str(exc))
    except UnicodeDecodeError as exc:
        return LoadOutcome(detected.source, "failed", path, previous=previous,
                           error=f"{path}: not valid text in the expected encoding "
                                 f"(byte offset {exc.start}): {exc.reason}")
    except OSError as exc:
        return LoadOutcome(detected.source, "failed", path, previous=previous,
                           error=f"{path}: {exc.strerror or exc}")
    return LoadOutcome(detected.source, "loaded", path, snapshot=stored, previous=previous,
                       notes=notes)


def _apply_delta(store: Store, detected: DetectedFile,
                 previous: Snapshot | None) -> tuple[list[Entity], tuple[str, ...]]:
    """The entities of the list after applying an FtM delta file to its snapshot in service.

    A delta never stands as a snapshot on its own: that would read as every entity it does not
    mention being removed. Without a snapshot to apply to, its upserts become the first one.
    """
    current = {e.id: e for e in store.entities(previous.id)} if previous else {}
    notes = [] if previous else [f"{detected.path}: delta applied to an empty list"]
    for op, payload in ftm_json.parse_delta(detected.path):
        if op == "DEL":
            if current.pop(str(payload), None) is None:
                notes.append(f"{detected.path}: DEL of {payload}, which is not on the list")
        else:
            assert isinstance(payload, Entity)
            current[payload.id] = payload
    return list(current.values()), tuple(notes)


def load_path(store: Store, path: Path, *, force: bool = False,
              sources: Iterable[str] | None = None) -> tuple[list[LoadOutcome], list[Path]]:
    """Load every list file in a folder (or one file), recognising each by content.

    Returns the outcome per recognised file, in publication order per list, and the files no
    format recognised. Files of lists not in ``sources`` (when given) are skipped.
    """
    if path.is_file():
        hit = detect(path)
        found, unknown = ([hit], []) if hit else ([], [path])
    else:
        found, unknown = find_lists(path)
    failed: list[LoadOutcome] = []
    skipped: list[Path] = []
    for other in unknown:
        if other.stat().st_size == 0:
            # always an error: it is what a failed copy or download leaves behind
            failed.append(LoadOutcome("?", "failed", str(other), error=f"{other}: empty file"))
        elif other == path:  # a file named on its own must be a list
            failed.append(LoadOutcome("?", "failed", str(other), error=(
                f"{other}: not a list format we recognise (OFAC CSV/XML, UN XML, UK, EU FSF, "
                "FollowTheMoney JSON)")))
        else:
            skipped.append(other)
    wanted = set(sources) if sources else None
    found = [f for f in found if wanted is None or f.source in wanted]
    # Oldest first, so each list's newest file ends up as the newest snapshot.
    found.sort(key=lambda f: (f.source, f.published or "", str(f.path)))
    outcomes = [load_file(store, f, force=force) for f in found]
    return outcomes + failed, skipped


def update_official(store: Store, download_dir: Path, *, sources: Iterable[str] | None = None,
                    urls: dict[str, str] | None = None, force: bool = False,
                    timeout: float = 60.0, retries: int = 3, backoff: float = 1.0,
                    progress: Callable[[str], None] | None = None) -> list[LoadOutcome]:
    """Download each official list (conditionally) and load what changed.

    ``urls`` overrides the address per list id (mirrors, tests). The ETag and Last-Modified of the
    last good load are kept in ``download_dir/state.json`` and sent with the next request; they are
    written only after the new file loaded, so a file that failed to parse is fetched again.
    """
    registry = official_sources()
    urls = urls or {}
    unknown = set(urls) - set(registry)
    if unknown:
        raise ValueError(f"no official source named {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(registry))}")
    wanted = list(sources) if sources else list(registry)
    state_path = download_dir / "state.json"
    state = json.loads(state_path.read_text("utf-8")) if state_path.exists() else {}
    outcomes = []
    for source in wanted:
        if source not in registry:
            raise ValueError(f"no official source named {source!r}; known: "
                             f"{', '.join(sorted(registry))}")
        info = registry[source]
        url = urls.get(source, info["url"])
        if progress:
            progress(f"{source}: {url}")
        previous = store.latest(source)
        cached = state.get(source, {}) if not force else {}
        dest = download_dir / info["filename"]
        try:
            result = fetch(url, dest, etag=cached.get("etag"),
                           last_modified=cached.get("last_modified"), timeout=timeout,
                           retries=retries, backoff=backoff)
        except (FetchError, OSError) as exc:
            outcomes.append(LoadOutcome(source, "failed", url, previous=previous, error=str(exc)))
            continue
        if result.status == "not_modified":
            outcomes.append(LoadOutcome(source, "not_modified", url, previous=previous))
            continue
        detected = detect(dest)
        if detected is None or detected.source != source:
            what = f"a {detected.source} file" if detected else "no list format we know"
            outcomes.append(LoadOutcome(source, "failed", url, previous=previous,
                                        error=f"{url}: the downloaded file is {what}"))
            continue
        outcome = load_file(store, detected, force=force)
        if outcome.ok:
            state[source] = {"etag": result.etag, "last_modified": result.last_modified,
                             "url": url, "sha256": detected.sha256()}
            state_path.write_text(json.dumps(state, indent=2), "utf-8")
        outcomes.append(outcome)
    return outcomes


def summary(store: Store) -> list[dict[str, Any]]:
    """Per list, the snapshot in service: entities by type, DPRK-related count, date."""
    rows = []
    for snap in store.latest_snapshots():
        counts = snap.counts
        rows.append({
            "source": snap.source,
            "snapshot": snap.id,
            "published": snap.published,
            "total": counts.get("total", 0),
            "people": counts.get("Person", 0),
            "organizations": counts.get("Organization", 0),
            "vessels": counts.get("Vessel", 0),
            "aircraft": counts.get("Aircraft", 0),
            "wallets": counts.get("Wallet", 0),
            "dprk": counts.get("dprk", 0),
            "snapshots": len(store.snapshots(snap.source)),
        })
    return rows


def newest_pair(store: Store, source: str) -> tuple[Snapshot, Snapshot] | None:
    """The two newest snapshots of a list (older first), or None when it has fewer than two."""
    snaps = store.snapshots(source)
    return (snaps[-2], snaps[-1]) if len(snaps) >= 2 else None
