"""``getChatMember``: who is an administrator of which group, as tests declare it.

Telegram answers ``getChatMember`` with a ``ChatMember`` whose ``status`` is one of
creator, administrator, member, restricted, left or kicked. The emulator knows nothing
about group membership by itself, so a test says who is what with
``emulator.members.set(chat_id, user_id, "administrator")``; anyone not declared is a
plain ``member`` (and in a private chat the user is a member of their own chat).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from botapi_emulator.errors import bad_request
from botapi_emulator.params import as_int

if TYPE_CHECKING:
    from botapi_emulator.server import BotAPIEmulator

MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]
STATUSES: tuple[str, ...] = ("creator", "administrator", "member", "restricted", "left", "kicked")

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
_RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


class ChatMembers:
    """Declared member statuses per (chat, user); everyone else is a ``member``."""

    def __init__(self) -> None:
        self._status: dict[tuple[int, int], MemberStatus] = {}

    def set(self, chat_id: int, user_id: int, status: MemberStatus) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown member status {status!r}; expected one of {STATUSES}")
        self._status[(chat_id, user_id)] = status

    def status(self, chat_id: int, user_id: int) -> MemberStatus:
        return self._status.get((chat_id, user_id), "member")


def member_json(status: MemberStatus, user: dict[str, Any]) -> dict[str, Any]:
    """A ``ChatMember`` object in Telegram's JSON shape for ``status``."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update({"can_be_edited": False, "is_anonymous": False})
        data.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "restricted":
        data.update({"is_member": True, "until_date": 0})
        data.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
    elif status == "kicked":
        data["until_date"] = 0
    return data


async def get_chat_member(emulator: BotAPIEmulator, params: dict[str, Any]) -> Any:
    """The Bot API method: the chat must exist; the user id must be an integer."""
    state = emulator._resolve_chat(params, writing=False)
    user_id = as_int(params, "user_id")
    if user_id is None:
        raise bad_request("user_id is empty")
    if user_id == emulator.bot_id:
        return member_json("administrator", emulator._bot_json())
    user = {"id": user_id, "is_bot": False, "first_name": "مستخدم"}
    return member_json(emulator.members.status(state.chat.id, user_id), user)
