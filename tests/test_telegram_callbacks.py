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
