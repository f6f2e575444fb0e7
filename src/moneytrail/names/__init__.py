"""Names: text in, comparable forms out. Pure functions; tables are data files in the package.

- :mod:`moneytrail.names.text`: script detection, transliteration, normalisation, tokens,
  phonetic keys, person-name order.
- :mod:`moneytrail.names.korean`: Hangul and Hanja readings, DPRK / RR / MR romanization,
  surname variants and syllable-class keys, written here because no library does names right.
- :mod:`moneytrail.names.orgs`: organisation legal forms, generic words, acronyms, a glossary of
  romanized Korean; vessel names.
"""
