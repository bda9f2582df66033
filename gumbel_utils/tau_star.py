r"""The best temperature of a measured curve, with its resolution: tau* is a grid point and a bracket.

A temperature read off a grid of measurements is known only to the grid's spacing and to the run's
Monte Carlo error. :func:`mse_optimal_tau` reads the MSE-optimal temperature of a
:class:`~gumbel_utils.gradient_stats.BiasVariance` measurement (the gradient estimators of Notebook 3),
:func:`grid_minimum` the best temperature of any measured curve (the final objective of training runs,
Notebook 4); both return a :class:`TauStar` that carries the bracket, the grid step, and whether the
minimum is resolved (not at an end of the grid). Notebooks quote it with ``TauStar.describe()``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_count
from .gradient_stats import BiasVariance

__all__ = ["TauStar", "mse_optimal_tau", "grid_minimum"]


class TauStar(NamedTuple):
    """The MSE-optimal temperature of a grid, with the interval that brackets it (see :func:`mse_optimal_tau`)."""

    tau: float  #: the grid temperature with the smallest MSE
    mse: float  #: that MSE
    tau_low: float  #: lower end of the bracket: the grid neighbour below the temperatures tied with the minimum
    tau_high: float  #: upper end of the bracket: the grid neighbour above them
    step: float  #: the grid's ratio between neighbouring temperatures around tau* (its resolution)
    resolved: bool  #: False when the bracket reaches an end of the grid (tau* may lie beyond it)

    def describe(self, digits: int = 2) -> str:
        """``"0.75 (bracketed by [0.56, 1]; grid step x1.33)"``, or a warning at the grid's end.

        Parameters
        ----------
        digits : int
            Significant digits of the temperatures.
        """
        g = f".{digits}g"
        end = "" if self.resolved else "; at the grid's end: not resolved"
        return (f"{self.tau:{g}} (bracketed by [{self.tau_low:{g}}, {self.tau_high:{g}}]; "
                f"grid step x{self.step:.2f}{end})")


def mse_optimal_tau(result: BiasVariance, batch: int | None = None, *, z: float = 2.0) -> TauStar:
    r"""The temperature of the grid with the smallest MSE of a batch mean, and the interval that brackets it.

    Parameters
    ----------
    result : BiasVariance
        Measured over a grid of temperatures.
    batch : int, optional
        n of the batch mean; default ``result.batch``.
    z : float, default 2
        Grid temperatures whose MSE lies within ``z`` standard errors of the minimum,
        :math:`|\mathrm{MSE}_i - \mathrm{MSE}^*| \le z\sqrt{\mathrm{se}_i^2 + \mathrm{se}_*^2}`, are tied with it.

    Returns
    -------
    TauStar
        ``(tau, mse, tau_low, tau_high, step, resolved)``; ``star[0]`` and ``star[1]`` are tau* and its MSE.

    Notes
    -----
    A tau* read off a grid is known only to the grid's resolution, and to the run's: the minimiser of the
    (unimodal) MSE curve lies between the grid neighbours of the tied temperatures, ``[tau_low, tau_high]``.
    Quote tau* with that bracket; a bracket that reaches an end of the grid is not resolved
    (``resolved`` False). Two grids give two tau* inside one another's brackets, not the same number.

    Examples
    --------
    >>> from gumbel_utils.gradient_stats import bias_variance
    >>> from gumbel_utils.objectives import Cubic
    >>> r = bias_variance("gumbel_softmax_grad", [1.0, 0.5, 0.0], Cubic(), [0.1, 1.0, 10.0], n_samples=2000, rng=0)
    >>> star = mse_optimal_tau(r)
    >>> star.tau, star.tau_low, star.tau_high, star.step
    (1.0, 0.1, 10.0, 10.0)
    """
    n = result.batch if batch is None else check_count(batch, "batch")
    return grid_minimum(result.tau, result.mse_at(n), result.mse_se_at(n), z=z)


def grid_minimum(taus: ArrayLike, values: ArrayLike, se: ArrayLike, *, z: float = 2.0) -> TauStar:
    r"""The grid temperature with the smallest measured value, and the interval of grid temperatures that brackets it.

    What :func:`mse_optimal_tau` does for an MSE curve, for any measured curve: e.g. the final objective of
    training runs at several fixed temperatures, with the standard error over seeds.

    Parameters
    ----------
    taus : array_like, shape (T,)
        Increasing temperatures (the grid).
    values : array_like, shape (T,)
        The measured curve (smaller is better).
    se : array_like, shape (T,)
        Standard errors of ``values``.
    z : float, default 2
        Temperatures within ``z`` combined standard errors of the minimum are tied with it.

    Returns
    -------
    TauStar

    Examples
    --------
    >>> grid_minimum([0.1, 0.2, 0.4, 0.8], [3.0, 1.0, 1.05, 2.0], [0.1, 0.1, 0.1, 0.1]).describe()
    '0.2 (bracketed by [0.1, 0.8]; grid step x2.00)'
    """
    taus = np.asarray(taus, dtype=np.float64).reshape(-1)
    mse, se = np.atleast_1d(np.asarray(values, dtype=np.float64)), np.atleast_1d(np.asarray(se, dtype=np.float64))
    if not (taus.shape == mse.shape == se.shape):
        raise ValueError(f"taus, values and se must have one entry per temperature, got {taus.shape}, {mse.shape}, {se.shape}")
    i = int(np.nanargmin(mse))
    tied = np.flatnonzero(np.abs(mse - mse[i]) <= z * np.sqrt(se**2 + se[i] ** 2))
    lo, hi = max(int(tied.min()) - 1, 0), min(int(tied.max()) + 1, taus.size - 1)
    ratios = taus[1:] / taus[:-1] if taus.size > 1 else np.array([np.nan])
    step = float(ratios[min(i, ratios.size - 1)])
    resolved = bool(taus.size > 2 and int(tied.min()) > 0 and int(tied.max()) < taus.size - 1)
    return TauStar(float(taus[i]), float(mse[i]), float(taus[lo]), float(taus[hi]), step, resolved)
