#!/usr/bin/env python3
"""check.py DIR OUT SET — checks each OUT/NAME.json against DIR/NAME.txt (time windows,
capacity, pickup before delivery on one route, every customer exactly once, the fleet,
the distance recomputed) and prints the gap to BKS.json (Solomon: the _distance entries)."""
import json, math, statistics, sys

def read(path):
    lines = [l.split() for l in open(path) if l.strip()]
    solomon = any(l and l[0] == 'VEHICLE' for l in lines)
    if solomon:
        i = next(k for k, l in enumerate(lines) if l[0] == 'NUMBER')
        K, Q = int(lines[i + 1][0]), int(lines[i + 1][1])
        rows = [l for l in lines if len(l) == 7 and all(x.replace('.', '').isdigit() for x in l)]
    else:
        K, Q = int(lines[0][0]), int(lines[0][1])
        rows = [l for l in lines[1:] if len(l) == 9]
    nodes = [[float(x) for x in r] for r in rows]
    return solomon, K, Q, nodes

def check(path, res, vehicles):
    solomon, K, Q, nodes = read(path)
    if vehicles:
        K = min(K, vehicles)
    d = lambda a, b: math.hypot(nodes[a][1] - nodes[b][1], nodes[a][2] - nodes[b][2])
    errs, seen, total = [], set(), 0.0
    routes = res['routes']
    if len(routes) > K:
        errs.append(f'{len(routes)} routes, fleet {K}')
    for r in routes:
        t, load, prev, onboard = nodes[0][4], 0, 0, set()
        for c in r:
            if c in seen: errs.append(f'customer {c} twice')
            seen.add(c)
            t = max(t + (nodes[prev][6] if prev else 0) + d(prev, c), nodes[c][4])
            if t > nodes[c][5] + 1e-6: errs.append(f'customer {c} starts at {t:.2f} after {nodes[c][5]}')
            load += nodes[c][3]
            if load > Q + 1e-9: errs.append(f'load {load} > {Q} at {c}')
            if not solomon:
                if nodes[c][3] < 0 and int(nodes[c][7]) not in onboard: errs.append(f'delivery {c} before its pickup')
                onboard.add(c)
            total += d(prev, c)
            prev = c
        t += nodes[prev][6] + d(prev, 0)
        if t > nodes[0][5] + 1e-6: errs.append(f'route back at {t:.2f} after {nodes[0][5]}')
        total += d(prev, 0)
    missing = set(range(1, len(nodes))) - seen
    if missing: errs.append(f'{len(missing)} customers not served')
    if abs(total - res['distance']) > 1e-3 * max(1, total): errs.append(f'distance {res["distance"]} != {total:.4f}')
    return errs, total

def main():
    d, out, name = sys.argv[1:4]
    bks = json.load(open(f'{d}/BKS.json'))
    gaps, secs, bad = [], [], 0
    import glob, os
    for f in sorted(glob.glob(f'{d}/*.txt')):
        inst = os.path.basename(f)[:-4]
        res = json.load(open(f'{out}/{inst}.json'))
        key = inst + '_distance' if name == 'solomon' else inst
        veh = None if name == 'solomon' else bks[key]['solved_with_vehicles']
        errs, total = check(f, res, veh)
        gap = 100 * (total - bks[key]['best_known_cost']) / bks[key]['best_known_cost']
        secs.append(res['seconds'])
        if errs: bad += 1          # an invalid result has no gap: it is counted apart
        else: gaps.append(gap)
        print(f'{inst:8s} {total:10.2f} bks {bks[key]["best_known_cost"]:9.2f} gap {gap:6.2f}% '
              f'veh {len(res["routes"]):3d} {res["seconds"]:.2f}s' +
              (f' (built {res["built"]["vehicles"]} veh, {res["built"]["unassigned"]} out; after the fleet phase '
               f'{res["after_fleet"]["vehicles"]}, {res["after_fleet"]["unassigned"]})' if 'built' in res else '') + (' INVALID: ' + '; '.join(errs[:3]) if errs else ''))
    print(f'{name}: {len(gaps) + bad} instances, {bad} invalid; over the {len(gaps)} valid ones: gap avg {statistics.mean(gaps):.2f}% '
          f'median {statistics.median(gaps):.2f}% worst {max(gaps):.2f}% best {min(gaps):.2f}%; '
          f'{statistics.mean(secs):.2f} s/instance (longest {max(secs):.2f} s)')

main()
