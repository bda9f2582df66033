r"""Measuring gradient estimators against the exact gradient: bias, variance, MSE and their tau-dependence.

Every estimator of :mod:`gumbel_utils.estimators` estimates a quantity known exactly
(:func:`~gumbel_utils.objectives.exact_gradient`), so its bias, variance and mean
squared error are *measured*, with standard errors, not argued:

- :func:`bias_variance_from_estimates` / :func:`bias_variance`: one estimator at one or more temperatures;
- :func:`batch_mse`: the MSE of a batch mean of n estimates, measured from real batches of n (what an
  estimator whose estimates depend on the batch needs: its registry record says ``batch_dependent``);
- :func:`bias_variance_sweep`: several estimators over a grid of temperatures;
- :func:`loglog_slope`, :func:`tau_limit_table`: numbers the notebooks quote (variance slopes, the
  tau -> 0 limit); the MSE-optimal tau with its resolution is :mod:`gumbel_utils.tau_star`'s;
- :func:`resolved_bias2`, :func:`bias2_upper_bound`, :func:`relative_bias`: what a Monte Carlo run can
  and cannot resolve.

:data:`TAU_GRID` is the one temperature grid on which the notebooks compare MSE-optimal
temperatures. The exact K = 2 curves are in :mod:`gumbel_utils.binary_exact`, the tails of the
estimates in :mod:`gumbel_utils.estimate_tails`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_generator, check_count, check_tau, check_tau_grid
from .objectives import OBJECTIVES, exact_gradient
from .registry import EstimatorSpec, estimator_names, get_estimator

__all__ = [
    "TAU_GRID",
    "N_BATCHES",
    "BiasVariance",
    "bias_variance_from_estimates",
    "bias_variance",
    "batch_mse",
    "bias_variance_sweep",
    "loglog_slope",
    "TauLimit",
    "tau_limit_table",
    "resolved_bias2",
    "bias2_upper_bound",
    "relative_bias",
]

#: The one temperature grid of the notebooks' MSE-optimal temperatures: 25 temperatures from 0.01 to 10,
#: log-spaced (a factor 10**(1/8) = 1.33 apart). A tau* read off it has that resolution.
TAU_GRID = np.geomspace(0.01, 10.0, 25)

#: Batches drawn by :func:`batch_mse` for each batch size (the MSE's relative standard error is
#: about sqrt(2 / n_batches) for near-Gaussian errors: 3 % for 2,000 batches).
N_BATCHES = 2000


class BiasVariance(NamedTuple):
    """Bias, variance and MSE of one estimator at one or more temperatures (see :func:`bias_variance`).

    Arrays have a leading temperature axis of length T when several taus were given.
    """

    tau: np.ndarray  #: temperatures, shape (T,)
    exact: np.ndarray  #: the exact gradient, shape (K,)
    mean: np.ndarray  #: Monte Carlo mean of the single-sample estimates, (T, K)
    bias: np.ndarray  #: mean - exact, (T, K)
    bias_se: np.ndarray  #: standard error of each bias component, (T, K)
    bias2: np.ndarray  #: squared norm of the bias, (T,)
    bias2_se: np.ndarray  #: its standard error (delta method), (T,)
    bias2_floor: np.ndarray  #: E of bias2 for an unbiased estimator: variance / n_samples, (T,)
    variance: np.ndarray  #: trace of the covariance of one estimate (inside a batch of n_samples), (T,)
    variance_se: np.ndarray  #: its standard error, (T,)
    mse: np.ndarray  #: MSE of a batch mean of ``batch`` estimates, (T,)
    mse_se: np.ndarray  #: its standard error, (T,)
    batch: int  #: the batch size n of the MSE
    n_samples: int  #: number of single-sample estimates used
    batch_dependent: bool = False  #: the estimates depend on their batch: MSEs come from real batches only
    batch_mse: Mapping[int, tuple[np.ndarray, np.ndarray]] = {}  #: n -> (MSE, se) measured from batches of n

    def mse_at(self, batch: int) -> np.ndarray:
        r"""MSE of a batch mean of ``batch`` estimates, (T,).

        For an estimator whose estimates are independent: :math:`\lVert b\rVert^2 + \operatorname{tr}\Sigma/n`
        from the single-sample run. For one whose estimates depend on the batch (``batch_dependent``):
        the MSE measured from real batches of n (:func:`batch_mse`), which must have been asked for
        (``bias_variance(..., batches=[n])``); ValueError otherwise.

        Parameters
        ----------
        batch : int
            The batch size n.
        """
        return self._at(batch)[0]

    def mse_se_at(self, batch: int) -> np.ndarray:
        """Standard error of :meth:`mse_at`, (T,).

        Parameters
        ----------
        batch : int
            The batch size n.
        """
        return self._at(batch)[1]

    def _at(self, batch: int) -> tuple[np.ndarray, np.ndarray]:
        n = check_count(batch, "batch")
        if n in self.batch_mse:
            return self.batch_mse[n]
        if self.batch_dependent:
            raise ValueError(f"the estimates depend on their batch, and batches of {n} were not measured: "
                             f"pass batches=[{n}] (measured: {sorted(self.batch_mse)})")
        return self.bias2 + self.variance / n, np.sqrt(self.bias2_se**2 + (self.variance_se / n) ** 2)


def bias_variance_from_estimates(estimates: ArrayLike, exact: ArrayLike, *, tau: ArrayLike | None = None,
                                 batch: int = 1) -> BiasVariance:
    r"""Bias, variance and MSE (with standard errors) from independent single-sample estimates.

    Parameters
    ----------
    estimates : array_like, shape (N, K) or (T, N, K)
    exact : array_like, shape (K,)
    tau : array_like, optional
        The temperatures, stored in the result.
    batch : int
        The n of "MSE of an n-sample average" (bias^2 + variance / n: right for independent estimates).

    Notes
    -----
    With :math:`\hat\mu` the sample mean and :math:`q_s = \lVert \hat g_s - \hat\mu \rVert^2`:
    bias :math:`b = \hat\mu - \nabla`, se :math:`\hat\sigma_k / \sqrt N`; variance
    :math:`\operatorname{tr}\hat\Sigma = \frac{1}{N-1}\sum_s q_s`, se
    :math:`\operatorname{sd}(q)/\sqrt N`; :math:`\lVert b\rVert^2` has se
    :math:`2\sqrt{b^\top \hat\Sigma b / N}` and an expected value of
    :math:`\operatorname{tr}\Sigma / N` even when the estimator is unbiased (``bias2_floor``);
    MSE :math:`= \lVert b \rVert^2 + \operatorname{tr}\hat\Sigma / n`.
    """
    g = np.asarray(estimates, dtype=np.float64)
    squeeze = g.ndim == 2
    if squeeze:
        g = g[None]
    if g.ndim != 3:
        raise ValueError(f"estimates must have shape (N, K) or (T, N, K), got {np.shape(estimates)}")
    nn = g.shape[1]
    if nn < 2:
        raise ValueError("need at least 2 estimates")
    batch = check_count(batch, "batch")
    ex = np.asarray(exact, dtype=np.float64)
    mean = g.mean(axis=1)
    d = g - mean[:, None, :]
    cov = np.einsum("tsk,tsl->tkl", d, d) / (nn - 1)
    q = np.einsum("tsk,tsk->ts", d, d)
    variance = q.sum(axis=1) / (nn - 1)
    variance_se = q.std(axis=1, ddof=1) / np.sqrt(nn)
    bias = mean - ex
    bias_se = np.sqrt(np.diagonal(cov, axis1=1, axis2=2) / nn)
    bias2 = np.einsum("tk,tk->t", bias, bias)
    bias2_se = 2.0 * np.sqrt(np.maximum(np.einsum("tk,tkl,tl->t", bias, cov, bias), 0.0) / nn)
    mse = bias2 + variance / batch
    mse_se = np.sqrt(bias2_se**2 + (variance_se / batch) ** 2)
    taus = np.full(g.shape[0], np.nan) if tau is None else np.asarray(tau, dtype=np.float64).reshape(-1)
    res = BiasVariance(taus, ex, mean, bias, bias_se, bias2, bias2_se, variance / nn, variance, variance_se,
                       mse, mse_se, batch, nn)
    if squeeze:
        res = res._replace(**{f: getattr(res, f)[0] for f in ("mean", "bias", "bias_se", "bias2", "bias2_se",
                                                              "bias2_floor", "variance", "variance_se", "mse",
                                                              "mse_se")})
    return res


def batch_mse(estimator: Any, logits: ArrayLike, f: Any, tau: ArrayLike | None = None, *, batch: int,
              n_batches: int = N_BATCHES, rng: Any = None, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""MSE of the batch mean of ``batch`` estimates, measured from ``n_batches`` real batches, and its se.

    Each batch is one call of the estimator on ``batch`` samples (so a leave-one-out baseline is the
    mean of the ``batch - 1`` others, and a batch of 1 has none); the squared error of each batch's
    mean against the exact gradient is averaged over the batches:

    .. math::

        \widehat{\mathrm{MSE}}_n = \frac{1}{B}\sum_{j=1}^{B}
            \Big\lVert \frac{1}{n}\sum_{s=1}^{n} \hat g_{js} - \nabla \Big\rVert^2 ,
        \qquad \mathrm{se} = \frac{\operatorname{sd}_j(\lVert\cdot\rVert^2)}{\sqrt{B}}.

    For estimators whose estimates are independent this agrees with bias^2 + variance / n (a test
    checks it); for one whose estimates depend on the batch it is the only right number.

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable
    logits : array_like, shape (K,)
    f : objective
    tau : float or 1-D array, optional
        Temperature(s); an estimator whose law does not depend on tau is measured once.
    batch : int
        The batch size n.
    n_batches : int, default 2000
        Number of batches B.
    rng : None, int or Generator
    **options
        Passed to the estimator.

    Returns
    -------
    mse, se : ndarray, shape (T,), or floats for a scalar ``tau``

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> m, se = batch_mse("score_function_baseline", [1.0, 0.5, 0.0], Cubic(), batch=4, rng=0)
    >>> 0.09 < m < 0.13                    # bias^2 + var/4 from a long run would say 0.063
    True
    """
    spec = get_estimator(estimator)
    n = check_count(batch, "batch")
    nb = check_count(n_batches, "n_batches", minimum=2)
    taus, scalar = check_tau_grid(tau)
    gen = as_generator(rng)
    exact = exact_gradient(logits, f)
    k = exact.shape[0]
    measured = taus[:1] if not spec.tau_dependent else taus
    mse, se = np.empty(measured.size), np.empty(measured.size)
    chunk = max(1, min(nb, 2_000_000 // (n * k)))  # batches per call: bounded memory
    for i, t in enumerate(measured):
        sq = np.empty(nb)
        for start in range(0, nb, chunk):
            stop = min(nb, start + chunk)
            rows = np.broadcast_to(np.asarray(logits, dtype=np.float64), (n, stop - start, k))
            g = spec(rows, f, tau=float(t), rng=gen, **options)  # batches along axis 1, each on axis 0
            err = g.mean(axis=0) - exact
            sq[start:stop] = np.einsum("bk,bk->b", err, err)
        mse[i], se[i] = sq.mean(), sq.std(ddof=1) / np.sqrt(nb)
    if measured.size != taus.size:
        mse, se = np.broadcast_to(mse, taus.shape).copy(), np.broadcast_to(se, taus.shape).copy()
    return (float(mse[0]), float(se[0])) if scalar else (mse, se)


def bias_variance(
    estimator: Any, logits: ArrayLike, f: Any, tau: ArrayLike | None = None, *, n_samples: int = 20_000,
    batch: int = 1, batches: Iterable[int] = (), n_batches: int = N_BATCHES, rng: Any = None, **options: Any
) -> BiasVariance:
    r"""Measure one estimator against :func:`exact_gradient`: bias, variance, MSE, with standard errors.

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable
        A name in :data:`~gumbel_utils.registry.ESTIMATORS`, a spec, or a function with the same call shape.
    logits, f
        The distribution (shape (K,)) and the objective.
    tau : float or 1-D array, optional
        Temperature(s); an array gives a leading axis of length T in every field (same noise for all).
    n_samples : int
        Number of single-sample estimates N (one batch of N: a leave-one-out baseline averages N - 1).
    batch : int
        n in "the MSE of a batch mean of n estimates" (the ``mse`` field).
    batches : iterable of int
        Further batch sizes whose MSE :meth:`BiasVariance.mse_at` must know. For an estimator whose
        estimates depend on the batch (its record says ``batch_dependent``) every such MSE, and ``mse``
        itself, is measured from real batches (:func:`batch_mse`); for the others it is
        bias^2 + variance / n.
    n_batches : int, default :data:`N_BATCHES`
        Real batches per batch size for such an estimator (:func:`batch_mse`).
    rng, **options
        Passed to the estimator (for example ``m`` for Gumbel-Rao).

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> r = bias_variance("score_function", [1.0, 0.0, -1.0], Linear(), n_samples=50_000, rng=0)
    >>> bool(abs(r.bias).max() < 5 * r.bias_se.max())
    True
    """
    spec = get_estimator(estimator)
    n_samples = check_count(n_samples, "n_samples")
    gen = as_generator(rng)
    g = spec(logits, f, n_samples, tau=tau, rng=gen, **options)
    taus, _scalar = check_tau_grid(tau)
    res = bias_variance_from_estimates(g, exact_gradient(logits, f), tau=taus if g.ndim == 3 else taus[0],
                                       batch=batch)
    if not spec.batch_dependent:
        return res
    sizes = sorted({check_count(b, "batches") for b in batches} | {res.batch})
    measured = {n: batch_mse(spec, logits, f, tau, batch=n, n_batches=n_batches, rng=gen, **options) for n in sizes}
    mse, mse_se = measured[res.batch]
    return res._replace(mse=mse, mse_se=mse_se, batch_dependent=True, batch_mse=measured)


def bias_variance_sweep(
    logits: ArrayLike, f: Any, taus: ArrayLike, *, estimators: Iterable[str] | None = None, n_samples: int = 20_000,
    batch: int = 1, batches: Iterable[int] = (), n_batches: int = N_BATCHES, rng: Any = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, BiasVariance]:
    """:func:`bias_variance` of several estimators over a grid of temperatures.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
    taus : array_like
        The temperature grid.
    estimators : iterable of str, optional
        Registered names; default every (stochastic) estimator in
        :data:`~gumbel_utils.registry.ESTIMATORS`, in registration order.
    n_samples, batch, batches, n_batches
        As in :func:`bias_variance`.
    rng : None, int or Generator
        Each estimator gets its own stream spawned from it (in the order of ``estimators``), so
        adding an estimator at the end changes none of the others' numbers.
    options : mapping, optional
        ``{name: {option: value}}`` overriding the registered default options (e.g. Gumbel-Rao's ``m``).

    Returns
    -------
    dict
        ``{name: BiasVariance}``.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Quadratic
    >>> res = bias_variance_sweep([1.0, 0.0, -1.0], Quadratic(), np.geomspace(0.1, 1, 3), n_samples=1000, rng=0)
    >>> list(res)[:2], res["straight_through"].variance.shape
    (['score_function', 'score_function_baseline'], (3,))
    """
    names = estimator_names() if estimators is None else [get_estimator(n).name for n in estimators]
    t = np.asarray(check_tau(taus), dtype=np.float64).reshape(-1)
    streams = as_generator(rng).spawn(len(names))
    extra = dict(options or {})
    return {name: bias_variance(name, logits, f, t, n_samples=n_samples, batch=batch, batches=batches,
                                n_batches=n_batches, rng=gen, **extra.get(name, {}))
            for name, gen in zip(names, streams)}


def loglog_slope(x: ArrayLike, y: ArrayLike, y_se: ArrayLike | None = None) -> tuple[float, float]:
    r"""Slope of :math:`\log y` against :math:`\log x` by (weighted) least squares, and its standard error.

    Parameters
    ----------
    x, y : array_like
        Positive values.
    y_se : array_like, optional
        Standard errors of ``y`` (weights).

    With ``y_se`` the weights are :math:`(y/\sigma_y)^2` (the variance of
    :math:`\log y` is about :math:`(\sigma_y / y)^2`) and the slope's standard
    error comes from them; without, ordinary least squares and its usual error.

    >>> import numpy as np
    >>> t = np.geomspace(0.01, 1, 10)
    >>> round(loglog_slope(t, 3 * t ** -1.0)[0], 6)
    -1.0
    """
    lx, ly = np.log(np.asarray(x, dtype=np.float64)), np.log(np.asarray(y, dtype=np.float64))
    a = np.stack([np.ones_like(lx), lx], axis=1)
    if y_se is None:
        coef, res, _rank, _sv = np.linalg.lstsq(a, ly, rcond=None)
        dof = max(lx.size - 2, 1)
        s2 = float(res[0]) / dof if res.size else 0.0
        cov = s2 * np.linalg.inv(a.T @ a)
    else:
        w = (np.asarray(y, dtype=np.float64) / np.asarray(y_se, dtype=np.float64)) ** 2
        aw = a * w[:, None]
        cov = np.linalg.inv(a.T @ aw)
        coef = cov @ (aw.T @ ly)
        chi2 = float(((ly - a @ coef) ** 2 * w).sum()) / max(lx.size - 2, 1)
        cov = cov * max(chi2, 1.0)  # inflate when the points scatter more than their errors say
    return float(coef[1]), float(np.sqrt(cov[1, 1]))


class TauLimit(NamedTuple):
    """One row of :func:`tau_limit_table`: what one estimator does as tau -> 0 for one objective."""

    estimator: str
    objective: str
    tau_small: float  #: the small temperature where the bias is measured
    rel_bias: float  #: ||bias|| / ||exact gradient|| at tau_small
    rel_bias_se: float  #: its standard error
    bias_z: float  #: largest |bias_k| / se_k at tau_small (> 5: a bias is resolved)
    variance_slope: float  #: d log Var / d log tau, fitted over ``slope_taus``
    variance_slope_se: float


def tau_limit_table(
    logits: ArrayLike, objectives: Mapping[str, Any] | None = None, *, estimators: Iterable[str] | None = None,
    tau_small: float = 0.02, slope_taus: ArrayLike | None = None, n_samples: int = 100_000, rng: Any = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[TauLimit]:
    r"""Test the claim "tau -> 0 gives an unbiased, high-variance estimate", estimator by objective.

    For each estimator and objective: the relative bias
    :math:`\|\mathbb{E}\hat g - \nabla\| / \|\nabla\|` at ``tau_small`` (with its standard
    error and the largest component z-score) and the slope of :math:`\log \operatorname{tr}\Sigma`
    against :math:`\log\tau` fitted over ``slope_taus`` (default 5 values from 0.005 to 0.05).

    Parameters
    ----------
    logits : array_like, shape (K,)
    objectives : mapping, optional
        ``{name: objective}``; default :data:`~gumbel_utils.objectives.OBJECTIVES`.
    estimators : iterable of str, optional
        Default: every registered (stochastic) estimator whose law depends on tau, in registration order.
    tau_small : float
        Where the bias is measured.
    slope_taus : array_like, optional
        Temperatures of the variance slope fit.
    n_samples : int
    rng : None, int or Generator
        One stream used in turn by every (objective, estimator) pair.
    options : mapping, optional
        ``{name: {option: value}}`` overriding registered default options.
    """
    objectives = OBJECTIVES if objectives is None else objectives
    names = (estimator_names(tau_dependent=True) if estimators is None
             else [get_estimator(n).name for n in estimators])
    st = np.geomspace(0.005, 0.05, 5) if slope_taus is None else np.asarray(slope_taus, dtype=np.float64)
    taus = np.concatenate([[float(check_tau(tau_small, "tau_small"))], st])
    gen = as_generator(rng)
    extra = dict(options or {})
    rows = []
    for oname, f in objectives.items():
        for name in names:
            r = bias_variance(name, logits, f, taus, n_samples=n_samples, rng=gen, **extra.get(name, {}))
            norm = float(np.linalg.norm(r.exact))
            b = float(np.sqrt(r.bias2[0]))
            b_se = float(r.bias2_se[0] / (2 * max(b, 1e-300)))
            z = float(np.max(np.abs(r.bias[0]) / r.bias_se[0]))
            slope, slope_se = loglog_slope(st, r.variance[1:], r.variance_se[1:])
            resolution = float(np.sqrt(r.bias2_floor[0]))  # MC noise in the norm of the mean
            rows.append(TauLimit(name, oname, float(taus[0]), b / norm, max(b_se, resolution) / norm, z,
                                 slope, slope_se))
    return rows


def resolved_bias2(result: BiasVariance, *, z: float = 2.0) -> np.ndarray:
    r"""The squared bias where the Monte Carlo run resolves it, NaN elsewhere.

    An unbiased estimator shows :math:`\lVert\hat b\rVert^2 \approx \operatorname{tr}\Sigma/N`
    (``bias2_floor``), so a squared bias is resolved only above
    :math:`z\,(\text{floor} + \text{se})`. Figures draw it only there.

    Parameters
    ----------
    result : BiasVariance
        A measurement (:func:`bias_variance`, :func:`sweep`).
    z : float, optional
        How many floors plus standard errors the squared bias must exceed.
    """
    b2 = np.asarray(result.bias2, dtype=np.float64)
    return np.where(b2 > z * (np.asarray(result.bias2_floor) + np.asarray(result.bias2_se)), b2, np.nan)


def bias2_upper_bound(result: BiasVariance, *, z: float = 2.0) -> np.ndarray:
    r"""An upper bound on the squared bias where :func:`resolved_bias2` is NaN (not resolved), NaN elsewhere.

    The measured bias is the true one plus Monte Carlo noise :math:`\varepsilon` with
    :math:`\mathbb{E}\lVert\varepsilon\rVert^2` = ``bias2_floor``, and
    :math:`\lVert\varepsilon\rVert \le 2\sqrt{\text{floor}}` with probability at least about 95 %
    (worst case, all noise along one direction: :math:`P(\chi^2_1 > 4) = 4.6\,\%`), so
    :math:`\lVert b\rVert^2 \le (\lVert\hat b\rVert + z\sqrt{\text{floor}})^2`. Figures draw it (an open
    marker) where they do not draw the squared bias: a bias that falls below the resolution is
    shown falling under a drawn resolution, not by a missing line.

    Parameters
    ----------
    result : BiasVariance
        A measurement (:func:`bias_variance`, :func:`sweep`).
    z : float, optional
        Standard deviations of the noise allowed for (2: about 95 %).

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> r = bias_variance("score_function", [1.0, 0.0, -1.0], Linear(), [0.5, 1.0], n_samples=10_000, rng=0)
    >>> bool(np.all(np.isnan(resolved_bias2(r))) and np.all(bias2_upper_bound(r) > 0))    # unbiased
    True
    """
    b2 = np.asarray(result.bias2, dtype=np.float64)
    bound = (np.sqrt(b2) + z * np.sqrt(np.asarray(result.bias2_floor, dtype=np.float64))) ** 2
    return np.where(np.isnan(resolved_bias2(result)), bound, np.nan)


def relative_bias(result: BiasVariance) -> tuple[np.ndarray, np.ndarray]:
    r"""Relative bias :math:`\lVert\mathbb{E}\hat g - \nabla\rVert / \lVert\nabla\rVert` and its resolution.

    Parameters
    ----------
    result : BiasVariance
        A measurement against a non-zero exact gradient.

    Returns
    -------
    rel_bias : ndarray
        :math:`\sqrt{\text{bias2}} / \lVert\nabla\rVert`.
    resolution : ndarray
        Twice the Monte Carlo resolution :math:`2\sqrt{\text{bias2\_floor}} / \lVert\nabla\rVert`: what an
        unbiased estimator shows; a relative bias below it is not resolved.
    """
    norm = float(np.linalg.norm(result.exact))
    if norm == 0:
        raise ValueError("the exact gradient is 0: a relative bias is undefined")
    return np.sqrt(np.asarray(result.bias2)) / norm, 2.0 * np.sqrt(np.asarray(result.bias2_floor)) / norm
