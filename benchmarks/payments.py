"""Benchmark: payments parsed and screened per second, on pacs.008 files made from the samples.

The traffic (made once per size and seed, kept in ``.bench-data/``): 100,000 pacs.008
transactions in files of 10,000, each file in one of the 13 versions .001.01 to .001.13 (the
sample of that version in ``$MONEYTRAIL_DATA_DIR/payments/iso20022/pacs008``, its one
transaction repeated with other values). Debtors are drawn from a bank's book of 20,000
customers, creditors from 50,000 counterparties (names made with Faker across 13 locales, 60%
people and 40% companies), the agents' BICs from 2,000 made-up banks. Planted: 1% of creditors
are list entities (their name or an alias, half as written and half with a letter changed or
dropped, see bulk.py's ``variant``); 0.5% of remittance texts name a listed vessel and its IMO
number; 0.2% of creditor agents are a listed bank's BIC.

Prints: the parse rate alone; payments parsed and screened per second on 1 worker (the first
20,000) and on 2 workers (all), with every party and agent screened; peak memory; holds; the
recall of the planted payments (held, with the planted entity among the hits) and the share of
unplanted payments held; and the baseline: the same payments' party names screened one at a
time with ``Screener.match``, over the first 2,000 payments, in the same run.

Run: ``.venv/bin/python benchmarks/payments.py [--payments 100000]`` (Faker comes with
``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import resource
import string
import time
from itertools import islice
from pathlib import Path
from xml.sax.saxutils import escape

from bulk import LATIN, OTHER, planted_name  # noqa: E402  (benchmarks/ is on sys.path as a script)
from moneytrail.model import IdKind, Schema
from moneytrail.payments.parse import iter_payments
from moneytrail.payments.screen import PaymentScreener
from moneytrail.screening import Screener
from moneytrail.settings import Settings
from screening import newest_entities  # noqa: E402

SEED = 20261129
VERSION = 2  # bump when make_traffic changes: kept files are reused only if it matches
PER_FILE = 10_000
CUSTOMERS, COUNTERPARTIES, BANKS = 20_000, 50_000, 2_000
PLANTED_CREDITOR, PLANTED_TEXT, PLANTED_BIC = 0.01, 0.005, 0.002
ROOT = Path(__file__).resolve().parents[1]
_TX = re.compile(r"<CdtTrfTxInf>.*</CdtTrfTxInf>", re.S)


def peak_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def templates(data: Path) -> list[tuple[str, str, str]]:
    """(head, transaction, tail) of each pacs.008 version's sample that names its parties."""
    out = []
    for path in sorted((data / "payments/iso20022/pacs008").glob("pacs.008.001.??.xml")):
        text = path.read_text(encoding="utf-8")
        found = _TX.search(text)
        if found and "Debtor Corp" in found.group() and "COBADEFF" in found.group():
            out.append((text[:found.start()], found.group(), text[found.end():]))
    return out


def make_traffic(folder: Path, n: int, entities: list, data: Path) -> dict[str, dict]:
    """Write the files; return the planted payments (end-to-end id -> what was planted)."""
    from faker import Faker

    rng = random.Random(SEED)
    Faker.seed(SEED)
    latin, other = Faker(LATIN), Faker(OTHER)

    def party() -> str:
        fake = latin if rng.random() < 0.85 else other
        person = fake[rng.choice(fake.locales)]
        return person.name() if rng.random() < 0.6 else person.company()

    customers = [party() for _ in range(CUSTOMERS)]
    counterparties = [party() for _ in range(COUNTERPARTIES)]
    countries = ["DE", "FR", "GB", "US", "NL", "IT", "ES", "CH", "JP", "SG", "HK", "AE", "BR"]
    banks = ["".join(rng.choices(string.ascii_uppercase, k=4)) + rng.choice(countries) +
             "".join(rng.choices(string.ascii_uppercase + string.digits, k=2))
             for _ in range(BANKS)]
    listed = [e for e in entities if e.schema in (Schema.PERSON, Schema.ORGANIZATION)
              and e.names]
    vessels = [e for e in entities if e.schema is Schema.VESSEL and any(
        i.kind is IdKind.IMO for i in e.identifiers) and e.names[0].full.isascii()]
    listed_bics = sorted({(i.value[:8], e.id) for e in entities for i in e.identifiers
                          if i.kind is IdKind.BIC and len(i.value) >= 8})
    planted: dict[str, dict] = {}
    forms = templates(data)
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(0, n, PER_FILE):
        head, tx, tail = forms[(f // PER_FILE) % len(forms)]
        head = re.sub(r"<NbOfTxs>\d+</NbOfTxs>", f"<NbOfTxs>{min(PER_FILE, n - f)}</NbOfTxs>",
                      head)
        parts = [head]
        for i in range(f, min(n, f + PER_FILE)):
            e2e = f"E2E-{i:07d}"
            creditor, remittance = rng.choice(counterparties), f"Invoice {rng.randrange(10**6)}"
            creditor_bic = rng.choice(banks)
            if rng.random() < PLANTED_CREDITOR:
                entity = rng.choice(listed)
                creditor = planted_name(entity, rng)
                planted[e2e] = {"kind": "creditor", "entity": entity.id}
            elif rng.random() < PLANTED_TEXT:
                vessel = rng.choice(vessels)
                imo = next(i.value for i in vessel.identifiers if i.kind is IdKind.IMO)
                remittance = f"Freight MV {vessel.names[0].full} IMO {imo} invoice 77"
                planted[e2e] = {"kind": "text", "entity": vessel.id}
            elif rng.random() < PLANTED_BIC:
                creditor_bic, entity_id = rng.choice(listed_bics)
                planted[e2e] = {"kind": "bic", "entity": entity_id}
            body = re.sub(r"<EndToEndId>[^<]*</EndToEndId>", f"<EndToEndId>{e2e}</EndToEndId>",
                          tx)
            body = re.sub(r"<TxId>[^<]*</TxId>", f"<TxId>TX-{i:07d}</TxId>", body)
            body = (body.replace("Debtor Corp", escape(rng.choice(customers)))
                    .replace("Creditor Ltd", escape(creditor))
                    .replace("DEUTDEFF", rng.choice(banks)).replace("COBADEFF", creditor_bic))
            body = re.sub(r"<UETR>[^<]*</UETR>", "", body)
            parts.append(body.replace("</CdtTrfTxInf>", f"<RmtInf><Ustrd>{escape(remittance)}"
                                                        f"</Ustrd></RmtInf></CdtTrfTxInf>"))
        parts.append(tail)
        (folder / f"day_{f // PER_FILE:03d}.xml").write_text("".join(parts), encoding="utf-8")
    return planted


def stream(files: list[Path], limit: int | None = None):
    items = (item for path in files for item in iter_payments(path))
    return islice(items, limit) if limit else items


def measure(screener: Screener, files: list[Path], planted: dict[str, dict], workers: int,
            limit: int | None = None) -> dict:
    gc.collect()
    start = time.perf_counter()
    payments = holds = errors = found = planted_seen = false_holds = 0
    for verdict in PaymentScreener(screener).screen_stream(stream(files, limit),
                                                           workers=workers):
        if not hasattr(verdict, "hits"):
            errors += 1
            continue
        payments += 1
        held = bool(verdict.hits)
        holds += held
        wanted = planted.get(verdict.payment.end_to_end_id)
        if wanted is None:
            false_holds += held
            continue
        planted_seen += 1
        found += any(h.entity is not None and h.entity.id == wanted["entity"]
                     for h in verdict.hits)
    seconds = time.perf_counter() - start
    return {"payments": payments, "seconds": seconds, "rate": payments / seconds,
            "holds": holds, "errors": errors, "recall": found / max(1, planted_seen),
            "planted": planted_seen, "false_holds": false_holds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--one-worker", type=int, default=20_000)
    parser.add_argument("--loop", type=int, default=2_000)
    args = parser.parse_args()

    data = Settings.from_env().data_dir
    entities = newest_entities(data / "lists")
    folder = ROOT / ".bench-data" / f"payments_{args.payments}_{SEED}_v{VERSION}"
    planted_file = folder / "planted.json"
    if not planted_file.exists():
        start = time.perf_counter()
        planted = make_traffic(folder, args.payments, entities, data)
        planted_file.write_text(json.dumps(planted))
        print(f"traffic: made {args.payments:,} pacs.008 transactions in "
              f"{time.perf_counter() - start:.0f} s")
    planted = json.loads(planted_file.read_text())
    files = sorted(folder.glob("day_*.xml"))
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"traffic: {args.payments:,} pacs.008 transactions in {len(files)} files ({size:.0f} "
          f"MB), 13 versions; planted {len(planted):,} (creditor names, vessels in "
          f"remittance text, listed BICs)")

    start = time.perf_counter()
    parsed = sum(1 for _ in stream(files))
    parse_s = time.perf_counter() - start
    print(f"parse only: {parsed:,} payments in {parse_s:.1f} s, {parsed / parse_s:,.0f}/s")

    start = time.perf_counter()
    screener = Screener.from_entities(entities)
    print(f"index: {len(screener.index):,} entities in {time.perf_counter() - start:.1f} s")

    # the baseline: each payment's party and agent names through Screener.match, one by one
    loop = [p for p in stream(files, args.loop) if hasattr(p, "parties")]
    payer = PaymentScreener(screener)
    start = time.perf_counter()
    for payment in loop:
        for _, _, query in payer._queries(payment):
            screener.match(query, limit=5, cutoff=screener.threshold)
    loop_rate = len(loop) / (time.perf_counter() - start)
    print(f"baseline, Screener.match per name, first {len(loop):,} payments: "
          f"{loop_rate:,.0f} payments/s (names only: no BIC, country or text)")

    one = measure(screener, files, planted, 1, args.one_worker)
    print(f"1 worker, first {one['payments']:,} payments: {one['rate']:,.0f} payments/s "
          f"({one['rate'] / loop_rate:.1f}x the baseline); held {one['holds']:,}; "
          f"peak memory {peak_mb():.0f} MB")
    two = measure(screener, files, planted, 2)
    print(f"2 workers, {two['payments']:,} payments: {two['rate']:,.0f} payments/s in "
          f"{two['seconds']:.0f} s ({two['rate'] / loop_rate:.1f}x the baseline; target "
          f">= 2,000); held {two['holds']:,}; recall of planted {two['recall']:.4f} "
          f"({two['planted']:,}); unplanted held {two['false_holds']:,} "
          f"({two['false_holds'] / max(1, two['payments'] - two['planted']):.2%}); rejected "
          f"{two['errors']:,}; peak memory: parent {peak_mb():.0f} MB, largest worker "
          f"{peak_mb(children=True):.0f} MB")


if __name__ == "__main__":
    main()
