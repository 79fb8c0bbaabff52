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
#   pingreset HOST PORT SERVER_PK PK SK N a known key speaking CurveZMQ by
#                                         hand: N junk frames with a PING
#                                         after every 5th, then a TCP reset
# Keys are hex.  Every wait is scaled by VALISE_SLOW (20 under valgrind,
# where the node answers that much later).  Test-only.
import ctypes
import os
import socket
import struct
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


class Box:
    # crypto_box_easy through libsodium: CurveZMQ by hand (RFC 26), for the
    # frames a well-behaved libzmq client never sends in that order.
    def __init__(self):
        self.na = ctypes.CDLL("libsodium.so.23")
        if self.na.sodium_init() < 0:
            sys.exit("sodium_init failed")

    def keypair(self):
        pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(32)
        self.na.crypto_box_keypair(pk, sk)
        return pk.raw, sk.raw

    def seal(self, m, nonce, pk, sk):
        c = ctypes.create_string_buffer(len(m) + 16)
        self.na.crypto_box_easy(c, m, ctypes.c_ulonglong(len(m)), nonce,
                                pk, sk)
        return c.raw

    def open(self, c, nonce, pk, sk):
        m = ctypes.create_string_buffer(max(len(c) - 16, 1))
        if self.na.crypto_box_open_easy(m, c, ctypes.c_ulonglong(len(c)),
                                        nonce, pk, sk) != 0:
            raise ValueError("box does not open")
        return m.raw[:len(c) - 16]


def zmtp_frame(body, command=False):
    flags = 0x04 if command else 0
    if len(body) > 255:
        return bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body
    return bytes([flags, len(body)]) + body


def recv_exact(c, n):
    # n bytes, or fewer only if the peer closed.  Not recv(n, MSG_WAITALL):
    # a Python socket with a timeout is non-blocking underneath, so that
    # returns what has arrived so far (libzmq writes its greeting in two
    # parts, and a loaded machine can wake us between them).
    b = b""
    while len(b) < n:
        part = c.recv(n - len(b))
        if not part:
            break
        b += part
    return b


# The largest frame these scenarios read from the node: its handshake
# commands and heartbeats are far smaller.  A longer one is a broken or
# hostile server, not something to buffer.
ZMTP_FRAME_MAX = 65536


def zmtp_read(c):
    # One frame's body, or b"" when the connection ends first or the frame
    # is longer than ZMTP_FRAME_MAX.
    head = recv_exact(c, 1)
    if not head:
        return b""
    wide = head[0] & 0x02
    size = recv_exact(c, 8 if wide else 1)
    if len(size) < (8 if wide else 1):
        return b""
    n = struct.unpack(">Q", size)[0] if wide else size[0]
    if n > ZMTP_FRAME_MAX:
        return b""
    return recv_exact(c, n)


def cmd_pingreset(host, port, server_pk, pk, sk, n):
    # libzmq 4.3.4 (libzmq#4364) aborted with "!_io_error" when a
    # connection whose input was stopped on a full queue was reset while a
    # PING was among the bytes held back: the PONG was written on a dead
    # engine once the application drained the queue.
    na = Box()
    S, C, Cs = bytes.fromhex(server_pk), bytes.fromhex(pk), bytes.fromhex(sk)
    cp, cs = na.keypair()
    c = socket.create_connection((host, int(port)), timeout=10 * SLOW)
    c.sendall(b"\xff" + b"\0" * 8 + b"\x7f\x03\x00" +
              b"CURVE".ljust(20, b"\0") + b"\0" * 32)
    greeting = recv_exact(c, 64)
    if len(greeting) != 64 or greeting[12:17] != b"CURVE":
        print("handshake=no step=greeting")
        return
    nonce = 1

    def short(prefix):
        return prefix + struct.pack(">Q", nonce)
    hello = (b"\x05HELLO\x01\x00" + b"\0" * 72 + cp + struct.pack(">Q", nonce)
             + na.seal(b"\0" * 64, short(b"CurveZMQHELLO---"), S, cs))
    c.sendall(zmtp_frame(hello, True))
    w = zmtp_read(c)
    if not w.startswith(b"\x07WELCOME"):
        print("handshake=no step=welcome")
        return
    plain = na.open(w[24:], b"WELCOME-" + w[8:24], S, cs)
    sp, cookie = plain[:32], plain[32:128]
    nonce += 1
    vn = os.urandom(16)
    vouch = vn + na.seal(cp + S, b"VOUCH---" + vn, sp, Cs)
    meta = b"\x0bSocket-Type" + struct.pack(">I", 6) + b"DEALER"
    init = (b"\x08INITIATE" + cookie + struct.pack(">Q", nonce) +
            na.seal(C + vouch + meta, short(b"CurveZMQINITIATE"), sp, cs))
    c.sendall(zmtp_frame(init, True))
    r = zmtp_read(c)
    if not r.startswith(b"\x05READY"):
        print("handshake=no step=ready")
        return
    out = []
    for i in range(int(n)):
        for flags, body in [(0, frame_like())] + \
                ([(2, b"\x04PING\x00\x00")] if i % 5 == 0 else []):
            nonce += 1
            out.append(zmtp_frame(b"\x07MESSAGE" + struct.pack(">Q", nonce) +
                                  na.seal(bytes([flags]) + body,
                                          short(b"CurveZMQMESSAGEC"), sp, cs)))
    c.settimeout(None)
    c.setblocking(False)
    blob, sent, end = b"".join(out), 0, time.time() + 5 * SLOW
    while sent < len(blob) and time.time() < end:
        try:
            sent += c.send(blob[sent:])
        except BlockingIOError:
            time.sleep(0.01)
    time.sleep(1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    print("handshake=ok frames=%d sent_bytes=%d of %d reset=yes"
          % (int(n), sent, len(blob)))


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
    elif a[0] == "pingreset":
        cmd_pingreset(a[1], a[2], a[3], a[4], a[5], a[6])
    else:
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
