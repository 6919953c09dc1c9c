"""``digestbot chat`` beyond the private chat: play an inline query and a channel.

* ``:inline words`` types ``@bot words`` in inline mode and lists the bot's answer;
  ``:pick N`` posts result N into this chat, as a reader choosing it would.
* ``:channel`` makes a channel with the bot as its administrator and posts ``/channel``
  there; from then on the channel's posts (the digests, oldest first, one per scheduler
  tick) are printed too, marked 📢. ``:channel off`` stops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from bot.telegram.render import truncate

if TYPE_CHECKING:
    from bot.chat import ChatSession

COMMANDS: Final = (":inline", ":pick", ":channel")
#: the channel ``:channel`` plays
CHANNEL_ID: Final = -1_001_000_000_001
HELP: Final = (
    ":inline words asks inline mode, :pick N posts its result N here; "
    ":channel plays a channel the bot posts digests to (:channel off stops it)."
)


async def step(session: ChatSession, text: str) -> None:
    """Run one of :data:`COMMANDS`."""
    transcript, emu, options = session.transcript, session.emulator, session.options
    word, _, rest = text.partition(" ")
    if word == ":inline":
        query_id = emu.user_inline_query(
            options.chat_id, rest.strip(), language_code=options.language_code
        )
        try:
            answer = await emu.wait_for_inline_answer(query_id, timeout=options.reply_timeout)
        except TimeoutError:
            transcript.notice("no inline answer")
            session.failures += 1
            return
        session.inline_query = query_id
        results = answer["results"]
        if not results:
            transcript.notice("no results")
        for number, result in enumerate(results, 1):
            transcript.write(f"  [{number}] {result['title']}")
            if result.get("description"):
                transcript.write(f"      {truncate(result['description'], options.width - 8)}")
        return
    if word == ":pick":
        picked = emu.inline_answer(session.inline_query) if session.inline_query else None
        results = picked["results"] if picked else []
        number = int(rest) if rest.strip().isdigit() else 0
        if not 1 <= number <= len(results):
            transcript.notice("usage: :inline words, then :pick N")
            session.failures += 1
            return
        assert session.inline_query is not None
        emu.user_picks_inline_result(
            session.inline_query, results[number - 1]["id"], options.chat_id
        )
        transcript.flush()
        return
    # :channel
    if CHANNEL_ID not in emu.chat_ids():
        emu.add_channel(CHANNEL_ID, username="digest_channel_demo", title="قناة تجريبية")
    if emu.bot_status(CHANNEL_ID) != "administrator":
        emu.set_bot_status(CHANNEL_ID, "administrator")
    transcript.watch(CHANNEL_ID)
    emu.channel_post(CHANNEL_ID, "/channel off" if rest.strip() == "off" else "/channel")
    await emu.wait_until_quiet(options.idle, options.reply_timeout)
    transcript.flush()
