"""In a group only administrators may subscribe it, change or stop its subscription; other
members get a polite refusal (issue 15, point 5). getChatMember answers come from the
emulator and are cached briefly."""

from __future__ import annotations

from pathlib import Path

from botapi_emulator import BotAPIEmulator
from reliability_support import eventually, running_bot

from bot.telegram.i18n import t

GROUP = -100555
MEMBER = 11
ADMIN = 12
OWNER = 13


def plain(text: str) -> str:
    return text.replace("\u200f", "").replace("\u200e", "")


async def say(emu: BotAPIEmulator, text: str, user: int) -> str:
    emu.user_sends(GROUP, text, user_id=user)
    (reply,) = await emu.wait_for_bot_messages(GROUP, 1, timeout=10)
    return plain(reply.text)


async def test_only_admins_manage_a_group_subscription(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    emulator.add_chat(GROUP, chat_type="supergroup", title="مجموعة")
    emulator.members.set(GROUP, ADMIN, "administrator")
    emulator.members.set(GROUP, OWNER, "creator")
    refusal = plain(t("ar", "group_admins_only"))
    async with running_bot(emulator, tmp_path) as (_app, store):
        assert await say(emulator, "/subscribe 08:00 UTC", MEMBER) == refusal
        assert store.get(GROUP) is None
        assert await say(emulator, "/subscribe", MEMBER) == refusal  # not even the panel
        assert "اشتركت" in await say(emulator, "/subscribe 08:00 UTC", ADMIN)
        assert await say(emulator, "/settings 09:00", MEMBER) == refusal
        assert await say(emulator, "/unsubscribe", MEMBER) == refusal
        sub = store.get(GROUP)
        assert sub is not None and sub.active and sub.prefs.hour == 8
        # the buttons under a scheduled digest or the panel: refused with an alert
        digest_msg = emulator.messages(GROUP)[0]
        query = emulator.user_presses(GROUP, digest_msg.message_id, "sub:unsub", user_id=MEMBER)
        assert await eventually(lambda: emulator.callback_answer(query) is not None)
        answer = emulator.callback_answer(query)
        assert answer is not None and plain(str(answer.params.get("text"))) == refusal
        assert store.get(GROUP).active  # type: ignore[union-attr]
        assert "09:00" in await say(emulator, "/settings 09:00", OWNER)
        assert "أوقفت" in await say(emulator, "/unsubscribe", ADMIN)
        assert not store.get(GROUP).active  # type: ignore[union-attr]
    # getChatMember is asked once per (group, user) while the answer is fresh
    asked = [
        (c.params.get("chat_id"), c.params.get("user_id"))
        for c in emulator.calls_of("getChatMember")
    ]
    assert len(asked) == len(set(asked)) == 3


async def test_private_chats_and_other_commands_need_no_membership_check(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    async with running_bot(emulator, tmp_path):
        emulator.user_sends(77, "/subscribe 08:00 UTC")
        (ok,) = await emulator.wait_for_bot_messages(77, 1, timeout=10)
        assert "اشتركت" in ok.text
        emulator.add_chat(GROUP, chat_type="group", title="مجموعة")
        assert "المقالات" in await say(emulator, f"/about@{emulator.bot_username}", MEMBER)
    assert emulator.calls_of("getChatMember") == []
