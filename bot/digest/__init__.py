"""Extractive digests: sumy's summarizers on the project's Arabic sentences and words.

``digest_article`` is the entry point; ``rankers`` holds the algorithms (and the lead
baseline), ``select`` the rules every digest obeys, ``tokenizer`` the sumy adapter.
"""
