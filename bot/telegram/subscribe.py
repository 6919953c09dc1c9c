"""Subscription commands (/subscribe, /settings, /unsubscribe, /stats) and the delivery tick.

``install(application, settings)`` sets up the collaborators in the typed
``application.bot_data`` (:class:`bot.telegram.context.BotData`): the ``store`` (a
:class:`SubscriptionStore`, opened and migrated from ``settings.effective_database_url``
when the caller did not pass one), the ``delivery`` service (its ``clock`` is injectable
for tests) and the repeating delivery tick. The handlers below are registered with every
other handler in :mod:`bot.telegram.app`; their buttons go through the one callback codec
(:mod:`bot.telegram.callbacks`).

The panel state (a draft of the preferences and whether we wait for typed input) lives in
``chat_data``; the subscription itself only in the database, so nothing is lost on restart.
Typed input (a time or a zone after "other…") is read by a handler in group -1 that stops
the update only when it consumed it; all other text reaches the core's free-text handler.
In a group only its administrators may subscribe it, change or stop the subscription
(:mod:`bot.telegram.permissions`); others get a polite refusal. ``/stats`` only matches
``Settings.admins``; for everyone else it falls through to the
core's unknown-command answer.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.config import Settings
from bot.delivery.fanout import utcnow
from bot.delivery.scheduler import DeliveryService, article_refs
from bot.model import Cache
from bot.subscriptions.schedule import (
    InvalidPreference,
    Preferences,
    normalise_zone,
    parse_time,
    zone_of,
)
from bot.subscriptions.store import Subscriber, SubscriptionStore
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.chat_locks import chat_lock
from bot.telegram.context import App, Context
from bot.telegram.delivery_message import compose_delivery
from bot.telegram.handlers import reply
from bot.telegram.i18n import Lang, chose_lang, lang_of, t
from bot.telegram.permissions import admins_only, may_manage

log = logging.getLogger(__name__)

_DRAFT: Final = "sub_draft"
JOB_NAME: Final = "digestbot-delivery-tick"

QUICK_TIMES: Final = ("06:00", "08:00", "12:00", "18:00", "21:00")
QUICK_ZONES: Final = ("Asia/Riyadh", "Africa/Cairo", "Asia/Dubai", "Europe/London", "UTC")
_FREQ_WORDS: Final = {
    "daily": "daily",
    "يومي": "daily",
    "يوميا": "daily",
    "يوميًا": "daily",
    "twice": "twice",
    "مرتين": "twice",
    "weekly": "weekly",
    "أسبوعي": "weekly",
    "اسبوعي": "weekly",
    "أسبوعيا": "weekly",
    "أسبوعيًا": "weekly",
}
_TIMEISH = re.compile(r"^[\d٠-٩۰-۹]{1,2}(?:[:.h][\d٠-٩۰-۹]*)?$")


@dataclass
class Draft:
    mode: Literal["new", "edit"]
    prefs: Preferences
    awaiting: Literal["time", "tz"] | None = None


class BadInput(Exception):
    """What the user typed cannot be used; ``key`` names the reply to give."""

    def __init__(self, key: str, value: str) -> None:
        super().__init__(value)
        self.key = key
        self.value = value


# --- parsing --------------------------------------------------------------------------


def parse_time_input(text: str) -> tuple[int, int]:
    try:
        return parse_time(text)
    except InvalidPreference:
        raise BadInput("sub_bad_time", text) from None


def parse_zone_input(text: str) -> str:
    try:
        return normalise_zone(text)
    except InvalidPreference:
        raise BadInput("sub_bad_tz", text) from None


def parse_args(tokens: list[str], base: Preferences) -> Preferences:
    """``/subscribe 07:30 weekly Asia/Riyadh`` in any order → new preferences, or BadInput."""
    prefs = base
    for token in tokens:
        word = token.strip().lower()
        if word in _FREQ_WORDS:
            prefs = prefs.with_(frequency=_FREQ_WORDS[word])
        elif _TIMEISH.match(word):
            hour, minute = parse_time_input(token)
            prefs = prefs.with_(hour=hour, minute=minute)
        elif "/" in token or token[:1] in "+-−" or word[:3] in {"utc", "gmt"}:
            prefs = prefs.with_(tz=parse_zone_input(token))
        else:
            try:
                prefs = prefs.with_(tz=normalise_zone(token))
            except InvalidPreference:
                raise BadInput("sub_bad_args", token) from None
    return prefs


# --- rendering ------------------------------------------------------------------------


LRI: Final = "\u2066"  # LEFT-TO-RIGHT ISOLATE
PDI: Final = "\u2069"  # POP DIRECTIONAL ISOLATE


def isolate_ltr(lang: Lang, text: str) -> str:
    """An LTR run (a zone like ``Africa/Cairo`` or ``UTC+03:00``) isolated inside an Arabic
    line, so its slash, sign and the punctuation around it are not mirrored or reordered."""
    return f"{LRI}{text}{PDI}" if lang == "ar" else text


def digests_count(lang: Lang, n: int) -> str:
    """``n`` digests with the noun in the right number form.

    English: 1 digest / N digests. Arabic (CLDR plural categories): 1 → موجز واحد,
    2 → موجزان, n % 100 in 3–10 → «٥ موجزات», n % 100 in 11–99 → «١١ موجزًا», otherwise
    (0, 100, 101, 102, …) → «١٠٠ موجز». Digits are Arabic-Indic in the Arabic UI.
    """
    if lang == "en":
        return "1 digest" if n == 1 else f"{n} digests"
    if n == 1:
        return "موجز واحد"
    if n == 2:
        return "موجزان"
    number = render.counter(lang, n)
    rest = n % 100
    if 3 <= rest <= 10:
        return f"{number} موجزات"
    if 11 <= rest <= 99:
        return f"{number} موجزًا"
    return f"{number} موجز"


def queue_line(lang: Lang, pending: int) -> str:
    if pending <= 0:
        return t(lang, "sub_queue_none")
    return t(lang, "sub_queue_line", count=digests_count(lang, pending))


def frequency_label(lang: Lang, prefs: Preferences) -> str:
    if prefs.frequency == "weekly":
        return t(lang, "sub_freq_weekly", weekday=t(lang, f"sub_weekday_{prefs.weekday}"))
    return t(lang, f"sub_freq_{prefs.frequency}")


def times_label(lang: Lang, prefs: Preferences) -> str:
    """The delivery time, or both slots for twice a day (the chosen one first)."""
    if prefs.frequency != "twice":
        return prefs.time_label
    second = f"{(prefs.hour + 12) % 24:02d}:{prefs.minute:02d}"
    return t(lang, "sub_two_times", first=prefs.time_label, second=second)


def schedule_label(lang: Lang, prefs: Preferences) -> str:
    """«مرتين يوميًا الساعة 12:00 و00:00 بتوقيت ⁦Africa/Cairo⁩» / "twice a day at 12:00 and
    00:00 (Africa/Cairo)"."""
    return t(
        lang,
        "sub_schedule",
        frequency=html.escape(frequency_label(lang, prefs)),
        time=times_label(lang, prefs),
        tz=isolate_ltr(lang, html.escape(prefs.tz)),
    )


def summary(lang: Lang, prefs: Preferences) -> str:
    return t(
        lang,
        "sub_summary",
        time=times_label(lang, prefs),
        frequency=html.escape(frequency_label(lang, prefs)),
        tz=isolate_ltr(lang, html.escape(prefs.tz)),
    )


FREQUENCIES: Final[tuple[Literal["daily", "twice", "weekly"], ...]] = ("daily", "twice", "weekly")


def _button(label: str, action: cb.SubscriptionMenu | cb.PanelAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=cb.encode(action))


def _mark(selected: bool, label: str) -> str:
    return f"• {label} •" if selected else label


def panel_keyboard(lang: Lang, draft: Draft) -> InlineKeyboardMarkup:
    p = draft.prefs
    rows: list[list[InlineKeyboardButton]] = [
        [
            InlineKeyboardButton(
                _mark(p.time_label == q, q),
                callback_data=cb.encode(cb.PanelTime(*parse_time(q))),
            )
            for q in QUICK_TIMES
        ],
        [_button(t(lang, "sub_btn_other_time"), cb.PanelAsk("time"))],
        [
            _button(_mark(p.frequency == f, t(lang, f"sub_btn_{f}")), cb.PanelFrequency(f))
            for f in FREQUENCIES
        ],
    ]
    if p.frequency == "weekly":
        days = [
            _button(_mark(p.weekday == d, t(lang, f"sub_weekday_{d}")), cb.PanelWeekday(d))
            for d in range(7)
        ]
        rows += [days[:4], days[4:]]
    zones = [_button(_mark(p.tz == z, z), cb.PanelZone(i)) for i, z in enumerate(QUICK_ZONES)]
    rows += [zones[:3], zones[3:]]
    rows.append([_button(t(lang, "sub_btn_other_tz"), cb.PanelAsk("tz"))])
    ok = "sub_btn_confirm" if draft.mode == "new" else "sub_btn_save"
    rows.append(
        [
            _button(t(lang, ok), cb.PanelDone(confirm=True)),
            _button(t(lang, "sub_btn_cancel"), cb.PanelDone(confirm=False)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def panel_text(lang: Lang, draft: Draft) -> str:
    key = "sub_panel_new" if draft.mode == "new" else "sub_panel_edit"
    return render.finish(lang, t(lang, key, summary=summary(lang, draft.prefs)))


def when_label(lang: Lang, moment: datetime, tz: str) -> str:
    """A delivery time in the reader's words, in the subscriber's zone:
    «الثلاثاء 24 نوفمبر 2026، الساعة 00:00 بتوقيت ⁦Africa/Cairo⁩» /
    "Tuesday 24 November 2026, 00:00 (Africa/Cairo)"."""
    local = moment.astimezone(zone_of(tz))
    return t(
        lang,
        "sub_when",
        weekday=t(lang, f"sub_weekday_{local.weekday()}"),
        date=render.format_date(lang, local.date().isoformat()),
        time=f"{local:%H:%M}",
        tz=isolate_ltr(lang, html.escape(tz)),
    )


def next_due_line(lang: Lang, sub: Subscriber) -> str:
    if sub.next_due_at is None:
        return ""
    return t(lang, "sub_next_due", when=when_label(lang, sub.next_due_at, sub.prefs.tz))


def already_subscribed_text(lang: Lang, sub: Subscriber, pending: int) -> str:
    """/subscribe from a current subscriber: their settings, not a fresh form."""
    lines = [
        t(lang, "sub_already", summary=summary(lang, sub.prefs)),
        next_due_line(lang, sub),
        queue_line(lang, pending),
        t(lang, "sub_already_hint"),
    ]
    return "\n".join(line for line in lines if line)


def already_keyboard(lang: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(t(lang, "sub_btn_settings"), cb.SubscriptionMenu("settings")),
                _button(t(lang, "sub_btn_unsubscribe"), cb.SubscriptionMenu("unsub")),
            ]
        ]
    )


# --- helpers --------------------------------------------------------------------------


def _service(context: Context) -> DeliveryService:
    return context.bot_data.delivery


def _settings(context: Context) -> Settings:
    settings = context.bot_data.settings
    if settings is None:
        raise RuntimeError("subscriptions run without settings")
    return settings


def _lang(context: Context) -> Lang:
    return lang_of(context.user_data)


def _draft(context: Context) -> Draft | None:
    if context.chat_data is None:
        return None
    draft = context.chat_data.get(_DRAFT)
    return draft if isinstance(draft, Draft) else None


def _set_draft(context: Context, draft: Draft | None) -> None:
    if context.chat_data is None:
        return
    if draft is None:
        context.chat_data.pop(_DRAFT, None)
    else:
        context.chat_data[_DRAFT] = draft


async def _say(
    message: Message, lang: Lang, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Reply through the core's helper: HTML split at 4096, one 429/5xx ridden out."""
    await reply(message, render.finish(lang, text), markup)


async def _apply(context: Context, chat_id: int, lang: Lang, draft: Draft) -> str:
    """Store the draft (subscribe or save) and return the confirmation text."""
    service = _service(context)
    store = service.store
    now = service.clock()
    if draft.mode == "edit":
        existing = await store.call(store.get, chat_id)
        if existing is not None and existing.active:
            sub = await store.call(store.update_preferences, chat_id, draft.prefs, now)
            await store.call(store.set_lang, chat_id, lang)
            text = t(lang, "sub_saved", schedule=schedule_label(lang, sub.prefs))
            return f"{text}\n{next_due_line(lang, sub)}"
    before = await store.call(store.get, chat_id)
    sub, _created = await store.call(
        store.subscribe,
        chat_id,
        draft.prefs,
        now,
        lang=lang,
        start=_settings(context).new_subscriber_start,
    )
    pending = await store.call(store.pending_count, chat_id)
    key = "sub_resumed" if before is not None and not before.active else "sub_subscribed"
    text = t(lang, key, schedule=schedule_label(lang, sub.prefs))
    return f"{text}\n{queue_line(lang, pending)}\n{next_due_line(lang, sub)}"


# --- commands -------------------------------------------------------------------------


async def subscribe_command(update: Update, context: Context) -> None:
    """/subscribe: the panel, or straight away with arguments (time, frequency, zone)."""
    await _open(update, context, "new")


async def settings_command(update: Update, context: Context) -> None:
    """/settings: the same panel for a current subscriber."""
    await _open(update, context, "edit")


async def _open(update: Update, context: Context, mode: Literal["new", "edit"]) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not await admins_only(update, context):
        return
    lang = _lang(context)
    store = _service(context).store
    sub = await store.call(store.get, chat.id)
    if mode == "edit" and (sub is None or not sub.active):
        await _say(message, lang, t(lang, "sub_not_subscribed"))
        return
    if mode == "new" and sub is not None and sub.active:
        if not context.args:  # not a fresh form: what they have, and where to change it
            pending = await store.call(store.pending_count, chat.id)
            text = already_subscribed_text(lang, sub, pending)
            await _say(message, lang, text, already_keyboard(lang))
            return
        mode = "edit"  # /subscribe with arguments from a subscriber changes the settings
    base = sub.prefs if sub is not None else Preferences()
    if context.args:
        try:
            prefs = parse_args(list(context.args), base)
        except BadInput as bad:
            await _say(message, lang, t(lang, bad.key, value=html.escape(bad.value[:60])))
            return
        text = await _apply(context, chat.id, lang, Draft(mode, prefs))
        await _say(message, lang, text)
        return
    draft = Draft(mode, base)
    _set_draft(context, draft)
    await message.reply_text(panel_text(lang, draft), reply_markup=panel_keyboard(lang, draft))


async def unsubscribe_command(update: Update, context: Context) -> None:
    """/unsubscribe: stop deliveries; the queue is kept for a later /subscribe."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not await admins_only(update, context):
        return
    lang = _lang(context)
    service = _service(context)
    stopped = await service.store.call(
        service.store.deactivate, chat.id, "unsubscribed", service.clock()
    )
    _set_draft(context, None)
    await _say(message, lang, t(lang, "sub_unsubscribed" if stopped else "sub_not_subscribed"))


async def stats_command(update: Update, context: Context) -> None:
    """/stats (admins only, see ``install``): subscriber and queue numbers."""
    message = update.effective_message
    if message is None:
        return
    lang = _lang(context)
    store = _service(context).store
    st = await store.call(store.stats)
    freq = (
        " · ".join(
            f"{t(lang, 'sub_btn_' + k)}: {render.counter(lang, v)}"
            for k, v in sorted(st.by_frequency.items())
        )
        or "—"
    )
    numbers = {k: render.counter(lang, v) for k, v in vars(st).items() if isinstance(v, int)}
    await _say(message, lang, t(lang, "sub_stats", by_frequency=html.escape(freq), **numbers))


async def reactivate_on_start(update: Update, context: Context) -> None:
    """/start (group -1, never stops the core's /start): a chat that blocked us and came
    back gets its subscription — and its queue — back."""
    chat = update.effective_chat
    if chat is None:
        return
    service = _service(context)
    sub = await service.store.call(service.store.get, chat.id)
    if sub is not None and not sub.active and sub.inactive_reason == "blocked":
        await service.store.call(
            service.store.subscribe, chat.id, sub.prefs, service.clock(), lang=sub.lang
        )
        log.info("chat %d is back after blocking the bot: subscription resumed", chat.id)


async def follow_lang(update: Update, context: Context) -> None:
    """Group 1, after the core's /lang (command or button) stored the choice in user_data:
    the choice is saved for the chat (it survives restarts) and its digests follow it."""
    chat = update.effective_chat
    if chat is None or not chose_lang(context.user_data):
        return
    service = _service(context)
    store = service.store
    await store.call(store.remember_lang, chat.id, _lang(context), service.clock())


async def typed_input(update: Update, context: Context) -> None:
    """Group -1: a time or zone typed after pressing "other…"; otherwise let it pass."""
    message = update.effective_message
    draft = _draft(context)
    if message is None or draft is None or draft.awaiting is None or not message.text:
        return
    if not await may_manage(update, context):
        return  # someone else in the group: their text is not the panel's input
    lang = _lang(context)
    try:
        if draft.awaiting == "time":
            hour, minute = parse_time_input(message.text)
            draft.prefs = draft.prefs.with_(hour=hour, minute=minute)
        else:
            draft.prefs = draft.prefs.with_(tz=parse_zone_input(message.text))
    except BadInput as bad:
        await _say(message, lang, t(lang, bad.key, value=html.escape(bad.value[:60])))
        raise ApplicationHandlerStop from None
    draft.awaiting = None
    await message.reply_text(panel_text(lang, draft), reply_markup=panel_keyboard(lang, draft))
    raise ApplicationHandlerStop


# --- buttons --------------------------------------------------------------------------


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_button(update: Update, context: Context) -> None:
    """Every subscription button, dispatched by its action type."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    lang = _lang(context)
    if chat is None or query.data is None:  # e.g. a button on an inline message
        await query.answer(t(lang, "button_unavailable"))
        return
    try:
        action = cb.decode(query.data, "")  # subscription buttons carry no cache tag
    except (cb.Stale, cb.Forged):
        await query.answer(t(lang, "sub_panel_expired"), show_alert=True)
        return
    reading = isinstance(action, cb.SubscriptionMenu) and action.choice == "next"
    if not reading and not await admins_only(update, context):
        return  # in a group, only its administrators change its subscription
    if isinstance(action, cb.SubscriptionMenu):
        steps = {"next": _next_digest, "unsub": _unsubscribe_button, "settings": _settings_panel}
        await steps[action.choice](query, context, chat.id, lang)
    elif isinstance(action, cb.PANEL_ACTIONS):
        await _on_panel(query, context, chat.id, lang, action)
    else:
        await query.answer(t(lang, "sub_panel_expired"), show_alert=True)


async def _next_digest(query: CallbackQuery, context: Context, chat_id: int, lang: Lang) -> None:
    """ "Next digest" under a delivered one: send it now, or say the queue is empty."""
    await query.answer()
    async with chat_lock(chat_id):  # each press after the one before it has sent
        if not await _service(context).send_next(chat_id) and isinstance(query.message, Message):
            await _say(query.message, lang, t(lang, "sub_queue_empty"))


async def _unsubscribe_button(
    query: CallbackQuery, context: Context, chat_id: int, lang: Lang
) -> None:
    service = _service(context)
    stopped = await service.store.call(
        service.store.deactivate, chat_id, "unsubscribed", service.clock()
    )
    key = "sub_unsubscribed" if stopped else "sub_not_subscribed"
    await query.answer()
    if isinstance(query.message, Message):
        await _say(query.message, lang, t(lang, key))


async def _settings_panel(query: CallbackQuery, context: Context, chat_id: int, lang: Lang) -> None:
    """ "Settings" on a subscriber's summary: the panel in place of the summary."""
    store = _service(context).store
    sub = await store.call(store.get, chat_id)
    await query.answer()
    if sub is None or not sub.active:
        await _edit(query, render.finish(lang, t(lang, "sub_not_subscribed")), None)
        return
    panel = Draft("edit", sub.prefs)
    _set_draft(context, panel)
    await _edit(query, panel_text(lang, panel), panel_keyboard(lang, panel))


async def _on_panel(
    query: CallbackQuery, context: Context, chat_id: int, lang: Lang, action: cb.PanelAction
) -> None:
    """A choice on the panel: ask for typed input, finish, or change the draft and redraw."""
    draft = _draft(context)
    if draft is None:
        await query.answer(t(lang, "sub_panel_expired"), show_alert=True)
        return
    if isinstance(action, cb.PanelAsk):
        await _ask_typed(query, lang, draft, action.field)
        return
    if isinstance(action, cb.PanelDone):
        await _finish_panel(query, context, chat_id, lang, draft, action.confirm)
        return
    try:
        draft.prefs = changed(draft.prefs, action)
    except (InvalidPreference, IndexError):
        await query.answer(t(lang, "sub_panel_expired"), show_alert=True)
        return
    draft.awaiting = None
    await query.answer()
    await _edit(query, panel_text(lang, draft), panel_keyboard(lang, draft))


def changed(
    prefs: Preferences, action: cb.PanelTime | cb.PanelFrequency | cb.PanelWeekday | cb.PanelZone
) -> Preferences:
    """The draft's preferences after one panel choice (InvalidPreference, IndexError)."""
    match action:
        case cb.PanelTime(hour, minute):
            return prefs.with_(hour=hour, minute=minute)
        case cb.PanelFrequency(frequency):
            return prefs.with_(frequency=frequency)
        case cb.PanelWeekday(day):
            return prefs.with_(weekday=day)
        case cb.PanelZone(index):
            return prefs.with_(tz=QUICK_ZONES[index])


async def _ask_typed(
    query: CallbackQuery, lang: Lang, draft: Draft, field: Literal["time", "tz"]
) -> None:
    """ "Other…": the next text message is read by :func:`typed_input`."""
    draft.awaiting = field
    await query.answer()
    if isinstance(query.message, Message):
        await _say(
            query.message, lang, t(lang, "sub_ask_time" if field == "time" else "sub_ask_tz")
        )


async def _finish_panel(
    query: CallbackQuery, context: Context, chat_id: int, lang: Lang, draft: Draft, confirm: bool
) -> None:
    """Confirm (subscribe or save) or cancel; the panel becomes the outcome's text."""
    text = await _apply(context, chat_id, lang, draft) if confirm else t(lang, "sub_cancelled")
    _set_draft(context, None)
    await query.answer()
    await _edit(query, render.finish(lang, text), None)


# --- wiring ---------------------------------------------------------------------------


async def _tick(context: Context) -> None:
    service = _service(context)
    if not context.bot_data.delivery_started:
        await service.start()
        context.bot_data.delivery_started = True
    await service.tick()


def install(application: App, settings: Settings) -> None:
    """Open the store (unless given), the delivery service and its repeating tick."""
    bot_data = application.bot_data
    bot_data.settings = settings
    store = bot_data.store
    if store is None:
        store = SubscriptionStore.from_url(settings.effective_database_url)
        bot_data.store = store
    service = DeliveryService(
        store,
        application.bot,
        bot_data.current_cache,
        compose=compose_delivery,
        rate=settings.send_rate,
        per_chat_interval=settings.per_chat_interval,
        clock=utcnow,
        # Application.stop() flips ``running`` first: the fan-out stops claiming, finishes
        # what it holds and releases the rest even when post_stop is never called
        is_running=lambda: application.running,
    )
    bot_data.delivery = service
    if isinstance(cache := bot_data.cache, Cache):
        # before the first update: a /subscribe in the first second already sees the queue
        store.sync_articles(article_refs(cache), utcnow())
        service.mark_synced(cache)

    if application.job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot[job-queue] is required for scheduled digests")
    application.job_queue.run_repeating(
        _tick,
        interval=settings.tick_seconds,
        first=0.5,
        name=JOB_NAME,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )

    previous = application.post_stop

    async def post_stop(app: App) -> None:
        await service.stop()
        if previous is not None:
            await previous(app)

    application.post_stop = post_stop
