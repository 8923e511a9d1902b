#!/usr/bin/env python3
"""Writes a benchmark fixture: a sandbox IAM model and the matching AWS config and credentials files.

usage: gen_fixture.py N ACCOUNTS OUTDIR

OUTDIR/model.json   one IAM user (account 111111111111, long-term keys, no MFA device) and N roles
                    bench-role-00000.. spread round-robin over ACCOUNTS accounts (>= 10), each trusting
                    the user's account root, no MFA, no external id, max session 3600 s
OUTDIR/config       [profile bench-source] plus one [profile bench-NNNNN] per role
                    (role_arn + source_profile = bench-source)
OUTDIR/credentials  [bench-source] with the user's access key

Everything is deterministic: role i lives in the same account whatever N is, so the model written for
the largest N serves every smaller config. The keys are made-up sandbox keys, not AWS keys.

Why no MFA: the sandbox accepts each TOTP code once per device, and the peers (boto3, aws CLI) and
stsfleet would each need a fresh code per run (a 30 s wait each). The MFA path costs one extra call
(GetSessionToken) per run and does not change the bulk picture, so the benchmark leaves it out.
"""
import json
import os
import sys

SOURCE_ACCOUNT = "111111111111"
SOURCE_PROFILE = "bench-source"
ACCESS_KEY_ID = "AKIABENCHSANDBOX0001"  # 20 chars, upper alnum, AKIA prefix
SECRET_ACCESS_KEY = "benchSandboxSecretKey/notAnAwsKey+000001"  # 40 chars
REGION = "us-east-1"


def account(i, accounts):
    return "%012d" % (200000000000 + (i % accounts))


def role_arn(i, accounts):
    return "arn:aws:iam::%s:role/bench-role-%05d" % (account(i, accounts), i)


def profile_name(i):
    return "bench-%05d" % i


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: gen_fixture.py N ACCOUNTS OUTDIR\n")
        return 2
    n, accounts, out = int(argv[1]), int(argv[2]), argv[3]
    if n < 1 or accounts < 1:
        sys.stderr.write("gen_fixture: N and ACCOUNTS must be >= 1\n")
        return 2
    if accounts < 10:
        sys.stderr.write("gen_fixture: note: fewer than 10 accounts (the benchmark uses >= 10)\n")
    os.makedirs(out, exist_ok=True)
    root = "arn:aws:iam::%s:root" % SOURCE_ACCOUNT
    model = {
        "users": [{
            "arn": "arn:aws:iam::%s:user/bench" % SOURCE_ACCOUNT,
            "accessKeyId": ACCESS_KEY_ID,
            "secretAccessKey": SECRET_ACCESS_KEY,
            "mfaSerial": None,
            "totpSecret": None,
        }],
        "roles": [{
            "arn": role_arn(i, accounts),
            "trustedPrincipals": [root],
            "requireMfa": False,
            "externalId": None,
            "maxSessionDurationSeconds": 3600,
        } for i in range(n)],
        "samlProviders": [],
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    lines = ["[profile %s]" % SOURCE_PROFILE, "region = %s" % REGION, ""]
    for i in range(n):
        lines += ["[profile %s]" % profile_name(i), "role_arn = %s" % role_arn(i, accounts),
                  "source_profile = %s" % SOURCE_PROFILE, "region = %s" % REGION, ""]
    with open(os.path.join(out, "config"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(out, "credentials"), "w") as f:
        f.write("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                % (SOURCE_PROFILE, ACCESS_KEY_ID, SECRET_ACCESS_KEY))
    os.chmod(os.path.join(out, "credentials"), 0o600)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
