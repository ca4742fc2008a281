"""Runs one command and prints its cost as JSON, from the kernel's accounting of finished children (getrusage):
wall seconds, the process tree's own CPU seconds (user + sys) and peak resident memory in MiB.

A tool that repeats its work in the same process prints one line {"warm_wall": s, "warm_cpu": s} per repeat (see
bench/warm.py and Get-AwsGuardCommand -Warm); those are reported as "warm", and "wall"/"cpu" are then the cold
figures: everything the process spent except the repeats (start, imports, the first run)."""
import json, resource, subprocess, sys, time

before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
warm = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"warm_wall"')]
result = {"exit": done.returncode, "peak_mib": round(after.ru_maxrss / 1024, 1)}  # the largest child's peak, KiB on Linux
if warm:
    result["warm_wall"] = round(warm[-1]["warm_wall"], 3)
    result["warm_cpu"] = round(warm[-1]["warm_cpu"], 3)
    wall -= sum(w["warm_wall"] for w in warm)
    cpu -= sum(w["warm_cpu"] for w in warm)
result["wall"], result["cpu"] = round(wall, 3), round(cpu, 3)
print(json.dumps(result))
