#!/usr/bin/env python3
"""bench/summarize.py — turns bench/run's raw JSON outputs into the table
(printed), bench/results/results.json and bench/results/results.md."""
import datetime
import glob
import json
import os
import sys

out, dest, quick, cores, load = sys.argv[1:6]


def read(name):
    try:
        with open(os.path.join(out, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


GAME_CODES = {"wrong_phase", "forbidden", "invalid_target", "not_found", "already_done",
              "insufficient_funds", "conflict", "invalid_config", "malformed", "not_allowed",
              "offer_closed", "duplicate"}


def non_game(refusals):
    """Refusals that are not the game's own rules (transport, limits, server)."""
    bad = {"transport", "rate_limited", "server_full", "too_slow", "internal", "room_not_found",
           "not_joined", "bad_token"}
    return {k: v for k, v in (refusals or {}).items() if k in bad}


rows = []
results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "quick": quick == "1",
           "cores": cores, "loadavg_at_end": load, "steps": {}}


def row(target, measured, goal, ok):
    rows.append((target, measured, goal, "yes" if ok else ("n/a" if ok is None else "NO")))


def cpu(*steps):
    """Which side saturates: CPU % of one core (200 % = both cores) per process."""
    loads = [st.get("cpu", {}).get("load_percent") for st in steps if st]
    server = next((st.get("cpu", {}).get("server_percent") for st in steps
                   if st and st.get("cpu", {}).get("server_percent") is not None), None)
    loads = [x for x in loads if x is not None]
    if not loads and server is None:
        return ""
    load_txt = " + ".join(f"{x:.0f}" for x in loads) or "?"
    server_txt = "?" if server is None else f"{server:.0f}"
    return f"; CPU server {server_txt} %, load {load_txt} %"


for name in ["throughput-server", "throughput-echo", "fanout-server", "fanout-echo",
             "idle-server", "idle-echo", "park-server", "scale-chat-server", "scale-chat-echo",
             "scale-server", "ceiling-chat-1", "ceiling-chat-2", "ceiling-chat-3",
             "ceiling-chat-server", "ceiling-1", "ceiling-2", "ceiling-3", "ceiling-server"]:
    data = read(name)
    if data is not None:
        results["steps"][name] = data

s = results["steps"]
ts, te = s.get("throughput-server"), s.get("throughput-echo")
if ts and te and "acked_per_second" in ts and "acked_per_second" in te:
    ratio = ts["acked_per_second"] / max(te["acked_per_second"], 1e-9)
    row("throughput (104 conns, chat, closed loop)",
        f"{ts['acked_per_second']:.0f} acks/s vs echo {te['acked_per_second']:.0f} = {ratio:.0%}; "
        f"p99 {ts['latency_ms']['p99']:.1f} ms (echo {te['latency_ms']['p99']:.1f})" + cpu(ts),
        ">= 50% of echo", ratio >= 0.5)
fs = s.get("fanout-server")
if fs and "event_latency_ms" in fs:
    fe = s.get("fanout-echo") or {}
    complete = fs["chats_delivered"] == fs["chats_expected"] and fs["disconnections"] == 0
    row("fan-out (12 players, public chat, closed loop)",
        f"{fs['acked_per_second']:.0f} chats/s, {fs['events_per_second']:.0f} events/s, "
        f"delivered {fs['chats_delivered']}/{fs['chats_expected']}, event p99 "
        f"{fs['event_latency_ms']['p99']:.1f} ms; echo {fe.get('acked_per_second', 0):.0f} acks/s" + cpu(fs),
        "every event to every player; p99 reported", complete)
for kind, per, goal in [("idle-server", 8, 16), ("park-server", 1, 32)]:
    m = s.get(kind)
    if m:
        count = m["rooms"] * per
        each = (m["rss_after_kib"] - m["rss_before_kib"]) / max(count, 1)
        extra = ""
        if "rss_mid_kib" in m:
            # The later batches' average (memory the first's connections freed reused).
            later = m.get("later_batches", 1)
            first = (m["rss_mid_kib"] - m["rss_before_kib"]) / max(count, 1)
            each = (m["rss_after_kib"] - m["rss_mid_kib"]) / max(count * later, 1)
            extra = (f" (average of {later} later batches; the first batch, with the memory "
                     f"its connections freed: {first:.1f} KiB)")
        e = s.get("idle-echo")
        if kind == "idle-server" and e:
            extra = f" (echo: {(e['rss_after_kib'] - e['rss_before_kib']) / max(e['rooms'] * 8, 1):.1f} KiB)"
        what = "idle players" if per == 8 else "parked games"
        row(f"memory: {count} {what}", f"{each:.1f} KiB each{extra}", f"<= {goal} KiB", each <= goal)
cs, ce = s.get("scale-chat-server"), s.get("scale-chat-echo")
if cs and "latency_ms" in cs:
    row(f"scale-chat ({cs['connections']} players, chat 1/s)",
        f"p99 {cs['latency_ms']['p99']:.1f} ms, {cs['acked_per_second']:.0f} acks/s, "
        f"disconnections {cs['disconnections']}, refusals {cs['refusals']}"
        + (f"; echo p99 {ce['latency_ms']['p99']:.1f} ms" if ce and "latency_ms" in ce else "")
        + cpu(cs),
        "p99 <= 50 ms", cs["latency_ms"]["p99"] <= 50 and cs["disconnections"] == 0)
sc = s.get("scale-server")
if sc and "latency_ms" in sc:
    ng = non_game(sc["refusals"])
    row(f"scale ({sc['connections']} bots in {sc['rooms']} games, 1 act/s)",
        f"p99 {sc['latency_ms']['p99']:.1f} ms, {sc['acked_per_second']:.0f} acks/s, non-game refusals "
        f"{ng}, disconnections {sc['disconnections']}, setup errors {len(sc['setup_errors'])}" + cpu(sc),
        "p99 <= 50 ms, none, none",
        sc["latency_ms"]["p99"] <= 50 and not ng and sc["disconnections"] == 0)
# The ceiling target: 19,000 players answered within the p99 at 1 action a
# second each; ceiling-chat is that load. The bots' ceiling (real games, a
# bot acting only when its strategy has something to do) goes beyond it.
for name, who, goal in [
        ("ceiling-chat", "players, 1 action/s each (chat)", ">= 19000 connected, p99 <= 50 ms"),
        ("ceiling", "bots in real games; beyond the target", "(beyond the target) p99 <= 50 ms")]:
    parts = [s[k] for k in (f"{name}-1", f"{name}-2", f"{name}-3") if k in s and "latency_ms" in s[k]]
    if not parts:
        continue
    conns = sum(p["connections"] for p in parts)
    p99 = max(p["latency_ms"]["p99"] for p in parts)
    disc = sum(p["disconnections"] for p in parts)
    acks = sum(p["acked_per_second"] for p in parts)
    open_ = (s.get(f"{name}-server") or {}).get("connections_open", "?")
    row(f"{name} ({conns} {who}, {len(parts)} load process{'es' if len(parts) > 1 else ''})",
        f"server saw {open_} open; worst p99 {p99:.1f} ms, {acks:.0f} acks/s, disconnections {disc}"
        + cpu(*parts),
        goal, conns >= 19000 and p99 <= 50 and disc == 0)

width = [max(len(r[i]) for r in rows + [("target", "measured", "goal", "met")]) for i in range(4)]
lines = ["| target | measured | goal | met |", "|---|---|---|---|"]
lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
table = "\n".join(lines)
print(table)
results["table"] = [dict(zip(("target", "measured", "goal", "met"), r)) for r in rows]
os.makedirs(dest, exist_ok=True)
suffix = "-quick" if quick == "1" else ""
with open(os.path.join(dest, f"results{suffix}.json"), "w") as f:
    json.dump(results, f, indent=2)
with open(os.path.join(dest, f"results{suffix}.md"), "w") as f:
    f.write(f"# bench/run results{' (--quick)' if quick == '1' else ''}\n\n"
            f"{results['date']}, {cores} cores, load average at the end: {load}\n\n{table}\n")
