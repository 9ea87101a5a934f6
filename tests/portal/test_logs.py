import logging

from portal import logs


def _record(message="Exception ignored", *args):
    return logging.LogRecord("django_redis.cache", logging.ERROR, __file__, 1, message, args, None)


def test_a_repeated_message_passes_once_a_minute_and_then_says_how_many_were_held(
    monkeypatch,
):
    clock = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: clock[0])
    once = logs.OncePerInterval(seconds=60)

    assert once.filter(_record())
    assert [once.filter(_record()) for _ in range(5)] == [False] * 5
    clock[0] += 61
    later = _record()
    assert once.filter(later)
    assert later.getMessage() == "Exception ignored (5 more like it not logged)"
    clock[0] += 61
    assert once.filter(_record())
    assert _record().getMessage() == "Exception ignored"


def test_other_messages_pass_on_their_own_clock(monkeypatch):
    monkeypatch.setattr(logs.time, "monotonic", lambda: 5.0)
    once = logs.OncePerInterval(seconds=60)
    assert once.filter(_record("Exception ignored"))
    assert once.filter(_record("Something else: %s", "x"))
    assert not once.filter(_record("Something else: %s", "y"))
