"""Callback data: compact, versioned, ≤ 64 bytes; stale and forged data are told apart."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram import callbacks as cb

TAG = cb.cache_tag("3fa2b9c0d1e2f3a4")

actions = st.one_of(
    st.builds(
        cb.TimelinePage,
        st.integers(0, 999_999),
        st.sampled_from(["n", "o"]),
        st.none() | st.integers(1000, 9999),
    ),
    st.builds(cb.YearMenu, st.sampled_from(["n", "o"])),
    st.builds(cb.ReactionsParty, st.none() | st.integers(0, 999_999), st.integers(0, 999_999)),
    st.builds(cb.DigestOf, st.integers(0, 999_999)),
    st.builds(cb.DigestList, st.integers(0, 999_999)),
    st.builds(cb.SetLang, st.sampled_from(["ar", "en"])),
)


@given(actions)
def test_round_trip_and_size(action: cb.Action) -> None:
    data = cb.encode(action, TAG)
    assert len(data.encode()) <= cb.MAX_BYTES
    assert cb.decode(data, TAG) == action


@given(actions)
def test_button_from_another_cache_is_stale(action: cb.Action) -> None:
    data = cb.encode(action, cb.cache_tag("ffff00"))
    with pytest.raises(cb.Stale):
        cb.decode(data, TAG)


def test_older_layout_is_stale() -> None:
    with pytest.raises(cb.Stale):
        cb.decode(f"0:{TAG}:tl:0:n:", TAG)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "hello",
        f"1:{TAG}:tl:x:n:",
        f"1:{TAG}:tl:0:z:",
        f"1:{TAG}:tl:-1:n:",
        f"1:{TAG}:zz:1",
        f"1:{TAG}:dg:",
        f"1:{TAG}:dg:1:2",
        f"1:{TAG}:lg:fr",
        f"1:{TAG}:dg:99999999999",
        "<b>&</b>",
    ],
)
def test_forged_data_is_rejected(data: str | None) -> None:
    with pytest.raises(cb.Forged):
        cb.decode(data, TAG)


@given(st.text(max_size=80))
def test_decode_never_crashes(data: str) -> None:
    with contextlib.suppress(cb.Stale, cb.Forged):
        cb.decode(data, TAG)


def test_cache_tag_is_short_and_stable() -> None:
    assert cb.cache_tag("sha256:3fa2") == cb.cache_tag("sha256:3fa2")
    assert cb.cache_tag("sha256:3fa2") != cb.cache_tag("sha256:3fa3")
    assert len(cb.cache_tag("")) == cb.TAG_LEN


SUBSCRIPTION_ACTIONS: list[cb.Action] = [
    cb.SubscriptionMenu("next"),
    cb.SubscriptionMenu("settings"),
    cb.SubscriptionMenu("unsub"),
    cb.PanelTime(6, 30),
    cb.PanelTime(0, 0),
    cb.PanelFrequency("weekly"),
    cb.PanelWeekday(6),
    cb.PanelZone(4),
    cb.PanelAsk("time"),
    cb.PanelAsk("tz"),
    cb.PanelDone(confirm=True),
    cb.PanelDone(confirm=False),
]


@pytest.mark.parametrize("action", SUBSCRIPTION_ACTIONS)
def test_subscription_buttons_round_trip_without_a_cache_tag(action: cb.Action) -> None:
    data = cb.encode(action)
    assert data.startswith("sub:")
    assert cb.decode(data, "another") == action  # a newer cache does not make them stale


def test_subscription_data_keeps_the_layout_of_delivered_messages() -> None:
    assert cb.encode(cb.SubscriptionMenu("next")) == "sub:next"
    assert cb.encode(cb.PanelTime(6, 0)) == "sub:t:0600"
    assert cb.encode(cb.PanelAsk("tz")) == "sub:z:x"
    assert cb.encode(cb.PanelDone(confirm=True)) == "sub:ok"


@pytest.mark.parametrize("data", ["sub:", "sub:t:2500", "sub:t:06", "sub:f:hourly", "sub:w:7"])
def test_malformed_subscription_data_is_forged(data: str) -> None:
    with pytest.raises(cb.Forged):
        cb.decode(data, "t")


def test_tagged_actions_need_the_cache_tag() -> None:
    with pytest.raises(ValueError):
        cb.encode(cb.DigestList(0))


def test_routing_reads_only_the_kind() -> None:
    timeline = cb.pattern(cb.TimelinePage)
    subscription = cb.pattern(cb.SubscriptionAction)
    assert timeline("1:abc:tl:0:n:") and timeline("9:old:tl:x")  # stale/forged: still ours
    assert not timeline("1:abc:dg:1") and not timeline(None) and not timeline("tl")
    assert subscription("sub:anything") and not subscription("1:abc:lg:en")
