"""moneytrail: find the money that keeps a sanctioned regime alive, and cut it off."""

__version__ = "0.1.0"


def __getattr__(name: str):  # lazy, so `import moneytrail` stays cheap
    if name in ("Screener", "Query", "Match"):
        from moneytrail import screening

        return getattr(screening, name)
    raise AttributeError(f"module 'moneytrail' has no attribute {name!r}")
