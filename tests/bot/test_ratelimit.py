"""Rate limits: the sliding window itself, and the hook in front of `ask` and `digest`."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.app import Core, open_core
from bot.commands import CommandContext, Notice
from bot.config import Settings
from bot.ratelimit import RateLimiter
from bot.types import Answer, ChannelRef, Digest


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the limiter -----------------------------------------------------------------------------


def test_a_key_gets_its_limit_per_window_then_waits_for_the_oldest_hit_to_leave() -> None:
    clock = Clock()
    limiter = RateLimiter(window_s=60, clock=clock)
    for second in range(3):
        clock.now = 1000.0 + second * 10
        assert limiter.acquire(("u", 3)) == 0.0
    clock.now = 1025.0
    assert limiter.acquire(("u", 3)) == pytest.approx(35.0)  # the hit at 1000 leaves at 1060
    clock.now = 1059.9
    assert limiter.acquire(("u", 3)) > 0
    clock.now = 1060.0
    assert limiter.acquire(("u", 3)) == 0.0  # a sliding window: one place came free
    assert limiter.acquire(("u", 3)) == pytest.approx(10.0)  # the next frees at 1070


def test_keys_are_independent_and_zero_means_no_limit() -> None:
    limiter = RateLimiter(clock=Clock())
    assert limiter.acquire(("a", 1)) == 0.0
    assert limiter.acquire(("a", 1)) > 0
    assert limiter.acquire(("b", 1)) == 0.0
    assert all(limiter.acquire(("c", 0)) == 0.0 for _ in range(100))
    assert limiter.acquire() == 0.0


def test_a_refused_hit_uses_up_no_allowance() -> None:
    limiter = RateLimiter(clock=Clock())
    assert limiter.acquire(("channel", 1), ("alice", 5)) == 0.0
    # The channel is full: Bob is refused, and the refusal is not counted against him...
    assert limiter.acquire(("channel", 1), ("bob", 1)) > 0
    # ...so in another channel he still has his one question.
    assert limiter.acquire(("other-channel", 1), ("bob", 1)) == 0.0


def test_wait_seconds_rounds_up_for_people() -> None:
    clock = Clock()
    limiter = RateLimiter(window_s=60, clock=clock)
    limiter.acquire(("u", 1))
    clock.now += 59.5
    assert limiter.wait_seconds(("u", 1)) == 1
    clock.now += 0.5
    assert limiter.wait_seconds(("u", 1)) == 0


def test_idle_keys_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(window_s=60, clock=clock)
    for n in range(10_050):
        limiter.acquire((f"user-{n}", 5))
    clock.now += 61
    limiter.acquire(("late", 5))
    assert len(limiter._hits) == 1


def test_concurrent_hits_never_exceed_the_limit() -> None:
    limiter = RateLimiter()
    allowed: list[float] = []
    start = threading.Barrier(16)

    def worker() -> None:
        start.wait()
        for _ in range(50):
            if limiter.acquire(("shared", 37)) == 0.0:
                allowed.append(1.0)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 37


# -- the commands ----------------------------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def core(settings: Settings, clock: Clock) -> Iterator[Core]:
    core = open_core(settings)
    core.commands.rate_limiter = RateLimiter(clock=clock)
    yield core
    core.close()


def _context(
    user: str, channel: str = "C1", platform: str = "slack", admin: bool = False
) -> CommandContext:
    return CommandContext(ChannelRef(platform, channel), user_id=user, is_admin=admin)


def test_a_user_asking_too_fast_is_asked_to_wait(core: Core, clock: Clock) -> None:
    assert core.settings.rate_user_per_minute == 6
    alice = _context("U-alice")
    for n in range(6):
        clock.now += 1
        assert isinstance(core.commands.handle(f"who backs Haftar {n}?", alice), Answer)
    reply = core.commands.handle("who backs Haftar now?", alice)
    assert isinstance(reply, Notice) and not reply.ok
    assert reply.text == "You are asking faster than I can read — please wait 55 seconds."
    # Digests count too, and other users are not held up by Alice.
    assert isinstance(core.commands.handle("digest", alice), Notice)
    assert isinstance(core.commands.handle("digest", _context("U-bob")), Digest)
    clock.now += 55
    assert isinstance(core.commands.handle("who backs Haftar now?", alice), Answer)


def test_a_busy_channel_is_limited_across_users(core: Core, clock: Clock) -> None:
    assert core.settings.rate_channel_per_minute == 20
    for n in range(20):
        assert isinstance(
            core.commands.handle("ask hvem støtter Haftar?", _context(f"U{n}")), Answer
        )
    reply = core.commands.handle("ask hvem støtter Haftar?", _context("U-new"))
    assert isinstance(reply, Notice) and "please wait 60 seconds" in reply.text
    assert isinstance(
        core.commands.handle("ask hvem støtter Haftar?", _context("U-new", channel="C2")), Answer
    )
    assert isinstance(
        core.commands.handle("ask hvem?", _context("U-new", platform="discord")), Answer
    )


def test_help_admin_commands_and_the_console_are_not_limited(core: Core, clock: Clock) -> None:
    admin = _context("U-admin", admin=True)
    for _ in range(30):
        assert core.commands.handle("help", admin).ok
        assert core.commands.handle("subscriptions", admin).ok
    for n in range(8):
        assert core.commands.handle(f"subscribe every {n + 1} hours", admin).ok
    console = CommandContext(
        ChannelRef("console", "local"), user_id="me", is_admin=True, operator=True
    )
    for _ in range(30):
        assert isinstance(core.commands.handle("who backs Haftar?", console), Answer)


def test_settings_set_the_limits_and_zero_switches_them_off(
    settings: Settings, clock: Clock
) -> None:
    strict = open_core(
        settings.model_copy(update={"rate_user_per_minute": 1, "rate_channel_per_minute": 0})
    )
    strict.commands.rate_limiter = RateLimiter(clock=clock)
    try:
        assert isinstance(strict.commands.handle("digest", _context("U1")), Digest)
        assert "please wait 60 seconds" in strict.commands.handle("digest", _context("U1")).text  # type: ignore[union-attr]
        for n in range(40):  # no channel limit at all
            assert isinstance(strict.commands.handle("digest", _context(f"U-{n}")), Digest)
    finally:
        strict.close()


def test_instances_on_one_postgresql_database_share_the_limits(
    settings: Settings, postgres_url: str
) -> None:
    shared = settings.model_copy(update={"database_url": postgres_url, "rate_user_per_minute": 3})
    first, second = open_core(shared), open_core(shared)
    try:
        alice = _context("U-alice")
        for n in range(3):
            instance = (first, second)[n % 2]
            assert isinstance(instance.commands.handle(f"who backs Haftar {n}?", alice), Answer)
        # Three questions in the minute, spread over two instances: the limit holds.
        for instance in (first, second):
            reply = instance.commands.handle("who backs Haftar now?", alice)
            assert isinstance(reply, Notice)
            assert reply.text.startswith("You are asking faster than I can read — please wait ")
        assert isinstance(second.commands.handle("who backs Haftar?", _context("U-bob")), Answer)
    finally:
        first.close()
        second.close()
