"""Matching: an index built once per set of snapshots, candidates, and an explained scorer.

Builds from an iterable of entities and never reads the store itself.
"""

from moneytrail.match.index import Index
from moneytrail.match.score import EXPLANATION_VERSION, THRESHOLD

__all__ = ["EXPLANATION_VERSION", "Index", "THRESHOLD"]
