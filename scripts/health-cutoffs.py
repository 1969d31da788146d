#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build-time cutoffs for the NIST SP 800-90B section 4.4 health tests.

  health-cutoffs.py --alpha-log2 N --out FILE H_milli...
      write kb_health_cutoffs.h for false-positive rate alpha = 2^-N and
      every min-entropy H given in milli-bits per sample (e.g. 8000 = 8 bits)
  health-cutoffs.py --check
      recompute a reference table (W = 512, alpha 2^-20 and 2^-30) and exit
      non-zero on any mismatch; may be combined with --out

For each H the header defines
  KB_HEALTH_RCT_CUTOFF_<milli> = 1 + ceil(alpha_log2 / H)                (4.4.1)
  KB_HEALTH_APT_CUTOFF_<milli> = 1 + CRITBINOM(512, 2^-H, 1 - 2^-alpha_log2)
                                                                         (4.4.2)
where CRITBINOM(n, p, q) is the smallest k with binomial CDF(k; n, p) >= q,
i.e. the smallest k whose upper tail P(X > k) is <= alpha.

Those tails are around 1e-9, far below what 1 - CDF in doubles can resolve,
so the tail is summed directly:
  - H a whole number of bits: p = 2^-H is a dyadic rational and the tail
    compares exactly in integers (everything scaled by 2^(H*n));
  - otherwise: decimal arithmetic at 120 significant digits.
Every result is cross-checked against an independent log-space sum
(math.lgamma + log-sum-exp) in doubles.

Standard library only; run with /usr/bin/python3.
"""
import argparse
import decimal
import math
import os
import sys

WINDOW = 512            # SP 800-90B 4.4.2: W = 512 for non-binary sources

# --check reference: alpha_log2 -> {H_milli: (RCT cutoff, APT cutoff)}, W = 512.
REFERENCE = {
    20: {500: (41, 410), 1000: (21, 311), 2000: (11, 177), 4000: (6, 62), 8000: (4, 13)},
    30: {500: (61, 422), 1000: (31, 325), 2000: (16, 190), 4000: (9, 71), 8000: (5, 16)},
}

# A sample is at most 64 bits wide (struct kb_health stores uint64_t), so no
# source can have more than 64 bits of min-entropy per sample.
H_MILLI_MAX = 64000
ALPHA_LOG2_MAX = 64


def die(msg):
    sys.exit("health-cutoffs: " + msg)


def rct_cutoff(alpha_log2, h_milli):
    """1 + ceil(alpha_log2 / H), in integers (H = h_milli / 1000)."""
    return 1 + -(-(alpha_log2 * 1000) // h_milli)


def _critbinom_exact(n, h_bits, alpha_log2):
    """Smallest k with P(X > k) <= 2^-alpha_log2, X ~ Bin(n, 2^-h_bits).

    Scaled by 2^(h_bits * n):  P(X = j) * 2^(h*n) = C(n, j) * (2^h - 1)^(n - j),
    and the test  tail * 2^(h*n) * 2^alpha_log2 <= 2^(h*n)  is exact."""
    m = (1 << h_bits) - 1
    scale = h_bits * n
    tail = 0                        # scaled P(X > k), k walking down from n
    k = n                           # P(X > n) = 0 <= alpha always
    while k > 0:
        # P(X > k - 1) = P(X > k) + P(X = k)
        t = tail + math.comb(n, k) * m ** (n - k)
        if (t << alpha_log2) > (1 << scale):
            break                   # k - 1 is not enough: the answer is k
        tail = t
        k -= 1
    return k


def _critbinom_decimal(n, h_milli, alpha_log2):
    """Same as _critbinom_exact for any H, at 120 significant digits."""
    ctx = decimal.Context(prec=120, Emin=-999999, Emax=999999)
    D = decimal.Decimal
    p = ctx.power(D(2), ctx.divide(D(-h_milli), D(1000)))
    q = ctx.subtract(D(1), p)
    alpha = ctx.power(D(2), D(-alpha_log2))
    tail = D(0)
    k = n
    while k > 0:
        term = ctx.multiply(ctx.multiply(D(math.comb(n, k)), ctx.power(p, k)),
                            ctx.power(q, n - k))
        t = ctx.add(tail, term)
        # Rounding error is ~1e-115 relative; a tail that close to alpha
        # would make the cutoff depend on it, so refuse rather than guess.
        if abs(ctx.subtract(t, alpha)) <= ctx.multiply(alpha, D("1e-100")):
            die(f"H={h_milli / 1000:g}: binomial tail at k={k - 1} is within "
                f"1e-100 of alpha; cannot decide CRITBINOM")
        if t > alpha:
            break
        tail = t
        k -= 1
    return k


def _critbinom_logspace(n, h_milli, alpha_log2):
    """Independent double-precision cross-check: upper-tail terms summed in
    log space (lgamma + log-sum-exp).  Returns (k, log tail margin)."""
    lp = -(h_milli / 1000) * math.log(2)        # log p
    lq = math.log1p(-math.exp(lp))              # log(1 - p), accurate for tiny p
    lalpha = -alpha_log2 * math.log(2)
    lnf = math.lgamma(n + 1)

    def logpmf(j):
        return lnf - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * lp + (n - j) * lq

    ltail = -math.inf
    k = n
    while k > 0:
        a, b = ltail, logpmf(k)
        hi = max(a, b)
        lt = hi + math.log(math.exp(a - hi) + math.exp(b - hi))
        if lt > lalpha:
            return k, lt - lalpha
        ltail = lt
        k -= 1
    return k, math.inf


def apt_cutoff(alpha_log2, h_milli, n=WINDOW):
    """(cutoff, note): 1 + CRITBINOM(n, 2^-H, 1 - alpha), clamped to [2, n]."""
    if h_milli % 1000 == 0:
        k = _critbinom_exact(n, h_milli // 1000, alpha_log2)
    else:
        k = _critbinom_decimal(n, h_milli, alpha_log2)

    kf, margin = _critbinom_logspace(n, h_milli, alpha_log2)
    # Doubles may legitimately land on the other side when the tail is within
    # rounding of alpha; anything else means one of the two sums is wrong.
    if kf != k and abs(margin) > 1e-6:
        die(f"H={h_milli / 1000:g}: precise CRITBINOM {k} disagrees with "
            f"log-space {kf}")

    c = 1 + k
    note = None
    if c > n:
        # CRITBINOM <= n always, so only 1 + n = n + 1 gets here: a count the
        # window cannot hold.  n (every sample of the window equal to the
        # first) is the strictest cutoff that can still fire.
        note = f"1 + CRITBINOM = {c} exceeds W = {n}; clamped to {n}"
        c = n
    elif c < 2:
        # CRITBINOM = 0 when even one repeat of A in the window is rarer than
        # alpha.  The window's first sample is occurrence 1 by definition, so
        # a cutoff of 1 would fail every window; 800-90B only compares after a
        # repeat, which is exactly what a cutoff of 2 does.
        note = f"1 + CRITBINOM = {c}; raised to 2 (the first sample is occurrence 1)"
        c = 2
    return c, note


def h_label(h_milli):
    return f"{h_milli // 1000}.{h_milli % 1000:03d}"


def render(alpha_log2, h_list):
    out = [
        "/* SPDX-License-Identifier: BSD-2-Clause */",
        "/*",
        " * Generated by scripts/health-cutoffs.py -- do not edit.",
        " *",
        " * NIST SP 800-90B section 4.4 health-test cutoffs for alpha = 2^-%d," % alpha_log2,
        " * APT window W = %d.  H is in milli-bits of min-entropy per sample:" % WINDOW,
        " *   RCT cutoff = 1 + ceil(%d / H)" % alpha_log2,
        " *   APT cutoff = 1 + CRITBINOM(%d, 2^-H, 1 - 2^-%d)" % (WINDOW, alpha_log2),
        " * See loader/include/kaslrboot/health.h.",
        " */",
        "#ifndef KB_HEALTH_CUTOFFS_H",
        "#define KB_HEALTH_CUTOFFS_H",
        "",
        "#define KB_HEALTH_ALPHA_LOG2\t\t%d" % alpha_log2,
        "#define KB_HEALTH_CUTOFFS_WINDOW\t%d" % WINDOW,
    ]
    for h in h_list:
        rct = rct_cutoff(alpha_log2, h)
        apt, note = apt_cutoff(alpha_log2, h)
        out.append("")
        out.append("/* H = %s bits/sample */" % h_label(h))
        if note:
            out.append("/* APT: %s */" % note)
        out.append("#define KB_HEALTH_RCT_CUTOFF_%d\t%d" % (h, rct))
        out.append("#define KB_HEALTH_APT_CUTOFF_%d\t%d" % (h, apt))
    out += ["", "#endif", ""]
    return "\n".join(out)


def check():
    bad = 0
    for alpha_log2, table in sorted(REFERENCE.items()):
        for h, (rct_ref, apt_ref) in sorted(table.items()):
            rct = rct_cutoff(alpha_log2, h)
            apt, _ = apt_cutoff(alpha_log2, h)
            if (rct, apt) != (rct_ref, apt_ref):
                print(f"health-cutoffs: check: alpha 2^-{alpha_log2} H={h_label(h)}: "
                      f"got RCT {rct} APT {apt}, want RCT {rct_ref} APT {apt_ref}",
                      file=sys.stderr)
                bad += 1
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--alpha-log2", type=int, metavar="N",
                    help="false-positive rate alpha = 2^-N")
    ap.add_argument("--out", metavar="FILE", help="header to write")
    ap.add_argument("--check", action="store_true",
                    help="verify against the built-in reference table")
    ap.add_argument("h_milli", nargs="*", type=int, metavar="H_milli",
                    help="min-entropy per sample in milli-bits (8000 = 8 bits)")
    args = ap.parse_args()

    if args.out is None and not args.check:
        ap.error("nothing to do: give --out FILE and/or --check")

    if args.out is not None:
        if args.alpha_log2 is None:
            ap.error("--out needs --alpha-log2")
        if not 1 <= args.alpha_log2 <= ALPHA_LOG2_MAX:
            die(f"--alpha-log2 {args.alpha_log2} outside 1..{ALPHA_LOG2_MAX}")
        if not args.h_milli:
            ap.error("--out needs at least one H_milli")
        for h in args.h_milli:
            if not 1 <= h <= H_MILLI_MAX:
                die(f"H_milli {h} outside 1..{H_MILLI_MAX} (a sample is at most 64 bits)")
        if len(set(args.h_milli)) != len(args.h_milli):
            die("an H_milli is given twice")

        text = render(args.alpha_log2, args.h_milli)
        d = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(d, exist_ok=True)
        # Write then rename, so an interrupted build never leaves a truncated
        # header behind that make would consider up to date.
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, args.out)
    elif args.alpha_log2 is not None or args.h_milli:
        ap.error("--alpha-log2 and H_milli are only used with --out")

    if args.check:
        bad = check()
        if bad:
            sys.exit(1)


if __name__ == "__main__":
    main()
