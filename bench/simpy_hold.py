"""The peer model on SimPy: PROCESSES processes each wait TIMEOUTS exponential(1) timeouts.
Prints the seconds env.run() took (interpreter start-up excluded)."""
import random
import sys
import time

import simpy

processes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
timeouts = int(sys.argv[2]) if len(sys.argv) > 2 else 1000


def proc(env, n, rng):
    for _ in range(n):
        yield env.timeout(rng.expovariate(1.0))


env = simpy.Environment()
rng = random.Random(1)
for _ in range(processes):
    env.process(proc(env, timeouts, rng))
t0 = time.perf_counter()
env.run()
print(time.perf_counter() - t0)
