"""The per-user sliding window, with a hand-moved clock."""

from __future__ import annotations

import pytest

from bot.discord_bot.questions import wait_message
from bot.discord_bot.ratelimit import RateLimiter
from tests.fixtures.discord.doubles import Clock


def test_limiter__sixth_question_within_a_minute_waits_until_the_first_leaves_the_window() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 60.0, clock=clock)
    for second in (0, 10, 20, 30, 40):
        clock.now = 1000.0 + second
        assert limiter.check("cheffe") == 0.0
    clock.now = 1045.0
    assert limiter.check("cheffe") == pytest.approx(15.0)
    clock.now = 1060.0
    assert limiter.check("cheffe") == 0.0  # the 1000.0 question has left the window
    assert limiter.check("cheffe") == pytest.approx(10.0)  # the 1010.0 one has not


def test_limiter__refused_attempts_do_not_push_the_wait_further() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 60.0, clock=clock)
    limiter.check("u")
    limiter.check("u")
    for _ in range(10):
        clock.now += 5
        limiter.check("u")
    clock.now = 1060.0
    assert limiter.check("u") == 0.0


def test_limiter__each_person_has_their_own_window() -> None:
    limiter = RateLimiter(1, 60.0, clock=Clock())
    assert limiter.check(1) == 0.0
    assert limiter.check(1) > 0
    assert limiter.check(2) == 0.0


def test_wait_message__says_in_french_how_many_seconds_to_wait() -> None:
    assert wait_message(14.2, 5) == ("Vous avez déjà posé 5 questions en moins d'une minute. "
                                     "Réessayez dans 15 secondes, s'il vous plaît.")
    assert "dans 1 seconde," in wait_message(0.3, 5)
