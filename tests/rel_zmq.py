#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# rel_zmq.py: a third-party ZeroMQ client (Debian's python3-zmq) against a
# valise node, for the hostile-peer scenarios (41, 45, 46; issue 9 item 6).
# Each command prints one line of key=value results for the shell test.
#
#   unknown EP SERVER_PK                  CURVE with a random client key
#   garbage EP SERVER_PK PK SK            a known key sending junk frames
#   oversize EP SERVER_PK PK SK BYTES     a known key sending one big frame
#   null EP / plain EP                    the NULL and PLAIN mechanisms
#   rawbytes HOST PORT                    random bytes instead of ZMTP
#   slowloris HOST PORT N SECONDS         N connections that never finish
#                                         the handshake
# Keys are hex.  Every wait is scaled by VALISE_SLOW (20 under valgrind,
# where the node answers that much later).  Test-only.
import os
import socket
import sys
import time

import zmq
import zmq.utils.monitor
import zmq.utils.z85

SLOW = int(os.environ.get("VALISE_SLOW", "1"))


def dealer(ctx, ep, server_pk=None, pk=None, sk=None, mech="curve"):
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.RCVTIMEO, 300)
    if mech == "curve":
        s.curve_serverkey = server_pk
        if pk is None:
            pk, sk = zmq.curve_keypair()
        s.curve_publickey = pk
        s.curve_secretkey = sk
    elif mech == "plain":
        s.plain_username = b"admin"
        s.plain_password = b"admin"
    mon = s.get_monitor_socket()
    s.connect(ep)
    return s, mon


def z85(h):
    return zmq.utils.z85.encode(bytes.fromhex(h))


def events(mon, seconds):
    seen = set()
    end = time.time() + seconds * SLOW
    while time.time() < end:
        if mon.poll(100):
            ev = zmq.utils.monitor.recv_monitor_message(mon)
            seen.add(ev["event"])
    return seen


def replies(s, seconds):
    # Answers received, and how many of them were ACK REJECTED (version 1,
    # type 2, ..., status 2 last): the only answer junk may get.
    n = rejected = 0
    end = time.time() + seconds * SLOW
    while time.time() < end:
        try:
            f = s.recv_multipart()
            n += 1
            if len(f) == 1 and f[0][:2] == bytes([1, 2]) and \
                    f[0][-1] == 2:
                rejected += 1
        except zmq.Again:
            pass
    return n, rejected


def frame_like():
    # A syntactically valid DATA frame header with a junk envelope.
    return bytes([1, 1, 1, 6]) + b"NODE-C" + os.urandom(200)


def cmd_curve(ep, server_pk, pk=None, sk=None, frames=None):
    ctx = zmq.Context()
    s, mon = dealer(ctx, ep, z85(server_pk),
                    z85(pk) if pk else None, z85(sk) if sk else None)
    time.sleep(0.5 * SLOW)
    for f in frames or [[frame_like()]]:
        try:
            s.send_multipart(f, flags=zmq.NOBLOCK)
        except zmq.Again:
            pass
    n, rejected = replies(s, 2)
    ev = events(mon, 0.5)
    ok = zmq.EVENT_HANDSHAKE_SUCCEEDED in ev
    failed = bool(ev & {zmq.EVENT_HANDSHAKE_FAILED_AUTH,
                        zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                        zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL})
    print("handshake=%s auth_failed=%s replies=%d rejected=%d disconnected=%s"
          % ("ok" if ok else "no", "yes" if failed else "no", n, rejected,
             "yes" if zmq.EVENT_DISCONNECTED in ev else "no"))
    s.disable_monitor()
    mon.close()
    s.close()
    ctx.term()


def cmd_mech(ep, mech):
    ctx = zmq.Context()
    s, mon = dealer(ctx, ep, mech=mech)
    time.sleep(0.5 * SLOW)
    try:
        s.send(frame_like(), flags=zmq.NOBLOCK)
    except zmq.Again:
        pass
    n, _ = replies(s, 1.5)
    ev = events(mon, 0.5)
    print("mechanism=%s handshake=%s replies=%d"
          % (mech, "ok" if zmq.EVENT_HANDSHAKE_SUCCEEDED in ev else "no", n))
    s.disable_monitor()
    mon.close()
    s.close()
    ctx.term()


def cmd_rawbytes(host, port):
    c = socket.create_connection((host, int(port)), timeout=5 * SLOW)
    c.sendall(os.urandom(4096))
    c.settimeout(5 * SLOW)
    closed = "no"
    try:
        while True:
            b = c.recv(4096)
            if not b:
                closed = "yes"
                break
    except (socket.timeout, ConnectionResetError):
        closed = "yes" if closed == "yes" else "reset"
    print("closed_by_server=%s" % ("yes" if closed != "no" else "no"))


def cmd_slowloris(host, port, n, seconds):
    conns = []
    for _ in range(int(n)):
        try:
            c = socket.create_connection((host, int(port)),
                                         timeout=5 * SLOW)
            # the first bytes of a ZMTP 3 greeting, then silence
            c.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f")
            c.setblocking(False)
            conns.append(c)
        except OSError:
            break
    print("opened=%d" % len(conns), flush=True)
    end = time.time() + float(seconds) * SLOW
    closed = set()
    while time.time() < end and len(closed) < len(conns):
        for i, c in enumerate(conns):
            if i in closed:
                continue
            try:
                b = c.recv(4096)
                if not b:
                    closed.add(i)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(i)
        time.sleep(0.2)
    print("closed_by_server=%d" % len(closed), flush=True)
    for c in conns:
        c.close()


def main(a):
    if a[0] == "unknown":
        cmd_curve(a[1], a[2])
    elif a[0] == "garbage":
        frames = [[os.urandom(64)], [b""], [b"\x01\x01\x01", b"two", b"3"],
                  [bytes([1, 1, 1, 200]) + os.urandom(50)],
                  [bytes([1, 2, 1]) + os.urandom(10)], [frame_like()]]
        cmd_curve(a[1], a[2], a[3], a[4], frames)
    elif a[0] == "oversize":
        big = bytes([1, 1, 1, 6]) + b"NODE-C" + os.urandom(int(a[5]))
        cmd_curve(a[1], a[2], a[3], a[4], [[big]])
    elif a[0] in ("null", "plain"):
        cmd_mech(a[1], a[0])
    elif a[0] == "rawbytes":
        cmd_rawbytes(a[1], a[2])
    elif a[0] == "slowloris":
        cmd_slowloris(a[1], a[2], a[3], a[4])
    else:
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
