#!/usr/bin/env python3
"""Acceptance figures of the reporting-cadence work: how often the heat maps show a false
zero between two reports, how often a region flickers to 0 for one frame, and whether every
published data file is sound. Standard library only.

    scripts/cadence-metrics.py OUTPUT_DIR                 # a build with frames.csv.gz
    scripts/cadence-metrics.py OUTPUT_DIR --before        # an old build (hover value files)
        [--json OUT.json]                                 # also write the figures as JSON
        [--compare-before BEFORE.json]                    # new/old ratios against a --before run
        [--no-sanity]                                     # skip the (slow, ~1 min) file scan
    scripts/cadence-metrics.py --self-test                # checks on a synthetic frames.csv.gz

Scopes: world, us-states, us-counties, china, canada, australia. Measures: cases
(`confirmed`) and deaths. A "frame" is one date of a scope's animation (every 14 days for
us-counties, every 7 days elsewhere, ending on the last date); a "region-frame" is one mapped
region at one frame; its value is the 7-day average of new per day drawn on the map.

Where frame values come from
  new build : heatmaps/<scope>/frames.csv.gz, columns date, region_id, confirmed, deaths,
              confirmed_new_7d, deaths_new_7d, confirmed_status, deaths_status (status one of
              reported, not_reporting, state_level_only, in_district, no_data; value empty
              unless reported).
  --before  : heatmaps/<scope>/hover/{confirmed,deaths}-new-abs-<chunk>.js decoded exactly as
              the map page does (assets/site/maps.js: JavaScript doubles, running sum of the
              deltas, / div; chunk 0 = last frames), region ids from hover/hit.js. The old build
              stored "not reporting" as -inf saturated to i64::MIN (-2^63); the deltas around it
              wrap, so the page shows +-9223372B and, after it, -18446744B or values shifted
              by a few units. Any decoded |value| >= 1e12 counts as not_reporting, an empty
              cell as no_data, everything else as reported. Those >= 1e12 cells are also
              counted ("garbage cells").
Raw daily new values (the `new_confirmed` / `new_deaths` columns, by header name) come from
data/all-regions.csv.gz (first column `id`).

Definitions (D = frame date, raw(d) = raw new on day d, days outside the series count as 0)
  a. false zero: status reported, value exactly 0, and
       prev = last day < D-6 with raw > 0, next = first day > D with raw > 0 both exist and
       next - prev <= 14 days (the 7-day window D-6..D lies between two reports at most two
       weeks apart), and
       sum(raw(D-34..D-7)) / 28 >= 1 (the place averaged at least 1 a day over the 28 days
       before the window).
     Printed: region-frames and distinct regions.
  b. flicker: frames f-1, f, f+1 consecutive in the scope's schedule, all three reported,
     value > 0, == 0, > 0.
  c. batched (information): status reported, the window D-6..D holds a day with raw > 0 whose
     4 days before are all raw == 0 (a catch-up after >= 4 zero days), and the same 28-day
     activity test as (a).
  d. sanity over every published file:
     (i)  every *.csv and *.csv.gz parses with the csv module and every row has as many
          fields as the header (an empty line counts as a 0-field row);
     (ii) no number with |x| >= 1e12, no NaN and no infinity in *.csv, *.csv.gz, *.json, the
          hover value files heatmaps/*/hover/*-<chunk>.js (decoded as above) and the region
          payloads data/regions/*.js (listed separately). Text files are scanned for number
          tokens (with 7+ integer digits, or an exponent, or nan/inf/infinity as a whole
          field or JSON constant), so "max magnitude" is exact once it is >= 1e7.

Targets (--compare-before): false zeros new/old <= 1 % per scope and measure; flicker
reduction >= 80 %.
"""
import csv
import datetime as dt
import gzip
import io
import json
import math
import os
import re
import sys

SCOPES = ["world", "us-states", "us-counties", "china", "canada", "australia"]
MEASURES = [("cases", "confirmed"), ("deaths", "deaths")]
BIG = 1e12
GAP = 14  # next - prev report, days
PRE = 28  # activity window before the 7-day window
MIN_RATE = 1.0  # per day over PRE
BATCH_ZEROS = 4

csv.field_size_limit(1 << 30)


def day(s):
    return dt.date.fromisoformat(s).toordinal()


# ---------------------------------------------------------------- raw daily new values


class Raw:
    """Raw new per day of one region: ordinal -> value via a dense list from `start`."""

    __slots__ = ("start", "vals", "prefix", "last_pos", "next_pos")

    def __init__(self, start, vals, anomalies=()):
        self.start = start
        self.vals = vals
        n = len(vals)
        self.prefix = [0.0] * (n + 1)  # of the values with anomalous days as 0
        for i, v in enumerate(vals):
            self.prefix[i + 1] = self.prefix[i] + (0.0 if start + i in anomalies else v)
        self.last_pos = [-1] * n  # last index <= i with raw > 0
        lp = -1
        for i, v in enumerate(vals):
            if v > 0:
                lp = i
            self.last_pos[i] = lp
        self.next_pos = [-1] * n  # first index >= i with raw > 0
        np_ = -1
        for i in range(n - 1, -1, -1):
            if vals[i] > 0:
                np_ = i
            self.next_pos[i] = np_

    def sum(self, a, b):
        """Sum of days a..b (ordinals, inclusive) without the anomalous days; days outside
        the series = 0."""
        i = max(a - self.start, 0)
        j = min(b - self.start, len(self.vals) - 1)
        return self.prefix[j + 1] - self.prefix[i] if j >= i else 0.0

    def prev_report(self, d):
        """Last day < d with raw > 0 (ordinal) or None."""
        i = min(d - 1 - self.start, len(self.vals) - 1)
        if i < 0:
            return None
        p = self.last_pos[i]
        return None if p < 0 else self.start + p

    def next_report(self, d):
        """First day > d with raw > 0 (ordinal) or None."""
        i = max(d + 1 - self.start, 0)
        if i >= len(self.vals):
            return None
        p = self.next_pos[i]
        return None if p < 0 else self.start + p

    def at(self, d):
        i = d - self.start
        return self.vals[i] if 0 <= i < len(self.vals) else 0.0


def load_notes(out):
    """From data/data-notes.csv: anomalous days {(region id, column): {ordinal}} and
    counted-in-district spans {region id: [(from, to)]} (ordinals, inclusive)."""
    anomalies, district = {}, {}
    path = os.path.join(out, "data", "data-notes.csv")
    if not os.path.exists(path):
        return anomalies, district
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            a, b = day(r["from"]), day(r["to"])
            if r["rule"] == "anomaly":
                for _, c in MEASURES:
                    if c in r["measure"].split(","):
                        anomalies.setdefault((r["region_id"], c), set()).update(range(a, b + 1))
            elif r["rule"] == "counted_in_district":
                district.setdefault(r["region_id"], []).append((a, b))
    return anomalies, district


def load_raw(out, wanted, anomalies):
    """{region id: {column: Raw}} for the ids in `wanted`, from data/all-regions.csv.gz."""
    path = os.path.join(out, "data", "all-regions.csv.gz")
    rows = {}
    with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = next(r)
        ci, cd = head.index("id"), head.index("date")
        cols = {c: head.index("new_" + c) for _, c in MEASURES}
        for row in r:
            rid = row[ci]
            if rid not in wanted:
                continue
            rows.setdefault(rid, []).append((row[cd], [row[j] for j in cols.values()]))
    raw = {}
    for rid, rs in rows.items():
        rs.sort()
        start = day(rs[0][0])
        n = day(rs[-1][0]) - start + 1
        per = {c: [0.0] * n for _, c in MEASURES}
        for d, vs in rs:
            i = day(d) - start
            for (_, c), v in zip(MEASURES, vs):
                per[c][i] = float(v) if v not in ("", None) else 0.0
        raw[rid] = {c: Raw(start, per[c], anomalies.get((rid, c), ())) for c in per}
    return raw


# ---------------------------------------------------------------- frame values


def load_js(path):
    t = open(path, encoding="utf-8").read().strip()
    a, b = t.index("("), t.rindex(")")
    return json.loads(t[a + 1 : b])


def decode_js(v, div):
    """Rows of a hover `v` string, decoded like maps.js (doubles): list of float|None. A
    letter is a status, not a value (src/heatmap/hover.rs: n not reporting, s state level
    only, p cases above the population)."""
    out = []
    for s in v.split(";"):
        acc = 0.0
        row = []
        for x in s.split(","):
            if x == "" or x in ("n", "s", "p"):
                row.append(None)
            else:
                acc += float(x)
                row.append(acc / div)
        out.append(row)
    return out


def hover_chunks(hover_dir, set_name):
    files = []
    for name in os.listdir(hover_dir):
        m = re.fullmatch(re.escape(set_name) + r"-(\d+)\.js", name)
        if m:
            files.append((int(m.group(1)), os.path.join(hover_dir, name)))
    return [p for _, p in sorted(files, reverse=True)]  # oldest chunk first


def frames_before(out, scope, col, district):
    """Old build: (dates, ids, values[region][frame], status[region][frame], garbage).
    Counties counted in a district (data-notes.csv) get status in_district, as in the new
    build's frames.csv.gz: their shape shows the district's value, not their own."""
    hdir = os.path.join(out, "heatmaps", scope, "hover")
    ids = [r[0] for r in load_js(os.path.join(hdir, "hit.js"))["regions"]]
    dates, vals, divs = [], [[] for _ in ids], []
    for p in hover_chunks(hdir, f"{col}-new-abs"):
        d = load_js(p)
        dates += d["dates"]
        divs += [d["div"]] * len(d["dates"])
        rows = decode_js(d["v"], d["div"])
        assert len(rows) == len(ids), p
        for k, row in enumerate(rows):
            if len(row) != len(d["dates"]):  # a region without any value in the chunk
                row = [None] * len(d["dates"]) if row == [None] else row
            assert len(row) == len(d["dates"]), (p, k)
            vals[k] += row
    garbage = {"cells": 0, "minus_18446744B": 0, "plus_minus_9223372B": 0}
    status = []
    dates = [day(x) for x in dates]
    for k, row in enumerate(vals):
        st = []
        spans = district.get(ids[k], ())
        for i, v in enumerate(row):
            if v is not None and any(a <= dates[i] <= b for a, b in spans) \
                    and abs(v) < BIG and math.isfinite(v):
                st.append("in_district")
                row[i] = None
            elif v is None:
                st.append("no_data")
            elif abs(v) >= BIG or not math.isfinite(v):
                st.append("not_reporting")
                garbage["cells"] += 1
                if abs(v) * divs[i] > 1.5 * 2**63:
                    garbage["minus_18446744B"] += 1
                else:
                    garbage["plus_minus_9223372B"] += 1
                row[i] = None
            else:
                st.append("reported")
        status.append(st)
    return dates, ids, vals, status, garbage


FRAME_COLS = ["date", "region_id", "confirmed", "deaths", "confirmed_new_7d", "deaths_new_7d",
              "confirmed_status", "deaths_status"]
STATUSES = {"reported", "not_reporting", "state_level_only", "in_district", "no_data"}


def frames_new(out, scope):
    """New build: {col: (dates, ids, values, status, problems)} from frames.csv.gz."""
    path = os.path.join(out, "heatmaps", scope, "frames.csv.gz")
    with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = next(r)
        missing = [c for c in FRAME_COLS if c not in head]
        if missing:
            raise SystemExit(f"{path}: missing columns {missing}")
        ix = {c: head.index(c) for c in FRAME_COLS}
        cells = {}
        dates, ids = set(), {}
        problems = []
        for ln, row in enumerate(r, 2):
            if len(row) != len(head):
                problems.append(f"{path}:{ln}: {len(row)} fields, header {len(head)}")
                continue
            d, rid = day(row[ix["date"]]), row[ix["region_id"]]
            dates.add(d)
            ids.setdefault(rid, len(ids))
            for _, c in MEASURES:
                st, v = row[ix[c + "_status"]], row[ix[c + "_new_7d"]]
                if st not in STATUSES:
                    problems.append(f"{path}:{ln}: {c}_status {st!r}")
                if st == "reported":
                    x = float(v) if v != "" else None
                    if x is None or not math.isfinite(x):
                        problems.append(f"{path}:{ln}: reported {c} value {v!r}")
                        x, st = None, "no_data"
                elif v != "":
                    problems.append(f"{path}:{ln}: {c} value {v!r} with status {st}")
                    x = None
                else:
                    x = None
                cells[(c, rid, d)] = (x, st)
    dates = sorted(dates)
    idl = list(ids)
    res = {}
    for _, c in MEASURES:
        vals = [[cells.get((c, rid, d), (None, "no_data"))[0] for d in dates] for rid in idl]
        stat = [[cells.get((c, rid, d), (None, "no_data"))[1] for d in dates] for rid in idl]
        res[c] = (dates, idl, vals, stat, problems)
    return res


# ---------------------------------------------------------------- metrics


def metrics(dates, ids, vals, status, raw, col):
    fz, fz_regions, flick, batched = 0, set(), 0, 0
    fz_examples = []
    for k, rid in enumerate(ids):
        v, st = vals[k], status[k]
        rw = raw.get(rid, {}).get(col)
        for f, d in enumerate(dates):
            if st[f] != "reported":
                continue
            if 0 < f < len(dates) - 1 and v[f] == 0 and st[f - 1] == st[f + 1] == "reported" \
                    and v[f - 1] > 0 and v[f + 1] > 0:
                flick += 1
            if rw is None:
                continue
            active = rw.sum(d - 6 - PRE, d - 7) / PRE >= MIN_RATE
            if not active:
                continue
            if v[f] == 0:
                p, n = rw.prev_report(d - 6), rw.next_report(d)
                if p is not None and n is not None and n - p <= GAP:
                    fz += 1
                    fz_regions.add(rid)
                    if len(fz_examples) < 5:
                        fz_examples.append(f"{rid} {dt.date.fromordinal(d)}")
            for x in range(d - 6, d + 1):
                if rw.at(x) > 0 and all(rw.at(x - j) == 0 for j in range(1, BATCH_ZEROS + 1)):
                    batched += 1
                    break
    frames = sum(s == "reported" for row in status for s in row)
    return {
        "false_zeros": fz,
        "false_zero_regions": len(fz_regions),
        "false_zero_examples": fz_examples,
        "flicker": flick,
        "batched": batched,
        "reported_region_frames": frames,
        "frames": len(dates),
        "regions": len(ids),
    }


# ---------------------------------------------------------------- sanity over published files

NUM_TOKEN = re.compile(
    rb"(?<![\w.])[+-]?(?:\d{7,}(?:\.\d*)?(?:[eE][+-]?\d+)?|\d+(?:\.\d*)?[eE][+-]?\d+)(?![\w.])"
)
NONFINITE_FIELD = re.compile(r"^\s*[+-]?(?:nan|inf|infinity)\s*$", re.I)


class Sanity:
    def __init__(self):
        self.csv_files = 0
        self.rows = 0
        self.field_offenders = []  # (file, line, fields, header)
        self.max_mag = 0.0
        self.max_where = ""
        self.num_offenders = []  # (file, what)
        self.counts = {}

    def note(self, x, where):
        a = abs(x) if math.isfinite(x) else math.inf
        if (math.isfinite(a) and a > self.max_mag) or (not math.isfinite(x) and self.max_mag != math.inf):
            self.max_mag, self.max_where = (a, where)
        if not math.isfinite(x) or a >= BIG:
            self.num_offenders.append((where, repr(x)))

    def scan_text(self, data, where):
        for m in NUM_TOKEN.finditer(data):
            self.note(float(m.group()), where)

    def check_csv(self, path, rel):
        op = gzip.open if path.endswith(".gz") else open
        with op(path, "rb") as f:
            data = f.read()
        self.csv_files += 1
        self.counts["csv"] = self.counts.get("csv", 0) + 1
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            self.field_offenders.append((rel, 0, f"not UTF-8: {e}", ""))
            return
        try:
            r = csv.reader(io.StringIO(text, newline=""), strict=True)
            head = next(r, None)
            if head is None:
                self.field_offenders.append((rel, 1, 0, "empty file"))
                return
            nonfinite_cols = None
            for row in r:
                self.rows += 1
                if len(row) != len(head):
                    self.field_offenders.append((rel, r.line_num, len(row), len(head)))
                for j, x in enumerate(row):
                    if x and x[-1] in "fFnNyY" and NONFINITE_FIELD.match(x):
                        self.note(float(x), f"{rel}:{r.line_num} col {head[j] if j < len(head) else j}")
        except csv.Error as e:
            self.field_offenders.append((rel, r.line_num, f"csv error: {e}", len(head or [])))
        self.scan_text(data if not path.endswith(".gz") else text.encode(), rel)

    def check_json(self, path, rel, payload=False):
        text = open(path, encoding="utf-8").read()
        if payload:
            a, b = text.index("("), text.rindex(")")
            text = text[a + 1 : b]
            # seecovidData("id", {...}): the object after the first argument
            if text.startswith('"'):
                text = text[text.index(",") + 1 :]
        bad = []

        def const(c):
            bad.append(c)
            return float(c.replace("Infinity", "inf"))

        try:
            obj = json.loads(text, parse_constant=const)
        except ValueError as e:
            self.num_offenders.append((rel, f"not JSON: {e}"))
            return
        for c in bad:
            self.note(float(c.replace("Infinity", "inf")), rel)

        def walk(o):
            if isinstance(o, bool) or o is None:
                return
            if isinstance(o, (int, float)):
                if abs(o) >= 1e7 or not math.isfinite(o):
                    self.note(float(o), rel)
            elif isinstance(o, dict):
                for x in o.values():
                    walk(x)
            elif isinstance(o, list):
                for x in o:
                    walk(x)

        walk(obj)

    def check_hover(self, path, rel):
        d = load_js(path)
        n_bad = 0
        worst = None
        for row in decode_js(d.get("v", ""), d.get("div", 1)):
            for x in row:
                if x is None:
                    continue
                a = abs(x)
                if a > self.max_mag or not math.isfinite(x):
                    self.max_mag, self.max_where = a, rel
                if a >= BIG or not math.isfinite(x):
                    n_bad += 1
                    if worst is None or a > abs(worst):
                        worst = x
        if n_bad:
            self.num_offenders.append((rel, f"{n_bad} cells, e.g. {worst:.6g}"))


def sanity(out):
    s = Sanity()
    for dirpath, dirnames, files in os.walk(out):
        dirnames.sort()
        for name in sorted(files):
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, out)
            if name.endswith(".csv") or name.endswith(".csv.gz"):
                s.check_csv(p, rel)
            elif name.endswith(".json"):
                s.counts["json"] = s.counts.get("json", 0) + 1
                s.check_json(p, rel)
            elif name.endswith(".js") and os.path.basename(dirpath) == "hover" and name != "hit.js":
                s.counts["hover"] = s.counts.get("hover", 0) + 1
                s.check_hover(p, rel)
            elif name.endswith(".js") and rel.startswith(os.path.join("data", "regions") + os.sep):
                s.counts["region_js"] = s.counts.get("region_js", 0) + 1
                s.check_json(p, rel, payload=True)
    return s


# ---------------------------------------------------------------- main


def fmt(n):
    return f"{n:,}"


def main(argv):
    args = list(argv)
    before = "--before" in args
    no_sanity = "--no-sanity" in args
    json_out = cmp_path = None
    if "--json" in args:
        json_out = args[args.index("--json") + 1]
    if "--compare-before" in args:
        cmp_path = args[args.index("--compare-before") + 1]
    pos = [a for i, a in enumerate(args) if not a.startswith("--")
           and (i == 0 or args[i - 1] not in ("--json", "--compare-before"))]
    if len(pos) != 1:
        raise SystemExit(__doc__)
    out = pos[0]

    anomalies, district = load_notes(out)
    frames = {}  # (scope, col) -> (dates, ids, vals, status, extra)
    problems = []
    for scope in SCOPES:
        if before:
            for _, col in MEASURES:
                frames[(scope, col)] = frames_before(out, scope, col, district)
        elif not os.path.exists(os.path.join(out, "heatmaps", scope, "frames.csv.gz")):
            problems.append(f"heatmaps/{scope}/frames.csv.gz: missing")
        else:
            for col, fr in frames_new(out, scope).items():
                frames[(scope, col)] = fr
                problems += fr[4]
    problems = sorted(set(problems))
    wanted = {rid for fr in frames.values() for rid in fr[1]}
    raw = load_raw(out, wanted, anomalies)

    res = {"output": os.path.abspath(out), "mode": "before" if before else "new",
           "definition": {"gap_days": GAP, "pre_days": PRE, "min_rate": MIN_RATE,
                          "batch_zero_days": BATCH_ZEROS},
           "scopes": {}}
    print(f"Cadence metrics of {out} ({'old build: hover value files' if before else 'frames.csv.gz'})")
    print("a. false zeros (region-frames / regions), b. flicker, c. batched frames (info)")
    hdr = f"{'scope':12} {'measure':7} {'frames':>6} {'regions':>7} {'false zeros':>12} {'(regions)':>9} {'flicker':>8} {'batched':>8}"
    if before:
        hdr += f" {'garbage cells':>13} {'-18446744B':>10}"
    print(hdr)
    tot = {}
    for scope in SCOPES:
        for meas, col in MEASURES:
            if (scope, col) not in frames:
                print(f"{scope:12} {meas:7} missing")
                continue
            dates, ids, vals, status, extra = frames[(scope, col)]
            m = metrics(dates, ids, vals, status, raw, col)
            if before:
                m["garbage"] = extra
            res["scopes"].setdefault(scope, {})[meas] = m
            for k in ("false_zeros", "flicker", "batched"):
                tot[(meas, k)] = tot.get((meas, k), 0) + m[k]
            line = (f"{scope:12} {meas:7} {m['frames']:>6} {m['regions']:>7} {fmt(m['false_zeros']):>12}"
                    f" {fmt(m['false_zero_regions']):>9} {fmt(m['flicker']):>8} {fmt(m['batched']):>8}")
            if before:
                line += f" {fmt(extra['cells']):>13} {fmt(extra['minus_18446744B']):>10}"
            print(line)
    for meas, _ in MEASURES:
        print(f"{'total':12} {meas:7} {'':>6} {'':>7} {fmt(tot.get((meas, 'false_zeros'), 0)):>12} {'':>9}"
              f" {fmt(tot.get((meas, 'flicker'), 0)):>8} {fmt(tot.get((meas, 'batched'), 0)):>8}")
    res["totals"] = {meas: {k: tot.get((meas, k), 0) for k in ("false_zeros", "flicker", "batched")}
                     for meas, _ in MEASURES}
    if problems:
        print(f"frames.csv.gz problems: {len(problems)}")
        for p in problems[:20]:
            print("  " + p)
    res["frame_file_problems"] = problems

    if not no_sanity:
        s = sanity(out)
        by_file = {}
        for f, ln, n, h in s.field_offenders:
            by_file.setdefault(f, []).append((ln, n, h))
        print(f"d(i). CSV: {fmt(s.csv_files)} files ({fmt(s.rows)} rows) parsed; "
              f"{fmt(len(s.field_offenders))} rows in {len(by_file)} files with a wrong field count")
        for f, lst in list(by_file.items())[:12]:
            ln, n, h = lst[0]
            print(f"  {f}: {len(lst)} rows, first line {ln}: {n} fields, header {h}")
        if len(by_file) > 12:
            print(f"  … and {len(by_file) - 12} more files (all in --json)")
        offenders = s.num_offenders
        print(f"d(ii). numbers: scanned {s.counts.get('csv', 0)} CSV, {s.counts.get('json', 0)} JSON, "
              f"{s.counts.get('hover', 0)} hover value files, {s.counts.get('region_js', 0)} region .js; "
              f"max |x| = {s.max_mag:.6g} ({s.max_where}); {len(offenders)} offenders "
              "(|x| >= 1e12, NaN or infinite; hover files counted once each)")
        by_kind = {}
        for f, what in offenders:
            kind = "hover" if "/hover/" in f else "other"
            by_kind.setdefault(kind, []).append((f, what))
        for kind, lst in sorted(by_kind.items()):
            for f, what in lst[:12]:
                print(f"  {f}: {what}")
            if len(lst) > 12:
                print(f"  … and {len(lst) - 12} more {kind} offenders (all in --json)")
        hover_cells = sum(int(w.split()[0]) for f, w in offenders if "/hover/" in f and w.split()[0].isdigit())
        if hover_cells:
            print(f"  hover cells >= 1e12 in all sets: {fmt(hover_cells)}")
        res["sanity"] = {
            "csv_files": s.csv_files, "csv_rows": s.rows,
            "field_offender_rows": len(s.field_offenders),
            "field_offenders": {f: {"rows": len(v), "first": list(map(str, v[0]))}
                                for f, v in by_file.items()},
            "max_magnitude": s.max_mag if math.isfinite(s.max_mag) else "inf",
            "max_where": s.max_where,
            "number_offenders": [list(x) for x in offenders],
            "hover_cells_over_1e12": hover_cells,
            "files": s.counts,
        }

    if cmp_path:
        old = json.load(open(cmp_path))
        print(f"Compared with {cmp_path} ({old.get('output')})")
        print(f"{'scope':12} {'measure':7} {'false zeros new/old':>22} {'target <= 1 %':>13}")
        ok_all = True
        for scope in SCOPES:
            for meas, _ in MEASURES:
                if meas not in res["scopes"].get(scope, {}):
                    print(f"{scope:12} {meas:7} missing")
                    ok_all = False
                    continue
                n = res["scopes"][scope][meas]["false_zeros"]
                o = old["scopes"][scope][meas]["false_zeros"]
                ratio = n / o if o else (0.0 if n == 0 else math.inf)
                ok = n == 0 if o == 0 else ratio <= 0.01
                ok_all &= ok
                print(f"{scope:12} {meas:7} {n:>8} / {o:<6} {ratio * 100:>6.2f} % {'ok' if ok else 'MISSED':>13}")
        for meas, _ in MEASURES:
            n, o = tot.get((meas, "flicker"), 0), old["totals"][meas]["flicker"]
            red = 1 - n / o if o else 1.0
            ok = red >= 0.8 and all(meas in res["scopes"].get(sc, {}) for sc in SCOPES)
            ok_all &= ok
            print(f"flicker {meas}: {n} vs {o}: reduction {red * 100:.1f} % (target >= 80 %) {'ok' if ok else 'MISSED'}")
        print("targets " + ("met" if ok_all else "NOT met"))
        res["compare"] = {"before": cmp_path, "targets_met": ok_all}

    if json_out:
        with open(json_out, "w") as f:
            json.dump(res, f, indent=1)
        print(f"figures written to {json_out}")


# ---------------------------------------------------------------- self-test


def self_test():
    """Builds a tiny synthetic new-build site in a temporary directory and checks the
    figures (frames.csv.gz reader, definitions, sanity scan, comparison)."""
    import contextlib
    import tempfile

    start = dt.date(2020, 1, 22)
    n = 70
    days = [start + dt.timedelta(i) for i in range(n)]
    # Raw new confirmed per region (deaths all 0).
    def series(zero_from, zero_to, catch_up):
        v = [10] * n
        for i in range(zero_from, zero_to + 1):
            v[i] = 0
        v[zero_to + 1] = catch_up
        return v

    raw = {
        "a": series(42, 48, 80),  # a weekly gap: frame 48 is a false zero and a flicker
        "b": series(42, 48, 80),  # the same, but "not reporting" at frame 48
        "c": series(28, 48, 80),  # a 21-day silence: zeros that are not false
        "d": series(42, 48, 80),  # painted with its district's value
        "q": [10] * n,            # steady, other scopes
    }
    frame_idx = list(range(n - 1, -1, -7))[::-1]  # every 7 days ending on the last day

    def mean7(v, i):
        w = [v[j] for j in range(max(i - 6, 0), i + 1)]
        return sum(w) / 7

    with tempfile.TemporaryDirectory() as out:
        os.makedirs(os.path.join(out, "data"))
        with gzip.open(os.path.join(out, "data", "all-regions.csv.gz"), "wt", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "date", "confirmed", "deaths", "recovered", "active",
                        "new_confirmed", "new_deaths", "new_recovered", "new_active", "extra"])
            for rid, v in raw.items():
                cum = 0
                for i, d in enumerate(days):
                    cum += v[i]
                    w.writerow([rid, d, cum, 0, "", "", v[i], 0, "", "", "x"])
        with open(os.path.join(out, "data", "data-notes.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["region_id", "region", "rule", "measure", "from", "to", "detail"])
            # An anomalous day in c's activity window that would otherwise not matter.
            w.writerow(["c", "C", "anomaly", "confirmed", days[20], days[20], "test"])
        for scope in SCOPES:
            os.makedirs(os.path.join(out, "heatmaps", scope))
            ids = ["a", "b", "c", "d"] if scope == "world" else ["q"]
            with gzip.open(os.path.join(out, "heatmaps", scope, "frames.csv.gz"), "wt", newline="") as f:
                w = csv.writer(f)
                w.writerow(FRAME_COLS)
                for i in frame_idx:
                    for rid in ids:
                        v = raw[rid]
                        st = "reported"
                        if rid == "b" and i == 48:
                            st = "not_reporting"
                        if rid == "d":
                            st = "in_district"
                        val = f"{mean7(v, i):.4f}" if st == "reported" else ""
                        dst = "reported" if st != "in_district" else st
                        w.writerow([days[i], rid, sum(v[: i + 1]), 0, val,
                                    "0" if dst == "reported" else "", st, dst])
        # Sanity: one bad CSV row, a huge number in a JSON, a NaN in a CSV, a hover file.
        with open(os.path.join(out, "data", "bad.csv"), "w") as f:
            f.write("a,b\n1,2\n3,4,5\n6,nan\n")
        with open(os.path.join(out, "data", "x.json"), "w") as f:
            f.write('{"n": 2e12, "ok": [1, 2.5, 12345678]}')
        os.makedirs(os.path.join(out, "heatmaps", "world", "hover"))
        with open(os.path.join(out, "heatmaps", "world", "hover", "confirmed-new-abs-0.js"), "w") as f:
            f.write('seecovidMapData({"dates":["2020-03-31"],"div":1000,"v":"5;-9223372036854775808"});\n')
        js = os.path.join(out, "m.json")
        with contextlib.redirect_stdout(io.StringIO()) as buf:
            main([out, "--json", js])
        r = json.load(open(js))
        w = r["scopes"]["world"]["cases"]
        got = (w["false_zeros"], w["false_zero_regions"], w["flicker"], w["batched"])
        want = (1, 1, 1, 3)
        checks = [("world cases (false zeros, regions, flicker, batched)", got, want)]
        for scope in SCOPES:
            for meas, _ in MEASURES:
                if (scope, meas) != ("world", "cases"):
                    x = r["scopes"][scope][meas]
                    checks.append((f"{scope} {meas}", (x["false_zeros"], x["flicker"]), (0, 0)))
        sn = r["sanity"]
        checks.append(("bad CSV rows", sn["field_offender_rows"], 1))
        checks.append(("number offenders", sorted(f for f, _ in sn["number_offenders"]),
                       ["data/bad.csv:4 col b", "data/x.json",
                        os.path.join("heatmaps", "world", "hover", "confirmed-new-abs-0.js")]))
        checks.append(("frame file problems", r["frame_file_problems"], []))
        with contextlib.redirect_stdout(io.StringIO()) as buf2:
            main([out, "--no-sanity", "--compare-before", js])
        checks.append(("compare runs", "targets NOT met" in buf2.getvalue(), True))
        bad = [(name, g, x) for name, g, x in checks if g != x]
        for name, g, x in checks:
            print(f"{'ok  ' if g == x else 'FAIL'} {name}: {g}" + ("" if g == x else f" (want {x})"))
        if bad:
            print(buf.getvalue())
            raise SystemExit("self-test failed")
        print("self-test passed")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        main(sys.argv[1:])
