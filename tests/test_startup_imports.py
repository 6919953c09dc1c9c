"""The serving process does not load the pipeline's heavy libraries (docs/scale.md).

NLTK (with SciPy; sumy's summarizers import both), datasketch, trafilatura and htmldate
cost 150 MiB and seconds at start-up; the bot loads them only when it stems, ranks,
deduplicates or reads a page. A module-level import of any of them on the way to
``digestbot run``, or a stem on the way to a screen, fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("nltk", "scipy", "datasketch", "trafilatura", "htmldate")

PROBE = """
import json, sys
from pathlib import Path
import bot.telegram.runner  # what `digestbot run` imports
from bot.cache.archive import open_served
from bot.extract.vocabulary import vocabulary
from bot.telegram.views import Views

cache = open_served(Path(sys.argv[1]), Path(sys.argv[2]))
views = Views(cache)
vocabulary()  # the reactions screens read it
for lang in ("ar", "en"):
    views.reactions(lang, None, 0)
    views.search(lang, "الاتفاقية")
    views.digest_menu(lang, 0)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[3:])))
"""


def test_serving_loads_no_pipeline_library(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(ROOT / "summaries" / "cache.json"),
            str(tmp_path),
            *HEAVY,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_vocabulary_still_stems_its_synonyms() -> None:
    from bot.arabic.stem import stem
    from bot.extract.vocabulary import vocabulary

    synonyms = vocabulary().synonyms
    assert synonyms and all(stem(v) == v or v in synonyms.values() for v in synonyms.values())
