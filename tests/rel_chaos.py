#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# rel_chaos.py: a bad link between two valise nodes, for the reliability
# scenarios 10 and 13 (issue 9 item 4) on kernels without sch_netem.  A
# TCP proxy, standard library only, that cuts what it forwards into
# segments of at most `seg` bytes and, in each direction, drops,
# duplicates, reorders, corrupts (one bit) or stalls them at random, or
# throttles them to `rate` bytes a second.  Losing or altering bytes inside
# one TCP stream breaks ZMTP framing or the CURVE box: the nodes must
# refuse what was damaged, drop the connection, reconnect and resend.
#
#   rel_chaos.py CONTROL STATS TARGET_PORT...
#
# For each TARGET_PORT, listens on a free port of 127.0.0.1 and forwards
# what comes in to 127.0.0.1:TARGET_PORT; prints "ready PORT..." (the
# listening ports, in the order of the targets) once it listens.
# CONTROL holds key=value lines, read at start and on SIGHUP:
#   mode=pass|chaos|throttle
#   drop= dup= reorder= corrupt= stall=	chance per segment (chaos mode)
#   stall_min= stall_max=		seconds a stall holds a direction
#   rate=				bytes a second (throttle mode)
#   seg=				segment size in bytes (1460)
#   seed=				for the random faults (9)
# STATS is rewritten with one line of counters whenever they change: the
# connections accepted, what each fault did, and which side closed.
# SIGTERM ends it.  Test-only.
import errno
import os
import random
import selectors
import signal
import socket
import sys
import time

BUF_MAX = 256 * 1024	# bytes held for one direction before reading stops

conf = {}
stats = dict.fromkeys(("connections", "segments", "bytes", "dropped",
    "duplicated", "reordered", "corrupted", "stalls", "closed_by_client",
    "closed_by_server", "refused_upstream"), 0)
stats_dirty = True
rng = random.Random(9)
reload_wanted = True
stop_wanted = False


def load(path):
    global conf
    c = {"mode": "pass", "drop": 0.0, "dup": 0.0, "reorder": 0.0,
         "corrupt": 0.0, "stall": 0.0, "stall_min": 1.0, "stall_max": 8.0,
         "rate": 10000.0, "seg": 1460.0, "seed": None}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            k, v = line.split("=", 1)
            if k not in c:
                raise SystemExit("rel_chaos: unknown setting " + k)
            c[k] = v if k == "mode" else float(v)
    if c["mode"] not in ("pass", "chaos", "throttle"):
        raise SystemExit("rel_chaos: unknown mode " + c["mode"])
    if c["seed"] is not None:
        rng.seed(int(c["seed"]))
    conf = c


def count(k, n=1):
    global stats_dirty
    stats[k] += n
    stats_dirty = True


def write_stats(path):
    global stats_dirty
    with open(path + ".new", "w") as f:
        f.write(" ".join("%s=%d" % kv for kv in stats.items()) + "\n")
    os.replace(path + ".new", path)
    stats_dirty = False


class Direction:
    """Bytes from src to dst, with the faults applied on the way."""

    def __init__(self, src, dst):
        self.src, self.dst = src, dst
        self.out = bytearray()	# ready to write to dst
        self.held = None	# a segment held back to be reordered
        self.held_until = 0.0
        self.stall_until = 0.0
        self.tokens = 0.0
        self.tokens_at = time.monotonic()

    def segment(self, data, now):
        count("segments")
        count("bytes", len(data))
        if conf["mode"] != "chaos":
            self.out += data
            return
        # one draw picks at most one fault: consecutive bands of [0, 1)
        r = rng.random()
        for fault in ("drop", "corrupt", "dup", "reorder", "stall"):
            if r < conf[fault]:
                break
            r -= conf[fault]
        else:
            fault = None
        if fault == "drop":
            count("dropped")
            return
        if fault == "corrupt":
            data = bytearray(data)
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            count("corrupted")
        elif fault == "dup":
            self.out += data
            count("duplicated")
        elif fault == "reorder" and self.held is None:
            self.held = bytes(data)		# goes out after the next one
            self.held_until = now + 0.2
            count("reordered")
            return
        elif fault == "stall":
            self.stall_until = now + rng.uniform(conf["stall_min"],
                                                 conf["stall_max"])
            count("stalls")
        self.out += data
        self.flush_held(now, True)

    def flush_held(self, now, force=False):
        if self.held is not None and (force or now >= self.held_until):
            self.out += self.held
            self.held = None

    def can_read(self, now):
        room = BUF_MAX if conf["mode"] != "throttle" else conf["seg"]
        return len(self.out) < room

    def budget(self, now):
        if now < self.stall_until:
            return 0
        if conf["mode"] != "throttle":
            return len(self.out)
        rate = conf["rate"]
        self.tokens = min(self.tokens + (now - self.tokens_at) * rate,
                          max(rate / 10, conf["seg"]))
        self.tokens_at = now
        return int(self.tokens)

    def spent(self, n):
        if conf["mode"] == "throttle":
            self.tokens -= n


class Conn:
    def __init__(self, client, server):
        self.client, self.server = client, server
        self.connecting = True
        self.dirs = (Direction(client, server), Direction(server, client))
        self.closed = False


sel = selectors.DefaultSelector()
conns = []


def close(c, by):
    if c.closed:
        return
    c.closed = True
    if by:
        count(by)
    for s in (c.client, c.server):
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()


def accept(lsock, target):
    try:
        cl, _ = lsock.accept()
    except OSError:
        return
    cl.setblocking(False)
    up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    up.setblocking(False)
    err = up.connect_ex(("127.0.0.1", target))
    if err not in (0, errno.EINPROGRESS):
        count("refused_upstream")
        cl.close()
        up.close()
        return
    count("connections")
    conns.append(Conn(cl, up))


def step(c, now):
    """Register what c waits for; returns the next timer, if any."""
    if c.closed:
        return None
    wake = None
    if c.connecting:
        events = {c.client: 0, c.server: selectors.EVENT_WRITE}
    else:
        events = {c.client: 0, c.server: 0}
        for d in c.dirs:
            d.flush_held(now)
            if d.held is not None:
                wake = d.held_until if wake is None else \
                    min(wake, d.held_until)
            if d.can_read(now):
                events[d.src] |= selectors.EVENT_READ
            if d.out:
                if d.budget(now) > 0:
                    events[d.dst] |= selectors.EVENT_WRITE
                else:
                    t = d.stall_until if now < d.stall_until else now + 0.02
                    wake = t if wake is None else min(wake, t)
    for s, ev in events.items():
        try:
            if ev:
                try:
                    sel.modify(s, ev, c)
                except KeyError:
                    sel.register(s, ev, c)
            else:
                sel.unregister(s)
        except (KeyError, ValueError):
            pass
    return wake


def ready(c, s, mask, now):
    if c.closed:
        return
    if c.connecting:
        if s is c.server and mask & selectors.EVENT_WRITE:
            if c.server.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                count("refused_upstream")
                close(c, None)
            else:
                c.connecting = False
        return
    for d in c.dirs:
        if s is d.src and mask & selectors.EVENT_READ:
            try:
                data = s.recv(int(conf["seg"]))
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                data = b""
            if data == b"":
                close(c, "closed_by_client" if s is c.client else
                      "closed_by_server")
                return
            if data:
                d.segment(data, now)
        if s is d.dst and mask & selectors.EVENT_WRITE and d.out:
            n = d.budget(now)
            try:
                sent = s.send(d.out[:n])
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:
                close(c, "closed_by_client" if s is c.client else
                      "closed_by_server")
                return
            d.spent(sent)
            del d.out[:sent]


def on_hup(signum, frame):
    global reload_wanted
    reload_wanted = True


def on_term(signum, frame):
    global stop_wanted
    stop_wanted = True


def main():
    global reload_wanted
    if len(sys.argv) < 4:
        raise SystemExit("usage: rel_chaos.py CONTROL STATS "
                         "TARGET_PORT...")
    control, statsf = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    ports = []
    for target in sys.argv[3:]:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(64)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, int(target))
        ports.append(str(ls.getsockname()[1]))
    print("ready " + " ".join(ports), flush=True)
    while not stop_wanted:
        now = time.monotonic()
        if reload_wanted:
            reload_wanted = False
            load(control)
        if stats_dirty:
            write_stats(statsf)
        conns[:] = [c for c in conns if not c.closed]
        wake = None
        for c in conns:
            t = step(c, now)
            if t is not None:
                wake = t if wake is None else min(wake, t)
        timeout = 0.2 if wake is None else max(0.0, min(0.2, wake - now))
        try:
            events = sel.select(timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for key, mask in events:
            if isinstance(key.data, int):
                accept(key.fileobj, key.data)
            else:
                ready(key.data, key.fileobj, mask, now)
    for c in conns:
        close(c, None)
    write_stats(statsf)


if __name__ == "__main__":
    main()
