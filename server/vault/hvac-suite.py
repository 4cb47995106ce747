"""A second, independent Vault client against the lab: Python's hvac (Debian's python3-hvac, run
with /usr/bin/python3), used as a service would use it against Vault. Run by hvac-suite.test.ts
against a running lab; prints one JSON line per check and exits non-zero on the first failure.

Environment: SOURCE_ADDR / SOURCE_TOKEN (a cluster's base URL, e.g. http://127.0.0.1:PORT/c/default)
and TARGET_ADDR / TARGET_TOKEN (a new, empty cluster the snapshot is restored into).
"""

import json
import os
import sys

import hvac
import hvac.exceptions


def check(name, condition, detail=""):
    if not condition:
        print(json.dumps({"check": name, "ok": False, "detail": str(detail)[:500]}), flush=True)
        sys.exit(1)
    print(json.dumps({"check": name, "ok": True}), flush=True)


def expect_error(name, error_type, call, text=None):
    try:
        call()
    except error_type as error:
        check(name, text is None or text in str(error), error)
        return
    except Exception as error:  # the wrong kind of failure is a failure too
        check(name, False, f"{type(error).__name__}: {error}")
    check(name, False, "no error")


def main():
    source = hvac.Client(url=os.environ["SOURCE_ADDR"], token=os.environ["SOURCE_TOKEN"])
    target = hvac.Client(url=os.environ["TARGET_ADDR"], token=os.environ["TARGET_TOKEN"])
    kv = source.secrets.kv.v2

    # What many services call first.
    check("is_authenticated", source.is_authenticated() is True)
    check("is_authenticated with a wrong token is False", hvac.Client(url=os.environ["SOURCE_ADDR"], token="not-the-token").is_authenticated() is False)
    looked = source.auth.token.lookup_self()
    check("lookup_self names the token", looked["data"]["id"] == os.environ["SOURCE_TOKEN"] and looked["data"]["policies"] == ["root"], looked)
    renewed = source.auth.token.renew_self()
    check("renew_self answers with the token", renewed["auth"]["client_token"] == os.environ["SOURCE_TOKEN"], renewed)

    # KV v2: put, read, versions, check-and-set.
    first = kv.create_or_update_secret(path="app/db", secret={"password": "one"}, mount_point="secret")
    check("put makes version 1", first["data"]["version"] == 1, first)
    second = kv.create_or_update_secret(path="app/db", secret={"password": "two"}, cas=1, mount_point="secret")
    check("cas=1 makes version 2", second["data"]["version"] == 2, second)
    latest = kv.read_secret_version(path="app/db", mount_point="secret")
    check("read the latest", latest["data"]["data"] == {"password": "two"} and latest["data"]["metadata"]["version"] == 2, latest)
    old = kv.read_secret_version(path="app/db", version=1, mount_point="secret")
    check("read version 1", old["data"]["data"] == {"password": "one"}, old)
    expect_error("a stale cas is refused", hvac.exceptions.InvalidRequest, lambda: kv.create_or_update_secret(path="app/db", secret={"password": "three"}, cas=1, mount_point="secret"), "check-and-set parameter did not match the current version")
    expect_error("cas=0 on an existing key is refused", hvac.exceptions.InvalidRequest, lambda: kv.create_or_update_secret(path="app/db", secret={"x": 1}, cas=0, mount_point="secret"))
    meta = kv.read_secret_metadata(path="app/db", mount_point="secret")
    check("metadata lists both versions", meta["data"]["current_version"] == 2 and sorted(meta["data"]["versions"].keys()) == ["1", "2"], meta)
    expect_error("a missing key is InvalidPath", hvac.exceptions.InvalidPath, lambda: kv.read_secret_version(path="never/was", mount_point="secret"))

    # sys/health, sys/leader, raft configuration, with the types Vault's Go client casts them to.
    health = source.sys.read_health_status(method="GET")
    check("health: initialized, unsealed, active", isinstance(health, dict) and health["initialized"] is True and health["sealed"] is False and health["standby"] is False, health)
    leader = source.sys.read_leader_status()
    check("leader: HA enabled, an address", leader["ha_enabled"] is True and isinstance(leader["leader_address"], str) and leader["leader_address"].startswith("http"), leader)
    servers = source.sys.read_raft_config()["data"]["config"]["servers"]
    check("raft configuration lists three servers", sorted(server["node_id"] for server in servers) == ["n1", "n2", "n3"], servers)
    check(
        "node_id/address are strings, leader/voter booleans",
        all(isinstance(s["node_id"], str) and isinstance(s["address"], str) and isinstance(s["leader"], bool) and isinstance(s["voter"], bool) for s in servers),
        servers,
    )
    check("exactly one leader", sum(1 for s in servers if s["leader"]) == 1, servers)
    mounts = source.adapter.get("/v1/sys/internal/ui/mounts/secret/app/db")
    check("the mounts probe's options.version is the string \"2\"", mounts["data"]["options"]["version"] == "2", mounts)

    # Snapshot save: bytes (a gzip'd tar), as against Vault, not a parsed dict.
    snapshot = source.sys.take_raft_snapshot()
    check("take_raft_snapshot is a response, not parsed JSON", not isinstance(snapshot, dict), type(snapshot))
    archive = snapshot.content
    check("the snapshot is gzip", archive[:2] == b"\x1f\x8b", archive[:16])

    # Restore into a NEW cluster: refused without force (another cluster's seal), taken with it.
    expect_error("restore into another cluster needs force", hvac.exceptions.InvalidRequest, lambda: target.sys.restore_raft_snapshot(archive), "could not verify hash file")
    restored = target.sys.force_restore_raft_snapshot(archive)
    check("force restore answers 204", restored.status_code == 204, restored.status_code)
    back = target.secrets.kv.v2.read_secret_version(path="app/db", mount_point="secret")
    check("the new cluster reads what was saved", back["data"]["data"] == {"password": "two"} and back["data"]["metadata"]["version"] == 2, back)
    back_old = target.secrets.kv.v2.read_secret_version(path="app/db", version=1, mount_point="secret")
    check("with its versions", back_old["data"]["data"] == {"password": "one"}, back_old)

    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main()
