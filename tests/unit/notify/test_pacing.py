"""Sends to one webhook or address keep to the channel's documented rate."""

from __future__ import annotations

from uppsikt.notify.service import MIN_INTERVAL, Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_second_slack_message_to_the_same_webhook_waits_out_the_second() -> None:
    clock = Clock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.wait("slack", "uppsikt/notify/seko/desk")
    clock.now += 0.25
    pacer.wait("slack", "uppsikt/notify/seko/desk")
    assert clock.slept == [MIN_INTERVAL["slack"] - 0.25]


def test_other_webhooks_and_a_message_after_the_interval_do_not_wait() -> None:
    clock = Clock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.wait("teams", "uppsikt/notify/seko/a")
    pacer.wait("teams", "uppsikt/notify/seko/b")
    clock.now += MIN_INTERVAL["teams"]
    pacer.wait("teams", "uppsikt/notify/seko/a")
    assert clock.slept == []
