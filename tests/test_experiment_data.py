"""``gumbel_utils.experiment_data``: the files of ``make experiments`` and the seed summaries."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gumbel_utils.experiment_data import DATA_DIR, STUDIES, best_tau, load_experiment, run_values, seed_spread, sweep_summary


def test_seed_spread():
    s = seed_spread([21.0, 22.0, 23.5])
    assert s.mean == pytest.approx(22.1666666) and s.sd == pytest.approx(np.std([21, 22, 23.5], ddof=1))
    assert (s.low, s.high, s.n) == (21.0, 23.5, 3)
    assert s.describe(1) == "22.2 ± 1.3 (21.0 to 23.5, 3 seeds)"
    assert math.isnan(seed_spread([1.0]).sd)
    with pytest.raises(ValueError):
        seed_spread([])
    with pytest.raises(ValueError):
        seed_spread([1.0, np.nan])


def test_load_converts_lists_and_checks_names(tmp_path):
    data = {"meta": {"seeds": [0, 1, 2]}, "results": {"a": [1, 2.5, None], "b": [[1, 2], [3, 4]],
                                                      "runs": [{"x": [1, 2]}, {"x": [3]}], "s": ["x", "y"]}}
    (tmp_path / "ordering.json").write_text(json.dumps(data))
    out = load_experiment("ordering", directory=tmp_path)
    assert out["meta"]["seeds"] == [0, 1, 2]
    r = out["results"]
    np.testing.assert_array_equal(r["a"][:2], [1.0, 2.5]) and math.isnan(r["a"][2])
    assert r["b"].shape == (2, 2) and isinstance(r["runs"][0]["x"], np.ndarray) and r["s"] == ["x", "y"]
    with pytest.raises(ValueError, match="one of"):
        load_experiment("nothing", directory=tmp_path)
    with pytest.raises(FileNotFoundError, match="make experiments"):
        load_experiment("learned", directory=tmp_path)


@pytest.mark.parametrize("name", STUDIES)
def test_every_committed_study_records_how_it_was_made(name):
    data = load_experiment(name, directory=DATA_DIR)
    meta = data["meta"]
    for key in ("config", "package_version", "commit", "cpu_seconds", "wall_seconds", "date", "numpy", "python"):
        assert key in meta, key
    assert meta["cpu_seconds"] > 0 and len(meta["commit"]) >= 40


RUNS = [{"label": "a", "tau": 0.5, "seed": s, "kind": "fixed", "final_nelbo": 20.0 + s} for s in (2, 0, 1)] + \
       [{"label": "a", "tau": 1.0, "seed": s, "kind": "fixed", "final_nelbo": 19.0 + 2 * s} for s in (0, 1, 2)] + \
       [{"label": "a", "tau": "annealed", "seed": 0, "kind": "annealed", "final_nelbo": 18.0}]


def test_run_values_sweep_summary_and_best_tau():
    np.testing.assert_array_equal(run_values(RUNS, "a", 0.5), [20.0, 21.0, 22.0])
    np.testing.assert_array_equal(run_values(RUNS, "a", "annealed"), [18.0])
    np.testing.assert_array_equal(run_values(RUNS, "a", 0.5 + 1e-12), [20.0, 21.0, 22.0])
    with pytest.raises(ValueError, match="no run"):
        run_values(RUNS, "b", 0.5)
    s = sweep_summary(RUNS, ["a"], [0.5, 1.0])["a"]
    np.testing.assert_allclose(s["mean"], [21.0, 21.0])
    np.testing.assert_allclose(s["sd"], [1.0, 2.0])
    np.testing.assert_allclose(s["low"], [20.0, 19.0])
    tau, spread = best_tau(RUNS, "a", [1.0, 0.5])
    assert tau == 1.0 and spread.mean == 21.0  # a tie keeps the first
