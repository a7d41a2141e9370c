"""Same answers whatever the BLAS kernel, BLAS threads, numpy's SIMD level and block size.

Each run is a fresh Python process (OpenBLAS reads ``OPENBLAS_CORETYPE`` and
``OPENBLAS_NUM_THREADS`` when it loads; numpy reads ``NPY_DISABLE_CPU_FEATURES``) that
evaluates examples under several engine block sizes and prints JSON digests. The test
asserts:

* the processes really ran different kernels (their matrix products of one random pair
  differ in the last bits: otherwise the comparison below would prove nothing);
* per-draw metrics and monthly net flows are byte for byte the same for every block size,
  chunk size, kernel, thread count and SIMD level;
* every JSON document (base cases of all examples, Monte Carlo results, simulation
  summaries) is byte for byte the same across kernels and threads, and the simulation
  summaries across chunk and block sizes too;
* at numpy's baseline SIMD level (as on a CPU without AVX2 or AVX-512) every number of
  every document and digest input is within a relative 1e-12 of the reference
  (:data:`SIMD_RTOL`): numpy's vectorized exp, log and power (SVML on AVX-512 CPUs) may
  round the last bits differently from the scalar C library, so across CPUs with other
  vector units the promise is this stated tolerance, not the bytes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SIMD_RTOL = 1e-12
"""Relative tolerance across numpy SIMD levels (elementary functions' last bits)."""

DRIVER = r"""
import hashlib, json, sys
from pathlib import Path
import numpy as np
from threadpoolctl import threadpool_info
import ccecon.engine as engine
from ccecon.cli.output import dumps_json
from ccecon.scenario.load import load_scenario
from ccecon.uncertainty.montecarlo import simulate

examples = Path(sys.argv[1])
blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
r = np.random.default_rng(1)
probe = r.random((333, 40)) @ r.random((40, 61))
out = {
    "architecture": blas[0]["architecture"] if blas else None,
    "threads": blas[0]["num_threads"] if blas else None,
    "probe": hashlib.sha256(probe.tobytes()).hexdigest(),
    "base": {},
    "mc": {},
    "per_draw": {},
    "simulate": {},
}
def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()
from ccecon.errors import InputError
for path in sorted(examples.glob("*.yaml")):
    try:  # the folder also holds payroll, sourcing and targets files of other commands
        sc = load_scenario(path)
    except InputError:
        continue
    out["base"][path.name] = dumps_json(engine.evaluate(sc).to_dict())
# (draws, block of draws, fewest draws for two threads, chunk of simulate)
runs = {
    "uncertain-onprem-to-cloud.yaml": 1200,
    "uncertain-chatbot.yaml": 1200,
    "uncertain-sourcing-cny.yaml": 300,  # staffing of every option per draw: slower
}
for name, n in runs.items():
    settings = {
        "one block, threaded": (10**9, 1, n),
        "blocks of 2/5 on two threads": (2 * n // 5, 1, n // 3 + 1),
        "one block, serial, BLAS threads free": (10**9, 10**12, n),
    }
    sc = load_scenario(examples / name)
    for label, (block, parallel, chunk) in settings.items():
        engine.BLOCK_DRAWS, engine.PARALLEL_MIN_DRAWS = block, parallel
        res = engine.evaluate(sc, draws=n, rng=np.random.default_rng(5))
        arrays = [getattr(res.metrics, k) for k in res.metrics.__dataclass_fields__]
        arrays += [getattr(res.risk_adjusted, k) for k in res.risk_adjusted.__dataclass_fields__]
        arrays += [res.net, res.net_risk_adjusted]
        arrays += [v for _, v in sorted(res.extras.get("option_costs", {}).items())]
        out["per_draw"][f"{name} / {label}"] = digest(*arrays)
        out.setdefault("per_draw_values", {})[f"{name} / {label}"] = [
            np.asarray(a).ravel()[::97].tolist() for a in arrays
        ]
        out["mc"][f"{name} / {label}"] = dumps_json(res.to_dict())
        sim = simulate(sc, n, np.random.default_rng(7), chunk=chunk)
        out["simulate"][f"{name} / {label}"] = dumps_json(sim.to_dict())
print(json.dumps(out))
"""


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _kernels() -> list[str]:
    """OpenBLAS kernels this CPU can run: Haswell needs AVX2 and FMA, Sandybridge AVX,
    Prescott SSE3 (pni)."""
    flags = _cpu_flags()
    needs = {"Haswell": {"avx2", "fma"}, "Sandybridge": {"avx"}, "Prescott": {"pni"}}
    return [k for k, need in needs.items() if need <= flags]


def _run(env_extra: dict[str, str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENBLAS_", "NPY_"))}
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(EXAMPLES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{env_extra}: exit {proc.returncode}\n{proc.stderr[-3000:]}"
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def _assert_close(a: object, b: object, where: str) -> None:
    """Same structure, same strings and flags, numbers within :data:`SIMD_RTOL`."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            _assert_close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and not isinstance(a, bool):
        assert isinstance(b, (int, float)), where
        if math.isnan(a) or math.isnan(b):
            assert math.isnan(a) and math.isnan(b), f"{where}: {a!r} vs {b!r}"
            return
        assert math.isclose(a, b, rel_tol=SIMD_RTOL, abs_tol=1e-9), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


def test_same_bytes_on_every_kernel_thread_count_and_block_size() -> None:
    kernels = _kernels()
    assert len(kernels) >= 2, f"this CPU runs fewer than two OpenBLAS kernels: {kernels}"
    first, second = kernels[0], kernels[1]
    combos = [
        {"OPENBLAS_CORETYPE": first, "OPENBLAS_NUM_THREADS": "1"},
        {"OPENBLAS_CORETYPE": first, "OPENBLAS_NUM_THREADS": "2"},
        {"OPENBLAS_CORETYPE": second, "OPENBLAS_NUM_THREADS": "1"},
        # numpy at its baseline SIMD level too (no AVX2 / FMA loops), as on an older CPU
        {
            "OPENBLAS_CORETYPE": second,
            "OPENBLAS_NUM_THREADS": "2",
            "NPY_DISABLE_CPU_FEATURES": "X86_V3",
        },
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(_run, combos))
    for combo, run in zip(combos, runs, strict=True):
        assert run["architecture"] == combo["OPENBLAS_CORETYPE"], (combo, run["architecture"])
        assert run["threads"] == int(combo["OPENBLAS_NUM_THREADS"]), (combo, run["threads"])
    # the kernels round differently: the comparison below is not vacuous
    assert runs[0]["probe"] != runs[2]["probe"]
    ref = runs[0]
    for combo, run in zip(combos[1:], runs[1:], strict=True):
        simd = "NPY_DISABLE_CPU_FEATURES" in combo
        for part in ("base", "mc", "per_draw", "simulate", "per_draw_values"):
            ref_part, got = ref[part], run[part]
            assert isinstance(ref_part, dict) and isinstance(got, dict)
            assert got.keys() == ref_part.keys()
            for key, value in ref_part.items():
                if not simd:
                    assert got[key] == value, f"{part} {key}: differs under {combo}"
                elif part != "per_draw":  # digests of bytes: compared as values instead
                    a = json.loads(value) if isinstance(value, str) else value
                    b = json.loads(got[key]) if isinstance(got[key], str) else got[key]
                    _assert_close(a, b, f"{part} {key} under {combo}")
    base = ref["base"]
    assert isinstance(base, dict)
    assert len(base) >= 6, list(base)
    # per-draw values and simulation summaries do not depend on the block or chunk size
    for part in ("per_draw", "simulate"):
        values = ref[part]
        assert isinstance(values, dict)
        by_example: dict[str, set[str]] = {}
        for key, value in values.items():
            by_example.setdefault(key.split(" / ")[0], set()).add(value)
        assert len(by_example) == 3
        for example, distinct in by_example.items():
            assert len(distinct) == 1, f"{part} of {example} depends on the block size"
