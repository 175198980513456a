#!/usr/bin/env python3
"""Hostile-input campaign against the built `satsim` executable, end to end.

Usage (from the repository root, after `swift build --product satsim`):

    python3 Tests/Fuzz/hostile_cli.py                      # every case, report in /tmp/satsim-hostile
    python3 Tests/Fuzz/hostile_cli.py --only bomb,nan       # cases whose name contains one of these
    python3 Tests/Fuzz/hostile_cli.py --skip value-         # all but those (both: comma-separated substrings)
    python3 Tests/Fuzz/hostile_cli.py --quick               # validate and run only (minutes, not tens)
    python3 Tests/Fuzz/hostile_cli.py --binary .build/release/satsim --jobs 2 --report DIR

It writes hostile scenario files (mutations of a small base scenario that uses every mechanism,
and of the shipped ones in Scenarios/), special files (FIFO, directory, /dev/zero, an unreadable
file, a 50 MB file) and hostile flag values, and runs every command that reads a scenario
(validate, run, check, compare, explain, sweep, chaos, and merge on hostile shard folders), each
under a 60 s wall-clock limit and `ulimit -v` 2 GiB (RLIMIT_AS). Some runs get SIGINT or SIGTERM
part-way through. A *finding* is any of:
  - an exit code other than 0, 1, 2; a death by a signal we did not send; a timeout;
  - a control byte in stdout or stderr (< 0x20 except LF and TAB, 0x7f, a C1 control
    U+0080..U+009F, a Bidi_Control character) or bytes that are not UTF-8;
  - an --out folder that, after the process ended, holds a file that looks whole but is
    truncated (JSON that does not parse, CSV with ragged rows or no final newline, HTML/SVG
    without their closing tag, an SQLite store that fails `PRAGMA integrity_check`), a seal
    (summary.json, comparison.json, explain.json, chaos.json) beside a missing file of its
    manifest, or a temporary `.satsim-partial-*` file left after an exit (a kill by SIGINT/SIGTERM
    may leave one: the next run into the folder removes it, which is checked as well).
Peak memory (ru_maxrss of the child) is recorded for every run. Results: REPORT/findings.jsonl
(one JSON object per finding), REPORT/runs.jsonl (one per run) and a summary on stdout. The exit
status is 1 when there is a finding, else 0.
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 60.0
MEMORY_LIMIT = 2 * 1024 ** 3

# The base: small and fast (20 simulated seconds), with every mechanism and every event kind, one
# scalar per line so that the value mutations below can find each one.
BASE = """\
name: fuzz-base
description: >
  A small system with every mechanism, for the hostile-input campaign.
duration: 20s
warmup: 2s
seed: 3
metrics:
  interval: 1s
clients:
  users:
    target: api
    arrival:
      process: poisson
      rate: 100/s
    network:
      dist: exponential
      mean: 1ms
    timeout: 500ms
    retry:
      max_attempts: 3
      on: [timeout, error, rejected]
      backoff:
        base: 10ms
        multiplier: 2
        cap: 1s
        jitter: full
      budget:
        ratio: 0.1
        min_per_second: 10
    circuit_breaker:
      failure_ratio: 0.5
      min_requests: 20
      window: 5s
      open_for: 2s
      half_open_probes: 5
    adaptive_throttle:
      k: 2
      window: 10s
  batch:
    target: api
    arrival:
      process: closed
      users: 10
      think:
        dist: gamma
        mean: 100ms
        cv: 0.5
services:
  api:
    instances: 3
    workers: 4
    service_time:
      dist: lognormal
      mean: 10ms
      cv: 1.0
    contention: 0.01
    queue:
      capacity: 100
      discipline: codel
      timeout: 1s
    balancer: power_of_two
    calls:
      - service: db
        probability: 0.5
        timeout: 200ms
        retry:
          max_attempts: 2
          backoff:
            base: 5ms
            multiplier: 2
            cap: 100ms
            jitter: equal
        optional: true
        circuit_breaker:
          failure_ratio: 0.5
          min_requests: 10
          window: 5s
          open_for: 2s
          half_open_probes: 3
    cache:
      keys: 1000
      zipf: 1.0
      capacity: 200
      ttl: 10s
    health_check:
      interval: 2s
      timeout: 500ms
      unhealthy_after: 3
      healthy_after: 2
      action: eject
      panic_threshold: 0.5
      jitter: 0.1
    outlier_detection:
      consecutive_errors: 5
      interval: 2s
      base_ejection_time: 5s
      max_ejection_percent: 30
    boot_time: 2s
    autoscaler:
      policy: hpa
      metric: utilization
      target: 0.6
      interval: 2s
      min: 2
      max: 6
      scale_in_cooldown: 5s
      scale_out_cooldown: 2s
  db:
    instances: 2
    workers: 4
    service_time:
      dist: empirical
      values: [1ms, 2ms, 5ms]
    queue:
      capacity: 50
      discipline: fifo
    balancer: least_outstanding
timeline:
  - at: 5s
    for: 2s
    kind: load_spike
    client: users
    factor: 2
  - at: 6s
    for: 2s
    kind: latency
    service: db
    add:
      dist: uniform
      min: 1ms
      max: 5ms
  - at: 7s
    for: 2s
    kind: errors
    service: db
    caller: api
    ratio: 0.5
    share: 0.5
  - at: 8s
    for: 1s
    kind: outage
    service: db
    mode: refuse
  - at: 9s
    kind: kill
    service: api
    count: 1
  - at: 10s
    kind: cache_flush
    service: api
  - at: 11s
    for: 1s
    kind: pause
    service: api
    count: 1
  - at: 12s
    kind: scale
    service: api
    to: 4
  - at: 13s
    kind: deploy
    service: api
    batch: 1
    every: 1s
  - at: 14s
    for: 2s
    kind: set
    path: clients.users.retry.max_attempts
    value: 1
variants:
  no-retry:
    clients.users.retry.max_attempts: 1
sweep:
  vary:
    clients.users.arrival.rate: [80/s, 120/s]
  replications: 1
slo:
  success_ratio: 0.9
  latency_p99: 500ms
chaos:
  at: 5s
  max_together: 2
  replications: 1
  faults:
    - kind: kill
      service: api
      count: 1
      label: lose-one
    - for: 2s
      kind: load_spike
      client: users
      factor: 1.5
      label: burst
expect:
  outcome: [stable, recovered, degraded, metastable, oscillating, overloaded]
  clients.users.goodput_per_s: ">= 0"
"""

# Values by the kind of scalar they replace.
NUMBERS = ["1e308", "-1e308", "1e-320", "-0", "-0.0", ".nan", ".NaN", ".inf", "-.inf", "0x10", "0o17", "0b1",
           "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
           "18446744073709551615", "18446744073709551616", "1e9", "1000000000", "0", "-1", "1_000", "+1",
           "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "'3'", "[]", "{}", "~", "", "true",
           "1" + "0" * 400, "0." + "0" * 400 + "1"]
DURATIONS = ["1e300s", "0ns", "-5s", "0s", "1ns", "9223372036854775807ns", "9223372036854775808ns",
             "1e-320s", ".nans", ".infs", "nan s", "5", "5 s", "5S", "-0s", "0x10s", "1e18h", "1e10h",
             "106751d", "1e-9ns", "1.5ns", "2562047h", "2562048h", "153722867m", "9223372036s", "9223372037s",
             "1s1s", "\u202e5s", "5s\u0000"]
RATES = ["1e18/s", "0/s", "-1/s", "1e-320/s", ".nan/s", ".inf/s", "1e308/s", "1e9/s", "1/h", "1e-9/h",
         "9223372036854775807/s", "5", "5/d", "/s", "5/", "0x10/s", "1e6/ms"]
COUNTS = ["1000000000", "1e9", "2147483648", "9223372036854775807", "9223372036854775808", "0", "-1", "1.5",
          "1e300", ".inf", "-0"]
NAMES = ["\x1b[31mred\x1b[0m", "api\u202egnp.exe", "\x00", "a\x07b", "a\u0085b", "a\x7fb", "\u200busers",
         "\x1b]0;pwned\x07", "a" * 5000, "'\x1b[2J'", "\"\\e[31m\"", "\"\\x1b[31mx\"", "\"\\u202E\"", "\"\\x85\""]

CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def scalar_lines(text):
    """Yields (index, indent, key, value) for each `key: scalar` line of the base."""
    for index, line in enumerate(text.split("\n")):
        match = re.match(r"^(\s*(?:-\s+)?)([a-z_]+): ([^\s\[{>].*)$", line)
        if match:
            yield index, match.group(1), match.group(2), match.group(3)


def kind_of(key, value):
    if key in ("name", "target", "service", "client", "label", "path", "caller"):
        return "name"
    if re.fullmatch(r"[0-9.]+/(s|m|h)", value):
        return "rate"
    if re.fullmatch(r"[0-9.]+(ns|us|ms|s|m|h)", value):
        return "duration"
    if re.fullmatch(r"[0-9]+", value):
        return "count"
    if re.fullmatch(r"[0-9.]+", value):
        return "number"
    return None


def replace_line(text, index, new_line):
    lines = text.split("\n")
    lines[index] = new_line
    return "\n".join(lines)


def deep(opening, closing, depth):
    return opening * depth + closing * depth


class Case:
    """One input and the commands to run on it."""

    def __init__(self, name, data=None, commands=None, special=None, control=False, sig=None):
        self.name = name
        self.data = data            # bytes of the scenario file, or None with `special`
        self.special = special      # "fifo", "directory", "unreadable", a path such as /dev/zero
        self.commands = commands    # list of argv tails; "{file}", "{out}", "{dir}" are filled in
        self.control = control      # whether the input holds control or bidi characters
        self.sig = sig              # (signal, delay in seconds) to send mid-run


def scenario_commands(quick, file_flag_tail=()):
    tail = list(file_flag_tail)
    commands = [["validate", "{file}"], ["run", "{file}", "--out", "{out}"] + tail]
    if not quick:
        commands += [
            ["run", "{file}", "--format", "json"] + tail,
            ["check", "{file}"] + tail,
            ["compare", "{file}", "--replications", "1", "--out", "{out}"] + tail,
            ["explain", "{file}", "--replications", "1", "--jobs", "2", "--out", "{out}"] + tail,
            ["sweep", "{file}", "--replications", "1", "--jobs", "2", "--out", "{out}"] + tail,
            ["chaos", "{file}", "--replications", "1", "--jobs", "2", "--out", "{out}"] + tail,
        ]
    return commands


def build_cases(quick, rng):
    cases = []
    base = BASE.encode()
    every = scenario_commands(quick)
    light = [["validate", "{file}"], ["run", "{file}", "--out", "{out}"]]

    cases.append(Case("base", base, every))

    # Structure: bombs, nesting, size.
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 12):
        bomb += "a%d: &a%d [%s]\n" % (level, level, ", ".join(["*a" if level == 1 else "*a%d" % (level - 1)] * 10))
    cases.append(Case("alias-bomb", bomb.encode(), every))
    cases.append(Case("alias-bomb-in-base", (BASE + "x-bomb: &b [*b]\n").encode(), light))
    merge_bomb = "a0: &a0 {k: 1}\n" + "".join("a%d: &a%d {<<: [%s]}\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 8))
                                              for i in range(1, 10))
    cases.append(Case("merge-key-bomb", merge_bomb.encode(), light))
    cases.append(Case("alias-as-value-bomb", BASE.replace("  users:\n", "  users: &u\n", 1).encode()
                      + b"".join(b"x%d: *u\n" % i for i in range(1000)), light))
    for opening, closing in (("[", "]"), ("{", "}")):
        for depth in (100_000, 1_000):
            cases.append(Case("deep-%s-%d" % (opening, depth), deep(opening, closing, depth).encode(), light))
    cases.append(Case("deep-flow-map-keys", ("{a: " * 100_000 + "1" + "}" * 100_000).encode(), light))
    cases.append(Case("deep-block-seq", ("- " * 50_000 + "x\n").encode(), light))
    cases.append(Case("deep-block-map", "".join(" " * d + "a:\n" for d in range(3000)).encode(), light))
    cases.append(Case("deep-in-description", BASE.replace("description: >\n  A small", "description: " + "[" * 100_000 + "\n  A small").encode(), light))
    cases.append(Case("50MB-description", BASE.replace("  A small system", "  " + "x" * 50_000_000 + " A small system").encode(), light))
    cases.append(Case("50MB-comment", (BASE + "# " + "y" * 50_000_000 + "\n").encode(), light))
    cases.append(Case("50MB-one-line", ("x" * 50_000_000).encode(), light))
    cases.append(Case("8MB-empirical", BASE.replace("values: [1ms, 2ms, 5ms]", "values: [" + ", ".join(["1ms"] * 1_500_000) + "]").encode(), light))
    cases.append(Case("many-events", (BASE.split("timeline:\n")[0] + "timeline:\n" + "".join(
        "  - {at: %dms, kind: cache_flush, service: api}\n" % (i % 20000) for i in range(200_000))).encode(), light))
    cases.append(Case("many-clients", (BASE.replace("clients:\n", "clients:\n" + "".join(
        "  c%d: {target: api, arrival: {process: poisson, rate: 1/s}}\n" % i for i in range(20_000)), 1)).encode(), light))
    cases.append(Case("many-variants", (BASE.replace("variants:\n", "variants:\n" + "".join(
        "  v%d: {seed: %d}\n" % (i, i) for i in range(20_000)), 1)).encode(), [["validate", "{file}"]]))
    cases.append(Case("long-key", (BASE + "k" * 1_000_000 + ": 1\n").encode(), light))
    cases.append(Case("many-duplicate-keys", (BASE + "".join("dup: %d\n" % i for i in range(10_000))).encode(), light))

    # Encodings and bytes.
    cases.append(Case("empty", b"", every))
    cases.append(Case("blank", b"   \n\n\t\n", light))
    cases.append(Case("only-comment", b"# nothing\n", light))
    cases.append(Case("doc-marker", b"---\n", light))
    cases.append(Case("two-documents", (BASE + "---\n" + BASE).encode(), every))
    cases.append(Case("scalar-top", b"42\n", light))
    cases.append(Case("list-top", b"- a\n- b\n", light))
    cases.append(Case("null-top", b"~\n", light))
    for position in (0, 1, len(base) // 2, len(base) - 1):
        cases.append(Case("nul-at-%d" % position, base[:position] + b"\x00" + base[position:], light, control=True))
    cases.append(Case("nul-everywhere", base.replace(b"\n", b"\x00\n"), light, control=True))
    for label, bad in (("ff", b"\xff"), ("overlong", b"\xc0\x80"), ("surrogate", b"\xed\xa0\x80"), ("truncated", b"\xe2\x82"),
                       ("c1-raw", b"\x85"), ("cp1252", b"caf\xe9")):
        cases.append(Case("utf8-%s-in-name" % label, base.replace(b"name: fuzz-base", b"name: fuzz-" + bad + b"base"), light, control=True))
        cases.append(Case("utf8-%s-in-description" % label, base.replace(b"A small", b"A " + bad + b"small"), light, control=True))
    cases.append(Case("utf16-le", BASE.encode("utf-16-le"), light, control=True))
    cases.append(Case("utf16-bom", BASE.encode("utf-16"), light, control=True))
    cases.append(Case("utf32", BASE.encode("utf-32"), light, control=True))
    cases.append(Case("bom", b"\xef\xbb\xbf" + base, every))
    cases.append(Case("bom-twice", b"\xef\xbb\xbf\xef\xbb\xbf" + base, light))
    cases.append(Case("bom-mid", base.replace(b"services:", b"\xef\xbb\xbfservices:"), light))
    cases.append(Case("crlf", base.replace(b"\n", b"\r\n"), every))
    cases.append(Case("cr-only", base.replace(b"\n", b"\r"), light, control=True))
    cases.append(Case("tabs-indent", base.replace(b"\n    ", b"\n\t"), light, control=True))
    cases.append(Case("tab-after-colon", base.replace(b": ", b":\t"), light))
    cases.append(Case("nel-line-break", base.replace(b"\n", "\u0085".encode()), light, control=True))
    cases.append(Case("ls-line-break", base.replace(b"\n", "\u2028".encode()), light, control=True))
    cases.append(Case("duplicate-top-key", (BASE + "duration: 30s\n").encode(), light))
    cases.append(Case("duplicate-nested-key", BASE.replace("      rate: 100/s\n", "      rate: 100/s\n      rate: 200/s\n").encode(), light))
    cases.append(Case("duplicate-client", BASE.replace("  batch:\n", "  users:\n    target: api\n    arrival: {process: poisson, rate: 1/s}\n  batch:\n", 1).encode(), light))
    cases.append(Case("duplicate-variant-path", BASE.replace("    clients.users.retry.max_attempts: 1\n", "    clients.users.retry.max_attempts: 1\n    clients.users.retry.max_attempts: 2\n").encode(), light))
    cases.append(Case("complex-key", (BASE + "? [a, b]\n: 1\n").encode(), light))
    cases.append(Case("tag-binary", BASE.replace("seed: 3", "seed: !!binary AAAA").encode(), light))
    cases.append(Case("tag-custom", BASE.replace("seed: 3", "seed: !custom 3").encode(), light))
    cases.append(Case("tag-python", BASE.replace("seed: 3", "seed: !!python/object:os.system 3").encode(), light))
    cases.append(Case("directive", ("%YAML 1.1\n%TAG ! tag:x,2000:\n---\n" + BASE).encode(), light))
    cases.append(Case("merge-key", BASE.replace("  batch:\n", "  base: &b\n    target: api\n    arrival: {process: poisson, rate: 1/s}\n  more:\n    <<: *b\n  batch:\n", 1).encode(), light))
    cases.append(Case("anchors-on-scalars", BASE.replace("rate: 100/s", "rate: &r 100/s").replace("cap: 1s", "cap: *r").encode(), light))

    # Hostile characters in names and in error positions.
    hostile_names = {"ansi": "\x1b[31mEVIL\x1b[0m", "bidi": "api\u202eevil", "bell": "a\x07b", "c1": "a\u0085b",
                     "del": "a\x7fb", "osc": "\x1b]0;title\x07", "zwsp": "a\u200bb", "lre": "\u202aab\u202c", "nul": "a\x00b",
                     "esc-escaped": "\\x1b[31m", "backspace": "ab\x08\x08cd"}
    for label, evil in hostile_names.items():
        quoted = json.dumps(evil)  # a YAML double-quoted string with JSON escapes
        cases.append(Case("name-raw-%s-service" % label, BASE.replace("  db:\n", "  %s:\n" % evil, 1).encode(errors="surrogateescape"), every, control=True))
        cases.append(Case("name-quoted-%s-service" % label, BASE.replace("  db:\n", "  %s:\n" % quoted, 1).replace("service: db", "service: %s" % quoted).replace("services.db", "services.x").encode(), every, control=True))
        cases.append(Case("name-quoted-%s-client" % label, BASE.replace("  batch:\n", "  %s:\n" % quoted, 1).encode(), every, control=True))
        cases.append(Case("key-quoted-%s" % label, (BASE + "%s: 1\n" % quoted).encode(), light, control=True))
        cases.append(Case("key-quoted-%s-nested" % label, BASE.replace("    workers: 4\n", "    %s: 4\n" % quoted, 1).encode(), light, control=True))
        cases.append(Case("value-quoted-%s-enum" % label, BASE.replace("balancer: power_of_two", "balancer: %s" % quoted).encode(), light, control=True))
        cases.append(Case("value-quoted-%s-target" % label, BASE.replace("target: api", "target: %s" % quoted, 1).encode(), light, control=True))
        cases.append(Case("value-quoted-%s-duration" % label, BASE.replace("timeout: 500ms", "timeout: %s" % json.dumps("5" + evil + "s"), 1).encode(), light, control=True))
        cases.append(Case("description-%s" % label, BASE.replace("A small system", "A small %s system" % quoted[1:-1]).replace("description: >\n  A", "description: \"A").replace("campaign.\n", "campaign.\"\n", 1).encode(), every, control=True))
        cases.append(Case("label-%s" % label, BASE.replace("label: burst", "label: %s" % quoted).encode(), [["chaos", "{file}", "--replications", "1", "--out", "{out}"]], control=True))
        cases.append(Case("variant-%s" % label, BASE.replace("  no-retry:\n", "  %s:\n" % quoted).encode(), [["compare", "{file}", "--replications", "1", "--out", "{out}"], ["validate", "{file}"]], control=True))
        cases.append(Case("set-path-%s" % label, base, [["run", "{file}", "--set", "clients.%s.timeout=1s" % evil],
                                                      ["run", "{file}", "--set", "clients.users.timeout=1%s" % evil],
                                                      ["sweep", "{file}", "--vary", "clients.users.timeout=1s,%s" % evil, "--out", "{out}"],
                                                      ["run", "{file}", "--variant", evil],
                                                      ["run", "{file}", "--out", "{dir}/out%s" % evil]], control=True))

    # Every scalar of the base, replaced by hostile values of its kind.
    lines = list(scalar_lines(BASE))
    for index, indent, key, value in lines:
        kind = kind_of(key, value)
        if kind is None:
            continue
        values = {"rate": RATES + NUMBERS[:6], "duration": DURATIONS + NUMBERS[:4], "count": COUNTS + NUMBERS,
                  "number": NUMBERS, "name": NAMES}[kind]
        for hostile in values:
            text = replace_line(BASE, index, "%s%s: %s" % (indent, key, hostile))
            control = bool(CONTROL_RE.search(hostile))
            cases.append(Case("value-L%d-%s=%r" % (index + 1, key, hostile)[:120], text.encode(errors="surrogateescape"),
                              light if not quick else [["validate", "{file}"]], control=control))
    # Hostile values through --set, variants, sweep.vary and chaos faults (other code paths).
    set_paths = {"duration": "duration", "rate": "clients.users.arrival.rate", "count": "services.api.instances",
                 "workers": "services.api.workers", "attempts": "clients.users.retry.max_attempts",
                 "capacity": "services.api.queue.capacity", "users": "clients.batch.arrival.users",
                 "ratio": "clients.users.retry.budget.ratio", "timeout": "clients.users.timeout",
                 "factor": "timeline.0.factor", "at": "timeline.4.at", "to": "timeline.7.to", "keys": "services.api.cache.keys",
                 "multiplier": "clients.users.retry.backoff.multiplier", "max": "services.api.autoscaler.max",
                 "mean": "services.api.service_time.mean", "cv": "services.api.service_time.cv", "seed": "seed",
                 "interval": "metrics.interval", "chaos-at": "chaos.at", "setvalue": "timeline.9.value"}
    for label, path in set_paths.items():
        for hostile in rng.sample(NUMBERS + DURATIONS + RATES + COUNTS, 14) + ["1e9", "1000000000", "-5s", "0s", "1e18/s", "", "nan"]:
            control = bool(CONTROL_RE.search(hostile))
            cases.append(Case("set-%s=%r" % (label, hostile), base, [["run", "{file}", "--set", "%s=%s" % (path, hostile), "--out", "{out}"]] if quick else [
                ["run", "{file}", "--set", "%s=%s" % (path, hostile), "--out", "{out}"],
                ["compare", "{file}", "--replications", "1", "--set", "%s=%s" % (path, hostile)],
                ["sweep", "{file}", "--replications", "1", "--vary", "%s=%s" % (path, hostile), "--out", "{out}"],
                ["chaos", "{file}", "--replications", "1", "--set", "%s=%s" % (path, hostile), "--out", "{out}"]], control=control))
            cases.append(Case("variant-%s=%r" % (label, hostile), BASE.replace("    clients.users.retry.max_attempts: 1\n",
                              "    %s: %s\n" % (path, json.dumps(hostile) if hostile == "" else hostile)).encode(errors="surrogateescape"),
                              [["validate", "{file}"], ["compare", "{file}", "--replications", "1", "--out", "{out}"]], control=control))
    for hostile in ["1e308..1e308/3", "0..1e18/2", "1..2/1000000", "nan..1/2", "-5s..5s/3", "0s..1e300s/2", "1/s..1e18/s/2",
                    ",", "1,,2", "", "1..1/1", "1..2/0", "1..2/-1", "1e18/s,2e18/s"]:
        cases.append(Case("vary-rate=%r" % hostile, base, [["sweep", "{file}", "--replications", "1", "--vary", "clients.users.arrival.rate=" + hostile, "--out", "{out}"]]))
        cases.append(Case("vary-workers=%r" % hostile, base, [["sweep", "{file}", "--replications", "1", "--vary", "services.api.workers=" + hostile, "--out", "{out}"]]))
    for fault in ["{kind: scale, service: api, to: 1000000000}", "{kind: kill, service: api, count: 1000000000}",
                  "{for: 1e300s, kind: load_spike, client: users, factor: 1e308}", "{for: 2s, kind: load_spike, client: users, factor: 1000000000}", "{at: -5s, kind: kill, service: api, count: 1}",
                  "{for: 0ns, kind: pause, service: api, count: 1}", "{kind: deploy, service: api, batch: 1000000000, every: 0ns}",
                  "{for: 2s, kind: latency, service: db, add: {dist: constant, value: 1e300s}}",
                  "{kind: set, path: services.api.workers, value: 1000000000}", "{kind: set, path: clients.users.arrival.rate, value: 1e18/s}"]:
        cases.append(Case("chaos-fault-%s" % fault, BASE.replace("    - for: 2s\n      kind: load_spike\n", "    - %s\n    - for: 2s\n      kind: load_spike\n" % fault).encode(),
                          [["chaos", "{file}", "--replications", "1", "--jobs", "2", "--out", "{out}"], ["validate", "{file}"]]))
        cases.append(Case("timeline-%s" % fault, BASE.replace("timeline:\n", "timeline:\n  - %s\n" % fault.replace("{kind", "{at: 3s, kind").replace("{for", "{at: 3s, for")).encode(), light))
    cases.append(Case("empty-lists", BASE.replace("on: [timeout, error, rejected]", "on: []").replace("values: [1ms, 2ms, 5ms]", "values: []").encode(), light))
    for label, old, new in (("clients", "clients:\n", "clients: {}\nx-clients:\n"), ("services", "services:\n", "services: {}\nx-services:\n"),
                            ("timeline", "timeline:\n", "timeline: []\nx-timeline:\n"), ("variants", "variants:\n", "variants: {}\nx-variants:\n"),
                            ("calls", "    calls:\n", "    calls: []\n    x-calls:\n"), ("faults", "  faults:\n", "  faults: []\n  x-faults:\n"),
                            ("vary", "  vary:\n", "  vary: {}\n  x-vary:\n"), ("expect", "expect:\n", "expect: {}\nx-expect:\n")):
        cases.append(Case("empty-%s" % label, BASE.replace(old, new, 1).encode(), light))
    cases.append(Case("empty-vary-list", BASE.replace("clients.users.arrival.rate: [80/s, 120/s]", "clients.users.arrival.rate: []").encode(), [["sweep", "{file}", "--out", "{out}"]]))

    # Special files.
    for special in ("fifo", "directory", "unreadable", "/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/mem", "/proc/self/status",
                    "/nonexistent/x.yaml", "symlink-loop", "dangling-symlink", "socket"):
        cases.append(Case("special-%s" % special.strip("/").replace("/", "-"), None, every, special=special))

    # Hostile flag values.
    for flag in ("--seed", "--jobs", "--max-events", "--max-in-flight", "--max-log-entries", "--replications"):
        for hostile in ("-1", "0", "1e9", "nan", "", "18446744073709551616", "9223372036854775807", "-9223372036854775808",
                        " 1", "1 ", "0x10", "1_0", "\x1b[31m1", "+1", "1000000000"):
            commands = [["run", "{file}", flag, hostile], ["compare", "{file}", "--replications", "1", flag, hostile],
                        ["sweep", "{file}", "--replications", "1", flag, hostile, "--out", "{out}"],
                        ["chaos", "{file}", "--replications", "1", flag, hostile, "--out", "{out}"]]
            if flag in ("--jobs", "--replications", "--seed"):
                commands.append(["explain", "{file}", flag, hostile, "--out", "{out}"] + (["--replications", "1"] if flag != "--replications" else []))
            if flag == "--replications" and hostile in ("1e9", "1000000000", "9223372036854775807"):
                commands = [c for c in commands if c[0] != "run"]
            cases.append(Case("flag%s=%r" % (flag, hostile), base, commands if not quick else commands[:1], control="\x1b" in hostile))
    for hostile in ("0", "-1", "1000000000", "nan"):
        cases.append(Case("flag--max-together=%r" % hostile, base, [["chaos", "{file}", "--max-together", hostile, "--replications", "1", "--out", "{out}"]]))
        cases.append(Case("flag--tasks=%r" % hostile, base, [["sweep", "{file}", "--slurm", "--tasks", hostile]]))
    for hostile in ("1/0", "0/1000000000", "-0/2", "1/2"):
        cases.append(Case("flag--shard=%r" % hostile, base, [["sweep", "{file}", "--shard", hostile, "--replications", "1", "--out", "{out}"]]))
    for label, out in (("existing-file", "{dir}/afile"), ("read-only-dir", "{dir}/ro"), ("control-chars", "{dir}/o\x1b[31mut\x07"),
                       ("bidi", "{dir}/o\u202eut"), ("dev-null", "/dev/null"), ("proc", "/proc/self"), ("long-component", "{dir}/" + "x" * 300),
                       ("long-path", "{dir}/" + "/".join(["y" * 200] * 25)), ("empty", ""), ("newline", "{dir}/a\nb"), ("under-file", "{dir}/afile/sub"),
                       ("dot", "."), ("root", "/"), ("sys", "/sys/kernel")):
        control = bool(CONTROL_RE.search(out))
        commands = [["run", "{file}", "--out", out], ["compare", "{file}", "--replications", "1", "--out", out],
                    ["explain", "{file}", "--replications", "1", "--out", out], ["sweep", "{file}", "--replications", "1", "--out", out],
                    ["chaos", "{file}", "--replications", "1", "--out", out]]
        if label == "dot":
            commands = [["run", "{file}", "--out", "{dir}/."]]
        cases.append(Case("out-%s" % label, base, commands if not quick else commands[:1], control=control))

    # `help` with words that name no subcommand (refused, exit 2, the word escaped).
    for word in ("runn", "\x1b[31mrun\x07", "run\u202e", "x" * 5000, "", "run x.yaml", "--", "help\x00"):
        cases.append(Case("help-%r" % word[:20], base, [["help"] + word.split(" ")], control=bool(CONTROL_RE.search(word))))

    # Merge: hostile shard folders.
    for label in ("empty-dir", "garbage-store", "empty-store", "store-is-dir", "store-is-fifo", "store-is-devzero", "truncated-store",
                  "wrong-schema", "same-as-out", "out-is-file", "not-a-dir", "control-name", "repeated-folder"):
        cases.append(Case("merge-%s" % label, base, [["merge", label]], control=label == "control-name"))

    # The shipped scenarios, mutated.
    shipped = sorted(f for f in os.listdir(os.path.join(ROOT, "Scenarios")) if f.endswith(".yaml"))
    for name in shipped:
        data = open(os.path.join(ROOT, "Scenarios", name), "rb").read()
        validate = [["validate", "{file}"], ["run", "{file}", "--max-events", "300000", "--out", "{out}"]]
        cases.append(Case("shipped-%s-crlf" % name, data.replace(b"\n", b"\r\n"), validate))
        cases.append(Case("shipped-%s-bom" % name, b"\xef\xbb\xbf" + data, validate))
        cases.append(Case("shipped-%s-tabs" % name, data.replace(b"\n  ", b"\n\t"), [["validate", "{file}"]]))
        for _ in range(8):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                operation = rng.choice(("flip", "insert", "delete", "dup-line", "swap-lines", "truncate"))
                position = rng.randrange(len(mutated))
                if operation == "flip":
                    mutated[position] = rng.choice(b"\x00\x1b\x7f\x85\xff\t\r:[]{}&*!|>-#'\"%@`,?0123456789")
                elif operation == "insert":
                    mutated[position:position] = rng.choice([b"\x1b[2J", "\u202e".encode(), b"\x00", b"&a ", b"*a", b"1e308", b"-", b"\n-", b"::", b"{", b"["])
                elif operation == "delete":
                    del mutated[position:position + rng.randint(1, 20)]
                elif operation in ("dup-line", "swap-lines"):
                    text_lines = bytes(mutated).split(b"\n")
                    i, j = rng.randrange(len(text_lines)), rng.randrange(len(text_lines))
                    if operation == "dup-line":
                        text_lines.insert(j, text_lines[i])
                    else:
                        text_lines[i], text_lines[j] = text_lines[j], text_lines[i]
                    mutated = bytearray(b"\n".join(text_lines))
                else:
                    del mutated[position:]
                    if not mutated:
                        mutated = bytearray(b"x")
            control = bool(CONTROL_RE.search(bytes(mutated).decode("utf-8", "replace")))
            cases.append(Case("shipped-%s-mut%d" % (name, len(cases)), bytes(mutated), validate, control=control))

    # Signals part-way through a run that writes outputs.
    storm = open(os.path.join(ROOT, "Scenarios", "retry-storm.yaml"), "rb").read()
    for sig in (signal.SIGINT, signal.SIGTERM):
        for delay in (0.05, 0.3, 1.0, 3.0, 6.0, 8.0):
            cases.append(Case("signal-%s-%.2fs-run" % (sig.name, delay), storm, [["run", "{file}", "--out", "{out}"]], sig=(sig, delay)))
            cases.append(Case("signal-%s-%.2fs-sweep" % (sig.name, delay), base, [["sweep", "{file}", "--replications", "3", "--jobs", "2", "--out", "{out}"]], sig=(sig, delay)))
        for delay in (0.5, 2.0, 5.0):
            cases.append(Case("signal-%s-%.2fs-compare" % (sig.name, delay), base, [["compare", "{file}", "--replications", "3", "--out", "{out}"]], sig=(sig, delay)))
            cases.append(Case("signal-%s-%.2fs-explain" % (sig.name, delay), base, [["explain", "{file}", "--replications", "1", "--jobs", "2", "--out", "{out}"]], sig=(sig, delay)))
            cases.append(Case("signal-%s-%.2fs-chaos" % (sig.name, delay), base, [["chaos", "{file}", "--replications", "3", "--out", "{out}"]], sig=(sig, delay)))
    return cases


def limit_child():
    # A shell starts a background job with SIGINT ignored, and exec keeps an ignored signal:
    # satsim must see SIGINT as a terminal's Ctrl-C sends it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()
    os.nice(5)


def prepare(case, workdir):
    """Creates the case's input file (or special file); returns its path."""
    path = os.path.join(workdir, "scenario.yaml")
    special = case.special
    if special is None:
        with open(path, "wb") as handle:
            handle.write(case.data)
    elif special == "fifo":
        os.mkfifo(path)
    elif special == "directory":
        os.mkdir(path)
    elif special == "unreadable":
        with open(path, "wb") as handle:
            handle.write(BASE.encode())
        os.chmod(path, 0)
    elif special == "symlink-loop":
        os.symlink(path, path)
    elif special == "dangling-symlink":
        os.symlink(os.path.join(workdir, "nowhere"), path)
    elif special == "socket":
        import socket
        server = socket.socket(socket.AF_UNIX)
        server.bind(path)
        server.close()
    else:
        path = special
    # Folders some cases name.
    with open(os.path.join(workdir, "afile"), "w") as handle:
        handle.write("not a folder\n")
    os.mkdir(os.path.join(workdir, "ro"))
    os.chmod(os.path.join(workdir, "ro"), 0o555)
    return path


def prepare_merge(label, workdir):
    """Builds the shard folders a merge case names; returns the merge argv tail."""
    store = lambda d: os.path.join(workdir, d, "results.sqlite")
    os.makedirs(os.path.join(workdir, "s1"))
    if label == "empty-dir":
        return ["{dir}/s1", "--out", "{dir}/m"]
    if label == "garbage-store":
        open(store("s1"), "wb").write(os.urandom(8192))
    elif label == "empty-store":
        open(store("s1"), "wb").close()
    elif label == "store-is-dir":
        os.mkdir(store("s1"))
    elif label == "store-is-fifo":
        os.mkfifo(store("s1"))
    elif label == "store-is-devzero":
        os.symlink("/dev/zero", store("s1"))
    elif label in ("truncated-store", "same-as-out", "out-is-file", "control-name", "wrong-schema", "repeated-folder"):
        sweep = run_binary(["sweep", os.path.join(workdir, "scenario.yaml"), "--replications", "1", "--shard", "0/2", "--out", os.path.join(workdir, "s1")], workdir)
        run_binary(["sweep", os.path.join(workdir, "scenario.yaml"), "--replications", "1", "--shard", "1/2", "--out", os.path.join(workdir, "s2")], workdir)
        if label == "truncated-store":
            size = os.path.getsize(store("s1"))
            with open(store("s1"), "r+b") as handle:
                handle.truncate(size // 2)
        elif label == "wrong-schema":
            connection = sqlite3.connect(store("s2"))
            connection.execute("DROP TABLE runs")
            connection.execute("CREATE TABLE runs (x TEXT)")
            connection.execute("INSERT INTO runs VALUES ('\x1b[31mred')")
            connection.commit()
            connection.close()
        elif label == "same-as-out":
            return ["{dir}/s1", "{dir}/s2", "--out", "{dir}/s1"]
        elif label == "out-is-file":
            return ["{dir}/s1", "{dir}/s2", "--out", "{dir}/afile"]
        elif label == "repeated-folder":
            return ["{dir}/s1", "{dir}/./s1/", "{dir}/s2", "--out", "{dir}/m"]
        elif label == "control-name":
            os.rename(os.path.join(workdir, "s2"), os.path.join(workdir, "s\x1b[31m2\u202e"))
            return ["{dir}/s1", "{dir}/s\x1b[31m2\u202e", "--out", "{dir}/m\x07"]
        return ["{dir}/s1", "{dir}/s2", "--out", "{dir}/m"]
    elif label == "not-a-dir":
        return ["{dir}/afile", "--out", "{dir}/m"]
    return ["{dir}/s1", "--out", "{dir}/m"]


BINARY = None


def run_binary(argv, workdir, sig=None, as_nobody=False):
    """Runs satsim; returns a dict with status, signal, timed_out, rss_kib, seconds, stdout, stderr."""
    out_path, err_path = os.path.join(workdir, ".stdout"), os.path.join(workdir, ".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        # As root every file is readable: the unreadable case runs as nobody.
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if as_nobody and os.geteuid() == 0 else []
        process = subprocess.Popen(prefix + [BINARY] + argv, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   preexec_fn=limit_child)
        timed_out = sent = False
        deadline = start + TIMEOUT
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.monotonic()
            if sig and not sent and now - start >= sig[1]:
                os.kill(process.pid, sig[0])
                sent = True
            if now >= deadline:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        process.returncode = 0  # reaped by wait4
        seconds = time.monotonic() - start
    return {"status": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "sent": sig[0].name if sent else None, "timed_out": timed_out, "rss_kib": usage.ru_maxrss,
            "seconds": round(seconds, 2), "stdout": open(out_path, "rb").read(), "stderr": open(err_path, "rb").read()}


def control_characters(data):
    """The hostile characters in a stream, or 'not UTF-8'."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return ["not UTF-8 at byte %d: %r" % (error.start, data[max(0, error.start - 20):error.start + 20])]
    found = []
    for match in CONTROL_RE.finditer(text):
        found.append("U+%04X at %d: %r" % (ord(match.group()), match.start(), text[max(0, match.start() - 30):match.start() + 30]))
        if len(found) >= 3:
            break
    return found


SEALS = {".satsim-run-outputs": "summary.json", ".satsim-compare-outputs": "comparison.json",
         ".satsim-explain-outputs": "explain.json", ".satsim-chaos-outputs": "chaos.json"}


def folder_problems(folder, exited):
    """What is wrong with an output folder: truncated files, a seal beside missing files, temporary files."""
    problems, temporary = [], []
    if not os.path.isdir(folder):
        return problems, temporary
    names = os.listdir(folder)
    for name in names:
        path = os.path.join(folder, name)
        if name.startswith(".satsim-partial-"):
            temporary.append(name)
            continue
        if not os.path.isfile(path):
            continue
        data = open(path, "rb").read()
        try:
            if name.endswith(".json"):
                json.loads(data)
            elif name.endswith(".jsonl"):
                for line in data.splitlines():
                    json.loads(line)
                if data and not data.endswith(b"\n"):
                    problems.append("%s: no final newline" % name)
            elif name.endswith(".csv"):
                if data and not data.endswith(b"\n"):
                    problems.append("%s: no final newline" % name)
                import csv, io
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
                widths = {len(row) for row in rows}
                if len(widths) > 1:
                    problems.append("%s: ragged rows %s" % (name, sorted(widths)))
            elif name.endswith(".html") and b"</html>" not in data[-200:]:
                problems.append("%s: no </html> at its end" % name)
            elif name.endswith(".svg") and b"</svg>" not in data[-200:]:
                problems.append("%s: no </svg> at its end" % name)
            elif name == "results.sqlite":
                copy = tempfile.mkdtemp(prefix="satsim-store-")
                for other in names:
                    if other.startswith("results.sqlite"):
                        shutil.copy(os.path.join(folder, other), copy)
                connection = sqlite3.connect(os.path.join(copy, "results.sqlite"))
                verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
                connection.close()
                shutil.rmtree(copy)
                if verdict != "ok":
                    problems.append("results.sqlite: integrity_check: %s" % verdict)
        except Exception as error:  # noqa: BLE001 - any failure to read is a finding
            problems.append("%s: %s" % (name, str(error)[:200]))
    for manifest, seal in SEALS.items():
        if manifest in names and seal in names:
            listed = [line for line in open(os.path.join(folder, manifest)).read().splitlines() if line]
            missing = [entry for entry in listed if entry not in names]
            if missing:
                problems.append("%s present but %d listed files missing: %s" % (seal, len(missing), missing[:3]))
    return problems, temporary


def fill(argument, workdir, file_path):
    return argument.replace("{file}", file_path).replace("{out}", os.path.join(workdir, "out")).replace("{dir}", workdir)


def run_case(case, keep):
    workdir = tempfile.mkdtemp(prefix="satsim-hostile-")
    if case.special == "unreadable":
        os.chmod(workdir, 0o777)
    findings, runs = [], []
    try:
        file_path = prepare(case, workdir)
        commands = case.commands
        if commands and commands[0][0] == "merge":
            commands = [["merge"] + prepare_merge(commands[0][1], workdir)]
        for command in commands:
            out = os.path.join(workdir, "out")
            if os.path.isdir(out):
                shutil.rmtree(out, ignore_errors=True)
            argv = [fill(argument, workdir, file_path) for argument in command]
            if any("\x00" in argument for argument in argv):
                # The kernel cannot pass a NUL inside an argument (execve takes C strings).
                runs.append({"case": case.name, "argv": command, "skipped": "NUL in an argument", "status": None,
                             "signal": None, "rss_kib": 0})
                continue
            result = run_binary(argv, workdir, case.sig, as_nobody=case.special == "unreadable")
            record = {k: v for k, v in result.items() if k not in ("stdout", "stderr")}
            record.update(case=case.name, argv=command)
            runs.append(record)

            def finding(kind, detail):
                findings.append({"case": case.name, "argv": command, "kind": kind, "detail": detail,
                                 "status": result["status"], "signal": result["signal"],
                                 "stderr": result["stderr"][-600:].decode("utf-8", "replace")})

            if result["timed_out"]:
                finding("timeout", "killed after %ds" % TIMEOUT)
            elif result["signal"] is not None and not (result["sent"] and result["signal"] == signal.Signals[result["sent"]]):
                finding("signal", signal.Signals(result["signal"]).name)
            elif result["status"] is not None and result["status"] not in (0, 1, 2):
                finding("exit-code", result["status"])
            for stream in ("stdout", "stderr"):
                found = control_characters(result[stream])
                if found:
                    finding("control-in-" + stream, found)
            problems, temporary = folder_problems(out, result["signal"] is None)
            if problems:
                finding("folder", problems)
            if temporary and result["signal"] is None:
                finding("temporary-left", temporary)
            if temporary and result["signal"] is not None:
                record["temporary_after_signal"] = temporary
            if result["sent"] and os.path.isdir(out):
                # The next run into the folder must clean up what the killed one left.
                # A sweep or chaos search into a store that holds some of its runs needs --resume.
                resume = ["--resume"] if argv[0] in ("sweep", "chaos") else []
                again = run_binary(argv + resume, workdir)
                problems, temporary = folder_problems(out, True)
                if again["status"] not in (0, 1) or problems or temporary:
                    finding("rerun-after-signal", {"status": again["status"], "signal": again["signal"], "problems": problems,
                                                   "temporary": temporary,
                                                   "stderr": again["stderr"][-400:].decode("utf-8", "replace")})
    finally:
        if not keep:
            for root, dirs, _ in os.walk(workdir):
                for d in dirs:
                    try:
                        os.chmod(os.path.join(root, d), 0o755)
                    except OSError:
                        pass
            shutil.rmtree(workdir, ignore_errors=True)
    return findings, runs


def main():
    global BINARY
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "satsim"))
    parser.add_argument("--report", default="/tmp/satsim-hostile")
    parser.add_argument("--only", default="", help="comma-separated substrings of case names")
    parser.add_argument("--skip", default="", help="comma-separated substrings of case names to leave out")
    parser.add_argument("--quick", action="store_true", help="validate and run only")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=36)
    parser.add_argument("--keep", action="store_true", help="keep each case's folder")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    arguments = parser.parse_args()
    BINARY = os.path.abspath(arguments.binary)
    cases = build_cases(arguments.quick, random.Random(arguments.seed))
    if arguments.only:
        wanted = arguments.only.split(",")
        cases = [case for case in cases if any(w in case.name for w in wanted)]
    if arguments.skip:
        unwanted = arguments.skip.split(",")
        cases = [case for case in cases if not any(u in case.name for u in unwanted)]
    if arguments.list:
        for case in cases:
            print(case.name)
        return 0
    os.makedirs(arguments.report, exist_ok=True)
    findings_file = open(os.path.join(arguments.report, "findings.jsonl"), "w")
    runs_file = open(os.path.join(arguments.report, "runs.jsonl"), "w")
    total_findings = total_runs = 0
    peak = (0, None)
    statuses = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        futures = {pool.submit(run_case, case, arguments.keep): case for case in cases}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            case = futures[future]
            try:
                findings, runs = future.result()
            except Exception as error:  # noqa: BLE001 - a driver failure is reported, not fatal
                findings, runs = [{"case": case.name, "kind": "driver-error", "detail": repr(error)}], []
            for run in runs:
                if run.get("skipped"):
                    runs_file.write(json.dumps(run, default=str) + "\n")
                    continue
                total_runs += 1
                statuses[str(run["status"] if run["signal"] is None else "sig%d" % run["signal"])] = \
                    statuses.get(str(run["status"] if run["signal"] is None else "sig%d" % run["signal"]), 0) + 1
                if run["rss_kib"] > peak[0]:
                    peak = (run["rss_kib"], "%s %s" % (run["case"], " ".join(run["argv"])[:100]))
                runs_file.write(json.dumps(run, default=str) + "\n")
            for finding in findings:
                total_findings += 1
                findings_file.write(json.dumps(finding, default=str) + "\n")
                print("FINDING %s: %s %s" % (finding["kind"], finding["case"][:80], str(finding.get("detail"))[:300]), flush=True)
            if done % 50 == 0:
                print("... %d/%d cases, %d runs, %d findings, %.0fs" % (done, len(cases), total_runs, total_findings,
                                                                      time.monotonic() - started), flush=True)
    print("cases: %d, runs: %d, findings: %d, exit statuses: %s" % (len(cases), total_runs, total_findings,
                                                                   json.dumps(statuses, sort_keys=True)))
    print("peak memory: %.1f MiB (%s)" % (peak[0] / 1024, peak[1]))
    print("report: %s" % arguments.report)
    return 1 if total_findings else 0


if __name__ == "__main__":
    sys.exit(main())
