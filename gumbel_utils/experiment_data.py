"""The heavy runs behind Notebook 6, as data: where ``make experiments`` writes them and how the notebook reads them.

``make experiments`` (``tools/experiments.py``) trains and measures what a notebook cannot within its
Run All budget (three seeds of every estimator, Jang's 20 × 10 latents, the exact bias of every
estimator in a VAE small enough to enumerate, learned τ and η) and writes one JSON file per study to
``gumbel_utils/data/experiments/`` (:data:`DATA_DIR`), committed with the course. Each file holds ``meta`` (the
configuration, the seeds, the package version and git commit, the CPU time) and ``results``.
:func:`load_experiment` reads one back with its lists as NumPy arrays; :func:`seed_spread` summarises
a quantity over seeds the way the notebook prints it (mean ± standard deviation, and the range).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["DATA_DIR", "STUDIES", "load_experiment", "SeedSpread", "seed_spread", "run_values", "sweep_summary",
           "best_tau"]

#: Where ``make experiments`` writes its files (``gumbel_utils/data/experiments/``, installed with the package).
DATA_DIR = Path(__file__).resolve().parent / "data" / "experiments"
#: The studies ``make experiments`` writes, one file each (``<name>.json``).
STUDIES = ("ordering", "jang_20x10", "exact_vae", "learned")


def _arrays(value: Any) -> Any:
    """Lists of numbers (nested) become arrays; dicts and other lists are converted inside."""
    if isinstance(value, dict):
        return {k: _arrays(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, (int, float)) or v is None for v in value):
            return np.array([np.nan if v is None else v for v in value], dtype=float)
        if value and all(isinstance(v, list) for v in value):
            try:
                return np.array(value, dtype=float)
            except (ValueError, TypeError):
                pass
        return [_arrays(v) for v in value]
    return value


def load_experiment(name: str, *, directory: str | Path | None = None) -> dict[str, Any]:
    """One study written by ``make experiments``: ``{"meta": ..., "results": ...}`` with arrays for lists of numbers.

    Parameters
    ----------
    name : str
        One of :data:`STUDIES`.
    directory : str or Path, optional
        Where the files are (default :data:`DATA_DIR`).

    Returns
    -------
    dict

    Examples
    --------
    >>> sorted(load_experiment("ordering"))
    ['meta', 'results']
    """
    if name not in STUDIES:
        raise ValueError(f"name must be one of {list(STUDIES)}, got {name!r}")
    path = Path(directory or DATA_DIR) / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make experiments` (tools/experiments.py) first")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {"meta": data["meta"], "results": _arrays(data["results"])}


class SeedSpread(NamedTuple):
    """A quantity over seeds: mean, sample standard deviation, range and number of seeds."""

    mean: float
    sd: float
    low: float
    high: float
    n: int

    def describe(self, digits: int = 2) -> str:
        """``"22.31 ± 0.05 (22.26 to 22.36, 3 seeds)"``.

        Parameters
        ----------
        digits : int
            Decimals.
        """
        return (f"{self.mean:.{digits}f} ± {self.sd:.{digits}f} ({self.low:.{digits}f} to {self.high:.{digits}f}, "
                f"{self.n} seeds)")


def seed_spread(values: ArrayLike) -> SeedSpread:
    """Mean ± standard deviation (ddof 1) and range of one quantity over seeds.

    Parameters
    ----------
    values : array_like, shape (S,)
        One value per seed (S >= 1; the standard deviation of one seed is NaN).

    Examples
    --------
    >>> seed_spread([1.0, 2.0, 3.0]).describe(1)
    '2.0 ± 1.0 (1.0 to 3.0, 3 seeds)'
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    if v.size == 0 or not np.isfinite(v).all():
        raise ValueError(f"values must be finite and not empty, got {values!r}")
    sd = float(v.std(ddof=1)) if v.size > 1 else math.nan
    return SeedSpread(float(v.mean()), sd, float(v.min()), float(v.max()), int(v.size))


def run_values(runs: list[dict[str, Any]], label: str, tau: Any = None, *, key: str = "final_nelbo",
               kind: str | None = None) -> np.ndarray:
    """One quantity of the runs of one configuration, in seed order (e.g. the final test -ELBO of 3 seeds).

    Parameters
    ----------
    runs : list of dict
        The ``runs`` of a study (each with ``label``, ``tau``, ``seed`` and the quantity).
    label : str
        The configuration's label (``"Gumbel-Softmax"``, ``"Gumbel-Rao, m = 4"`` ...).
    tau : float, str or None
        Its training temperature (a number, ``"annealed"``, ``"learned"``, or None for a τ-free one).
    key : str
        The quantity.
    kind : str, optional
        Keep only runs of this kind (``"fixed"``, ``"annealed"``, ``"learned"``, ``"tau-free"``).

    Returns
    -------
    ndarray, shape (S,)

    Examples
    --------
    >>> runs = [{"label": "a", "tau": 0.5, "seed": 1, "final_nelbo": 2.0}, {"label": "a", "tau": 0.5, "seed": 0,
    ...          "final_nelbo": 1.0}, {"label": "a", "tau": 1.0, "seed": 0, "final_nelbo": 5.0}]
    >>> run_values(runs, "a", 0.5)
    array([1., 2.])
    """
    def same(t: Any) -> bool:
        if isinstance(tau, (int, float)) and isinstance(t, (int, float)):
            return math.isclose(float(t), float(tau), rel_tol=1e-9)
        return t == tau

    chosen = sorted((r for r in runs if r["label"] == label and same(r["tau"]) and (kind is None or r["kind"] == kind)),
                    key=lambda r: r["seed"])
    if not chosen:
        raise ValueError(f"no run labelled {label!r} at tau = {tau!r}")
    return np.array([float(r[key]) for r in chosen])


def sweep_summary(runs: list[dict[str, Any]], labels: Any, taus: Any, *, key: str = "final_nelbo"
                  ) -> dict[str, dict[str, np.ndarray]]:
    """Mean, standard deviation and range over seeds at each temperature, per configuration.

    Parameters
    ----------
    runs : list of dict
    labels : iterable of str
    taus : iterable of float
    key : str

    Returns
    -------
    dict
        ``{label: {"mean", "sd", "low", "high": arrays (T,)}}``.
    """
    out = {}
    for label in labels:
        spreads = [seed_spread(run_values(runs, label, t, key=key)) for t in taus]
        out[label] = {f: np.array([getattr(s, f) for s in spreads]) for f in ("mean", "sd", "low", "high")}
    return out


def best_tau(runs: list[dict[str, Any]], label: str, taus: Any, *, key: str = "final_nelbo") -> tuple[float, SeedSpread]:
    """The temperature with the lowest mean over seeds, and the spread there.

    Parameters
    ----------
    runs : list of dict
    label : str
    taus : iterable of float
    key : str

    Returns
    -------
    tau, spread : float, SeedSpread
    """
    spreads = {float(t): seed_spread(run_values(runs, label, t, key=key)) for t in taus}
    tau = min(spreads, key=lambda t: spreads[t].mean)
    return tau, spreads[tau]
