"""The matcher's memo caches can be held to a budget (what a long-running service does)."""

from moneytrail.match import caches
from moneytrail.match.prepare import prepare_name
from moneytrail.match.tokens import token_sim


def test_trim_empties_only_the_caches_over_the_limit():
    listed = caches.memo_caches()
    assert prepare_name in listed and token_sim in listed
    for cached in listed:
        cached.cache_clear()
    for i in range(30):
        prepare_name(f"Kim Jong {i}", None)
    token_sim("kim", "gim")
    assert prepare_name.cache_info().currsize == 30
    assert caches.trim(10) >= 1
    assert prepare_name.cache_info().currsize == 0  # over the limit: emptied
    assert token_sim.cache_info().currsize == 1  # under it: kept
    # answers do not depend on the caches
    assert prepare_name("Kim Jong 3", None) == prepare_name("Kim Jong 3", None)
