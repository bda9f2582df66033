r"""The one temperature schedule of the course: Jang et al.'s annealing.

Notebook 4 anneals the toy problems with it, Notebook 5 the categorical VAE (with a rate
scaled to its shorter runs), and both pass it to a trainer as ``tau=`` through
``functools.partial(anneal, tau0=..., tau_min=..., rate=..., every=...)``.

Jang, Gu and Poole (2017) anneal :math:`\tau = \max(\tau_{\min}, \tau_0 e^{-r t})`, with the step
:math:`t` rounded down to a multiple of N (the temperature changes every N steps only),
:math:`\tau_0 = 1`, :math:`\tau_{\min} = 0.5`, :math:`r \in \{10^{-5}, 10^{-4}\}` and
:math:`N \in \{500, 1000\}` (their Sec. 4); their public notebook uses :math:`r = 3\cdot 10^{-5}`,
:math:`N = 1000`.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

import numpy as np

from ._validation import as_real_array, check_count, check_tau

__all__ = ["anneal"]


def anneal(step: ArrayLike, *, tau0: float = 1.0, tau_min: float = 0.5, rate: float = 1e-4,
           every: int = 500) -> float | np.ndarray:
    r"""Jang et al.'s (2017) annealing: :math:`\tau = \max(\tau_{\min}, \tau_0 e^{-r N \lfloor s/N \rfloor})`.

    The temperature is updated every ``every`` (N) steps only; Jang et al. used
    :math:`\tau_0 = 1`, :math:`\tau_{\min} = 0.5`, :math:`r \in \{10^{-5}, 10^{-4}\}`, N = 500 or 1000.

    Parameters
    ----------
    step : int or array of ints >= 0
        The training step(s), from 0.
    tau0, tau_min : float > 0, default 1.0 and 0.5
        The starting temperature and the floor the schedule never goes below.
    rate : float >= 0, default 1e-4
        The decay rate :math:`r` per step.
    every : int >= 1, default 500
        :math:`N`: the temperature changes only every ``every`` steps.

    Returns
    -------
    float for a scalar step, else an array of the shape of ``step``.

    Examples
    --------
    >>> anneal([0, 499, 500, 10**6], tau0=1.0, tau_min=0.5, rate=1e-4, every=500)
    array([1.        , 1.        , 0.95122942, 0.5       ])
    """
    s = as_real_array(step, "step")
    if not np.isfinite(s).all() or (s < 0).any() or (s != np.floor(s)).any():
        raise ValueError(f"step must hold integers >= 0, got {step!r}")
    tau0, tau_min = check_tau(tau0, "tau0", scalar=True), check_tau(tau_min, "tau_min", scalar=True)
    r = as_real_array(rate, "rate")
    if r.ndim or not np.isfinite(r) or r < 0:
        raise ValueError(f"rate must be a finite number >= 0, got {rate!r}")
    every = check_count(every, "every")
    out = np.maximum(tau_min, tau0 * np.exp(-float(r) * (every * np.floor(s / every))))
    return float(out) if out.ndim == 0 else out
