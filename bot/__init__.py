"""digestbot: cited, extractive digests of Arabic news dossiers, served over Telegram.

The package is a pipeline then a server: ``bot.corpus`` and ``bot.arabic`` turn
``seeds/`` into sentences, ``bot.digest`` and ``bot.extract`` derive the served views,
``bot.cache`` writes them to ``summaries/``; ``bot.telegram`` serves that cache from
memory and never recomputes NLP at request time.
"""

__version__ = "0.1.0"
