r"""Measuring gradient estimators against the exact gradient: bias, variance, MSE and their tau-dependence.

Every estimator of :mod:`gumbel_utils.estimators` estimates a quantity known exactly
(:func:`~gumbel_utils.objectives.exact_gradient`), so its bias, variance and mean
squared error are *measured*, with standard errors, not argued:

- :func:`summarize` / :func:`bias_variance`: one estimator at one or more temperatures;
- :func:`sweep`: every registered estimator over a temperature grid;
- :func:`mse_optimal_tau`, :func:`loglog_slope`, :func:`tail_share`, :func:`tau_limit_table`:
  the numbers the notebooks quote (the MSE-optimal tau, variance slopes, heavy tails,
  the tau -> 0 limit);
- :func:`k2_moments`: the exact K = 2 curves, by one-dimensional quadrature.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import quad_vec

from ._checks import as_generator, check_count, check_logits_1d, check_objective, check_tau, check_tau_grid
from ._kernels import sigmoid
from .registry import ESTIMATORS, get_estimator
from .objectives import OBJECTIVES, exact_gradient

__all__ = [
    "BiasVariance",
    "summarize",
    "bias_variance",
    "sweep",
    "mse_optimal_tau",
    "loglog_slope",
    "tail_share",
    "TauLimit",
    "tau_limit_table",
    "K2Moments",
    "k2_moments",
    "LOG_MAGNITUDE_EDGES",
    "log_magnitude_histogram",
    "EstimateSpread",
    "estimate_spread",
    "resolved_bias2",
    "bias2_upper_bound",
    "relative_bias",
]


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
    variance: np.ndarray  #: trace of the covariance of one estimate, (T,)
    variance_se: np.ndarray  #: its standard error, (T,)
    mse: np.ndarray  #: bias2 + variance / batch: MSE of an average of ``batch`` estimates, (T,)
    mse_se: np.ndarray  #: its standard error, (T,)
    batch: int  #: the batch size n of the MSE
    n_samples: int  #: number of single-sample estimates used

    def mse_at(self, batch: int) -> np.ndarray:
        """MSE of an average of ``batch`` estimates (no new sampling: bias2 + variance / batch)."""
        return self.bias2 + self.variance / batch


def summarize(estimates: ArrayLike, exact: ArrayLike, *, tau: ArrayLike | None = None, batch: int = 1) -> BiasVariance:
    r"""Bias, variance and MSE (with standard errors) from single-sample estimates.

    Parameters
    ----------
    estimates : array_like, shape (N, K) or (T, N, K)
    exact : array_like, shape (K,)
    tau : array_like, optional
        The temperatures, stored in the result.
    batch : int
        The n of "MSE of an n-sample average".

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


def bias_variance(
    estimator, logits: ArrayLike, f, tau: ArrayLike | None = None, *, n_samples: int = 20_000, batch: int = 1,
    rng=None, **options
) -> BiasVariance:
    r"""Measure one estimator against :func:`exact_gradient`: bias, variance, MSE, with standard errors.

    Parameters
    ----------
    estimator : str or callable
        A name in :data:`~gumbel_utils.estimators.ESTIMATORS`, a spec, or a function with the same signature.
    logits, f
        The distribution and the objective.
    tau : float or 1-D array, optional
        Temperature(s); an array gives a leading axis of length T in every field (same noise for all).
    n_samples : int
        Number of single-sample estimates N.
    batch : int
        n in "the MSE of an average of n estimates" (``bias2 + variance / n``).
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
    g = spec(logits, f, n_samples, tau=tau, rng=rng, **options)
    taus, _scalar = check_tau_grid(tau)
    return summarize(g, exact_gradient(logits, f), tau=taus if g.ndim == 3 else taus[0], batch=batch)


def sweep(
    logits: ArrayLike, f: Any, taus: ArrayLike, *, estimators: Iterable[str] | None = None, n_samples: int = 20_000,
    batch: int = 1, rng: Any = None, options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, BiasVariance]:
    """:func:`bias_variance` of several estimators over a grid of temperatures.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
    taus : array_like
        The temperature grid.
    estimators : iterable of str, optional
        Registered names; default every estimator in :data:`~gumbel_utils.estimators.ESTIMATORS`,
        in registration order.
    n_samples, batch
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
    >>> res = sweep([1.0, 0.0, -1.0], Quadratic(), np.geomspace(0.1, 1, 3), n_samples=1000, rng=0)
    >>> list(res)[:2], res["straight_through"].variance.shape
    (['score_function', 'score_function_baseline'], (3,))
    """
    names = list(ESTIMATORS) if estimators is None else [get_estimator(n).name for n in estimators]
    t = np.asarray(check_tau(taus), dtype=np.float64).reshape(-1)
    streams = as_generator(rng).spawn(len(names))
    extra = dict(options or {})
    out = {}
    for name, gen in zip(names, streams):
        out[name] = bias_variance(name, logits, f, t, n_samples=n_samples, batch=batch, rng=gen,
                                  **extra.get(name, {}))
    return out


def mse_optimal_tau(result: BiasVariance, batch: int | None = None) -> tuple[float, float]:
    """The temperature of the grid with the smallest MSE of a ``batch``-sample average, and that MSE.

    Parameters
    ----------
    result : BiasVariance
        Measured over a grid of temperatures.
    batch : int, optional
        n of the n-sample average; default ``result.batch``.

    Returns
    -------
    (tau_star, mse_star) : tuple of float

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> r = bias_variance("gumbel_softmax_grad", [1.0, 0.5, 0.0], Cubic(), [0.1, 1.0, 10.0], n_samples=2000, rng=0)
    >>> mse_optimal_tau(r)[0]
    1.0
    """
    mse = result.mse_at(result.batch if batch is None else check_count(batch, "batch"))
    i = int(np.nanargmin(mse))
    return float(np.asarray(result.tau).reshape(-1)[i]), float(mse[i])


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


# ----------------------------------------------------------------------------- K = 2 exactly


class K2Moments(NamedTuple):
    """Exact moments of a pathwise estimator for K = 2 (see :func:`k2_moments`)."""

    tau: np.ndarray  #: (T,)
    exact: np.ndarray  #: exact gradient, (2,)
    mean: np.ndarray  #: expected estimate, (T, 2)
    bias: np.ndarray  #: (T, 2)
    bias2: np.ndarray  #: (T,)
    variance: np.ndarray  #: trace of the covariance, (T,)


def k2_moments(logits: ArrayLike, f, taus: ArrayLike, *, estimator: str = "gumbel_softmax_grad") -> K2Moments:
    r"""Exact mean and variance of the relaxed or straight-through estimator for K = 2, by quadrature.

    Parameters
    ----------
    logits : array_like, shape (2,)
        Two finite logits.
    f : objective
    taus : array_like
        Temperatures.
    estimator : {"gumbel_softmax_grad", "straight_through"}

    For K = 2 the estimate is :math:`h(L)\,(1, -1)` with
    :math:`h = \frac{y_1 y_2}{\tau}\big(\partial_1 f - \partial_2 f\big)`,
    :math:`y_1 = \sigma((x_1 - x_2 + L)/\tau)` and :math:`L = g_1 - g_2`, a standard
    logistic variable (the difference of two Gumbels). The gradient of f is taken at
    :math:`y` (relaxed) or at the one-hot :math:`D` (straight-through). Writing
    :math:`L = \log u - \log(1-u)` with :math:`u \sim U(0, 1)`, the moments
    :math:`\mathbb{E}h = \int_0^1 h\,du` and :math:`\mathbb{E}h^2` are one-dimensional
    integrals, done by adaptive quadrature split at the kink :math:`u_0 = \sigma(x_2 - x_1)`.
    Then mean :math:`= \mathbb{E}h\,(1,-1)` and variance (trace) :math:`= 2\operatorname{Var} h`.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Linear
    >>> r = k2_moments([0.5, 0.0], Linear([1.0, 0.0]), [1e-3])
    >>> bool(np.allclose(r.mean[0], r.exact, rtol=1e-4))    # unbiased as tau -> 0 (linear f)
    True
    """
    check_objective(f)
    x = check_logits_1d(logits)
    if x.shape[0] != 2 or not np.isfinite(x).all():
        raise ValueError("k2_moments needs 2 finite logits")
    if estimator not in ("gumbel_softmax_grad", "straight_through"):
        raise ValueError("estimator must be 'gumbel_softmax_grad' or 'straight_through'")
    t = np.asarray(check_tau(taus), dtype=np.float64).reshape(-1)
    delta = x[0] - x[1]
    u0 = 1.0 / (1.0 + np.exp(delta))  # where delta + L = 0
    eye = np.eye(2)

    def integrand(u: float) -> np.ndarray:
        u = min(max(u, 1e-300), 1.0 - 1e-16)
        a = (delta + np.log(u) - np.log1p(-u)) / t  # (T,)
        y1 = sigmoid(a)
        y1y2 = y1 * sigmoid(-a)  # sigma(a) sigma(-a), not y1 (1 - y1): no cancellation
        if estimator == "gumbel_softmax_grad":
            v = f.grad(np.stack([y1, 1.0 - y1], axis=-1))
        else:
            v = f.grad(eye[np.where(a > 0, 0, 1)])
        h = y1y2 / t * (v[:, 0] - v[:, 1])
        return np.concatenate([h, h * h])

    opts = {"epsabs": 1e-12, "epsrel": 1e-9, "limit": 2000}
    # At a small tau the integrand lives in a window of width ~ tau u0 (1 - u0) around the kink:
    # split the interval there (at 1, 10, 100, ... widths of the smallest tau) so that adaptive
    # quadrature cannot step over the peak.
    width = float(t.min()) * u0 * (1.0 - u0)
    offsets = width * np.array([1.0, 10.0, 100.0, 1e3, 1e4])
    cuts = np.unique(np.clip(np.concatenate([[0.0, u0, 1.0], u0 - offsets, u0 + offsets]), 0.0, 1.0))
    mom = sum(quad_vec(integrand, a, b, **opts)[0] for a, b in zip(cuts[:-1], cuts[1:]) if b > a)
    eh, eh2 = mom[: t.size], mom[t.size :]
    sign = np.array([1.0, -1.0])
    mean = eh[:, None] * sign
    ex = exact_gradient(x, f)
    bias = mean - ex
    return K2Moments(t, ex, mean, bias, (bias**2).sum(axis=1), 2.0 * np.maximum(eh2 - eh**2, 0.0))


def tail_share(estimates: ArrayLike, top: float = 0.01) -> float:
    r"""Share of :math:`\sum_s \lVert \hat g_s \rVert^2` carried by the largest ``top`` fraction of estimates.

    Parameters
    ----------
    estimates : array_like, shape (..., K)
    top : float
        The fraction of largest estimates, in (0, 1].

    For the pathwise estimators at a small tau, a few huge estimates carry almost
    all of the second moment: that is where their variance comes from.

    >>> import numpy as np
    >>> tail_share(np.r_[np.zeros(99), 10.0][:, None])
    1.0
    """
    g = np.asarray(estimates, dtype=np.float64)
    sq = np.sort(np.einsum("...k,...k->...", g, g).ravel())
    total = sq.sum()
    if total == 0:
        return 0.0
    count = max(1, int(round(top * sq.size)))
    return float(sq[-count:].sum() / total)


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
    tau_small: float = 0.02, slope_taus: ArrayLike | None = None, n_samples: int = 100_000, rng: Any = 0,
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
        Default: every registered estimator whose law depends on tau, in registration order.
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
    names = ([n for n, spec in ESTIMATORS.items() if spec.tau_dependent] if estimators is None
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


# --- added for the figures of notebook 3 (viz helper, issue 9): every number they draw is computed here

#: Bin edges of :func:`log_magnitude_histogram`: :math:`\log_{10}|\hat g_k|` from -6 to 4 in 50 bins.
LOG_MAGNITUDE_EDGES = np.linspace(-6.0, 4.0, 51)


def log_magnitude_histogram(estimates: ArrayLike, *, component: int = 0,
                            edges: ArrayLike | None = None) -> np.ndarray:
    r"""Fraction of single-sample estimates per bin of :math:`\log_{10}|\hat g_k|`.

    A log axis shows both the many near-zero estimates and the rare huge ones that
    carry the variance. Values below the first edge (exact zeros included) count in
    the first bin, values above the last edge in the last, so the fractions sum to 1.

    Parameters
    ----------
    estimates : array_like, shape (..., K)
        Single-sample estimates (for example ``(n, K)``).
    component : int, optional
        Which component k.
    edges : array_like, optional
        Bin edges in :math:`\log_{10}` units (default :data:`LOG_MAGNITUDE_EDGES`).

    Returns
    -------
    ndarray, shape (len(edges) - 1,)

    Examples
    --------
    >>> frac = log_magnitude_histogram(np.array([[0.0], [1e-3], [10.0], [1e9]]))
    >>> float(frac.sum()), float(frac[0]), float(frac[-1])
    (1.0, 0.25, 0.25)
    """
    g = np.asarray(estimates, dtype=np.float64)
    e = LOG_MAGNITUDE_EDGES if edges is None else np.asarray(edges, dtype=np.float64)
    if g.ndim < 1 or not -g.shape[-1] <= component < g.shape[-1]:
        raise ValueError(f"component must index the last axis of estimates (shape {g.shape}), got {component}")
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError("edges must be an increasing 1-D array of at least 2 values")
    a = np.abs(g[..., component])
    with np.errstate(divide="ignore"):
        la = np.clip(np.log10(a), e[0], e[-1] - 1e-9 * (e[-1] - e[0]))
    counts, _ = np.histogram(la, bins=e)
    return counts / a.size


class EstimateSpread(NamedTuple):
    """How single-sample estimates spread: many tiny ones, a few huge ones (see :func:`estimate_spread`)."""

    small_share: float  #: share of estimates with |g_k| < ``small``
    tail_share: float  #: share of sum ||g||^2 carried by the largest ``top`` fraction (:func:`tail_share`)
    max_abs: float  #: the largest |g_k|


def estimate_spread(estimates: ArrayLike, *, component: int = 0, small: float = 0.01,
                    top: float = 0.01) -> EstimateSpread:
    r"""Share of near-zero estimates, share of the second moment in the largest ones, and the largest.

    Parameters
    ----------
    estimates : array_like, shape (n, K)
        Single-sample estimates.
    component : int, optional
        The component k of ``small_share`` and ``max_abs``.
    small : float, optional
        Threshold of a "near-zero" estimate :math:`|\hat g_k| <` ``small``.
    top : float, optional
        Fraction of largest estimates for :func:`tail_share`.

    Returns
    -------
    EstimateSpread

    Examples
    --------
    >>> estimate_spread(np.array([[0.0, 0.0]] * 99 + [[10.0, 0.0]]))
    EstimateSpread(small_share=0.99, tail_share=1.0, max_abs=10.0)
    """
    g = np.asarray(estimates, dtype=np.float64)
    if g.ndim != 2 or not -g.shape[1] <= component < g.shape[1]:
        raise ValueError(f"estimates must have shape (n, K) with component < K, got {g.shape} and {component}")
    a = np.abs(g[:, component])
    return EstimateSpread(float(np.mean(a < small)), tail_share(g, top), float(a.max()))


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
