r"""Measurements around training (Notebook 4): logit scale, REBAR's variance against eta, float32 pitfalls.

- :func:`logit_scale`: how far the logits have grown along a trajectory and how one-hot the
  relaxed samples at the training temperature have become;
- :func:`rebar_eta_variance`: the variance of REBAR as a function of its control-variate
  weight :math:`\eta` and of :math:`\tau`, with the variance-minimising :math:`\eta^*` (REBAR is
  linear in :math:`\eta` for fixed noise, so two evaluations give every :math:`\eta`);
- :func:`float32_pitfalls`: what a relaxed sample and its gradient do in float32 at small :math:`\tau`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (as_generator, as_real_array, check_count, check_logits, check_logits_1d, check_objective,
                      check_tau, check_tau_grid)
from ._kernels import fill_gumbel, softmax_jvp, tempered_softmax
from .conditional import rebar
from .gradient_stats import bias_variance_from_estimates

__all__ = ["logit_scale", "RebarEta", "rebar_eta_variance", "Float32Row", "float32_pitfalls", "RunBand", "run_band",
           "GapByTau", "final_gap_by_tau"]


def logit_scale(theta: ArrayLike, tau: float, *, n_samples: int = 2000, threshold: float = 0.99,
                rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
    r"""How far the logits have grown, and how one-hot the relaxed samples are, along a trajectory.

    Parameters
    ----------
    theta : array_like, shape (..., K)
        Logits (e.g. ``Trajectory.theta``).
    tau : float
        The fixed training temperature.
    n_samples : int
        Relaxed samples per logit vector (the same noise for every vector, so the curve is smooth).
    threshold : float
        A sample is near one-hot when its largest coordinate exceeds this.
    rng : None, int or Generator
        The noise.

    Returns
    -------
    norm : ndarray, shape (...)
        :math:`\lVert \theta - \bar\theta \rVert` (the centred norm: a common shift changes no sample).
    near_one_hot : ndarray, shape (...)
        Fraction of samples :math:`y = \operatorname{softmax}((\theta + g)/\tau)` with :math:`\max_k y_k >` ``threshold``.

    Examples
    --------
    >>> norm, frac = logit_scale([[0.0, 0.0, 0.0], [20.0, 0.0, 0.0]], 0.5, rng=0)
    >>> norm.round(2), frac.round(2)
    (array([ 0.  , 16.33]), array([0.13, 1.  ]))
    """
    th = check_logits(theta, "theta", ndim=None, allow_neg_inf=False)
    if th.shape[-1] < 2:
        raise ValueError(f"theta must be logits of shape (..., K) with K >= 2, got shape {th.shape}")
    tau = check_tau(tau, scalar=True)
    samples = check_count(n_samples, "n_samples")
    thr = as_real_array(threshold, "threshold")
    if thr.ndim or not 0.0 < float(thr) < 1.0:
        raise ValueError(f"threshold must lie in (0, 1), got {threshold!r}")
    centred = th - th.mean(axis=-1, keepdims=True)
    norm = np.sqrt((centred * centred).sum(axis=-1))
    flat = centred.reshape(-1, th.shape[-1])
    g = fill_gumbel(np.empty((samples, th.shape[-1])), as_generator(rng))
    frac = np.empty(flat.shape[0])
    for i in range(0, flat.shape[0], 64):  # blocks of 64 logit vectors: (64, samples, K) arrays
        y = tempered_softmax(flat[i:i + 64, None, :] + g[None], tau)
        frac[i:i + 64] = (y.max(axis=-1) > float(thr)).mean(axis=-1)
    return norm, frac.reshape(th.shape[:-1])


class RebarEta(NamedTuple):
    """REBAR's variance over a grid of temperatures and control-variate weights (:func:`rebar_eta_variance`)."""

    tau: np.ndarray  #: (T,)
    eta: np.ndarray  #: (E,)
    variance: np.ndarray  #: trace of the covariance of one estimate, (T, E)
    variance_se: np.ndarray  #: its standard error, (T, E)
    eta_opt: np.ndarray  #: the variance-minimising eta at each tau, (T,)
    variance_opt: np.ndarray  #: the variance there, (T,)
    score_variance: float  #: eta = 0: the score function's variance (the same noise)
    n_samples: int
    var_a: np.ndarray  #: tr Var A (the score-function part), (T,)
    cov_ab: np.ndarray  #: tr Cov(A, B), (T,)
    var_b: np.ndarray  #: tr Var B (the control-variate part), (T,)

    def variance_at(self, eta: ArrayLike) -> np.ndarray:
        r"""The variance at any ``eta``, on the same draws: ``var_a + 2 eta cov_ab + eta^2 var_b``.

        Parameters
        ----------
        eta : float or array_like
            Control-variate weight(s).

        Returns
        -------
        ndarray, shape (T,) + ``np.shape(eta)``
            One row per temperature: for an array of weights, the parabola in :math:`\eta` at each tau.
        """
        e = np.asarray(eta, dtype=np.float64)
        a, c, b = (v.reshape(v.shape + (1,) * e.ndim) for v in (self.var_a, self.cov_ab, self.var_b))
        return a + 2.0 * e * c + e * e * b


def rebar_eta_variance(logits: ArrayLike, f: Any, taus: ArrayLike, etas: ArrayLike = np.linspace(0.0, 2.0, 21), *,
                       n_samples: int = 20_000, rng: Any = None) -> RebarEta:
    r"""The variance of REBAR against :math:`\eta` and :math:`\tau`, on common random numbers.

    For fixed noise REBAR is :math:`\hat g(\eta) = A + \eta B` (:math:`A` the score function,
    :math:`B` the control-variate terms, zero-mean), so its variance is the parabola
    :math:`\operatorname{tr}\operatorname{Var}A + 2\eta\,\operatorname{tr}\operatorname{Cov}(A, B)
    + \eta^2 \operatorname{tr}\operatorname{Var}B`, smallest at
    :math:`\eta^* = -\operatorname{tr}\operatorname{Cov}(A,B)/\operatorname{tr}\operatorname{Var}B`.
    Two calls of :func:`~gumbel_utils.conditional.rebar` with the same seed (:math:`\eta` = 0 and 1)
    give :math:`A` and :math:`B`; every :math:`\eta` is then measured on the same draws.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
    taus : array_like
        Temperatures (T,).
    etas : array_like
        Control-variate weights (E,).
    n_samples : int
    rng : None, int or Generator
        One seed is drawn from it for both calls.

    Returns
    -------
    RebarEta

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> r = rebar_eta_variance([1.0, 0.5, 0.0], Cubic(), [0.1, 1.0], [0.0, 1.0], n_samples=2000, rng=0)
    >>> r.variance.shape, bool(np.allclose(r.variance[:, 0], r.score_variance))
    ((2, 2), True)
    """
    x = check_logits_1d(logits)
    check_objective(f)
    t, _ = check_tau_grid(taus, "taus")
    e = as_real_array(etas, "etas").reshape(-1)
    if not np.isfinite(e).all() or e.size == 0:
        raise ValueError("etas must be finite and not empty")
    n = check_count(n_samples, "n_samples", minimum=2)
    seed = int(as_generator(rng).integers(2**63))
    a = rebar(x, f, n, tau=t, rng=seed, eta=0.0)  # (T, n, K)
    b = rebar(x, f, n, tau=t, rng=seed, eta=1.0) - a
    var, var_se = np.empty((t.size, e.size)), np.empty((t.size, e.size))
    zero = np.zeros(x.size)  # only the spread is used: trace of the covariance and its standard error
    for j, eta in enumerate(e):
        s = bias_variance_from_estimates(a + eta * b, zero)
        var[:, j], var_se[:, j] = s.variance, s.variance_se
    da, db = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    var_a = np.einsum("tnk,tnk->t", da, da) / (n - 1)
    cov_ab = np.einsum("tnk,tnk->t", da, db) / (n - 1)
    var_b = np.einsum("tnk,tnk->t", db, db) / (n - 1)
    eta_opt = -cov_ab / np.where(var_b > 0, var_b, np.inf)
    var_opt = bias_variance_from_estimates(a + eta_opt[:, None, None] * b, zero).variance
    return RebarEta(t, e, var, var_se, eta_opt, var_opt, float(var_a[0]), n, var_a, cov_ab, var_b)


class Float32Row(NamedTuple):
    """One temperature of :func:`float32_pitfalls`: shares of the samples, float32 against float64."""

    tau: float
    naive_nan32: float  #: share of samples with NaN: exp((x+g)/tau) / sum, in float32, without subtracting the max
    naive_nan64: float  #: the same in float64
    stable_nan32: float  #: share with NaN when the row maximum is subtracted first (float32)
    rounds_to_one32: float  #: share whose largest coordinate is exactly 1 in float32 (not one-hot: see one_hot32)
    rounds_to_one64: float  #: the same in float64
    one_hot32: float  #: share exactly one-hot in float32: every other coordinate exactly 0
    one_hot64: float  #: the same in float64
    zero_grad32: float  #: share whose relaxed gradient J^T grad f(y) is exactly 0 (every component), float32
    zero_grad64: float  #: the same in float64
    mean_grad_rel_error: float  #: |mean gradient (float32) - mean gradient (float64)| / |float64 mean|, same noise
    mean_grad_rel_se: float  #: the Monte Carlo standard error of the float64 mean gradient, relative, for scale


def float32_pitfalls(logits: ArrayLike, f: Any, taus: ArrayLike, *, n_samples: int = 100_000,
                     rng: Any = None) -> list[Float32Row]:
    r"""What a relaxed sample :math:`y = \operatorname{softmax}((x + g)/\tau)` and its gradient do in float32 at small :math:`\tau`.

    The same Gumbel noise is used in float32 and float64. Three separate facts, each measured:

    - **NaN.** Without subtracting the row maximum, :math:`e^{(x+g)/\tau}` overflows once
      :math:`(x+g)/\tau` exceeds about 88.7 in float32 (709.8 in float64) and the sample becomes
      ``inf/inf = NaN``; subtracting the maximum first (what every library's softmax does) never overflows.
    - **Largest coordinate 1 is not one-hot.** When the runner-up trails the winner by more than
      about :math:`16.6\,\tau` (float32; :math:`36.7\,\tau` in float64), :math:`1 - y_{\max}` is below the
      rounding unit and :math:`y_{\max}` rounds to exactly 1, but the other coordinates
      :math:`y_j \approx e^{-\mathrm{gap}_j/\tau}` are still positive numbers (down to about 1e-45 in
      float32): the Jacobian :math:`(\operatorname{diag} y - y y^\top)/\tau` is not zero. A sample is
      *exactly* one-hot only when every other coordinate underflows to 0 (gaps of more than about
      :math:`103\,\tau` in float32, :math:`745\,\tau` in float64).
    - **The gradient.** The relaxed gradient :math:`J_y^\top \nabla f(y)` has the components
      :math:`y_k(v_k - \langle y, v\rangle)/\tau`, :math:`v = \nabla f(y)`: they are exactly zero when
      each product underflows, which needs tiny :math:`y_k` (somewhat more often than exactly one-hot
      samples, far less often than :math:`y_{\max} = 1`). The mean gradient over the samples is compared
      between float32 and float64 (the same noise) and set against its own Monte Carlo standard error.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
        Anything with ``value`` and ``grad``; its gradient at :math:`y` is cast to the sample's precision.
    taus : array_like
        Temperatures.
    n_samples : int
        Samples per temperature.
    rng : None, int or Generator

    Returns
    -------
    list of Float32Row

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> rows = float32_pitfalls([2.0, 0.0, -2.0], Cubic(), [1.0, 0.01], n_samples=1000, rng=0)
    >>> rows[0].naive_nan32, rows[1].naive_nan32 > 0, rows[1].stable_nan32
    (0.0, True, 0.0)
    >>> rows[1].rounds_to_one32 > rows[1].zero_grad32 >= rows[1].one_hot32
    True
    """
    x = check_logits_1d(logits)
    check_objective(f)
    t, _ = check_tau_grid(taus, "taus")
    n = check_count(n_samples, "n_samples", minimum=2)
    s64 = fill_gumbel(np.empty((n, x.size)), as_generator(rng)) + x
    s32 = s64.astype(np.float32)
    rows = []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for tau in t:
            naive, shares, grads = {}, {}, {}
            for name, s in (("32", s32), ("64", s64)):
                tt = s.dtype.type(tau)
                e = np.exp(s / tt)
                naive[name] = float(np.isnan(e / e.sum(axis=-1, keepdims=True)).any(axis=-1).mean())
                y = tempered_softmax(s, tt)
                g = softmax_jvp(y, np.asarray(f.grad(y)).astype(s.dtype), tt)
                shares[name] = (float((y.max(axis=-1) == 1).mean()), float((np.count_nonzero(y, axis=-1) == 1).mean()),
                                float((g == 0).all(axis=-1).mean()), float(np.isnan(y).any(axis=-1).mean()))
                grads[name] = g.astype(np.float64)
            mean64 = grads["64"].mean(axis=0)
            norm = float(np.linalg.norm(mean64))
            err = float(np.linalg.norm(grads["32"].mean(axis=0) - mean64)) / norm
            se = float(np.sqrt(grads["64"].var(axis=0, ddof=1).sum() / n)) / norm
            rows.append(Float32Row(float(tau), naive["32"], naive["64"], shares["32"][3],
                                   shares["32"][0], shares["64"][0], shares["32"][1], shares["64"][1],
                                   shares["32"][2], shares["64"][2], err, se))
    return rows


class RunBand(NamedTuple):
    """Several runs of one training, step by step: their median and their range (the band a figure draws)."""

    median: np.ndarray  #: median over the runs at each step, (S,)
    low: np.ndarray  #: smallest run at each step, (S,)
    high: np.ndarray  #: largest run at each step, (S,)


def run_band(values: ArrayLike) -> RunBand:
    """Median and range over R runs of a quantity recorded at every step (``Trajectory.objective``, ``ToyTrajectory.p``).

    Parameters
    ----------
    values : array_like, shape (R, S)
        One row per run.

    Examples
    --------
    >>> run_band([[1.0, 4.0], [3.0, 2.0], [2.0, 0.0]])
    RunBand(median=array([2., 2.]), low=array([1., 0.]), high=array([3., 4.]))
    """
    v = as_real_array(values, "values")
    if v.ndim != 2 or v.size == 0:
        raise ValueError(f"values must have shape (runs, steps), got {v.shape}")
    return RunBand(np.median(v, axis=0), v.min(axis=0), v.max(axis=0))


class GapByTau(NamedTuple):
    """Final gaps to the optimum against a fixed temperature: the mean over runs, its standard error, the best tau."""

    mean: np.ndarray  #: mean final gap over the runs at each tau, (T,)
    se: np.ndarray  #: its standard error, (T,)
    best: int  #: index of the tau with the smallest mean gap


def final_gap_by_tau(gaps: ArrayLike) -> GapByTau:
    """Mean final gap (with its standard error) at each fixed temperature, and which temperature trains best.

    Parameters
    ----------
    gaps : array_like, shape (T, R)
        The gap to the optimum at the end of each of R runs (``Trajectory.gap()``), for T temperatures.

    Examples
    --------
    >>> g = final_gap_by_tau([[0.3, 0.5], [0.1, 0.2], [0.4, 0.4]])
    >>> g.mean, g.best
    (array([0.4 , 0.15, 0.4 ]), 1)
    """
    g = as_real_array(gaps, "gaps")
    if g.ndim != 2 or g.shape[1] < 2:
        raise ValueError(f"gaps must have shape (taus, runs) with at least 2 runs, got {g.shape}")
    mean = g.mean(axis=1)
    return GapByTau(mean, g.std(axis=1, ddof=1) / np.sqrt(g.shape[1]), int(np.argmin(mean)))
