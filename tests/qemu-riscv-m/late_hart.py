#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""late_hart.py SOCK LOG UNTIL [options]: make the harts but hart 0 arrive late.

QEMU runs with -S (every hart stopped at its reset vector) and its gdbstub
on the unix socket SOCK.  This speaks the GDB remote protocol to it:

  1. vCont;c:p1.1 resumes hart 0 (gdb thread 1) only; QEMU 7.2 leaves
     every hart not named stopped, still at the reset vector;
  2. once the line UNTIL is in the console log LOG, all harts are stopped
     (^C); --write ADDR:HEX writes bytes (RAM only: QEMU 7.2's gdbstub
     does not write MMIO), then --read ADDR:LEN prints "mem ADDR HEX"
     (RAM or MMIO);
  3. vCont;c resumes every hart: the others start at the reset vector now,
     late (with --hold-at ADDR --steps N: first the others alone for
     0.3 s, so that they arrive and park, then hart 0 alone until it
     reaches ADDR, a breakpoint (Z0), then N single steps of hart 0 alone
     (vCont;s:p1.1), and then every hart);
  4. once the line --after is in LOG (default: none) and --settle seconds
     (default 1) have passed, all harts are stopped again and each one's
     pc printed: "hart N pc 0xPC"; then QEMU is killed (k).

Prints "late_hart: error: ..." (with LATE_HART_DEBUG=1 in the
environment, the traceback too), kills QEMU and exits 1 on a timeout or a
protocol error.
"""
import argparse
import os
import socket
import sys
import time


class Gdb:
    def __init__(self, path, timeout):
        self.s = socket.socket(socket.AF_UNIX)
        end = time.time() + timeout
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.s.settimeout(timeout)
        self.buf = b""

    def _more(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError("gdbstub closed the connection")
        self.buf += d

    def send(self, pkt):
        self.s.sendall(b"$%s#%02x" % (pkt.encode(), sum(pkt.encode()) & 0xff))
        while True:	# the stub acknowledges every packet with '+'
            if not self.buf:
                self._more()
            c, self.buf = self.buf[:1], self.buf[1:]
            if c == b"+":
                return
            if c == b"-":
                raise IOError("gdbstub asked for %r again" % pkt)

    def reply(self):
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i) if i >= 0 else -1
            if j >= 0 and len(self.buf) >= j + 3:
                pkt = self.buf[i + 1:j].decode()
                self.buf = self.buf[j + 3:]
                self.s.sendall(b"+")
                return pkt
            self._more()

    def cmd(self, pkt):
        self.send(pkt)
        return self.reply()

    def stop(self):
        self.s.sendall(b"\x03")
        r = self.reply()
        if not r.startswith("T"):
            raise IOError("^C answered %r" % r)


def wait_line(log, line, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(log, "rb") as f:
                if line.encode() in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.01)
    return False


g = None


def main():
    global g
    ap = argparse.ArgumentParser()
    ap.add_argument("sock")
    ap.add_argument("log")
    ap.add_argument("until")
    ap.add_argument("--after")
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--read", action="append", default=[])
    ap.add_argument("--write", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--hold-at")
    ap.add_argument("--steps", type=int, default=0)
    a = ap.parse_args()
    g = Gdb(a.sock, a.timeout)
    g.cmd("qSupported:multiprocess+;vContSupported+")
    g.cmd("?")
    threads = []
    r = g.cmd("qfThreadInfo")
    while r.startswith("m"):
        threads += r[1:].split(",")
        r = g.cmd("qsThreadInfo")
    if len(threads) < 2:
        raise IOError("one thread only (%s): run QEMU with -smp 2 or more" % threads)
    g.send("vCont;c:%s" % threads[0])	# hart 0 only
    if not wait_line(a.log, a.until, a.timeout):
        raise TimeoutError("%r not in %s after %g s" % (a.until, a.log, a.timeout))
    g.stop()
    for w in a.write:
        addr, data = w.split(":")
        r = g.cmd("M%x,%x:%s" % (int(addr, 0), len(data) // 2, data))
        if r != "OK":
            raise IOError("writing %s: %r" % (w, r))
    for rd in a.read:
        addr, n = rd.split(":")
        r = g.cmd("m%x,%x" % (int(addr, 0), int(n, 0)))
        print("mem 0x%x %s" % (int(addr, 0), r), flush=True)
    if a.hold_at:
        # the others alone (they arrive and park), then hart 0 alone to
        # the breakpoint HOLD_AT and --steps single steps further
        addr = int(a.hold_at, 0)
        g.send("vCont" + "".join(";c:" + t for t in threads[1:]))
        time.sleep(0.3)	# the others alone: they arrive and park
        g.stop()
        if g.cmd("Z0,%x,4" % addr) != "OK":
            raise IOError("breakpoint at 0x%x refused" % addr)
        g.send("vCont;c:%s" % threads[0])	# hart 0 alone
        r = g.reply()
        if not r.startswith("T05") or ("thread:%s;" % threads[0]) not in r:
            raise IOError("hart 0 did not stop at 0x%x: %r" % (addr, r))
        if g.cmd("z0,%x,4" % addr) != "OK":
            raise IOError("removing the breakpoint at 0x%x refused" % addr)
        for _ in range(a.steps):
            if not g.cmd("vCont;s:%s" % threads[0]).startswith("T"):
                raise IOError("single step refused")
    g.send("vCont;c")	# every hart: the others arrive now
    if a.after and not wait_line(a.log, a.after, a.timeout):
        raise TimeoutError("%r not in %s after %g s" % (a.after, a.log, a.timeout))
    time.sleep(a.settle)
    g.stop()
    for n, t in enumerate(threads):
        if g.cmd("Hg" + t) != "OK":
            raise IOError("Hg%s refused" % t)
        regs = g.cmd("g")	# x0..x31, then pc: XLEN/4 hex digits each
        if len(regs) not in (33 * 8, 33 * 16):
            raise IOError("g answered %d hex digits, not 33 registers" % len(regs))
        w = len(regs) // 33
        pc = int.from_bytes(bytes.fromhex(regs[32 * w:33 * w]), "little")
        print("hart %d pc 0x%x" % (n, pc), flush=True)
    g.send("k")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line, for the test's log
        if os.environ.get("LATE_HART_DEBUG"):
            import traceback; traceback.print_exc()
        print("late_hart: error: %s" % e)
        try:
            g.send("k")	# do not leave QEMU running
        except Exception:
            pass
        sys.exit(1)
