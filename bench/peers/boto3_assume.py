#!/usr/bin/env python3
"""Peer: what people run today to get credentials for many roles with boto3.

Reads the AWS config (AWS_CONFIG_FILE, via botocore's own config parsing), finds every role profile
(role_arn + source_profile), assumes each role with a ThreadPoolExecutor, keeps the credentials in
memory (a dict) and prints one JSON line: {"ok": N, "failed": M, "failures": {code: count}, ...}.

usage: boto3_assume.py [--threads T] [--retry-mode default|legacy|standard|adaptive]
                       [--client per-thread|shared] [--endpoint-url URL]

--threads      worker threads (default 10, awsrun's default)
--retry-mode   'default' passes no retry config, so botocore's default applies (legacy mode,
               5 attempts, unless AWS_RETRY_MODE or the config file says otherwise): what people run
--client       'per-thread' (default): one STS client per worker thread, made up front from one
               boto3 Session (boto3's advice for threads; each client has its own connection pool);
               'shared': one client for all threads (thread-safe, but its pool holds 10 connections)
--endpoint-url default: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, which botocore reads itself

Exit code: 0 when every role was assumed, 1 otherwise.
"""
import argparse
import collections
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.config
import botocore.exceptions
import botocore.session


def role_profiles(full_config):
    """(name, role_arn, source_profile, extra kwargs) for every role profile, in file order."""
    out = []
    for name, values in full_config.get("profiles", {}).items():
        if "role_arn" in values and "source_profile" in values:
            kwargs = {}
            if "external_id" in values:
                kwargs["ExternalId"] = values["external_id"]
            if "duration_seconds" in values:
                kwargs["DurationSeconds"] = int(values["duration_seconds"])
            out.append((name, values["role_arn"], values["source_profile"],
                        values.get("role_session_name", "bench-boto3"), kwargs))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--retry-mode", default="default", choices=["default", "legacy", "standard", "adaptive"])
    parser.add_argument("--client", default="per-thread", choices=["per-thread", "shared"])
    parser.add_argument("--endpoint-url", default=None)
    args = parser.parse_args()

    started = time.monotonic()
    core = botocore.session.Session()
    profiles = role_profiles(core.full_config)
    if not profiles:
        print(json.dumps({"ok": 0, "failed": 0, "failures": {}, "error": "no role profiles in the config"}))
        return 1
    config = None if args.retry_mode == "default" else botocore.config.Config(retries={"mode": args.retry_mode})

    # One Session per source profile (the bench has one); clients are made here, in the main thread,
    # because creating clients from one Session is not thread-safe.
    sessions = {}
    clients = {}  # source profile -> list of clients (one per thread, or one shared)
    for src in sorted({p[2] for p in profiles}):
        sessions[src] = boto3.session.Session(profile_name=src)
        count = 1 if args.client == "shared" else args.threads
        clients[src] = [sessions[src].client("sts", endpoint_url=args.endpoint_url, config=config)
                        for _ in range(count)]

    local = threading.local()
    slot_lock = threading.Lock()
    next_slot = [0]

    def client_for(src):
        if args.client == "shared":
            return clients[src][0]
        slot = getattr(local, "slot", None)
        if slot is None:
            with slot_lock:
                slot = local.slot = next_slot[0]
                next_slot[0] += 1
        return clients[src][slot]

    credentials = {}  # kept in memory, as a real script would
    failures = collections.Counter()
    lock = threading.Lock()

    def assume(profile):
        name, arn, src, session_name, kwargs = profile
        try:
            answer = client_for(src).assume_role(RoleArn=arn, RoleSessionName=session_name, **kwargs)
            with lock:
                credentials[name] = answer["Credentials"]
        except botocore.exceptions.ClientError as e:
            with lock:
                failures[e.response.get("Error", {}).get("Code", "Unknown")] += 1
        except Exception as e:  # connection errors and the like: counted by type, never raised
            with lock:
                failures[type(e).__name__] += 1

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        list(pool.map(assume, profiles))

    failed = sum(failures.values())
    print(json.dumps({"ok": len(credentials), "failed": failed, "failures": dict(sorted(failures.items())),
                      "threads": args.threads, "retry_mode": args.retry_mode, "client": args.client,
                      "seconds": round(time.monotonic() - started, 3)}))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
