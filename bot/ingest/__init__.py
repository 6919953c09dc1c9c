"""Live intake: feeds and single URLs → accepted articles → the live cache → subscribers.

Layers, I/O at the edges: :mod:`.fetch` (HTTP) and :mod:`.store` (SQL) do I/O;
:mod:`.urls`, :mod:`.decode`, :mod:`.feeds`, :mod:`.page`, :mod:`.dossier` and
:mod:`.accept` are pure; :mod:`.intake` runs a round and :mod:`.live` writes the cache.
Every refusal carries a reason code (:data:`bot.ingest.accept.REASONS`) and a detail.
"""
