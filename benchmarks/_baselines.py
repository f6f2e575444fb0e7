"""The comparison engines of ``benchmarks/quality.py``: a rapidfuzz token-sort baseline, and
OpenSanctions' nomenklatura matchers (``logic-v2``, ``name-based``) run in a separate venv.

nomenklatura is not a dependency of moneytrail. It is installed only for the benchmark, in its own
venv, and this file doubles as the worker that runs there::

    python3 -m venv .bench-venv
    .bench-venv/bin/pip install nomenklatura followthemoney
    .bench-venv/bin/python benchmarks/_baselines.py --worker < pairs.jsonl > scores.jsonl

Worker protocol: one JSON object per input line, ``{"a": name, "b": name, "sa": FtM schema,
"sb": FtM schema}``; one JSON array per output line, ``[logic-v2 score, name-based score]``, in
the same order; then one last line ``{"meta": {...}}`` with versions and timings. The worker
imports nothing of moneytrail (the bench venv does not have it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

# yente's default match threshold (yente/settings.py: SCORE_THRESHOLD = 0.70), used by the
# OpenSanctions API for every algorithm; nomenklatura's algorithms carry no threshold themselves.
NK_THRESHOLD = 0.70
NK_MATCHERS = ("logic-v2", "name-based")
BENCH_VENV = Path(__file__).resolve().parents[1] / ".bench-venv"


# -- rapidfuzz token-sort baseline -----------------------------------------------------------

def token_sort(a: str, b: str) -> float:
    """rapidfuzz ``token_sort_ratio`` with its default processor (lower case, non-alphanumerics
    to spaces), scaled to [0, 1]. No transliteration: that is what the baseline is."""
    from rapidfuzz import fuzz, utils

    return fuzz.token_sort_ratio(a, b, processor=utils.default_process) / 100.0


def best_threshold(scores: list[float], labels: list[bool]) -> tuple[float, float]:
    """The threshold T (0.00 .. 1.00 in steps of 0.01) maximizing F1 of ``score >= T``."""
    best_t, best_f1 = 1.0, -1.0
    for step in range(101):
        t = step / 100
        tp = fp = fn = 0
        for s, y in zip(scores, labels):
            hit = s >= t - 1e-9
            tp += hit and y
            fp += hit and not y
            fn += (not hit) and y
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best_t, best_f1 = t, f1
    return best_t, best_f1


# -- nomenklatura, through the bench venv ---------------------------------------------------

def run_nomenklatura(pairs: list[tuple[str, str, str, str]],
                     python: Path = BENCH_VENV / "bin" / "python",
                     ) -> tuple[dict[str, list[float]], dict] | str:
    """Score ``(name_a, name_b, ftm_schema_a, ftm_schema_b)`` pairs with logic-v2 and name-based.

    Returns (scores by matcher, worker meta), or a string saying why nothing was measured.
    """
    if not python.exists():
        return (f"no bench venv at {python.parent.parent} (create it: python3 -m venv .bench-venv "
                f"&& .bench-venv/bin/pip install nomenklatura followthemoney)")
    payload = "".join(json.dumps({"a": a, "b": b, "sa": sa, "sb": sb}, ensure_ascii=False) + "\n"
                      for a, b, sa, sb in pairs)
    try:
        proc = subprocess.run([str(python), str(Path(__file__).resolve()), "--worker"],
                              input=payload.encode(), capture_output=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the nomenklatura worker did not run: {exc}"
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        return f"the nomenklatura worker failed (exit {proc.returncode}): {' | '.join(tail)}"
    lines = proc.stdout.decode().splitlines()
    if len(lines) != len(pairs) + 1:
        return f"the nomenklatura worker returned {len(lines) - 1} scores for {len(pairs)} pairs"
    meta = json.loads(lines[-1])["meta"]
    rows = [json.loads(line) for line in lines[:-1]]
    return {name: [row[i] for row in rows] for i, name in enumerate(NK_MATCHERS)}, meta


def _worker() -> None:  # runs under .bench-venv
    from importlib.metadata import version

    from followthemoney import model
    from nomenklatura.matching import LogicV2, NameMatcher

    matchers = (LogicV2, NameMatcher)
    assert tuple(m.NAME for m in matchers) == NK_MATCHERS
    configs = [m.default_config() for m in matchers]
    counter = 0

    def entity(name: str, schema: str):
        nonlocal counter
        counter += 1
        proxy = model.make_entity(schema)
        # nomenklatura caches name analysis per entity id (logic_v2/names/analysis.py,
        # lru_cache on Entity.__hash__, which is the id): every entity needs its own id.
        proxy.id = f"bench-{counter}"
        proxy.add("name", name)
        return proxy

    started = time.perf_counter()
    pairs = [json.loads(line) for line in sys.stdin if line.strip()]
    seconds = [0.0 for _ in matchers]
    first = [0.0 for _ in matchers]
    out = sys.stdout
    for n, pair in enumerate(pairs):
        scores = []
        for i, (matcher, config) in enumerate(zip(matchers, configs)):
            query, result = entity(pair["a"], pair["sa"]), entity(pair["b"], pair["sb"])
            t0 = time.perf_counter()
            score = matcher.compare(query, result, config).score
            spent = time.perf_counter() - t0
            if n == 0:
                first[i] = spent  # loads reference data: reported apart from the rate
            else:
                seconds[i] += spent
            scores.append(round(float(score), 6))
        out.write(json.dumps(scores) + "\n")
    meta = {
        "versions": {p: version(p) for p in ("nomenklatura", "followthemoney", "rigour")},
        "pairs": len(pairs),
        "first_pair_s": dict(zip(NK_MATCHERS, first)),
        "pairs_per_s": {name: (len(pairs) - 1) / s if s else None
                        for name, s in zip(NK_MATCHERS, seconds)},
        "wall_s": time.perf_counter() - started,
        "python": sys.version.split()[0],
    }
    out.write(json.dumps({"meta": meta}) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        _worker()
    else:
        print(__doc__)
