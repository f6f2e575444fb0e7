"""Screening a payment: every party, every bank, every country and the free text, one verdict.

For each payment (:class:`~moneytrail.payments.model.Payment`, whatever message carried it):

- **names**: every party and every agent with a name goes through the Screener as a query
  with what the message says of it (schema, birth date, countries, identifiers). The names of a
  batch of payments are screened together (:meth:`Screener.match_many`) and each distinct
  query once: a day of payments repeats its counterparties.
- **BICs**: every party's and agent's BIC against the BICs on the lists. The first eight
  characters (bank, country, location) name the institution: equal, it is the listed bank. A
  BIC that shares only the bank and country code (the first six) with a listed one is the same
  bank in another of its locations, and holds the payment too, scored :data:`BIC_PREFIX_SCORE`.
- **countries**: each party's and agent's countries (address, residence, birth, and the country
  inside a BIC) and each address line naming an embargoed country (North Korea first: its
  cities too) against :data:`EMBARGOED`.
- **free text**: remittance information and instructions to agents (MT 70, 72), each read as
  one text, for listed names, vessel IMO numbers, BICs and wallet addresses
  (:meth:`Screener.scan_text`).

A payment with any hit is ``hold``, otherwise ``pass``.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from moneytrail.cases.model import MAX_ID, MAX_KEY, Hit
from moneytrail.countries import country_code, is_north_korea
from moneytrail.match.prepare import id_key
from moneytrail.model import Entity, IdKind, Schema
from moneytrail.names.text import normalize
from moneytrail.payments.model import Agent, Party, Payment, PaymentError
from moneytrail.screening import Match, Query, RememberedMatches, Screener

#: Embargoed jurisdictions (lower-case ISO alpha-2): North Korea, Iran, Syria, Cuba.
EMBARGOED: tuple[str, ...] = ("kp", "ir", "sy", "cu")
#: The score of a BIC that shares a listed BIC's bank and country code but not its location.
BIC_PREFIX_SCORE = 0.9
#: Matches kept per screened name (the best ones; a payment holds on the first).
MATCHES_PER_NAME = 5

HOLD, PASS = "hold", "pass"


@dataclass(frozen=True)
class PaymentHit:
    """Why a payment holds: what matched (``kind``: ``name``, ``bic``, ``country``, ``text``),
    where in the payment (``field``: ``creditor.name``, ``debtor_agent.bic``,
    ``debtor.country``, ``remittance``), the value found there, and the listed entity it matched
    (None for an embargoed country) with the score and the explanation. ``party_key`` is what
    a false positive is remembered for: the party's normalised name, its BIC, the country, or
    the mention in the text."""

    kind: str
    field: str
    value: str
    party_key: str
    score: float
    entity: Entity | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "field": self.field, "value": self.value,
                               "score": round(self.score, 4)}
        if self.entity is not None:
            e = self.entity
            out.update({"entity_id": e.id, "source": e.source, "name": e.caption,
                        "schema": e.schema.value, "programs": [p.code for p in e.programs]})
        out["explanation"] = self.detail
        return out


@dataclass(frozen=True)
class PaymentResult:
    """A payment's verdict: ``hold`` with its hits, or ``pass``."""

    payment: Payment
    hits: tuple[PaymentHit, ...]

    @property
    def status(self) -> str:
        return HOLD if self.hits else PASS

    @property
    def payment_id(self) -> str:
        return payment_id(self.payment)

    def to_dict(self) -> dict[str, Any]:
        p = self.payment
        return {"payment_id": self.payment_id, "source": p.source,
                "message_index": p.message_index, "format": p.format, "status": self.status,
                "amount": str(p.amount), "currency": p.currency,
                "hits": [h.to_dict() for h in self.hits]}


def payment_id(payment: Payment) -> str:
    """A payment's id for its case: the UETR where the message has one, else its message,
    instruction, end-to-end and transaction references joined, else its file and position."""
    if payment.uetr:
        return payment.uetr
    refs = [r for r in (payment.message_id, payment.instruction_id, payment.end_to_end_id,
                        payment.transaction_id) if r]
    return "/".join(refs) if refs else f"{payment.source}#{payment.message_index}"


class PaymentScreener:
    """Screens payments with one Screener (see the module doc). Safe to reuse across batches:
    it remembers the answers for the last ``cache_size`` distinct name queries."""

    def __init__(self, screener: Screener, *, embargoed: Sequence[str] = EMBARGOED,
                 threshold: float | None = None, cache_size: int = 50_000) -> None:
        self.screener = screener
        self.embargoed = tuple(c.lower() for c in embargoed)
        self.threshold = screener.threshold if threshold is None else threshold
        self._matches = RememberedMatches(screener, limit=MATCHES_PER_NAME,
                                          threshold=self.threshold, cutoff=self.threshold,
                                          size=cache_size)
        self._bic_banks: dict[str, list[int]] | None = None

    def screen(self, payments: Iterable[Payment]) -> list[PaymentResult]:
        """Each payment's verdict, in order."""
        payments = list(payments)
        asked = [self._queries(p) for p in payments]
        queries = [q for found in asked for _, _, q in found]
        answers = dict(zip(queries, self._matches.match_many(queries)))
        return [PaymentResult(p, self._hits(p, found, answers))
                for p, found in zip(payments, asked)]

    def screen_stream(self, items: Iterable[Payment | PaymentError], *, workers: int = 1,
                      chunk_size: int = 1000) -> Iterator[PaymentResult | PaymentError]:
        """Each payment's verdict, with the rejected messages passed through, in order, as
        :func:`moneytrail.payments.parse.iter_payments` gives them. ``workers`` > 1 forks that
        many processes sharing the screener's index; the items are read here a chunk at a
        time and at most two chunks per worker are in flight, so memory stays flat in the
        number of payments."""
        items = iter(items)
        chunks = iter(lambda: list(islice(items, chunk_size)), [])
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for chunk in chunks:
                yield from self._screen_chunk(chunk)
            return
        global _WORKER
        _WORKER = self
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pending: deque = deque()
                for chunk in chunks:
                    pending.append(pool.apply_async(_screen_in_worker, (chunk,)))
                    while len(pending) >= 2 * workers:
                        yield from pending.popleft().get()
                while pending:
                    yield from pending.popleft().get()
        finally:
            _WORKER = None

    def _screen_chunk(self, chunk: list[Payment | PaymentError]
                      ) -> list[PaymentResult | PaymentError]:
        verdicts = iter(self.screen([p for p in chunk if isinstance(p, Payment)]))
        return [next(verdicts) if isinstance(p, Payment) else p for p in chunk]

    # -- names ---------------------------------------------------------------------------

    def _queries(self, payment: Payment) -> list[tuple[str, str, Query]]:
        """(field, name, query) for each named party and agent."""
        out = []
        for party in payment.parties:
            if party.name and party.name.strip():
                out.append((f"{party.role}.name", party.name, _party_query(party)))
        for agent in payment.agents:
            if agent.name and agent.name.strip():
                countries = (agent.country,) if agent.country else ()
                identifiers = ((IdKind.BIC.value, agent.bic),) if agent.bic else ()
                out.append((f"{agent.role}.name", agent.name,
                            Query((agent.name,), Schema.ORGANIZATION, countries=countries,
                                  identifiers=identifiers)))
        return out

    # -- one payment's hits --------------------------------------------------------------

    def _hits(self, payment: Payment, asked: list[tuple[str, str, Query]],
              answers: dict[Query, list[Match]]) -> tuple[PaymentHit, ...]:
        hits: list[PaymentHit] = []
        for where, name, query in asked:
            for m in answers[query]:
                if m.match:
                    hits.append(PaymentHit("name", where, name, "name:" + normalize(name),
                                           m.score, m.entity, m.explanation))
        for role, bic in _bics(payment):
            hits += self._bic_hits(f"{role}.bic", bic)
        hits += self._country_hits(payment)
        for where, lines in (("remittance", payment.remittance),
                             ("instructions", payment.instructions)):
            if lines:
                hits += self._text_hits(where, " ".join(lines))
        return tuple(_best_per_entity(hits))

    def _bic_hits(self, where: str, bic: str) -> list[PaymentHit]:
        index = self.screener.index
        exact = index.id_postings.get(id_key(IdKind.BIC, bic), ())
        out = []
        for position in sorted(set(exact)):
            entity = index.entities[position].entity
            m = self.screener.compare(Query((), identifiers=((IdKind.BIC.value, bic),)),
                                      entity, threshold=self.threshold)
            out.append(PaymentHit("bic", where, bic, "bic:" + bic[:8], m.score, entity,
                                  m.explanation))
        if out:
            return out
        for position in self._banks().get(bic[:6], ()):
            entity = index.entities[position].entity
            listed = sorted(i.value for i in entity.identifiers if i.kind is IdKind.BIC
                            and i.value.upper()[:6] == bic[:6])
            out.append(PaymentHit("bic", where, bic, "bic:" + bic[:8], BIC_PREFIX_SCORE,
                                  entity, {"method": "bic_prefix", "score": BIC_PREFIX_SCORE,
                                           "bic": bic, "listed_bics": listed,
                                           "reason": "same bank and country code as a listed "
                                                     "BIC, another location"}))
        return out

    def _banks(self) -> dict[str, list[int]]:
        """Listed BICs by their bank and country code (first six characters)."""
        if self._bic_banks is None:
            banks: dict[str, set[int]] = {}
            for key, held in self.screener.index.id_postings.items():
                if key.startswith("bic:") and len(key) >= 10:
                    banks.setdefault(key[4:10], set()).update(held)
            self._bic_banks = {k: sorted(v) for k, v in banks.items()}
        return self._bic_banks

    def _country_hits(self, payment: Payment) -> list[PaymentHit]:
        out: list[PaymentHit] = []
        seen: set[tuple[str, str]] = set()

        def add(where: str, code: str | None, value: str, how: str) -> None:
            if code in self.embargoed and (where, code) not in seen:
                seen.add((where, code))
                out.append(PaymentHit("country", where, value, "country:" + code, 1.0, None,
                                      {"method": "embargo", "country": code, "read_from": how,
                                       "score": 1.0}))

        for role, holder in _holders(payment):
            for attr in ("country", "country_of_residence", "birth_country"):
                code = getattr(holder, attr, None)
                if code:
                    add(f"{role}.{attr}", code.lower(), code, attr)
            # (an agent's country is its BIC's where the message gives no address)
            if holder.bic and holder.bic[4:6].lower() != (holder.country or ""):
                add(f"{role}.bic", holder.bic[4:6].lower(), holder.bic, "the BIC's country code")
            for line in holder.address_lines:
                if is_north_korea(line):
                    add(f"{role}.address", "kp", line, "address")
                else:
                    add(f"{role}.address", country_code(line), line, "address")
        return out

    def _text_hits(self, where: str, text: str) -> list[PaymentHit]:
        return [PaymentHit("text", where, mention.text,
                           f"text:{mention.kind}:{normalize(mention.text) or mention.text}",
                           m.score, m.entity, {**m.explanation, "mention": mention.kind,
                                               "at": [mention.start, mention.end]})
                for mention, m in self.screener.scan_text(text, threshold=self.threshold)]


_WORKER: PaymentScreener | None = None  # set in the parent before forking: shared copy-on-write


def _screen_in_worker(chunk: list[Payment | PaymentError]) -> list[PaymentResult | PaymentError]:
    assert _WORKER is not None
    return _WORKER._screen_chunk(chunk)


def _party_query(party: Party) -> Query:
    countries = tuple(dict.fromkeys(c for c in (party.country, party.country_of_residence,
                                                party.birth_country) if c))
    identifiers = tuple((i.kind.value, i.value) for i in party.ids if i.kind is not IdKind.OTHER)
    if party.bic:
        identifiers += ((IdKind.BIC.value, party.bic),)
    return Query((party.name or "",), party.schema,
                 birth_dates=(party.birth_date,) if party.birth_date else (),
                 countries=countries, identifiers=identifiers)


def _holders(payment: Payment) -> Iterable[tuple[str, Party | Agent]]:
    for party in payment.parties:
        yield party.role, party
    for agent in payment.agents:
        yield agent.role, agent


def _bics(payment: Payment) -> Iterable[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    for role, holder in _holders(payment):
        if holder.bic and (role, holder.bic) not in seen:
            seen.add((role, holder.bic))
            yield role, holder.bic.upper()


def _best_per_entity(hits: list[PaymentHit]) -> list[PaymentHit]:
    """One hit per (field, what was found there, entity or country), the best scored, in the
    order found: a vessel named in a text by its name and by its IMO number is two hits."""
    best: dict[tuple[str, str, str], PaymentHit] = {}
    for hit in hits:
        key = (hit.field, hit.party_key, hit.entity.id if hit.entity is not None else "")
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    return list(best.values())


def alert_hits(results: Iterable[PaymentResult], snapshot_of: Mapping[str, int]) -> list[Hit]:
    """The hits of held payments as :class:`~moneytrail.cases.Hit` records, for
    :func:`moneytrail.cases.open_alerts`: one case per payment, an alert per party and listed
    entity **version** (so a false positive is remembered until the entity changes).
    ``snapshot_of`` gives the snapshot of each list in service (by source). An embargoed
    country is entity ``embargo:<code>``, whose version is the embargo itself."""
    hits = []
    for result in results:
        for hit in result.hits:
            entity = hit.entity
            hits.append(Hit(
                subject_kind="payment", subject_id=_bounded(result.payment_id, MAX_ID),
                party_key=_bounded(hit.party_key, MAX_KEY),
                party_name=hit.value,
                entity_id=entity.id if entity is not None else f"embargo:{hit.detail['country']}",
                entity_version=entity.version() if entity is not None else "embargo",
                snapshot_id=snapshot_of.get(entity.source, 0) if entity is not None else 0,
                score=float(hit.score), kind=hit.kind,
                detail={"field": hit.field, **hit.detail}))
    return hits


def _bounded(key: str, limit: int) -> str:
    """A key within the store's limit: a longer one (a name or reference of a message that
    does not keep to the standard's lengths) is cut and told apart by the hash of all of it."""
    if len(key) <= limit:
        return key
    return key[:limit - 33] + "#" + hashlib.sha256(key.encode()).hexdigest()[:32]
