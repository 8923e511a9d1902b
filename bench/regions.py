#!/usr/bin/env python3
"""Scenario 6 (issue 17): regional spread. Start it through bench/regions.sh.

N roles (one per account, all named BenchRole) on the local sandbox at 50 ms latency and 600 requests
per second PER REGION (the sandbox reads the region from each request's SigV4 scope). In one run:
  - stsfleet cross-account, one region (us-east-1);
  - stsfleet cross-account --sts-regions with 4 regions (every region's calls to the one sandbox URL,
    each signed for its region);
  - boto3, 64 threads, one region (bench/peers/boto3_assume.py).
Interleaved, R runs each. Reports wall time, x floor (N / (600 x regions) s), Throttling answers (the
sandbox's counters, reset before each run) and calls per region. Writes bench/results/regions-<UTC>.json
and .md. Measures only; never asserts.
"""
import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
STSFLEET = os.environ.get("STSFLEET_BENCH_LAUNCHER") or os.path.join(ROOT, "bin", "stsfleet")
RPS = 600
LATENCY_MS = 50
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
KEY = "AKIABENCHSANDBOX0001"
SECRET = "benchSandboxSecretKey/notAnAwsKey+000001"


def log(msg):
    sys.stderr.write("[bench6 %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def fixture(n, work):
    accounts = ["%012d" % (300000000000 + i) for i in range(n)]
    model = {"users": [{"arn": "arn:aws:iam::111111111111:user/bench", "accessKeyId": KEY,
                        "secretAccessKey": SECRET, "mfaSerial": None, "totpSecret": None}],
             "roles": [{"arn": "arn:aws:iam::%s:role/BenchRole" % a,
                        "trustedPrincipals": ["arn:aws:iam::111111111111:root"], "requireMfa": False,
                        "externalId": None, "maxSessionDurationSeconds": 3600} for a in accounts],
             "samlProviders": []}
    with open(os.path.join(work, "model.json"), "w") as f:
        json.dump(model, f)
    with open(os.path.join(work, "accounts.txt"), "w") as f:
        f.write("\n".join(accounts) + "\n")
    lines = ["[profile bench-source]", "region = us-east-1", ""]
    for a in accounts:
        lines += ["[profile acct-%s]" % a, "role_arn = arn:aws:iam::%s:role/BenchRole" % a,
                  "source_profile = bench-source", "region = us-east-1", ""]
    with open(os.path.join(work, "config"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(work, "credentials"), "w") as f:
        f.write("[bench-source]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (KEY, SECRET))


def http(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read().decode())


def run_one(name, cmd, env, endpoint, work, timeout):
    http(endpoint + "/_sandbox/reset", "POST")
    out_path = os.path.join(work, "out.json")
    start = time.monotonic()
    with open(out_path, "w") as out, open(os.path.join(work, "err.txt"), "w") as err:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            rc = "timeout"
    wall = time.monotonic() - start
    stats = http(endpoint + "/_sandbox/stats")
    by_region = http(endpoint + "/_sandbox/stats/regions")
    ar = stats.get("AssumeRole", {"ok": 0, "errors": {}})
    row = {"tool": name, "exit": rc, "wall_s": round(wall, 3), "ok": ar["ok"],
           "throttles": ar["errors"].get("Throttling", 0),
           "calls_by_region": {r: v["AssumeRole"]["ok"] + sum(v["AssumeRole"]["errors"].values())
                               for r, v in sorted(by_region.items()) if "AssumeRole" in v}}
    if rc != 0:
        with open(os.path.join(work, "err.txt")) as f:
            row["stderr_tail"] = f.read()[-600:]
    log("%s: %.2f s, exit %s, %d ok, %d throttles, %s" % (name, wall, rc, row["ok"], row["throttles"],
                                                          row["calls_by_region"]))
    return row


def main():
    global RPS
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1 run per tool (default 3)")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--runs", type=int)
    ap.add_argument("--rps", type=int, default=RPS, help="the sandbox's throttle rate per region (default 600)")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--results", default=os.path.join(BENCH, "results"))
    args = ap.parse_args()
    RPS = args.rps
    runs = args.runs or (1 if args.quick else 3)
    n = args.n
    work = args.workdir
    fixture(n, work)
    sandbox = subprocess.Popen([STSFLEET, "sandbox", "--model", os.path.join(work, "model.json"),
                                "--latency-ms", str(LATENCY_MS), "--throttle-rps", str(RPS)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    try:
        line = sandbox.stdout.readline().strip()
        if not line.startswith("sandbox listening on "):
            log("the sandbox did not start: %r" % line)
            return 2
        endpoint = line.rsplit(" ", 1)[1]
        env = dict(os.environ, AWS_CONFIG_FILE=os.path.join(work, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(work, "credentials"),
                   AWS_ENDPOINT_URL_STS=endpoint, AWS_REGION="us-east-1", HOME=work)
        env.pop("AWS_PROFILE", None)
        base = [STSFLEET, "cross-account", "--base-profile", "bench-source", "--role", "BenchRole",
                "--accounts-file", os.path.join(work, "accounts.txt"), "--format", "json", "--concurrency", "64",
                "--quiet"]
        tools = [
            ("stsfleet, 1 region", base, 1),
            ("stsfleet --sts-regions (4)", base + ["--sts-regions", ",".join(REGIONS)], 4),
            ("boto3 64 threads, 1 region", [sys.executable, os.path.join(BENCH, "peers", "boto3_assume.py"),
                                            "--threads", "64", "--endpoint-url", endpoint], 1),
        ]
        # Warm-up (not counted): JIT, page cache, the launcher's class archive.
        warm = os.path.join(work, "warm.txt")
        with open(warm, "w") as f:
            f.write("300000000000\n")
        run_one("warm-up", [warm if a == os.path.join(work, "accounts.txt") else a for a in base], env, endpoint,
                work, 120)
        rows = []
        for r in range(runs):
            for name, cmd, regions in tools:
                row = run_one(name, cmd, env, endpoint, work, 600)
                row["run"] = r + 1
                row["regions"] = regions
                rows.append(row)
    finally:
        os.killpg(sandbox.pid, signal.SIGTERM)
        try:
            sandbox.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(sandbox.pid, signal.SIGKILL)
    summary = []
    for name, _, regions in tools:
        mine = [x for x in rows if x["tool"] == name]
        walls = [x["wall_s"] for x in mine]
        floor = n / (RPS * regions)
        summary.append({"tool": name, "regions": regions, "runs": len(mine), "median_s": statistics.median(walls),
                        "min_s": min(walls), "max_s": max(walls), "floor_s": round(floor, 2),
                        "x_floor": round(statistics.median(walls) / floor, 2),
                        "throttles_median": statistics.median([x["throttles"] for x in mine]),
                        "all_ok": all(x["ok"] == n and x["exit"] == 0 for x in mine),
                        "calls_by_region": mine[-1]["calls_by_region"]})
    one, four = summary[0]["median_s"], summary[1]["median_s"]
    ratio = round(four / one, 3)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    doc = {"scenario": 6, "n": n, "latency_ms": LATENCY_MS, "rps_per_region": RPS, "runs": runs,
           "cpus": os.cpu_count(), "summary": summary, "ratio_4_to_1": ratio, "target": "<= 0.45",
           "met": ratio <= 0.45, "rows": rows,
           "command": "flock /tmp/stsfleet-mvn.lock bench/regions.sh" + (" --quick" if args.quick else "")
                      + ("" if n == 10000 else " --n %d" % n) + ("" if RPS == 600 else " --rps %d" % RPS)}
    md = ["### Scenario 6: regional spread, N = %d, %d ms latency, %d rps per region (%s, %d run%s)" % (
        n, LATENCY_MS, RPS, stamp, runs, "" if runs == 1 else "s"), "",
          "| tool | regions | wall s (median; min-max) | floor s | x floor | Throttling answers | all ok | calls per region |",
          "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in summary:
        md.append("| %s | %d | %.2f (%.2f-%.2f) | %.2f | %.2f | %s | %s | %s |" % (
            s["tool"], s["regions"], s["median_s"], s["min_s"], s["max_s"], s["floor_s"], s["x_floor"],
            s["throttles_median"], "yes" if s["all_ok"] else "NO",
            ", ".join("%s %d" % kv for kv in s["calls_by_region"].items())))
    md += ["", "4 regions / 1 region: %.3f (target <= 0.45: %s)" % (ratio, "met" if ratio <= 0.45 else "missed"), ""]
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "regions-%s.json" % stamp), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(args.results, "regions-%s.md" % stamp), "w") as f:
        f.write("\n".join(md))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
