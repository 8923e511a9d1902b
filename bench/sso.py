#!/usr/bin/env python3
"""Issue 16 scale figures through the command: N accounts x R roles from one Identity Center sign-in at the
sandbox portal's rate (default 300 x 2 at 20/s). Prints the figures and writes bench/results/sso-<UTC>.{json,md}."""
import argparse, json, os, subprocess, sys, time, urllib.request, datetime

p = argparse.ArgumentParser()
p.add_argument("--workdir", required=True)
p.add_argument("--accounts", type=int, default=300)
p.add_argument("--roles", type=int, default=2)
p.add_argument("--rps", type=float, default=20)
a = p.parse_args()
launcher = os.environ.get("STSFLEET_BENCH_LAUNCHER", "bin/stsfleet")
w = a.workdir
roles = ["Role%d" % i for i in range(a.roles)]
accounts = [{"accountId": "%012d" % (200000000000 + i), "accountName": "account-%d" % i} for i in range(a.accounts)]
model = {"identityCenter": {"startUrl": "https://bench.awsapps.com/start", "region": "us-east-1",
                            "users": [{"name": "alice"}], "accounts": accounts,
                            "assignments": [{"user": "alice", "accountId": x["accountId"], "permissionSet": r}
                                            for x in accounts for r in roles]}}
open(os.path.join(w, "model.json"), "w").write(json.dumps(model))
open(os.path.join(w, "config"), "w").write("[sso-session bench]\nsso_start_url = https://bench.awsapps.com/start\n"
                                           "sso_region = us-east-1\n")
sandbox = subprocess.Popen([launcher, "sandbox", "--model", os.path.join(w, "model.json"), "--sso-auto-approve",
                            "--sso-rps", str(a.rps)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    url = sandbox.stdout.readline().strip().rsplit(" ", 1)[-1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=w, AWS_CONFIG_FILE=os.path.join(w, "config"), AWS_ENDPOINT_URL_SSO=url,
               AWS_ENDPOINT_URL_SSO_OIDC=url)
    subprocess.run([launcher, "sso", "login", "--use-device-code"], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    urllib.request.urlopen(urllib.request.Request(url + "/_sandbox/reset", method="POST")).read()
    t0 = time.monotonic()
    g = subprocess.run([launcher, "sso", "generate", "--format", "json", "--sso-rps", str(a.rps)], env=env,
                       capture_output=True, text=True)
    wall = time.monotonic() - t0
    out = json.loads(g.stdout)
    stats = json.loads(urllib.request.urlopen(url + "/_sandbox/stats").read())
finally:
    sandbox.terminate()
    sandbox.wait(10)

def count(action, key=None):
    s = stats.get(action, {})
    return s.get("ok", 0) if key is None else s.get("errors", {}).get(key, 0)

portal = ["ListAccounts", "ListAccountRoles", "GetRoleCredentials"]
ok = sum(count(x) for x in portal)
throttled = sum(count(x, "TooManyRequestsException") for x in portal)
floor = ok / a.rps
summary = out.get("summary", {})
fig = {"accounts": a.accounts, "roles": a.roles, "rps": a.rps, "exit": g.returncode,
       "credentials": summary.get("succeeded"), "failures": summary.get("failed"), "portalCalls": ok,
       "answered429": throttled, "wallSeconds": round(wall, 2), "floorSeconds": round(floor, 2),
       "ratio": round(wall / floor, 3)}
print(json.dumps(fig))
stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
os.makedirs("bench/results", exist_ok=True)
open("bench/results/sso-%s.json" % stamp, "w").write(json.dumps(fig, indent=2) + "\n")
open("bench/results/sso-%s.md" % stamp, "w").write(
    "| accounts x roles | rps | credentials | failures | portal calls | 429s | wall s (JVM start-up included) | floor s | ratio |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| %d x %d | %g | %s | %s | %d | %d | %.1f | %.1f | %.3f |\n" % (
        a.accounts, a.roles, a.rps, fig["credentials"], fig["failures"], ok, throttled, wall, floor, wall / floor))
sys.exit(0 if g.returncode == 0 else 1)
