"""moneytrail: find the money that keeps a sanctioned regime alive, and cut it off."""

__version__ = "0.1.0"
