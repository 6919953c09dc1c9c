"""The digestbot command line: one place that wires subcommands to their modules.

Each subcommand lives in the module that owns the concept and exposes two functions,
``add_arguments(parser)`` and ``main(args) -> int``. Modules are imported lazily so
``digestbot build`` never imports Telegram code and start-up stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from bot import __version__

#: subcommand → (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("bot.cache.commands", "build summaries/ from seeds/ (or --check it is fresh)"),
    "digest": ("bot.cache.digest_command", "print one article's digest from the cache"),
    "run": ("bot.telegram.runner", "serve the bot (polling, or webhook with --webhook-url)"),
    "chat": ("bot.chat", "chat with the bot in this terminal via the bundled emulator"),
    "deliver": ("bot.delivery.commands", "run one fan-out round of due digests and exit"),
    "subscribers": ("bot.subscriptions.commands", "list, count or export subscribers"),
    "feeds": ("bot.ingest.commands", "follow, list or stop following feeds (add|list|remove)"),
    "ingest": ("bot.ingest.commands", "take in article URLs or .html/.txt files"),
    "articles": ("bot.ingest.commands", "list ingested articles (--refused: with reasons)"),
    "poll": ("bot.ingest.commands", "poll the due feeds once and publish (for cron)"),
    "channels": ("bot.subscriptions.channel_commands", "add, list or remove posting channels"),
}


class _CommandModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def main(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> _CommandModule:
    try:
        return cast(_CommandModule, importlib.import_module(COMMANDS[name][0]))
    except ModuleNotFoundError as exc:
        if exc.name != "botapi_emulator":
            raise
        # The emulator is its own distribution (emulator/); production installs skip it.
        print(
            f"digestbot {name}: needs the bundled Bot API emulator; "
            "install it with: pip install -e ./emulator",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Build the parser; only the chosen subcommand's module is imported."""
    parser = argparse.ArgumentParser(prog="digestbot", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"digestbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (_module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            _load(name).add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``digestbot`` console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    try:
        return _load(args.command).main(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line for mistakes, a redacted traceback for bugs
        from bot.operator_errors import report

        text, code = report(args.command, exc, _token_from_env())
        print(text, file=sys.stderr)
        return code


def _token_from_env() -> tuple[str, ...]:
    """The configured token (also when malformed), so it is masked in whatever we print."""
    import os

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    return (token,) if token else ()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
