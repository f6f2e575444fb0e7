"""Memo cache sizes: as written for a bulk run, or capped for a long-running service."""

from __future__ import annotations

import pytest

from moneytrail.names.memo import MEMO_ITEMS_ENV, memo, memo_size


def test_sizes_are_as_written_unless_capped(monkeypatch):
    monkeypatch.delenv(MEMO_ITEMS_ENV, raising=False)
    assert memo_size(65_536) == 65_536 and memo_size(None) is None
    monkeypatch.setenv(MEMO_ITEMS_ENV, "20000")
    assert memo_size(65_536) == 20_000
    assert memo_size(1_000) == 1_000  # (a smaller size stays)
    assert memo_size(None) == 20_000  # (an unbounded cache is bounded)


def test_a_capped_cache_drops_its_least_recently_used_entries(monkeypatch):
    monkeypatch.setenv(MEMO_ITEMS_ENV, "3")
    calls: list[int] = []

    @memo(1_000)
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    for x in (1, 2, 3, 1, 4):  # 4 pushes out 2, the least recently used
        assert square(x) == x * x
    assert square.cache_info().maxsize == 3 and square.cache_info().currsize == 3
    calls.clear()
    square(1), square(3), square(4), square(2)
    assert calls == [2]


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_a_cap_that_is_not_a_count_is_refused_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv(MEMO_ITEMS_ENV, value)
    with pytest.raises(ValueError, match=MEMO_ITEMS_ENV):
        memo_size(10)
