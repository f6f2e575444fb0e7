"""Benchmark: matching quality of ``Screener.compare`` on labelled name pairs, against baselines.

Prints precision, recall and F1 at the default threshold (``moneytrail.match.score.THRESHOLD``)
overall, by category, by script and by schema, for four sets of pairs:

1. ``labelled``: ``names/name_pairs_labelled.csv`` (826 pairs judged same/different, from
   OpenSanctions' matcher test bench);
2. ``scripts``: ``names/one_name_many_scripts.txt`` (one person in 81 spellings; each spelling
   against the Latin primary is a positive; spellings against other list persons' names are
   negatives, sampled with a fixed seed);
3. ``korean``: ``names/korean_names_hangul_mcr.tsv`` (Hangul, McCune-Reischauer, and our own DPRK
   and RR readings of the Hangul, in pairs; negatives: different names with the same surname);
4. ``lists``: pairs derived from the real lists (an entity's aliases against its primary name;
   different DPRK persons on one list who share a surname; UN and OFAC entries of one person,
   linked by passport number or by exact birth date plus a shared word of the name).

Engines, all measured in the same run on the same pairs:

- ``moneytrail``: ``Screener.compare`` with the index built from every list in the data folder
  (newest file per list), so that name parts have their real rarity;
- ``mt-flat``: the same with an empty index (flat rarity; what ``moneytrail compare`` does);
- ``token-sort``: rapidfuzz ``token_sort_ratio >= T``, T chosen to maximize F1 on set 1 (generous
  to the baseline);
- ``logic-v2`` and ``name-based``: OpenSanctions' nomenklatura matchers at yente's default
  threshold 0.70, run in ``.bench-venv`` (see ``benchmarks/_baselines.py``); when that venv is
  missing the output says they were not measured, and why.

Run: ``.venv/bin/python benchmarks/quality.py`` (add ``--markdown docs/quality.md`` to rewrite the
report; the hand-written block between the ``notes`` markers is kept). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _baselines  # noqa: E402

from moneytrail.match.index import Index  # noqa: E402
from moneytrail.match.score import THRESHOLD  # noqa: E402
from moneytrail.model import Entity, NameKind, Schema  # noqa: E402
from moneytrail.names.korean import hangul_to_latin  # noqa: E402
from moneytrail.names.text import detect_script  # noqa: E402
from moneytrail.screening import Query, Screener  # noqa: E402
from moneytrail.settings import Settings  # noqa: E402
from moneytrail.sources import find_lists  # noqa: E402

SEED = 20261129
ROOT = Path(__file__).resolve().parents[1]
SETS = ("labelled", "scripts", "korean", "lists")
SET_TITLES = {
    "labelled": "1. labelled pairs (name_pairs_labelled.csv)",
    "scripts": "2. one name in many scripts (one_name_many_scripts.txt)",
    "korean": "3. Korean names: Hangul, MR, DPRK, RR (korean_names_hangul_mcr.tsv)",
    "lists": "4. pairs derived from the lists (aliases, DPRK namesakes, UN-OFAC links)",
}
SLICES = {
    "labelled": ("category", "case_group", "quality", "script", "schema"),
    "scripts": ("category", "script"),
    "korean": ("category", "script"),
    "lists": ("category", "source", "dprk", "overlap", "script", "schema"),
}
FTM_SCHEMA = {Schema.PERSON: "Person", Schema.ORGANIZATION: "Organization",
              Schema.VESSEL: "Vessel", Schema.AIRCRAFT: "Airplane"}
PRIMARY_SPELLING = "PUTIN, Vladimir Vladimirovich"  # the Latin primary of set 2 (list style)


def log(msg: str) -> None:
    print(f"[quality {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@dataclass
class Pair:
    set: str
    a: str  # the query side
    b: str  # the list side
    schema: Schema | None  # ours, for both sides
    ftm_a: str  # FollowTheMoney schemata, for nomenklatura
    ftm_b: str
    label: bool
    slices: dict[str, str] = field(default_factory=dict)


# -- helpers ---------------------------------------------------------------------------------

def pair_script(a: str, b: str) -> str:
    """The script of a pair: that of the non-Latin side, else Latn."""
    for side in (a, b):
        script = detect_script(side)
        if script != "Latn":
            return script
    return "Latn"


def fold_words(text: str) -> set[str]:
    """Words of a name, transliterated to ASCII by anyascii and lower-cased (for slicing and
    for linking list entries; deliberately not our own normalisation)."""
    plain = re.sub(r"['\u2019`\u02bc]", "", anyascii(text).lower())
    return {w for w in re.split(r"[^a-z0-9]+", plain) if len(w) >= 2}


def fold_full(text: str) -> str:
    return " ".join(sorted(fold_words(text)))


def overlap(a: str, b: str) -> str:
    return "shares a word" if fold_words(a) & fold_words(b) else "no shared word"


def our_schema(raw: str) -> Schema | None:
    if raw == "Person":
        return Schema.PERSON
    if raw in ("Company", "Organization", "LegalEntity"):
        return Schema.ORGANIZATION
    if raw == "Vessel":
        return Schema.VESSEL
    return None


# -- the lists ---------------------------------------------------------------------------------

class Lists:
    """Every list file in the data folder, parsed once."""

    def __init__(self, folder: Path) -> None:
        found, _ = find_lists(folder)
        self.hits = found
        self._parsed: dict[Path, list[Entity]] = {}

    def parse(self, hit) -> list[Entity]:
        if hit.path not in self._parsed:
            log(f"parsing {hit.path.parent.name}/{hit.path.name}")
            self._parsed[hit.path] = list(hit.format.parse(hit.path))
        return self._parsed[hit.path]

    def newest(self) -> list[Entity]:
        """The newest file of each list, together (one entity id once)."""
        newest = {}
        for hit in self.hits:
            if hit.source not in newest or (hit.published or "") > (newest[hit.source].published
                                                                      or ""):
                newest[hit.source] = hit
        return [e for hit in sorted(newest.values(), key=lambda h: h.source)
                for e in self.parse(hit)]

    def folder(self, name: str) -> list[Entity]:
        for hit in self.hits:
            if hit.path.parent.name == name:
                return self.parse(hit)
        raise SystemExit(f"list folder {name} not found under the data folder")


# -- the sets ----------------------------------------------------------------------------------

def set_labelled(names: Path) -> list[Pair]:
    pairs = []
    with open(names / "name_pairs_labelled.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            schema = our_schema(row["schema"])
            pairs.append(Pair("labelled", row["name1"], row["name2"], schema, row["schema"],
                              row["schema"], row["is_match"].strip().lower() == "true", {
                                  "category": row["category"] or "(none)",
                                  "case_group": row["case_group"],
                                  "quality": row["quality"] or "(none)",
                                  "script": pair_script(row["name1"], row["name2"]),
                                  "schema": schema.value if schema else "None",
                              }))
    return pairs


def set_scripts(names: Path, entities: list[Entity], rng: random.Random) -> list[Pair]:
    spellings = [s.strip() for s in (names / "one_name_many_scripts.txt").read_text(
        encoding="utf-8").splitlines() if s.strip()]
    assert PRIMARY_SPELLING in spellings, PRIMARY_SPELLING
    pairs = []
    for spelling in spellings:
        if spelling != PRIMARY_SPELLING:
            pairs.append(Pair("scripts", spelling, PRIMARY_SPELLING, Schema.PERSON, "Person",
                              "Person", True, {"category": "same person",
                                               "script": pair_script(spelling, PRIMARY_SPELLING)}))
    # Negatives: other list persons' primary names. Half share a word with a Latin spelling
    # (Vladimir ..., ... Vladimirovich), half are random persons against a random spelling.
    latin = [s for s in spellings if detect_script(s) == "Latn"]
    words = set().union(*(fold_words(s) for s in latin)) - {"president", "presidente"}
    persons = sorted({e.names[0].full for e in entities
                      if e.schema is Schema.PERSON and e.names
                      and not ({"putin", "poutine", "poetin", "putyin"} & fold_words(e.caption))})
    sharing = [p for p in persons if fold_words(p) & words]
    others = [p for p in persons if not fold_words(p) & words]
    for name in rng.sample(sharing, min(150, len(sharing))):
        spelling = rng.choice(latin)
        pairs.append(Pair("scripts", spelling, name, Schema.PERSON, "Person", "Person", False,
                          {"category": "other person, shares a word",
                           "script": pair_script(spelling, name)}))
    for name in rng.sample(others, 250):
        spelling = rng.choice(spellings)
        pairs.append(Pair("scripts", spelling, name, Schema.PERSON, "Person", "Person", False,
                          {"category": "other person, random",
                           "script": pair_script(spelling, name)}))
    return pairs


_HANGUL_NAME = re.compile(r"^[\uac00-\ud7a3]+(?: [\uac00-\ud7a3]+)?$")


def set_korean(names: Path, rng: random.Random) -> tuple[list[Pair], str]:
    rows = []
    skipped = 0
    with open(names / "korean_names_hangul_mcr.tsv", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2 or not _HANGUL_NAME.match(parts[0].strip()) \
                    or len(parts[0].replace(" ", "")) < 2:
                skipped += 1  # "MC 몽", "김 C", "테디 박": not a Hangul personal name
                continue
            hangul, mr = parts[0].strip(), parts[1].strip()
            rows.append({"Hangul": hangul, "MR": mr,
                         "DPRK": hangul_to_latin(hangul, system="dprk"),
                         "RR": hangul_to_latin(hangul, system="rr")})
    forms = (("Hangul", "MR"), ("Hangul", "DPRK"), ("Hangul", "RR"), ("MR", "DPRK"),
             ("MR", "RR"))
    pairs = []
    for x, y in forms:
        for row in rows:
            pairs.append(Pair("korean", row[x], row[y], Schema.PERSON, "Person", "Person", True,
                              {"category": f"{x} vs {y}: same name",
                               "script": pair_script(row[x], row[y])}))
    # Negatives: two different names of the file with the same surname (same first Hangul
    # syllable and same MR surname word), in each pairing of forms.
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[(row["Hangul"][0], fold_full(row["MR"].split()[0]))].append(i)
    candidates = sorted((i, j) for members in groups.values()
                        for i, j in itertools.combinations(members, 2)
                        if rows[i]["Hangul"].replace(" ", "") != rows[j]["Hangul"].replace(" ", ""))
    per_form = 600
    excluded = 0
    for x, y in forms:
        taken = 0
        for i, j in rng.sample(candidates, len(candidates)):
            if taken == per_form:
                break
            if rng.random() < 0.5:
                i, j = j, i
            a, b = rows[i][x], rows[j][y]
            # Two Hangul names that one romanization writes alike cannot be told apart in it.
            if any(fold_full(rows[i][f].replace("-", "")) == fold_full(rows[j][f].replace("-", ""))
                   for f in {x, y} - {"Hangul"}):
                excluded += 1
                continue
            pairs.append(Pair("korean", a, b, Schema.PERSON, "Person", "Person", False,
                              {"category": f"{x} vs {y}: same surname, other name",
                               "script": pair_script(a, b)}))
            taken += 1
    note = (f"{len(rows)} names used ({skipped} rows skipped: not a Hangul personal name); "
            f"{len(candidates):,} same-surname pairs available, {per_form} sampled per pairing of "
            f"forms ({excluded} skipped because a romanization writes both names alike)")
    return pairs, note


def _primary(entity: Entity):
    for name in entity.names:
        if name.kind is NameKind.PRIMARY:
            return name
    return None


def _surname(entity: Entity) -> str:
    name = _primary(entity)
    if name is None:
        return ""
    if name.family:
        return fold_full(name.family)
    head = name.full.split(",")[0] if "," in name.full else name.full.split()[0]
    return fold_full(head)


def _passports(entity: Entity) -> set[str]:
    out = set()
    for ident in entity.identifiers:
        if ident.kind.value == "passport":
            value = re.sub(r"[^0-9A-Za-z]", "", ident.value).upper()
            if len(value) >= 5:
                out.add(value)
    return out


def set_lists(lists: Lists, rng: random.Random) -> tuple[list[Pair], str]:
    pairs: list[Pair] = []
    notes = []
    sources = (("ofac_sdn 2021-07", "ofac_sdn_2021-07"), ("un_sc 2026-02-27", "un_2026-02-27"),
               ("uk_ofsi 2018-04-13", "uk_ofsi_2018-04-13"))
    # Positives: every other name of an entity against its primary name.
    for label, folder in sources:
        same = 0
        for entity in lists.folder(folder):
            if entity.schema not in FTM_SCHEMA:
                continue
            primary = _primary(entity)
            if primary is None:
                continue
            for name in entity.names:
                if name.kind is NameKind.PRIMARY:
                    continue
                if name.full.casefold() == primary.full.casefold():
                    same += 1
                    continue
                ftm = FTM_SCHEMA[entity.schema]
                pairs.append(Pair("lists", name.full, primary.full, entity.schema, ftm, ftm, True, {
                    "category": f"alias ({name.kind.value}) vs primary",
                    "source": label,
                    "dprk": "DPRK" if entity.dprk else "not DPRK",
                    "overlap": overlap(name.full, primary.full),
                    "script": pair_script(name.full, primary.full),
                    "schema": entity.schema.value,
                }))
        notes.append(f"{label}: {same} aliases equal to the primary but for case left out")
    # Negatives: different DPRK persons on one list who share a surname.
    negatives = []
    namesakes = 0
    for label, folder in sources:
        groups: dict[str, list[Entity]] = defaultdict(list)
        for entity in lists.folder(folder):
            if entity.dprk and entity.schema is Schema.PERSON and _primary(entity) is not None:
                surname = _surname(entity)
                if surname:
                    groups[surname].append(entity)
        for members in groups.values():
            for x, y in itertools.combinations(members, 2):
                if {fold_full(n.full) for n in x.names} & {fold_full(n.full) for n in y.names}:
                    namesakes += 1  # one name on both: no name matcher can tell them apart
                    continue
                negatives.append((label, x, y))
    cap = 3000
    if len(negatives) > cap:
        negatives = rng.sample(negatives, cap)
    for label, x, y in negatives:
        a, b = _primary(x).full, _primary(y).full
        pairs.append(Pair("lists", a, b, Schema.PERSON, "Person", "Person", False, {
            "category": "DPRK persons, same surname", "source": label, "dprk": "DPRK",
            "overlap": overlap(a, b), "script": pair_script(a, b), "schema": "Person"}))
    notes.append(f"DPRK same-surname negatives: {len(negatives)} used (at most {cap}, sampled); "
                 f"{namesakes} pairs left out because both persons carry one identical name")
    # Positives: the UN and OFAC entries of one person, linked without looking at our matcher.
    un = [e for e in lists.folder("un_2026-02-27") if e.schema is Schema.PERSON]
    ofac = [e for e in lists.folder("ofac_sdn_2024-05-03") if e.schema is Schema.PERSON]
    by_passport: dict[str, set[int]] = defaultdict(set)
    by_date: dict[str, set[int]] = defaultdict(set)
    for i, e in enumerate(ofac):
        for p in _passports(e):
            by_passport[p].add(i)
        for d in e.birth_dates:
            if len(d) == 10:
                by_date[d].add(i)
    links = defaultdict(int)
    for u in un:
        how = "passport"
        found = {i for p in _passports(u) for i in by_passport.get(p, ())}
        if not found:
            how = "birth date + shared word"
            words = set().union(*(fold_words(n.full) for n in u.names))
            found = {i for d in u.birth_dates if len(d) == 10 for i in by_date.get(d, ())
                     if words & set().union(*(fold_words(n.full) for n in ofac[i].names))}
        if len(found) != 1:
            links["ambiguous" if found else "none"] += 1
            continue
        links[how] += 1
        o = ofac[found.pop()]
        a, b = _primary(u), _primary(o)
        if a is None or b is None:
            continue
        sides = [(a.full, f"UN-OFAC link by {how}")]
        sides += [(n.full, "UN-OFAC link, UN original script") for n in u.names
                  if n.kind is NameKind.ORIGINAL_SCRIPT]
        for name, category in sides:
            pairs.append(Pair("lists", name, b.full, Schema.PERSON, "Person", "Person", True, {
                "category": category, "source": "un_sc 2026 vs ofac_sdn 2024",
                "dprk": "DPRK" if (u.dprk or o.dprk) else "not DPRK",
                "overlap": overlap(name, b.full), "script": pair_script(name, b.full),
                "schema": "Person"}))
    notes.append("UN persons linked to OFAC SDN 2024-05-03: " + ", ".join(
        f"{k} {v}" for k, v in sorted(links.items())))
    return pairs, "; ".join(notes)


# -- scoring -------------------------------------------------------------------------------------

@dataclass
class Engine:
    name: str
    threshold: float | None
    scores: list[float] | None = None  # one per pair, in order
    missing: str | None = None  # why it was not measured
    note: str = ""

    def decide(self, i: int) -> bool:
        assert self.scores is not None and self.threshold is not None
        return self.scores[i] >= self.threshold - 1e-9


@dataclass
class Counts:
    n: int = 0
    pos: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, label: bool, hit: bool) -> None:
        self.n += 1
        self.pos += label
        self.tp += label and hit
        self.fp += hit and not label
        self.fn += label and not hit

    @property
    def errors(self) -> int:
        return self.fp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        if not self.tp + self.fp + self.fn:
            return None  # only true negatives: F1 is undefined
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def run_ours(screener: Screener, pairs: list[Pair], label: str) -> tuple[list[float], list, float]:
    scores, explanations = [], []
    start = time.perf_counter()
    for n, p in enumerate(pairs):
        m = screener.compare(Query.of(p.a, schema=p.schema), Query.of(p.b, schema=p.schema))
        scores.append(m.score)
        explanations.append(m.explanation)
        if n and n % 10000 == 0:
            log(f"{label}: {n:,} / {len(pairs):,} pairs")
    return scores, explanations, time.perf_counter() - start


def counts_for(engine: Engine, pairs: list[Pair], idx: list[int],
               key: str | None = None) -> dict[str, Counts]:
    out: dict[str, Counts] = defaultdict(Counts)
    for i in idx:
        value = "all" if key is None else pairs[i].slices.get(key, "?")
        out[value].add(pairs[i].label, engine.decide(i))
    return out


# -- report ------------------------------------------------------------------------------------

class Report:
    """Collects the plain-text output (stdout) and the Markdown report side by side."""

    def __init__(self) -> None:
        self.md: list[str] = []

    def out(self, text: str = "") -> None:
        print(text, flush=True)

    def mdl(self, text: str = "") -> None:
        self.md.append(text)


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{head}" + (" with uncommitted changes under src/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", type=Path, help="write the report to this Markdown file")
    parser.add_argument("--no-nomenklatura", action="store_true",
                        help="skip the nomenklatura baselines")
    parser.add_argument("--misses", type=int, default=15,
                        help="false positives / negatives of set 1 to list (each)")
    args = parser.parse_args()
    started = time.perf_counter()
    data = Settings.from_env().data_dir
    names_dir = data / "names"

    lists = Lists(data / "lists")
    entities = lists.newest()
    log(f"building the index from {len(entities):,} entities (newest file of each list)")
    t0 = time.perf_counter()
    rich = Screener.from_entities(entities)
    build_s = time.perf_counter() - t0
    flat = Screener(Index())

    notes: dict[str, str] = {}
    pairs = set_labelled(names_dir)
    pairs += set_scripts(names_dir, entities, random.Random(SEED))
    korean, notes["korean"] = set_korean(names_dir, random.Random(SEED))
    pairs += korean
    derived, notes["lists"] = set_lists(lists, random.Random(SEED))
    pairs += derived
    by_set = {s: [i for i, p in enumerate(pairs) if p.set == s] for s in SETS}
    log(f"{len(pairs):,} pairs: " + ", ".join(f"{s} {len(v):,}" for s, v in by_set.items()))

    # Engines.
    ours_scores, ours_expl, ours_s = run_ours(rich, pairs, "moneytrail")
    flat_scores, _, _ = run_ours(flat, pairs, "mt-flat")
    engines = [Engine("moneytrail", THRESHOLD, ours_scores,
                      note=f"index of {len(rich.index):,} list entities; "
                           f"{len(pairs) / ours_s:,.0f} pairs/s (compare, one core)"),
               Engine("mt-flat", THRESHOLD, flat_scores, note="empty index: flat rarity")]
    log("rapidfuzz token_sort_ratio")
    ts_scores = [_baselines.token_sort(p.a, p.b) for p in pairs]
    t, t_f1 = _baselines.best_threshold([ts_scores[i] for i in by_set["labelled"]],
                                        [pairs[i].label for i in by_set["labelled"]])
    engines.append(Engine("token-sort", t, ts_scores,
                          note=f"rapidfuzz token_sort_ratio >= {t:.2f}, the threshold that "
                               f"maximizes F1 on set 1 ({t_f1:.3f} there)"))
    nk_meta: dict = {}
    if args.no_nomenklatura:
        result: tuple | str = "skipped (--no-nomenklatura)"
    else:
        log(f"nomenklatura logic-v2 and name-based on {len(pairs):,} pairs (bench venv)")
        result = _baselines.run_nomenklatura([(p.a, p.b, p.ftm_a, p.ftm_b) for p in pairs])
    for name in _baselines.NK_MATCHERS:
        if isinstance(result, str):
            engines.append(Engine(name, _baselines.NK_THRESHOLD, missing=result))
        else:
            scores, nk_meta = result
            rate = nk_meta["pairs_per_s"][name]
            engines.append(Engine(name, _baselines.NK_THRESHOLD, scores[name],
                                  note=f">= {_baselines.NK_THRESHOLD} (yente's default); "
                                       f"{rate:,.0f} pairs/s (one core; first pair "
                                       f"{nk_meta['first_pair_s'][name]:.1f} s)"))
    measured = [e for e in engines if e.scores is not None]

    rep = Report()
    today = datetime.date.today().isoformat()
    header = [
        f"date: {today}; code: {git_state()}; default threshold THRESHOLD = {THRESHOLD}",
        f"index: {len(rich.index):,} entities from the newest file of each list, built in "
        f"{build_s:.1f} s",
    ]
    if nk_meta:
        header.append("versions: " + ", ".join(f"{k} {v}" for k, v in
                                                nk_meta["versions"].items()))
    for line in header:
        rep.out(line)
    rep.out()
    rep.out("engines:")
    for e in engines:
        rep.out(f"  {e.name:<11} " + (f"threshold {e.threshold:.2f}; {e.note}" if e.scores
                                      else f"NOT MEASURED: {e.missing}"))
    rep.mdl("## Engines")
    rep.mdl()
    rep.mdl("| engine | threshold | notes |")
    rep.mdl("|---|---:|---|")
    for e in engines:
        rep.mdl(f"| {e.name} | {e.threshold:.2f} | " + (e.note if e.scores else
                                                        f"**not measured**: {e.missing}") + " |")
    rep.mdl()
    rep.mdl("Run facts: " + "; ".join(header) + ".")
    rep.mdl()

    # Overall, per set.
    rep.out()
    rep.out("=== overall F1 by set ===")
    summary_head = "set".ljust(12) + "".join(f"{e.name:>12}" for e in measured)
    rep.out(summary_head)
    rep.mdl("## Summary: F1 at each engine's threshold")
    rep.mdl()
    rep.mdl("| set | pairs | positives | " + " | ".join(e.name for e in measured) + " |")
    rep.mdl("|---|---:|---:|" + "---:|" * len(measured))
    for s in SETS:
        idx = by_set[s]
        row = [counts_for(e, pairs, idx)["all"] for e in measured]
        rep.out(s.ljust(12) + "".join(f"{fmt(c.f1):>12}" for c in row))
        rep.mdl(f"| {SET_TITLES[s]} | {len(idx):,} | {row[0].pos:,} | "
                + " | ".join(fmt(c.f1) for c in row) + " |")
        if s == "lists":  # its only negatives are DPRK persons: the DPRK slice is the fair one
            dprk = [i for i in idx if pairs[i].slices.get("dprk") == "DPRK"]
            row = [counts_for(e, pairs, dprk)["all"] for e in measured]
            rep.out("  DPRK".ljust(12) + "".join(f"{fmt(c.f1):>12}" for c in row))
            rep.mdl(f"| 4. lists, DPRK slice only (all the negatives are here) | {len(dprk):,} | "
                    f"{row[0].pos:,} | " + " | ".join(fmt(c.f1) for c in row) + " |")
    rep.mdl()
    rep.mdl(SPLIT)

    for s in SETS:
        idx = by_set[s]
        rep.out()
        rep.out(f"=== {SET_TITLES[s]}: {len(idx):,} pairs ===")
        if s in notes:
            rep.out(f"({notes[s]})")
        rep.mdl(f"## {SET_TITLES[s]}")
        rep.mdl()
        if s in notes:
            rep.mdl(notes[s] + ".")
            rep.mdl()
        head = (f"{'':<34}{'engine':<12}{'n':>6}{'pos':>6}{'TP':>6}{'FP':>6}{'FN':>6}"
                f"{'prec':>7}{'recall':>7}{'F1':>7}")
        rep.out(head)
        rep.mdl("| engine | n | TP | FP | FN | precision | recall | F1 |")
        rep.mdl("|---|---:|---:|---:|---:|---:|---:|---:|")
        for e in measured:
            c = counts_for(e, pairs, idx)["all"]
            rep.out(f"{'overall':<34}{e.name:<12}{c.n:>6}{c.pos:>6}{c.tp:>6}{c.fp:>6}{c.fn:>6}"
                    f"{fmt(c.precision):>7}{fmt(c.recall):>7}{fmt(c.f1):>7}")
            rep.mdl(f"| {e.name} | {c.n:,} | {c.tp:,} | {c.fp:,} | {c.fn:,} | "
                    f"{fmt(c.precision)} | {fmt(c.recall)} | {fmt(c.f1)} |")
        rep.mdl()
        for key in SLICES[s]:
            per = {e.name: counts_for(e, pairs, idx, key) for e in measured}
            values = sorted(per["moneytrail"], key=lambda v: (-per["moneytrail"][v].n, v))
            rep.out(f"--- by {key} ---")
            for v in values:
                for k, e in enumerate(measured):
                    c = per[e.name][v]
                    rep.out(f"{(v[:33] if k == 0 else ''):<34}{e.name:<12}{c.n:>6}{c.pos:>6}"
                            f"{c.tp:>6}{c.fp:>6}{c.fn:>6}{fmt(c.precision):>7}"
                            f"{fmt(c.recall):>7}{fmt(c.f1):>7}")
            others = [e for e in measured if e.name != "moneytrail"]
            rep.mdl(f"By {key} (moneytrail in full; the other engines' F1, and their errors "
                    "FP+FN in brackets):")
            rep.mdl()
            rep.mdl(f"| {key} | n | pos | TP | FP | FN | precision | recall | F1 | "
                    + " | ".join(e.name for e in others) + " |")
            rep.mdl("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(others))
            for v in values:
                c = per["moneytrail"][v]
                rep.mdl(f"| {v} | {c.n} | {c.pos} | {c.tp} | {c.fp} | {c.fn} | "
                        f"{fmt(c.precision)} | {fmt(c.recall)} | {fmt(c.f1)} | "
                        + " | ".join(f"{fmt(per[e.name][v].f1)} ({per[e.name][v].errors})"
                                     for e in others) + " |")
            rep.mdl()

    # Categories of set 1: us against logic-v2.
    rep.out()
    rep.out("=== set 1 by category: moneytrail against logic-v2 ===")
    rep.mdl("## Set 1 by category: moneytrail against logic-v2")
    rep.mdl()
    lv2 = next((e for e in measured if e.name == "logic-v2"), None)
    worse_rows: list[str] = []
    if lv2 is None:
        msg = "logic-v2 not measured: " + next(e.missing for e in engines
                                                if e.name == "logic-v2")
        rep.out(msg)
        rep.mdl(msg)
    else:
        ours = counts_for(engines[0], pairs, by_set["labelled"], "category")
        theirs = counts_for(lv2, pairs, by_set["labelled"], "category")
        rep.out(f"{'category':<34}{'n':>5}{'F1 ours':>9}{'F1 lv2':>9}{'err ours':>9}"
                f"{'err lv2':>9}")
        rep.mdl("WORSE: a lower F1 than logic-v2 or, where F1 is undefined (a category of "
                "negatives only), more errors (FP+FN).")
        rep.mdl()
        rep.mdl("| category | n | F1 moneytrail | F1 logic-v2 | errors moneytrail | "
                "errors logic-v2 | |")
        rep.mdl("|---|---:|---:|---:|---:|---:|---|")
        order = sorted(ours, key=lambda v: (-(ours[v].errors - theirs[v].errors), -ours[v].n, v))
        for v in order:
            a, b = ours[v], theirs[v]
            if a.f1 is not None and b.f1 is not None:
                diff = a.f1 - b.f1
            else:  # a category of negatives only: F1 undefined, fewer errors is better
                diff = b.errors - a.errors
            flag = "WORSE" if diff < -1e-9 else ("better" if diff > 1e-9 else "")
            if flag == "WORSE":
                worse_rows.append(f"{v} ({a.errors} vs {b.errors} errors of {a.n})")
            rep.out(f"{v[:33]:<34}{a.n:>5}{fmt(a.f1):>9}{fmt(b.f1):>9}{a.errors:>9}"
                    f"{b.errors:>9}  {flag}")
            rep.mdl(f"| {v} | {a.n} | {fmt(a.f1)} | {fmt(b.f1)} | {a.errors} | {b.errors} | "
                    f"{flag} |")
        rep.out(f"categories where moneytrail is worse than logic-v2: {len(worse_rows)}"
                + (": " + "; ".join(worse_rows) if worse_rows else ""))
        rep.mdl()
        rep.mdl(f"Categories where moneytrail is worse than logic-v2: {len(worse_rows)}.")
    rep.mdl()

    # Where we lose.
    rep.out()
    rep.out("=== where we lose: moneytrail's misses ===")
    rep.mdl("## Where we lose: moneytrail's misses")
    rep.mdl()
    lv2_scores = lv2.scores if lv2 is not None else None

    def detail(i: int) -> tuple[str, str]:
        ex = ours_expl[i]
        method = ex.get("method", "")
        name = next((f for f in ex.get("features", []) if f["feature"] == "name"), None)
        why = name["detail"] if name else ""
        return method, why.removeprefix(f"{method}: ")

    def misses(s: str, label: bool, k: int) -> tuple[list[int], int, str]:
        idx = [i for i in by_set[s] if pairs[i].label is label
               and engines[0].decide(i) is not label]
        total = len(idx)
        if s == "lists" and label:
            # The lowest-scoring misses here are a.k.a.s that are other names altogether:
            # show a fixed-seed sample of the DPRK misses instead.
            idx = [i for i in idx if pairs[i].slices.get("dprk") == "DPRK"]
            how = f"a fixed-seed sample of the {len(idx)} DPRK ones"
            idx = sorted(random.Random(SEED).sample(idx, min(k, len(idx))),
                         key=lambda i: -ours_scores[i])
            return idx, total, how
        idx.sort(key=lambda i: ours_scores[i], reverse=not label)
        return idx[:k], total, ("highest scores first" if not label else "lowest scores first")

    # Set 1 misses by the explanation's method: where to look first.
    by_method: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i in by_set["labelled"]:
        hit = engines[0].decide(i)
        if hit != pairs[i].label:
            by_method[detail(i)[0] or "none"][0 if hit else 1] += 1
    rep.out("set 1 misses by method (FP, FN): " + ", ".join(
        f"{m} {fp}/{fn}" for m, (fp, fn) in sorted(by_method.items(), key=lambda x: -sum(x[1]))))
    rep.mdl("Set 1 misses by the explanation's `method` (`none`: the names share no key, so "
            "the name score is 0):")
    rep.mdl()
    rep.mdl("| method | false positives | false negatives |")
    rep.mdl("|---|---:|---:|")
    for m, (fp, fn) in sorted(by_method.items(), key=lambda x: -sum(x[1])):
        rep.mdl(f"| {m} | {fp} | {fn} |")
    rep.mdl()

    for s, k in (("labelled", args.misses), ("scripts", 8), ("korean", 10), ("lists", 15)):
        for label, what in ((False, "false positives"), (True, "false negatives")):
            found, total, how = misses(s, label, k)
            title = (f"{SET_TITLES[s].split(' (')[0]}: {what} ({len(found)} of {total} shown"
                     + (f", {how})" if found else ")"))
            rep.out(f"--- {title} ---")
            rep.mdl(f"### {title}")
            rep.mdl()
            if not found:
                rep.mdl("None.")
                rep.mdl()
                continue
            rep.mdl("| query | list name | schema | category | score | logic-v2 | method | "
                    "detail |")
            rep.mdl("|---|---|---|---|---:|---:|---|---|")
            for i in found:
                p = pairs[i]
                method, why = detail(i)
                theirs_s = fmt(lv2_scores[i]) if lv2_scores else "–"
                rep.out(f"  {ours_scores[i]:.3f} (lv2 {theirs_s}) {p.a!r} / {p.b!r} "
                        f"[{p.slices.get('schema', 'Person')}; {p.slices.get('category')}] "
                        f"{method}: {why}")
                cell = lambda t: t.replace("|", "\\|")  # noqa: E731
                rep.mdl(f"| {cell(p.a)} | {cell(p.b)} | {p.slices.get('schema', 'Person')} | "
                        f"{cell(p.slices.get('category', ''))} | {ours_scores[i]:.3f} | "
                        f"{theirs_s} | {method} | {cell(why)} |")
            rep.mdl()

    elapsed = time.perf_counter() - started
    log(f"done in {elapsed:.0f} s")
    if args.markdown:
        write_markdown(args.markdown, rep, today, elapsed)
        log(f"wrote {args.markdown}")


NOTES_START, NOTES_END = "<!-- notes:start -->", "<!-- notes:end -->"
SPLIT = "<!-- split -->"


def write_markdown(path: Path, rep: Report, today: str, elapsed: float) -> None:
    notes = f"{NOTES_START}\n(no notes yet)\n{NOTES_END}"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if NOTES_START in old and NOTES_END in old:
            notes = old[old.index(NOTES_START):old.index(NOTES_END) + len(NOTES_END)]
    head = f"""# Matching quality

Generated by `benchmarks/quality.py` on {today} (run time {elapsed:.0f} s, two-core machine).
Command:

    .venv/bin/python benchmarks/quality.py --markdown docs/quality.md

(without `--markdown` it prints the same figures, with every engine in full for every slice).
Re-run it after changing the matcher: the figures below are only as current as that date.

Precision, recall and F1 are for `score >= threshold` at each engine's own default threshold
(moneytrail: `moneytrail.match.score.THRESHOLD`). A slice with negatives only has no F1 ("–"):
compare its errors (FP+FN) instead. The sets and the baselines are described below the notes.

"""
    middle = f"""
## Notes (written by hand; kept when the report is regenerated)

{notes}

## The sets

1. **labelled** — `../shared/data/names/name_pairs_labelled.csv`: 826 pairs judged same/different,
   from OpenSanctions' matcher test bench (MIT): persons, companies, a few vessels.
   Schema: Person; Company/Organization/LegalEntity -> Organization; Vessel. logic-v2 was tuned
   on these pairs; nomenklatura gets the file's own schema, we get the mapped one.
2. **scripts** — `one_name_many_scripts.txt`: one person (Vladimir Putin) written 81 ways in 20+
   scripts. Each spelling against the Latin primary `{PRIMARY_SPELLING}` is a positive.
   Negatives: 150 list persons whose name shares a word with a Latin spelling (Vladimir ...,
   ... Vladimirovich), each against a random Latin spelling, and 250 random list persons, each
   against a random spelling in any script (seed {SEED}).
3. **korean** — `korean_names_hangul_mcr.tsv`: 1,350 Korean personal names in Hangul with their
   McCune-Reischauer (MR) spelling, plus our own DPRK and RR readings of the Hangul
   (`moneytrail.names.korean.hangul_to_latin`). Positives: each name in five pairings of forms
   (Hangul-MR, Hangul-DPRK, Hangul-RR, MR-DPRK, MR-RR). Negatives: two different names of the
   file with the same surname, 600 per pairing of forms (seed {SEED}). Caveat: Hangul-DPRK and
   Hangul-RR test our readings against our own romanizer, so they are easy for us by
   construction; MR against DPRK/RR is the informative part.
4. **lists** — derived from the real lists in `../shared/data/lists`: every alias (strong, weak,
   former, original script) of an entity against its primary name on OFAC SDN 2021-07 (with
   alt.csv), the UN list 2026-02-27 and UK OFSI 2018-04-13 (positives); different DPRK persons on
   one list who share a surname, primary against primary (negatives, at most 3,000, sampled);
   UN persons linked to one OFAC SDN 2024-05-03 person by passport number, or by exact birth date
   plus a shared word of the name, UN primary (and UN original-script name) against OFAC primary
   (positives). Aliases include names that are not spellings of the primary (an a.k.a. can be
   an unrelated name, a former vessel name another name altogether): see the `overlap` slice.
   All negatives are DPRK persons, so precision is only meaningful in the DPRK slice (shown as
   its own row in the summary).

The index for `moneytrail` is built from the newest file of each list (every list together), so
that the rarity of a name part is known; `mt-flat` is the same engine with an empty index
(every part equally rare), which is what `moneytrail compare` on the command line does.

## Baselines

- **token-sort**: rapidfuzz `fuzz.token_sort_ratio` with its default processor, no
  transliteration; its threshold is the one that maximizes F1 on set 1, chosen in the run
  (generous to the baseline).
- **logic-v2** and **name-based**: OpenSanctions' nomenklatura matchers
  (`nomenklatura.matching.LogicV2`, `NameMatcher`), called as
  `Matcher.compare(query, result, Matcher.default_config())` on two entities made by
  `followthemoney.model.make_entity(schema)` with one `name` each, at yente's default threshold
  0.70 (`yente/settings.py: SCORE_THRESHOLD`; nomenklatura's algorithms carry none). They run in a
  separate venv that moneytrail does not depend on (nothing is added to `pyproject.toml`):

      python3 -m venv .bench-venv
      .bench-venv/bin/pip install nomenklatura followthemoney

  `benchmarks/_baselines.py` is run there as a worker (pairs as JSON lines on stdin, scores on
  stdout). Every entity gets its own id: nomenklatura caches name analysis by entity id, and
  reusing ids silently returns the first pair's analysis (a logic-v2 score of 0.0 for every
  later pair). Without the venv the report says "not measured" and why.

"""
    body = "\n".join(rep.md)
    top, _, rest = body.partition(SPLIT)
    path.write_text(head + top.rstrip() + "\n" + middle + rest.strip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
