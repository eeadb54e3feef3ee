"""What the worker processes of one center share, in the message queue's Redis.

With one worker (no `QMS_MESSAGE_QUEUE`) all of this lives in the process, as it always did. With
several (`QMS_WORKERS=N`, design.md section 9) a kiosk's print agent may be connected to one worker
while its visitor's ticket is issued through another, and two calls may be made through two
workers at once; so the workers keep here, under a prefix of their center's own:

- the print agents present (`AgentPresence`), each refreshed by its worker's heartbeat, so the
  agents of a worker that died are forgotten within `AGENT_TTL_S`; and, the same way, the
  sockets of paired devices (to close a revoked device's, and to show who is connected now);
- one order of pushes (`OneOrderRedisManager`): every push goes through Redis, and every worker,
  its sender included, delivers it from there, so all sockets see the pushes in Redis's order;
- the order of `called` pushes (`in_seq_order`): a call is published only after the one before it
  (SQLite gives each call its `seq`; the pushes of two workers could otherwise cross in Redis);
- one lock around each snapshot push (`snapshot_turn`), so a snapshot read earlier is never
  published after one read later (the last change is what the screens keep);
- the sign-in lockouts (api/limits.py); the rate limits use Flask-Limiter's own Redis storage;
- the word that a session, account or token ended (`OneOrderRedisManager.recheck`), so every
  worker closes the sockets it holds for it at once (Socket.IO lists no other worker's sockets).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from typing import TYPE_CHECKING, Any

import socketio
from flask import Flask
from redis.exceptions import RedisError
from socketio.packet import Packet

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

REDIS = "qms.redis"
AGENT_TTL_S = 30.0  # an agent not refreshed for this long is gone (its worker died)
SEQ_WAIT_S = 0.5  # the longest a call waits for the one before it (a worker died in between)
SNAPSHOT_LOCK_S = 5.0


def redis_for(app: Flask) -> Redis | None:
    """The app's Redis client when it has a message queue, else None (one process: memory)."""
    if not app.config.get("MESSAGE_QUEUE"):
        return None
    client: Redis | None = app.extensions.get(REDIS)
    if client is None:
        from redis import Redis

        client = Redis.from_url(app.config["MESSAGE_QUEUE"], socket_timeout=5)
        app.extensions[REDIS] = client
    return client


class OneOrderRedisManager(socketio.RedisManager):  # type: ignore[misc]
    """Flask-SocketIO's Redis queue, except that the sender does not deliver its own pushes first.

    python-socketio hands a push to the sender's sockets at once and to the other workers through
    Redis; so two pushes of two workers could reach the sockets of each worker in a different
    order (a later call, or an older snapshot, last). Here the sender only publishes, marked as
    from no worker, and every worker's listener delivers it, in the one order Redis gives.
    """

    FROM_THE_QUEUE = "queue"
    RECHECK = "qms_recheck_sockets"  # our own message: not one of python-socketio's methods
    _listening = False
    on_recheck: Callable[[str | None], None] | None = None  # set by api/session.py

    def recheck(self, revoked_token: str | None = None) -> None:
        """Ask every worker (this one too, through Redis) to close the sockets whose
        credentials ended; `revoked_token` names a revoked integration token."""
        self._publish({"method": self.RECHECK, "token": revoked_token})

    def _listen(self) -> Iterator[Any]:
        for message in super()._listen():
            if isinstance(message, bytes) and self.RECHECK.encode() in message[:60]:
                self._rechecked(message)
            else:
                yield message

    def _rechecked(self, message: bytes) -> None:
        try:
            token = json.loads(message).get("token")
            if self.on_recheck is not None:
                self.on_recheck(token if isinstance(token, str) else None)
        except Exception:  # noqa: BLE001  (the listener must live on)
            log.exception("closing the sockets of an ended session failed")

    def _wait_for_the_listener(self) -> None:
        """Once, as the worker starts: wait (2 s at most) for its listener to subscribe, or the
        first pushes would miss this worker's own sockets (they are no longer handed over)."""
        if self._listening or getattr(self, "thread", None) is None:
            return  # no socket yet (the listener starts with the first): nobody here to miss it
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            pubsub = getattr(self, "pubsub", None)
            if pubsub is not None and pubsub.subscribed:
                self.server.sleep(0.01)  # the SUBSCRIBE is sent; let Redis take it
                break
            self.server.sleep(0.005)
        self._listening = True

    def emit(  # type: ignore[no-untyped-def]
        self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kw
    ):
        if callback is not None or kw.get("ignore_queue"):  # acknowledgements: the usual way
            return super().emit(event, data, namespace, room, skip_sid, callback, to, **kw)
        self._wait_for_the_listener()
        data = list(data) if isinstance(data, tuple) else [data]
        binary = Packet.data_is_binary(data)
        if binary:
            data, attachments = Packet.deconstruct_binary(data)
            data = [data, *[base64.b64encode(a).decode() for a in attachments]]
        self._publish(
            {
                "method": "emit",
                "event": event,
                "data": data,
                "binary": binary,
                "namespace": namespace or "/",
                "room": to or room,
                "skip_sid": skip_sid,
                "callback": None,
                "host_id": self.FROM_THE_QUEUE,
            }
        )
        return None


def one_order_manager(app: Flask) -> dict[str, Any]:
    """Socket.IO's options for the app's message queue: ours for Redis, on a channel of the
    center's own (two centers may share one Redis, never their pushes); Flask-SocketIO's for
    other queues."""
    queue = app.config.get("MESSAGE_QUEUE")
    if queue and queue.startswith(("redis://", "rediss://")):
        channel = prefix_for(app) + "socketio"
        return {"client_manager": OneOrderRedisManager(queue, channel=channel)}
    return {}


def prefix_for(app: Flask) -> str:
    """Keys of one center: two centers may share one Redis, never their state."""
    database = hashlib.sha256(str(app.config["DATABASE"]).encode()).hexdigest()[:12]
    return f"qms:{database}:"


# --- print agents present ------------------------------------------------------------------------


class AgentPresence:
    """The kiosks whose print agent is connected, to this process (and, with Redis, to any).

    The same presence, under another `name`, keeps the paired devices' sockets: the key is a
    device's id and each member names its socket ("namespace sid"), so a revoked device's
    sockets can be closed on whichever worker holds them, and the admin page can say which
    devices are connected now.
    """

    def __init__(
        self, redis: Redis | None = None, prefix: str = "", sleep: Any = None, name: str = "agents"
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.name = name
        self.sleep: Callable[[float], None] = sleep or time.sleep
        self.local: dict[str, str] = {}  # socket id -> kiosk, on this process
        self._beating = False

    def _key(self, kiosk: str) -> str:
        return f"{self.prefix}{self.name}:{kiosk}"

    def joined(self, sid: str, kiosk: str, start_task: Callable[..., Any] | None = None) -> None:
        self.local[sid] = kiosk
        if self.redis is not None:
            with suppress(RedisError):  # Redis away: the heartbeat adds it when it is back
                self.redis.zadd(self._key(kiosk), {sid: time.time() + AGENT_TTL_S})
            if not self._beating and start_task is not None:
                self._beating = True
                start_task(self._heartbeat)

    def left(self, sid: str) -> None:
        kiosk = self.local.pop(sid, None)
        if kiosk is not None and self.redis is not None:
            with suppress(RedisError):  # it expires by itself
                self.redis.zrem(self._key(kiosk), sid)

    def present(self, kiosk: str) -> bool:
        if self.redis is None:
            return kiosk in self.local.values()
        key = self._key(kiosk)
        now = time.time()
        try:
            self.redis.zremrangebyscore(key, "-inf", now)
            return bool(self.redis.zcount(key, now, "+inf"))
        except RedisError:  # unknown: the ticket stands and says its printer is not reached
            log.warning("print agents: Redis unreachable", exc_info=True)
            return False

    def members(self, kiosk: str) -> list[str]:
        """The sockets present under this key, on any worker (this process's without Redis)."""
        if self.redis is None:
            return [sid for sid, key in list(self.local.items()) if key == kiosk]
        try:
            found = self.redis.zrangebyscore(self._key(kiosk), time.time(), "+inf")
        except RedisError:
            log.warning("presence: Redis unreachable", exc_info=True)
            return [sid for sid, key in list(self.local.items()) if key == kiosk]
        return [member.decode() if isinstance(member, bytes) else str(member) for member in found]

    def _heartbeat(self) -> None:
        """Refresh this process's agents (again after a Redis restart); a dead worker's expire."""
        assert self.redis is not None
        while True:
            self.sleep(AGENT_TTL_S / 3)
            for sid, kiosk in list(self.local.items()):
                if self.local.get(sid) != kiosk:  # left while the beat was under way
                    continue
                try:
                    self.redis.zadd(self._key(kiosk), {sid: time.time() + AGENT_TTL_S})
                except RedisError:  # Redis away: try again at the next beat
                    log.warning("print agents: heartbeat failed", exc_info=True)
                    break


# --- the order of calls and snapshots -------------------------------------------------------------

_SET_MAX = """
local last = tonumber(redis.call('get', KEYS[1]) or '0')
if tonumber(ARGV[1]) > last then redis.call('set', KEYS[1], ARGV[1]) end
return last
"""


@contextmanager
def _seq_turn(redis: Redis, key: str, seq: int, sleep: Callable[[float], None]) -> Iterator[None]:
    deadline = time.monotonic() + SEQ_WAIT_S
    try:
        while time.monotonic() < deadline:
            last = redis.get(key)
            if (seq <= 1 and last is None) or (last is not None and int(last) >= seq - 1):
                break
            sleep(0.002)
    except RedisError:  # Redis away: the pushes cannot leave anyway; do not fail the call
        log.warning("calls: Redis unreachable", exc_info=True)
    try:
        yield
    finally:
        with suppress(RedisError):
            redis.eval(_SET_MAX, 1, key, seq)


@contextmanager
def _turn(lock: Any) -> Iterator[None]:
    """Hold the lock if it can be had within its timeout; push in any case."""
    acquired = False
    try:
        acquired = bool(lock.acquire())
    except RedisError:
        log.warning("snapshots: Redis unreachable", exc_info=True)
    try:
        yield
    finally:
        if acquired:
            with suppress(RedisError):  # expired meanwhile: another push already went
                lock.release()


def in_seq_order(
    app: Flask, seq: int, sleep: Callable[[float], None]
) -> AbstractContextManager[None]:
    """Publish a call's pushes after those of the call before it (`seq - 1`), over all workers.

    A call waits at most SEQ_WAIT_S for its predecessor (whose worker may have died between the
    commit and the push, or whose push went before Redis last started: the first call after
    that waits the whole delay, once); with one process the pushes already leave in order.
    """
    redis = redis_for(app)
    if redis is None:
        return nullcontext()
    return _seq_turn(redis, prefix_for(app) + "called:last", seq, sleep)


def snapshot_turn(app: Flask) -> AbstractContextManager[Any]:
    """Read and publish a snapshot under one lock of all workers, so they leave in read order."""
    redis = redis_for(app)
    if redis is None:
        return nullcontext()
    return _turn(
        redis.lock(
            prefix_for(app) + "snapshots", timeout=SNAPSHOT_LOCK_S, blocking_timeout=SNAPSHOT_LOCK_S
        )
    )


# --- sign-in lockouts ----------------------------------------------------------------------------


class SharedCounts:
    """The failures and locks of lockouts.py's LoginThrottle, in Redis: a lock made on one
    worker holds on all.

    Times are the app's clock (seconds since the epoch); Redis only expires the keys afterwards.
    """

    def __init__(self, redis: Redis, prefix: str, keep_s: float) -> None:
        self.redis = redis
        self.prefix = prefix + "login:"
        self.keep_s = int(keep_s) + 60

    def locked_until(self, key: str) -> float | None:
        value = self.redis.get(self.prefix + "lock:" + key)
        return None if value is None else float(value)

    def add_failure(self, key: str, at: float, window_s: float) -> int:
        """Count a failure at `at`; answer the failures within the window."""
        name = self.prefix + "failed:" + key
        pipe = self.redis.pipeline()
        pipe.zadd(name, {f"{at}:{uuid.uuid4().hex[:8]}": at})
        pipe.zremrangebyscore(name, "-inf", at - window_s)
        pipe.zcard(name)
        pipe.expire(name, self.keep_s)
        return int(pipe.execute()[2])

    def lock(self, key: str, until: float) -> None:
        self.redis.set(self.prefix + "lock:" + key, str(until), ex=self.keep_s)

    def clear(self, key: str) -> None:
        self.redis.delete(self.prefix + "lock:" + key, self.prefix + "failed:" + key)

    def locks(self, prefix: str) -> list[tuple[str, float]]:
        """The locks whose key starts with `prefix` (a scan: for the admin page, not requests)."""
        start = self.prefix + "lock:"
        names = list(self.redis.scan_iter(match=start + _glob_escaped(prefix) + "*", count=500))
        values = self.redis.mget(names) if names else []
        return [
            (name.decode().removeprefix(start), float(value))
            for name, value in zip(names, values, strict=True)
            if value is not None
        ]

    def clear_all(self, prefix: str) -> list[str]:
        """Clear the locks and failures of every key starting with `prefix`; answer the locked."""
        locked = [key for key, _until in self.locks(prefix)]
        failed = self.redis.scan_iter(
            match=self.prefix + "failed:" + _glob_escaped(prefix) + "*", count=500
        )
        names = [*failed, *(self.prefix + "lock:" + key for key in locked)]
        if names:
            self.redis.delete(*names)
        return locked


def _glob_escaped(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
