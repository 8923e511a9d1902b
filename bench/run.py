#!/usr/bin/env python3
"""stsfleet benchmarks (issue 7). Start it through bench/run.sh, which builds and cleans up.

Runs every scenario against the local sandbox (loopback only), repeats each measurement, and writes
bench/results/<UTC date-time>.json (raw figures) and .md (the table). Never asserts a time: targets
are reported as met or missed, the exit code is 0 unless the harness itself broke.

Each measured command runs as its own process under /usr/bin/time (wall time from this script's
monotonic clock; user+sys CPU and peak RSS from time's wait4 figures), with a timeout after which
its whole process group is killed.
"""
import argparse
import collections
import configparser
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
# STSFLEET_BENCH_LAUNCHER measures another build's launcher (for example a copy of another branch).
STSFLEET = os.environ.get("STSFLEET_BENCH_LAUNCHER") or os.path.join(ROOT, "bin", "stsfleet")
ACCOUNTS = 12
SOURCE_PROFILE = "bench-source"
LATENCY_MS = 50
THROTTLE_RPS = 600
SANDBOX_THREADS_NOTE = 32  # request threads of the sandbox's HTTP server (StsSandbox.THREADS)


def log(msg):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------------
# Process control


class Procs:
    """Every process group this script starts; written to a pid file so run.sh's trap can kill them."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.live = set()
        self.lock = threading.Lock()

    def add(self, pid):
        with self.lock:
            self.live.add(pid)
            self._write()

    def remove(self, pid):
        with self.lock:
            self.live.discard(pid)
            self._write()

    def _write(self):
        if self.pidfile:
            with open(self.pidfile, "w") as f:
                f.write("".join("%d\n" % p for p in sorted(self.live)))

    def kill_all(self):
        for pid in list(self.live):
            kill_group(pid)
            self.remove(pid)


def kill_group(pid, grace=5.0):
    """SIGTERM to the process group led by pid, SIGKILL after grace seconds; reaps pid if ours."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            break
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


PROCS = Procs(None)
TIME_BIN = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"


def measure(cmd, env, timeout, stdout_path):
    """Runs cmd under /usr/bin/time; returns wall, cpu, rss and exit code. Never raises on failure."""
    timing = stdout_path + ".time"
    full = [TIME_BIN, "-f", "%e %U %S %M", "-o", timing] + cmd
    with open(stdout_path, "wb") as out, open(stdout_path + ".err", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(full, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        PROCS.add(proc.pid)
        # A blocking wait, with the timeout on a timer thread: Popen.wait(timeout=...) polls with sleeps
        # of up to 50 ms, which rounded every short run up to the next 50 ms step (a 65 ms start-up
        # measured 116 ms).
        expired = threading.Event()

        def expire():
            # Signals only: the main thread's wait() reaps the child (two reapers would race).
            expired.set()
            for sig, pause in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 0)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    return
                time.sleep(pause)

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        timed_out = expired.is_set()
        PROCS.remove(proc.pid)
    result = {"wall_s": round(wall, 4), "exit_code": proc.returncode, "timed_out": timed_out,
              "cpu_s": None, "user_s": None, "sys_s": None, "peak_rss_mb": None}
    try:
        with open(timing) as f:
            fields = f.read().strip().splitlines()[-1].split()
        _, user, system, rss_kb = fields[-4:]
        # time exits with its child's status; on a non-zero one it writes a line before ours.
        result.update(user_s=float(user), sys_s=float(system), cpu_s=round(float(user) + float(system), 3),
                      peak_rss_mb=round(int(rss_kb) / 1024.0, 1))
    except (OSError, ValueError, IndexError):
        pass
    return result


def tail(path, n=400):
    try:
        with open(path, "rb") as f:
            data = f.read()
        return data[-n:].decode("utf-8", "replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------------
# Sandbox


class Sandbox:
    """`bin/stsfleet sandbox` in its own process group on 127.0.0.1, a free port."""

    def __init__(self, model, latency_ms, throttle_rps, workdir, label):
        self.label = label
        self.settings = {"latency_ms": latency_ms, "throttle_rps": throttle_rps}
        env = dict(os.environ)
        # The sandbox stands in for AWS: let its JIT reach C2 (the launcher stops at C1 for short
        # commands), so the server is not what limits a run. Later -XX flags override earlier ones.
        env["STSFLEET_JAVA_OPTS"] = (env.get("STSFLEET_JAVA_OPTS", "") + " -XX:TieredStopAtLevel=4").strip()
        cmd = [STSFLEET, "sandbox", "--port", "0", "--model", model, "--latency-ms", str(latency_ms),
               "--throttle-rps", str(throttle_rps)]
        self.err_path = os.path.join(workdir, "sandbox-%s.err" % label)
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=open(self.err_path, "wb"),
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        PROCS.add(self.proc.pid)
        line = [None]

        def read():
            line[0] = self.proc.stdout.readline().decode("utf-8", "replace").strip()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(120)
        m = re.match(r"sandbox listening on (http://127\.0\.0\.1:\d+)$", line[0] or "")
        if not m:
            self.stop()
            raise RuntimeError("sandbox did not start: %r; stderr: %s" % (line[0], tail(self.err_path)))
        self.url = m.group(1)
        log("sandbox %s at %s (latency %d ms, throttle %s rps)" % (label, self.url, latency_ms, throttle_rps or "none"))

    def stats(self):
        try:
            with urllib.request.urlopen(self.url + "/_sandbox/stats", timeout=10) as r:
                return json.loads(r.read().decode())
        except Exception as e:  # a stats failure must not lose the run's figures
            return {"error": str(e)}

    def reset(self):
        try:
            req = urllib.request.Request(self.url + "/_sandbox/reset", data=b"", method="POST")
            urllib.request.urlopen(req, timeout=10).read()
        except Exception as e:
            log("sandbox reset failed: %s" % e)

    def stop(self):
        if self.proc.poll() is None:
            kill_group(self.proc.pid, grace=10)
        PROCS.remove(self.proc.pid)


def assume_role_stats(stats):
    a = stats.get("AssumeRole", {}) if isinstance(stats, dict) else {}
    errors = a.get("errors", {}) or {}
    return {"ok": a.get("ok", 0), "errors": errors, "calls": a.get("ok", 0) + sum(errors.values())}


# ---------------------------------------------------------------------------------------------------
# Tools


def resolve(cmd_name):
    """(the real program, what the caller's PATH finds): behind a pyenv shim, the real program is
    measured, so shim start-up is not charged to the peer; the shim gets its own start-up row."""
    path = shutil.which(cmd_name)
    if path and "/shims/" in path and shutil.which("pyenv"):
        try:
            real = subprocess.run(["pyenv", "which", os.path.basename(cmd_name)], capture_output=True, text=True,
                                  timeout=30)
            if real.returncode == 0 and real.stdout.strip():
                return real.stdout.strip(), path
        except (OSError, subprocess.TimeoutExpired):
            pass
    return path, path


def quiet_ok(cmd, env=None, timeout=120):
    try:
        return subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, timeout=timeout).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def has_command(name):
    """True if `stsfleet NAME --help` exits 0 with NAME's own usage (picocli answers an unknown
    subcommand followed by --help with the root's usage and exit 0)."""
    try:
        r = subprocess.run([STSFLEET, name, "--help"], capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 and ("stsfleet " + name) in (r.stdout + r.stderr).split("\n", 1)[0]


def output_of(cmd, timeout=60):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e


def machine_info(python, aws):
    info = {"nproc": os.cpu_count(), "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
        info["ram_gib"] = round(kb / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
        info["cpu"] = m.group(1).strip() if m else platform.processor()
    except OSError:
        pass
    info["java"] = output_of(["java", "-version"]).splitlines()
    info["python"] = output_of([python, "--version"])
    info["boto3"] = output_of([python, "-c", "import boto3, botocore; print(boto3.__version__, botocore.__version__)"])
    info["aws"] = output_of([aws, "--version"]) if aws else "not installed"
    info["stsfleet"] = output_of([STSFLEET, "--version"])
    # The javas bin/stsfleet runs (written down beside the jar: the newest JDK it finds for the commands that make
    # calls, the newest older than 24 for the long-running ones and those that make none), not the one on the PATH.
    chosen = os.path.join(ROOT, "stsfleet-cli", "target", "stsfleet.java")
    if os.path.exists(chosen):
        with open(chosen) as f:
            javas = [line.strip() for line in f if line.strip()]
        if javas:
            described = [output_of([javas[0], "-version"]).splitlines()[0] + " (" + javas[0] + ") for the commands "
                         "that make calls"]
            if len(javas) > 1 and javas[1] != javas[0]:
                described.append(output_of([javas[1], "-version"]).splitlines()[0] + " (" + javas[1] + ") for "
                                 "--version and the long-running commands")
            info["java"] = ["; ".join(described)]
    if os.environ.get("STSFLEET_JAVA"):
        java = os.environ["STSFLEET_JAVA"]
        info["java"] = [output_of([java, "-version"]).splitlines()[0] + " (" + java + ", STSFLEET_JAVA) for every "
                        "command"]
    info["git_commit"] = output_of(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    info["loadavg_start"] = os.getloadavg()
    return info


# ---------------------------------------------------------------------------------------------------
# Statistics and rows


def summarize(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": round(statistics.median(vals), 3), "min": round(min(vals), 3), "max": round(max(vals), 3)}


LAUNCHER_JAR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(STSFLEET))), "stsfleet-cli", "target",
                            "stsfleet.jar")


def launcher_jvm(second=False, bulk=False):
    """The java bin/stsfleet runs a short command on (the first it wrote down beside the jar; with second, the
    one for --version and the commands that make no call) and the flags it gives it, class archive included
    (bulk: a bulk command's heap on an AOT cache): for rows that time the JVM without the script. Mirrors
    bin/stsfleet; "java" and no archive before a build."""
    java = "java"
    chosen = os.path.join(os.path.dirname(LAUNCHER_JAR), "stsfleet.java")
    if os.path.exists(chosen):
        with open(chosen) as f:
            lines = [line.strip() for line in f if line.strip()]
        if lines:
            java = lines[-1] if second else lines[0]
    flags = ["-XX:+UseSerialGC", "-Xms16m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"]
    base = os.path.join(os.path.dirname(LAUNCHER_JAR), "archives", re.sub(r"[^A-Za-z0-9]", "_", java))
    if os.path.exists(base + ".aot"):
        flags += ["-XX:AOTCache=" + base + ".aot", "-Xlog:aot=off", "-Xlog:cds=off"]
        if bulk:
            flags[1:2] = ["-Xms48m", "-Xmn32m"]
    elif os.path.exists(base + ".jsa"):
        flags += ["-XX:SharedArchiveFile=" + base + ".jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                  "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"]
    return java, flags


class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.quick = args.quick
        self.workdir = workdir
        self.rows = []
        self.notes = []
        self.python = sys.executable
        self.aws, self.aws_shim = resolve(args.aws or "aws")
        self.stsfleet_ok = quiet_ok([STSFLEET, "--version"], timeout=900)
        self.generate_ok = self.stsfleet_ok and has_command("generate")
        self.cred_process_ok = self.stsfleet_ok and has_command("credential-process")
        self.sandbox_ok = self.stsfleet_ok and has_command("sandbox")
        self.runs = args.runs or (3 if self.quick else 5)
        self.fixtures = {}
        self.counter = 0

    # fixtures -------------------------------------------------------------------------------------

    def fixture(self, n):
        if n not in self.fixtures:
            out = os.path.join(self.workdir, "fx-%d" % n)
            subprocess.run([self.python, os.path.join(BENCH, "gen_fixture.py"), str(n), str(ACCOUNTS), out],
                           check=True, timeout=300)
            self.fixtures[n] = out
        return self.fixtures[n]

    def env_for(self, n, sandbox, home=None):
        fx = self.fixture(n)
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("AWS_"):
                del env[k]  # nothing from the caller's AWS set-up leaks in
        env.update(AWS_CONFIG_FILE=os.path.join(fx, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(fx, "credentials"),
                   AWS_PROFILE=SOURCE_PROFILE, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
                   AWS_ENDPOINT_URL_STS=sandbox.url,
                   STSFLEET_HOME=home or os.path.join(self.workdir, "stsfleet-home"))
        env.pop("STSFLEET_JAVA_OPTS", None)
        return env

    # measuring ------------------------------------------------------------------------------------

    def batch(self, specs, runs):
        """Runs every spec `runs` times, interleaved (spec 1, spec 2, ..., spec 1, ...) so that load
        from other work on the machine falls on every tool alike. Records and returns one row per spec.

        A spec is a dict: scenario, tool, cmd, env, timeout, parse, and optionally sandbox, extra."""
        all_samples = [[] for _ in specs]
        for i in range(runs):
            for spec, samples in zip(specs, all_samples):
                self.counter += 1
                out = os.path.join(self.workdir, "run-%04d.out" % self.counter)
                sandbox = spec.get("sandbox")
                if sandbox:
                    sandbox.reset()
                load = os.getloadavg()[0]
                m = measure(spec["cmd"], spec["env"], spec["timeout"], out)
                m["load_1m_before"] = round(load, 2)
                m.update(spec["parse"](out, m) if spec.get("parse") else {})
                if sandbox:
                    m["sandbox_assume_role"] = assume_role_stats(sandbox.stats())
                if m["exit_code"] not in (0, 1) or m["timed_out"] or m.get("failed") is None:
                    m["stderr_tail"] = tail(out + ".err")
                for suffix in ("", ".err", ".time"):
                    try:
                        os.remove(out + suffix)
                    except OSError:
                        pass
                samples.append(m)
                log("  %s / %s run %d/%d: %.2f s, cpu %s s, rss %s MB, failed %s, load %.1f%s" % (
                    spec["scenario"], spec["tool"], i + 1, runs, m["wall_s"], m["cpu_s"], m["peak_rss_mb"],
                    m.get("failed"), load, " TIMEOUT" if m["timed_out"] else ""))
        rows = []
        for spec, samples in zip(specs, all_samples):
            row = {"scenario": spec["scenario"], "tool": spec["tool"], "command": " ".join(spec["cmd"]), "runs": runs,
                   "wall_s": summarize([s["wall_s"] for s in samples]),
                   "cpu_s": summarize([s["cpu_s"] for s in samples]),
                   "peak_rss_mb": summarize([s["peak_rss_mb"] for s in samples]),
                   "failed": summarize([s.get("failed") for s in samples]),
                   "failure_codes": dict(sum((collections.Counter(s.get("failure_codes") or {}) for s in samples),
                                             collections.Counter())),
                   "timeouts": sum(1 for s in samples if s["timed_out"]),
                   "load_1m": summarize([s["load_1m_before"] for s in samples]),
                   "samples": samples}
            if spec.get("sandbox"):
                row["sandbox_calls"] = summarize([s["sandbox_assume_role"]["calls"] for s in samples])
                row["sandbox_throttled"] = summarize(
                    [s["sandbox_assume_role"]["errors"].get("Throttling", 0) for s in samples])
            in_process = [(s.get("summary") or {}).get("seconds") for s in samples]
            if any(v is not None for v in in_process):
                row["in_process_s"] = summarize([float(v) if v is not None else None for v in in_process])
            row.update(spec.get("extra") or {})
            self.rows.append(row)
            rows.append(row)
        return rows

    def missing(self, scenario, tool, why):
        self.rows.append({"scenario": scenario, "tool": tool, "unavailable": why})
        log("  %s / %s: %s" % (scenario, tool, why))

    # parsers --------------------------------------------------------------------------------------

    @staticmethod
    def parse_generate(out, m):
        try:
            with open(out) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            return {"failed": None, "parse_error": tail(out + ".err")}
        failures = doc.get("failures") or {}
        codes = collections.Counter()
        for v in failures.values():
            code = None
            if isinstance(v, dict):
                code = v.get("code") or v.get("errorCode") or v.get("error")
            codes[str(code or "Unknown")] += 1
        return {"ok": len(doc.get("credentials") or {}), "failed": len(failures), "failure_codes": dict(codes),
                "summary": doc.get("summary")}

    @staticmethod
    def parse_peer(out, m):
        try:
            with open(out) as f:
                doc = json.loads(f.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            return {"failed": None, "parse_error": tail(out + ".err")}
        return {"ok": doc.get("ok"), "failed": doc.get("failed"), "failure_codes": doc.get("failures") or {},
                "peer_seconds": doc.get("seconds"), "calls": doc.get("calls")}

    # scenarios ------------------------------------------------------------------------------------

    def generate_cmd(self, concurrency=None):
        cmd = [STSFLEET, "generate", "--all", "--format", "json"]
        if concurrency:
            cmd += ["--concurrency", str(concurrency)]
        return cmd

    def timeout_for(self, n):
        return 60 + n * 0.04

    def scenario1(self, sandbox):
        sizes = [500, 3000]
        peer = [self.python, os.path.join(BENCH, "peers", "boto3_assume.py")]
        for n in sizes:
            name = "1: N=%d, %d ms, %d rps" % (n, LATENCY_MS, THROTTLE_RPS)
            env = self.env_for(n, sandbox)
            floor = n / float(THROTTLE_RPS)
            log("scenario %s (floor %.2f s)" % (name, floor))
            common = {"scenario": name, "env": env, "timeout": self.timeout_for(n), "sandbox": sandbox,
                      "extra": {"n": n, "floor_s": round(floor, 3)}}
            specs = []
            if self.generate_ok:
                specs.append(dict(common, tool="stsfleet generate (default concurrency)", cmd=self.generate_cmd(),
                                  parse=self.parse_generate))
            else:
                self.missing(name, "stsfleet generate", "not yet available (generate has not landed)")
            for threads in (10, 64):
                specs.append(dict(common, tool="boto3, %d threads (default retries)" % threads,
                                  cmd=peer + ["--threads", str(threads)], parse=self.parse_peer))
            if n == 3000 and not self.quick:
                for mode in ("standard", "adaptive"):
                    specs.append(dict(common, tool="boto3, 64 threads (%s retries)" % mode,
                                      cmd=peer + ["--threads", "64", "--retry-mode", mode], parse=self.parse_peer))
            for row in self.batch(specs, self.runs):
                if row["tool"].startswith("stsfleet") and row["wall_s"]:
                    row["x_floor"] = round(row["wall_s"]["median"] / floor, 2)
                if row.get("cpu_s") and row.get("sandbox_calls") and row["sandbox_calls"]["median"]:
                    # Whole-process CPU (start-up included) per AssumeRole the sandbox counted.
                    row["cpu_ms_per_call"] = round(1000 * row["cpu_s"]["median"] / row["sandbox_calls"]["median"], 2)
        # The AWS CLI loop: K calls timed, extrapolated to each N.
        k = 10 if self.quick else 20
        if self.aws:
            env = self.env_for(500, sandbox)
            env["PATH"] = os.path.dirname(self.aws) + os.pathsep + env.get("PATH", "")
            row = self.batch([{"scenario": "1: AWS CLI loop", "tool": "aws sts assume-role loop, %d calls" % k,
                               "cmd": [os.path.join(BENCH, "peers", "aws_cli_loop.sh"), str(k)], "env": env,
                               "timeout": 30 + k * 10, "parse": self.parse_peer, "sandbox": sandbox,
                               "extra": {"k": k}}], self.runs)[0]
            if row["wall_s"]:
                per_call = row["wall_s"]["median"] / k
                row["per_call_s"] = round(per_call, 3)
                row["extrapolated_s"] = {str(n): round(per_call * n, 1) for n in sizes}
        else:
            self.missing("1: AWS CLI loop", "aws sts assume-role loop", "aws CLI not installed")

    def scenario2(self, sandbox):
        n = 500 if self.quick else 3000
        points = [8, 32, 128] if self.quick else [8, 16, 32, 64, 128, 256]
        name = "2: N=%d, %d ms, no rate limit" % (n, LATENCY_MS)
        log("scenario %s" % name)
        if not self.generate_ok:
            self.missing(name, "stsfleet generate --concurrency C", "not yet available (generate has not landed)")
            return
        env = self.env_for(n, sandbox)
        common = {"scenario": name, "env": env, "timeout": self.timeout_for(n), "sandbox": sandbox,
                  "parse": self.parse_generate}
        specs = []
        for c in points:
            bound = n * LATENCY_MS / 1000.0 / c
            sandbox_bound = n * LATENCY_MS / 1000.0 / min(c, SANDBOX_THREADS_NOTE)
            specs.append(dict(common, tool="stsfleet generate --concurrency %d" % c, cmd=self.generate_cmd(c),
                              extra={"n": n, "concurrency": c, "bound_s": round(bound, 3),
                                     "sandbox_bound_s": round(sandbox_bound, 3)}))
        specs.append(dict(common, tool="stsfleet generate (default concurrency)", cmd=self.generate_cmd(),
                          extra={"n": n}))
        for row in self.batch(specs, self.runs):
            if row["wall_s"] and "bound_s" in row:
                row["x_bound"] = round(row["wall_s"]["median"] / row["bound_s"], 2)

    def scenario5(self, sandbox, latency_ms):
        """Throttling control: off / aimd / adaptive at concurrency 32 and 64 (and aimd at 128) against a
        sandbox limited to 600 rps. Counts throttles and failures; the floor is N / 600 s."""
        n = 3000
        runs = self.args.runs or (2 if self.quick else self.runs)
        name = "5: N=%d, %d ms, %d rps" % (n, latency_ms, THROTTLE_RPS)
        floor = n / float(THROTTLE_RPS)
        log("scenario %s (floor %.2f s)" % (name, floor))
        if not self.generate_ok:
            self.missing(name, "stsfleet generate --throttle-control", "not yet available")
            return
        env = self.env_for(n, sandbox)
        specs = []
        for mode, c in (("off", 32), ("aimd", 32), ("adaptive", 32), ("off", 64), ("aimd", 64), ("adaptive", 64),
                        ("aimd", 128)):
            specs.append({"scenario": name, "tool": "stsfleet generate --throttle-control %s --concurrency %d" % (
                mode, c), "cmd": self.generate_cmd(c) + ["--throttle-control", mode], "env": env,
                          # The SDK's adaptive mode took 130-260 s here when first measured: give it room.
                          "timeout": self.timeout_for(n) * (2 if mode == "adaptive" else 1), "sandbox": sandbox,
                          "parse": self.parse_generate,
                          "extra": {"n": n, "floor_s": round(floor, 3), "latency_ms": latency_ms,
                                    "throttle_control": mode, "concurrency": c}})
        for row in self.batch(specs, runs):
            if row["wall_s"]:
                row["x_floor"] = round(row["wall_s"]["median"] / floor, 2)

    def scenario3(self, sandbox):
        reps = max(10, self.args.startup_runs or (10 if self.quick else 20))
        name = "3: start-up"
        log("scenario %s (%d runs each)" % (name, reps))
        env = self.env_for(500, sandbox)
        t = 60
        # Interleaved, so background load hits every command alike.
        cmds = []
        if self.stsfleet_ok:
            cmds.append(("stsfleet --version", [STSFLEET, "--version"]))
            # The launcher's own java, archive and flags for --version (the second java it wrote down, for the
            # commands that make no call), so the row shows what the script itself costs.
            java, flags = launcher_jvm(second=True)
            cmds.append(("java -jar stsfleet.jar --version (no launcher script)",
                         [java] + flags + ["-jar", LAUNCHER_JAR, "--version"]))
        if self.cred_process_ok:
            home = os.path.join(self.workdir, "cp-home")
            cp_env = self.env_for(500, sandbox, home=home)
            # Count from here: the priming call must be the only AssumeRole the timed runs leave behind.
            sandbox.reset()
            prime = measure([STSFLEET, "credential-process", "bench-00000"], cp_env, 120,
                            os.path.join(self.workdir, "prime.out"))
            if prime["exit_code"] == 0:
                cmds.append(("stsfleet credential-process (cached)",
                             [STSFLEET, "credential-process", "bench-00000"], cp_env))
            else:
                self.missing(name, "stsfleet credential-process (cached)",
                             "priming call failed (exit %s): %s" % (prime["exit_code"],
                                                                     tail(os.path.join(self.workdir, "prime.out.err"))))
        else:
            self.missing(name, "stsfleet credential-process (cached)", "not yet available")
        if self.aws:
            cmds.append(("aws --version", [self.aws, "--version"]))
            if self.aws_shim and self.aws_shim != self.aws:
                cmds.append(("aws --version (through the pyenv shim on PATH)", [self.aws_shim, "--version"]))
        samples = collections.defaultdict(list)
        for i in range(reps):
            for entry in cmds:
                label, cmd = entry[0], entry[1]
                self.counter += 1
                out = os.path.join(self.workdir, "su-%04d.out" % self.counter)
                load = os.getloadavg()[0]
                m = measure(cmd, entry[2] if len(entry) > 2 else env, t, out)
                m["load_1m_before"] = round(load, 2)
                for suffix in ("", ".err", ".time"):
                    try:
                        os.remove(out + suffix)
                    except OSError:
                        pass
                samples[label].append(m)
        for entry in cmds:
            label = entry[0]
            s = samples[label]
            row = {"scenario": name, "tool": label, "command": " ".join(entry[1]), "runs": len(s),
                   "wall_s": summarize([x["wall_s"] for x in s]), "cpu_s": summarize([x["cpu_s"] for x in s]),
                   "peak_rss_mb": summarize([x["peak_rss_mb"] for x in s]),
                   "failed": summarize([0 if x["exit_code"] == 0 else 1 for x in s]),
                   "load_1m": summarize([x["load_1m_before"] for x in s]),
                   "samples": s}
            self.rows.append(row)
            log("  %s: median %.3f s" % (label, row["wall_s"]["median"]))
        if self.cred_process_ok:
            calls = assume_role_stats(sandbox.stats())
            self.notes.append("credential-process timed runs: the sandbox counted %d AssumeRole calls after the "
                              "priming call (0 means every timed run was answered from the cache)."
                              % max(0, calls["calls"] - 1))

    def scenario4(self, sandbox):
        n = 10000
        runs = self.args.runs or (1 if self.quick else 3)
        name = "4: memory, N=%d, %d ms, no rate limit" % (n, LATENCY_MS)
        log("scenario %s" % name)
        env = self.env_for(n, sandbox)
        common = {"scenario": name, "env": env, "sandbox": sandbox, "extra": {"n": n}}
        specs = []
        if self.generate_ok:
            specs.append(dict(common, tool="stsfleet generate (default concurrency)", cmd=self.generate_cmd(),
                              timeout=self.timeout_for(n), parse=self.parse_generate))
        else:
            self.missing(name, "stsfleet generate", "not yet available (generate has not landed)")
        specs.append(dict(common, tool="boto3, 10 threads (default retries)",
                          cmd=[self.python, os.path.join(BENCH, "peers", "boto3_assume.py"), "--threads", "10"],
                          timeout=self.timeout_for(n) * 2, parse=self.parse_peer))
        # Each runtime's base: the same commands for 12 roles (one per account). What a tool needs beyond its
        # base for 10,000 roles is its own doing; the base is its runtime's (JVM + SDK, or CPython + boto3).
        base = 12
        base_env = self.env_for(base, sandbox)
        base_common = {"scenario": name, "env": base_env, "sandbox": sandbox, "extra": {"n": base}}
        if self.generate_ok:
            specs.append(dict(base_common, tool="base: stsfleet generate, %d roles" % base, cmd=self.generate_cmd(),
                              timeout=self.timeout_for(base), parse=self.parse_generate))
        specs.append(dict(base_common, tool="base: boto3, 10 threads, %d roles" % base,
                          cmd=[self.python, os.path.join(BENCH, "peers", "boto3_assume.py"), "--threads", "10"],
                          timeout=self.timeout_for(base), parse=self.parse_peer))
        self.batch(specs, runs)

    def scenario7(self, sandbox):
        """Interactive: one role, as a person types it, against `aws sts assume-role` for the same role; and
        `generate` of 12 roles against the 12-role boto3 script. Interleaved; the cached rows are primed first
        and the sandbox's counters show the cached rows made no STS call."""
        name = "7: interactive, 1 role, %d ms" % LATENCY_MS
        reps = self.args.runs or (7 if self.quick else 11)
        log("scenario %s (%d runs each)" % (name, reps))
        n = 12
        home = os.path.join(self.workdir, "s7-home")
        env = self.env_for(n, sandbox, home=home)
        env.pop("AWS_PROFILE", None)  # each role names its source_profile, as people's configs do
        role = "bench-00000"
        arn = None
        with open(os.path.join(self.fixture(n), "config")) as f:
            for line in f:
                if line.strip().startswith("role_arn") and arn is None:
                    arn = line.split("=", 1)[1].strip()
        specs = []
        if self.stsfleet_ok:
            specs += [
                ("stsfleet env ROLE (cold: --no-cache)", [STSFLEET, "env", "--no-cache", role], "cold"),
                ("stsfleet env ROLE (cached)", [STSFLEET, "env", role], "cached"),
                ("stsfleet exec ROLE -- true (cold: --no-cache)", [STSFLEET, "exec", "--no-cache", role, "--", "true"],
                 "cold"),
                ("stsfleet exec ROLE -- true (cached)", [STSFLEET, "exec", role, "--", "true"], "cached"),
                ("stsfleet credential-process ROLE (cached)", [STSFLEET, "credential-process", role], "cached"),
            ]
        if self.aws:
            specs.append(("aws sts assume-role (same role)",
                          [self.aws, "sts", "assume-role", "--profile", SOURCE_PROFILE, "--endpoint-url", sandbox.url,
                           "--role-arn", arn, "--role-session-name", "bench-cli", "--output", "json"], "cold"))
        if self.generate_ok:
            specs.append(("stsfleet generate, 12 roles", self.generate_cmd(), "cold"))
        specs.append(("boto3 script, 10 threads, 12 roles",
                      [self.python, os.path.join(BENCH, "peers", "boto3_assume.py"), "--threads", "10"], "cold"))
        # Where a cold single-role command cannot go below: the same JVM, flags and class archive as bin/stsfleet
        # gives env, running an empty main, and the AWS SDK alone building its STS client and making the one
        # AssumeRole (bench/SdkFloor.java; no command line, no profile files, no cache, no stsfleet code).
        floor = self.sdk_floor(env, arn, sandbox)
        if floor:
            java, flags, classpath, floor_env = floor
            specs.append(("floor: the JVM alone (empty main, launcher's flags and class archive)",
                          [java] + flags + ["-cp", classpath, "SdkFloor"], "cold", floor_env))
            specs.append(("floor: the AWS SDK alone (STS client + 1 AssumeRole, same JVM)",
                          [java] + flags + ["-cp", classpath, "SdkFloor", sandbox.url, arn], "cold", floor_env))
            arns = []
            with open(env["AWS_CONFIG_FILE"]) as f:
                arns = [line.split("=", 1)[1].strip() for line in f if line.strip().startswith("role_arn")]
            bulk_java, bulk_flags = launcher_jvm(bulk=True)
            specs.append(("floor: the AWS SDK alone, 12 roles on 10 threads (generate's JVM)",
                          [bulk_java] + bulk_flags + ["-cp", classpath, "SdkFloor", sandbox.url] + arns[:n], "cold",
                          floor_env))
        # Prime the cache (and each cached command's memo) once; then count from zero.
        specs = [spec if len(spec) == 4 else spec + (env,) for spec in specs]
        for label, cmd, kind, _ in specs:
            if kind == "cached":
                prime = measure(cmd, env, 120, os.path.join(self.workdir, "s7-prime.out"))
                if prime["exit_code"] != 0:
                    self.missing(name, label, "priming call failed (exit %s): %s" % (
                        prime["exit_code"], tail(os.path.join(self.workdir, "s7-prime.out.err"))))
        samples = collections.defaultdict(list)
        calls = collections.Counter()
        for i in range(reps):
            for label, cmd, kind, spec_env in specs:
                self.counter += 1
                out = os.path.join(self.workdir, "s7-%04d.out" % self.counter)
                sandbox.reset()
                load = os.getloadavg()[0]
                m = measure(cmd, spec_env, 120, out)
                m["load_1m_before"] = round(load, 2)
                m["sandbox_assume_role"] = assume_role_stats(sandbox.stats())
                calls[label] += m["sandbox_assume_role"]["calls"]
                if m["exit_code"] != 0:
                    m["stderr_tail"] = tail(out + ".err")
                for suffix in ("", ".err", ".time"):
                    try:
                        os.remove(out + suffix)
                    except OSError:
                        pass
                samples[label].append(m)
        rows = {}
        for label, cmd, kind, _ in specs:
            s = samples[label]
            row = {"scenario": name, "tool": label, "command": " ".join(cmd), "runs": len(s), "kind": kind,
                   "wall_s": summarize([x["wall_s"] for x in s]), "cpu_s": summarize([x["cpu_s"] for x in s]),
                   "peak_rss_mb": summarize([x["peak_rss_mb"] for x in s]),
                   "failed": summarize([0 if x["exit_code"] == 0 else 1 for x in s]),
                   "sandbox_calls": summarize([x["sandbox_assume_role"]["calls"] for x in s]),
                   "load_1m": summarize([x["load_1m_before"] for x in s]), "samples": s}
            rows[label] = row
            self.rows.append(row)
            log("  %s: median %.3f s, %d AssumeRole calls in all" % (label, row["wall_s"]["median"], calls[label]))
        aws = rows.get("aws sts assume-role (same role)")
        boto = rows.get("boto3 script, 10 threads, 12 roles")
        for label, row in rows.items():
            if (label.startswith("stsfleet generate") or label.startswith("floor: the AWS SDK alone, 12")) and boto:
                row["x_boto3"] = round(row["wall_s"]["median"] / boto["wall_s"]["median"], 2)
            elif (label.startswith("stsfleet") or label.startswith("floor:")) and aws:
                row["x_aws"] = round(row["wall_s"]["median"] / aws["wall_s"]["median"], 2)

    def sdk_floor(self, env, arn, sandbox):
        """bench/SdkFloor.java compiled with the launcher's java (its javac) into the work directory: the java,
        its flags, the class path (the jar first, as the class archive was made for it) and the environment
        with the fixture's source keys. None, with a row saying why, when it cannot be built."""
        java, flags = launcher_jvm()
        javac = os.path.join(os.path.dirname(java), "javac") if os.path.dirname(java) else "javac"
        out = os.path.join(self.workdir, "sdk-floor")
        try:
            subprocess.run([javac, "--release", "17", "-d", out, "-cp", LAUNCHER_JAR,
                            os.path.join(BENCH, "SdkFloor.java")], check=True, timeout=300,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (OSError, subprocess.SubprocessError) as e:
            self.missing("7: interactive, 1 role, %d ms" % LATENCY_MS, "floor rows", "cannot compile "
                         "bench/SdkFloor.java: %s" % e)
            return None
        keys = configparser.RawConfigParser()
        keys.read(env["AWS_SHARED_CREDENTIALS_FILE"])
        floor_env = dict(env, AWS_ACCESS_KEY_ID=keys.get(SOURCE_PROFILE, "aws_access_key_id"),
                         AWS_SECRET_ACCESS_KEY=keys.get(SOURCE_PROFILE, "aws_secret_access_key"))
        return java, flags, LAUNCHER_JAR + os.pathsep + out, floor_env


# ---------------------------------------------------------------------------------------------------
# Report


def fmt_range(s, unit="", digits=2):
    if not s:
        return "n/a"
    f = "%%.%df" % digits
    if s["min"] == s["max"]:
        return (f % s["median"]) + unit
    return (f + "%s (" + f + "–" + f + ")") % (s["median"], unit, s["min"], s["max"])


def render(bench, info, started, finished):
    lines = []
    lines.append("stsfleet benchmarks, %s mode, %s UTC, %d runs per figure (scenario 3: see runs column; "
                 "scenario 4: %s; scenario 5: %s); median (min–max)." % (
                     "quick" if bench.quick else "full", started, bench.runs,
                     "%d run(s)" % (bench.args.runs or (1 if bench.quick else 3)),
                     "%d run(s)" % (bench.args.runs or (2 if bench.quick else bench.runs))))
    lines.append("")
    lines.append("Machine: %s cores, %s GiB RAM, %s; %s; load average at start %s, at end %s." % (
        info.get("nproc"), info.get("ram_gib"), info.get("cpu"), (info.get("java") or ["?"])[0],
        " ".join("%.2f" % x for x in info["loadavg_start"]), " ".join("%.2f" % x for x in info["loadavg_end"])))
    lines.append("")
    loads = [x for r in bench.rows for x in [s.get("load_1m_before") for s in r.get("samples", [])] if x is not None]
    if loads and statistics.median(loads) > (info.get("nproc") or 1):
        lines.append("**Warning: the machine was busy with other work during this run** (1-minute load average "
                     "before each run: median %.1f, max %.1f, on %s cores). Every process got a fraction of a "
                     "core, so the absolute figures are inflated (the sandbox, a JVM on the same cores, "
                     "included); comparisons within one scenario, whose runs are interleaved, are fairer "
                     "than the absolute numbers." % (statistics.median(loads), max(loads), info.get("nproc")))
        lines.append("")
    lines.append("| scenario | tool | runs | wall s | CPU s (user+sys) | peak RSS MB | failed profiles | notes |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in bench.rows:
        if "unavailable" in r:
            lines.append("| %s | %s | – | – | – | – | – | %s |" % (r["scenario"], r["tool"], r["unavailable"]))
            continue
        notes = []
        if "floor_s" in r and "x_floor" in r and r.get("x_floor") is not None:
            notes.append("%.2f x floor (%.2f s)" % (r["x_floor"], r["floor_s"]))
        elif "floor_s" in r and r["wall_s"]:
            notes.append("%.2f x floor" % (r["wall_s"]["median"] / r["floor_s"]))
        if "bound_s" in r:
            notes.append("bound N·50ms/C %.2f s (%.2f x); sandbox-thread bound %.2f s" % (
                r["bound_s"], r.get("x_bound", float("nan")), r["sandbox_bound_s"]))
        if "extrapolated_s" in r:
            notes.append("%.2f s per call; extrapolated: %s" % (r["per_call_s"], ", ".join(
                "N=%s ≈ %s s" % (k, v) for k, v in r["extrapolated_s"].items())))
        if r.get("in_process_s"):
            notes.append("own summary %.2f s" % r["in_process_s"]["median"])
        if r.get("cpu_ms_per_call") is not None:
            notes.append("CPU %.2f ms per AssumeRole" % r["cpu_ms_per_call"])
        if r.get("x_aws") is not None:
            notes.append("%.2f x aws sts assume-role" % r["x_aws"])
        if r.get("x_boto3") is not None:
            notes.append("%.2f x the boto3 script" % r["x_boto3"])
        if r.get("sandbox_calls"):
            notes.append("STS calls %s" % fmt_range(r["sandbox_calls"], digits=0))
        if r.get("sandbox_throttled") and (r["sandbox_throttled"]["max"] or r["scenario"].startswith("5")):
            notes.append("throttled %s" % fmt_range(r["sandbox_throttled"], digits=0))
        if r.get("failure_codes"):
            notes.append("codes (all runs): " + ", ".join("%s %d" % kv for kv in sorted(r["failure_codes"].items())))
        if r.get("load_1m"):
            notes.append("load %.1f" % r["load_1m"]["median"])
        if r.get("timeouts"):
            notes.append("%d run(s) timed out" % r["timeouts"])
        lines.append("| %s | %s | %d | %s | %s | %s | %s | %s |" % (
            r["scenario"], r["tool"], r["runs"], fmt_range(r["wall_s"], digits=3 if r["scenario"].startswith("3") else 2),
            fmt_range(r["cpu_s"]), fmt_range(r["peak_rss_mb"], digits=0),
            fmt_range(r["failed"], digits=0) if r.get("failed") else "n/a", "; ".join(notes)))
    lines.append("")
    lines.append("Targets (reported, never asserted):")
    lines.extend("- " + t for t in targets(bench))
    if bench.notes:
        lines.append("")
        lines.extend("- " + n for n in bench.notes)
    lines.append("")
    return "\n".join(lines)


def find(bench, scenario_prefix, tool_prefix):
    for r in bench.rows:
        if r["scenario"].startswith(scenario_prefix) and r["tool"].startswith(tool_prefix) and "unavailable" not in r:
            return r
    return None


def targets7(bench):
    out = []
    aws = find(bench, "7", "aws sts assume-role")
    boto = find(bench, "7", "boto3 script")
    for label, limit in (("stsfleet env ROLE (cold", 0.6), ("stsfleet env ROLE (cached", 0.12),
                         ("stsfleet exec ROLE -- true (cached", 0.12),
                         ("stsfleet credential-process ROLE (cached", 0.12)):
        r = find(bench, "7", label)
        if r and aws:
            ratio = r["wall_s"]["median"] / aws["wall_s"]["median"]
            out.append("S7 %s) at most %.2f x aws sts assume-role: %s (%.2fx: %.3f s vs %.3f s; STS calls in the "
                       "timed runs: %d)" % (label, limit, "met" if ratio <= limit else "MISSED", ratio,
                                           r["wall_s"]["median"], aws["wall_s"]["median"],
                                           sum(x["sandbox_assume_role"]["calls"] for x in r["samples"])))
    sdk = find(bench, "7", "floor: the AWS SDK alone")
    if sdk and aws:
        out.append("S7 context: the AWS SDK alone (client + 1 AssumeRole, same JVM, flags and archive) takes %.2fx "
                   "(%.3f s), the JVM alone %s: what a cold single-role command adds to the SDK is the difference"
                   % (sdk["wall_s"]["median"] / aws["wall_s"]["median"], sdk["wall_s"]["median"],
                      "%.3f s" % find(bench, "7", "floor: the JVM alone")["wall_s"]["median"]
                      if find(bench, "7", "floor: the JVM alone") else "n/a"))
    g = find(bench, "7", "stsfleet generate")
    if g and boto:
        ratio = g["wall_s"]["median"] / boto["wall_s"]["median"]
        out.append("S7 generate of 12 roles at most 1.0 x the boto3 script: %s (%.2fx: %.3f s vs %.3f s)" % (
            "met" if ratio <= 1.0 else "MISSED", ratio, g["wall_s"]["median"], boto["wall_s"]["median"]))
        sdk12 = find(bench, "7", "floor: the AWS SDK alone, 12 roles")
        if sdk12:
            out.append("S7 context: the AWS SDK alone, 12 roles on 10 threads on generate's JVM, takes %.2fx the boto3 "
                       "script (%.3f s)" % (sdk12["wall_s"]["median"] / boto["wall_s"]["median"],
                                            sdk12["wall_s"]["median"]))
    s1 = find(bench, "1: N=3000", "stsfleet generate")
    b64 = find(bench, "1: N=3000", "boto3, 64 threads (default")
    if s1 and b64:
        ratio = s1["wall_s"]["median"] / b64["wall_s"]["median"]
        out.append("S1 N=3000 at most 1.0 x boto3 64 threads: %s (%.2fx)" % ("met" if ratio <= 1.0 else "MISSED", ratio))
    return out


def targets(bench):
    out = []
    only = {s.strip() for s in bench.args.only.split(",")}
    if "7" in only:
        out.extend(targets7(bench))
    if not only & {"1", "3", "4"}:
        return out or ["none for the scenarios run (%s)" % bench.args.only]
    s = find(bench, "1: N=3000", "stsfleet generate")
    b10 = find(bench, "1: N=3000", "boto3, 10 threads")
    if s and s["wall_s"]:
        w = s["wall_s"]["median"]
        limit = 1.2 * s["floor_s"] + 1
        out.append("S1 N=3000 within 1.2 x floor + 1 s (%.2f s): %s (median %.2f s, worst %.2f s)" % (
            limit, "met" if w <= limit else "MISSED", w, s["wall_s"]["max"]))
        out.append("S1 N=3000 zero failed profiles: %s (worst run %s)" % (
            "met" if s["failed"] and s["failed"]["max"] == 0 else "MISSED", s["failed"] and s["failed"]["max"]))
        if b10 and b10["wall_s"]:
            out.append("S1 N=3000 at least 2x faster than boto3 10 threads: %s (%.2fx)" % (
                "met" if b10["wall_s"]["median"] >= 2 * w else "MISSED", b10["wall_s"]["median"] / w))
    else:
        out.append("S1: stsfleet not measured (generate not available)")
    aws = find(bench, "3", "aws --version")
    for label in ("stsfleet credential-process", "stsfleet --version"):
        r = find(bench, "3", label)
        if r and aws:
            ratio = r["wall_s"]["median"] / aws["wall_s"]["median"]
            out.append("S3 %s at most 0.3 x aws --version: %s (%.2fx: %.3f s vs %.3f s)" % (
                label, "met" if ratio <= 0.3 else "MISSED", ratio, r["wall_s"]["median"], aws["wall_s"]["median"]))
        elif aws:
            out.append("S3 %s: not measured (not yet available)" % label)
    s4 = find(bench, "4", "stsfleet generate (default")
    b4 = find(bench, "4", "boto3, 10 threads (default")
    s4base = find(bench, "4", "base: stsfleet")
    b4base = find(bench, "4", "base: boto3")
    if s4 and s4["peak_rss_mb"]:
        rss = s4["peak_rss_mb"]["max"]
        out.append("S4 stsfleet peak RSS at most 300 MB: %s (worst %.0f MB)" % ("met" if rss <= 300 else "MISSED", rss))
        if b4 and b4["peak_rss_mb"]:
            out.append("S4 stsfleet peak RSS not above boto3 10 threads: %s (%.0f MB vs %.0f MB, medians)" % (
                "met" if s4["peak_rss_mb"]["median"] <= b4["peak_rss_mb"]["median"] else "MISSED",
                s4["peak_rss_mb"]["median"], b4["peak_rss_mb"]["median"]))
        if b4 and s4base and b4base and s4base["peak_rss_mb"] and b4base["peak_rss_mb"]:
            out.append("S4 beyond each runtime's base (12 roles): stsfleet +%.0f MB over %.0f MB, boto3 +%.0f MB "
                       "over %.0f MB (medians)" % (
                           s4["peak_rss_mb"]["median"] - s4base["peak_rss_mb"]["median"], s4base["peak_rss_mb"]["median"],
                           b4["peak_rss_mb"]["median"] - b4base["peak_rss_mb"]["median"], b4base["peak_rss_mb"]["median"]))
    else:
        out.append("S4: stsfleet not measured (generate not available)")
    return out


# ---------------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description="stsfleet benchmarks; use bench/run.sh")
    p.add_argument("--quick", action="store_true", help="fewer runs and smaller sweeps (about 10 minutes)")
    p.add_argument("--workdir", required=True, help="scratch directory (run.sh makes and removes it)")
    p.add_argument("--pidfile", help="where to list live process groups (run.sh's trap kills them)")
    p.add_argument("--only", default="1,2,3,4", help="comma-separated scenarios to run, 1 to 5 (default: 1,2,3,4; "
                                                   "5, throttling control, takes 15-25 minutes)")
    p.add_argument("--runs", type=int, help="override the number of runs per figure")
    p.add_argument("--startup-runs", type=int, help="override the start-up repetitions (>= 10)")
    p.add_argument("--aws", help="the aws command as the caller's PATH finds it (run.sh passes it)")
    p.add_argument("--results", default=os.path.join(BENCH, "results"), help="where to write .json and .md")
    args = p.parse_args()
    global PROCS
    PROCS = Procs(args.pidfile)

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    only = {s.strip() for s in args.only.split(",")}
    started = datetime.datetime.now(datetime.timezone.utc)
    stamp = started.strftime("%Y-%m-%dT%H%M%SZ")
    bench = Bench(args, args.workdir)
    info = machine_info(bench.python, bench.aws)
    log("stsfleet: %s; generate: %s; credential-process: %s; sandbox: %s; aws: %s" % (
        info["stsfleet"], bench.generate_ok, bench.cred_process_ok, bench.sandbox_ok, bench.aws))
    if not bench.sandbox_ok:
        log("error: `bin/stsfleet sandbox` is not available; nothing can be measured")
        return 2
    model_n = 10000 if "4" in only else 3000 if only & {"1", "2", "5"} else 500
    if only - {"1", "2", "3", "4", "5", "7"}:
        log("error: unknown scenario in --only %s" % args.only)
        return 2
    model = os.path.join(bench.fixture(model_n), "model.json")
    try:
        if "1" in only:
            sb = Sandbox(model, LATENCY_MS, THROTTLE_RPS, args.workdir, "throttled")
            try:
                bench.scenario1(sb)
            finally:
                sb.stop()
        if only & {"2", "3", "4", "7"}:
            sb = Sandbox(model, LATENCY_MS, 0, args.workdir, "unthrottled")
            try:
                if "2" in only:
                    bench.scenario2(sb)
                if "3" in only:
                    bench.scenario3(sb)
                if "4" in only:
                    bench.scenario4(sb)
                if "7" in only:
                    bench.scenario7(sb)
            finally:
                sb.stop()
        if "5" in only:
            for latency in (LATENCY_MS, 10):
                sb = Sandbox(model, latency, THROTTLE_RPS, args.workdir, "throttled-%dms" % latency)
                try:
                    bench.scenario5(sb, latency)
                finally:
                    sb.stop()
    finally:
        PROCS.kill_all()
    finished = datetime.datetime.now(datetime.timezone.utc)
    info["loadavg_end"] = os.getloadavg()
    table = render(bench, info, started.strftime("%Y-%m-%d %H:%M"), finished)
    os.makedirs(args.results, exist_ok=True)
    doc = {"started_utc": started.isoformat(), "finished_utc": finished.isoformat(),
           "mode": "quick" if args.quick else "full", "runs": bench.runs, "scenarios": sorted(only),
           "command": "bench/run.sh" + (" --quick" if args.quick else "") + (
               " --only " + args.only if args.only != "1,2,3,4" else ""),
           "machine": info, "settings": {"latency_ms": LATENCY_MS, "throttle_rps": THROTTLE_RPS,
                                         "accounts": ACCOUNTS, "sandbox_request_threads": SANDBOX_THREADS_NOTE},
           "rows": bench.rows, "notes": bench.notes}
    base = os.path.join(args.results, stamp)
    with open(base + ".json.tmp", "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(base + ".json.tmp", base + ".json")
    with open(base + ".md", "w") as f:
        f.write(table)
    print(table)
    log("wrote %s.json and %s.md in %.0f s" % (base, base, (finished - started).total_seconds()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
