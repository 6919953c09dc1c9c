"""The Arabic text layer: pure functions, no I/O, nothing downloaded at run time.

* :mod:`~bot.arabic.normalize` — matching form (hamza/alef, ya, ta marbuta, diacritics,
  tatweel, digits); display always uses the text as written.
* :mod:`~bot.arabic.sentences` — paragraphs and whole sentences as exact substrings.
* :mod:`~bot.arabic.tokens`, :mod:`~bot.arabic.stem`, :mod:`~bot.arabic.stopwords` — word
  tokens, Snowball stems and sumy's stop words, all offline.
* :mod:`~bot.arabic.boilerplate` — site furniture removed by general rules.
"""
