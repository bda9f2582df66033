r"""Learning τ and η: REBAR's variance descent (Tucker et al. 2017) and a Gumbel-Softmax τ learned from the relaxed loss.

**REBAR's own method.** For fixed noise REBAR is :math:`\hat g(\eta, \tau) = A + \eta\,B(\tau)`, :math:`A` the score
function and :math:`B` the control-variate terms (zero mean for every τ). The estimator is unbiased for every
:math:`\phi = (\eta, \log\tau)`, so its mean does not depend on :math:`\phi` and

.. math::

    \frac{\partial}{\partial\phi}\operatorname{tr}\operatorname{Var}\hat g
    = \frac{\partial}{\partial\phi}\mathbb{E}\lVert\hat g\rVert^2
    = \mathbb{E}\Big[2\,\hat g^\top \frac{\partial \hat g}{\partial \phi}\Big],

whose single-sample estimate :math:`2\hat g^\top\partial\hat g/\partial\phi` is descended along with the model
(Tucker et al. 2017, Sec. 3.3; Grathwohl et al. 2018, RELAX, Sec. 3.3). Here
:math:`\partial\hat g/\partial\eta = B(\tau)` exactly and :math:`\partial\hat g/\partial\log\tau = \eta\,
\partial B/\partial\log\tau` by a central difference in :math:`\log\tau` **on the same noise** (the
Gumbel and the conditional exponential draws held fixed; :math:`B` is a smooth function of τ there, so
the difference with step :data:`H_LOG_TAU` is accurate to :math:`O(h^2)`): NumPy has no automatic
differentiation, and this costs three REBAR evaluations instead of one.

- :func:`variance_gradient`: the estimates from :math:`A` and :math:`B` at :math:`\tau e^{-h}, \tau, \tau e^{h}`;
- :func:`rebar_variance_gradient`: for the toy objectives of Notebooks 3 and 4 (one logit vector);
- :func:`learn_rebar`: trains the logits with REBAR while it learns η and τ (or only learns them, at fixed logits);
- :class:`RebarVarianceTuner`: the same inside the VAE, as a ``tuner`` of
  :func:`~gumbel_utils.vae_training.train_vae`.

**A Gumbel-Softmax τ learned from the relaxed loss.** With :math:`y = \operatorname{softmax}(s/\tau)`,
:math:`s = \ell + g`, the relaxed loss :math:`\bar F(y)` has

.. math::

    \frac{\partial \bar F}{\partial \log\tau} = -\sum_{l,k} \hat g_{lk}\, s_{lk}, \qquad
    \hat g = J_y^\top \nabla_y \bar F \ \text{(the Gumbel-Softmax logit gradient)},

since :math:`\partial y/\partial\tau = -(\operatorname{diag} y - y y^\top)\,s/\tau^2`. :class:`RelaxedTauTuner`
descends it: τ becomes a parameter of the relaxed objective, which drifts wherever that objective is
lowest, not where the discrete objective is (Notebook 6 measures where).

References
----------
.. [1] G. Tucker, A. Mnih, C. J. Maddison, D. Lawson and J. Sohl-Dickstein, "REBAR: Low-variance, unbiased
   gradient estimates for discrete latent variable models", NeurIPS 2017, Sec. 3.3.
.. [2] W. Grathwohl, D. Choi, Y. Wu, G. Roeder and D. Duvenaud, "Backpropagation through the Void:
   Optimizing control variates for black-box gradient estimation", ICLR 2018.
"""

from __future__ import annotations

import math
import time
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._kernels import fill_gumbel, one_blas_thread, tempered_softmax
from ._validation import as_generator, check_count, check_logits, check_objective, check_tau
from .adam import Adam
from .conditional import rebar
from .objectives import vertex_values
from .training_stats import RebarEta
from .vae import CategoricalVAE

__all__ = ["H_LOG_TAU", "TAU_BOUNDS", "VarianceGradient", "variance_gradient", "rebar_variance_gradient",
           "RebarLearning", "learn_rebar", "RebarVarianceTuner", "vae_rebar_eta_variance", "relaxed_tau_gradient",
           "RelaxedTauTuner"]

#: Step of the central difference in log tau (on fixed noise).
H_LOG_TAU = 1e-3
#: A learned temperature is kept inside these bounds (a learned tau that reaches one is reported as such).
TAU_BOUNDS = (1e-3, 1e3)


class VarianceGradient(NamedTuple):
    """Single-sample estimates of the gradient of REBAR's variance with respect to η and log τ."""

    estimates: np.ndarray  #: REBAR's estimates at (eta, tau), the shape of A
    second_moment: float  #: mean over the samples of ||g||^2 (the variance plus ||E g||^2, which is eta- and tau-free)
    d_eta: float  #: mean over the samples of 2 g . B
    d_log_tau: float  #: mean over the samples of 2 g . eta dB/dlog tau


def variance_gradient(a: ArrayLike, b: ArrayLike, eta: float, *, h: float = H_LOG_TAU, event_ndim: int = 1,
                      mask: ArrayLike | None = None) -> VarianceGradient:
    r"""The single-sample variance gradient :math:`2\hat g^\top\partial\hat g/\partial\phi` from REBAR's two parts.

    Parameters
    ----------
    a : array_like, shape S
        The score-function part :math:`A` (REBAR at η = 0) of every sample.
    b : array_like, shape (3,) + S
        The control-variate part :math:`B` at :math:`\tau e^{-h}, \tau, \tau e^{h}` on the same noise.
    eta : float
        The control variate's weight.
    h : float
        The step in log τ of ``b``.
    event_ndim : int
        How many trailing axes make one estimate (1 for a logit vector, 2 for a VAE's (L, K) logits of one
        image); the others are samples, averaged over.
    mask : array_like, optional
        Weights of the components (broadcast against one estimate), e.g. (1, 0) when only the first logit is
        trained: the variance of the trained components is the one descended.

    Returns
    -------
    VarianceGradient

    Examples
    --------
    >>> a, b = np.array([[1.0, -1.0]]), np.array([[[0.5, 0.0]], [[1.0, 0.0]], [[1.5, 0.0]]])
    >>> v = variance_gradient(a, b, 2.0, h=0.5)
    >>> v.estimates.tolist(), v.d_eta, v.d_log_tau  # g = (3, -1): 2 g.B = 6, 2 g . 2 (1, 0) = 12
    ([[3.0, -1.0]], 6.0, 12.0)
    """
    aa = np.asarray(a, dtype=np.float64)
    bb = np.asarray(b, dtype=np.float64)
    if bb.shape != (3,) + aa.shape:
        raise ValueError(f"b must have shape (3,) + a.shape = {(3,) + aa.shape}, got {bb.shape}")
    w = np.ones(aa.shape[aa.ndim - event_ndim:]) if mask is None else np.asarray(mask, dtype=np.float64)
    g = aa + eta * bb[1]
    axes = tuple(range(aa.ndim - event_ndim, aa.ndim))
    gw = g * w

    def mean_dot(u: np.ndarray) -> float:
        return float(np.sum(gw * u, axis=axes).mean())

    d_tau_b = (bb[2] - bb[0]) / (2.0 * h)
    return VarianceGradient(g, mean_dot(g), 2.0 * mean_dot(bb[1]), 2.0 * eta * mean_dot(d_tau_b))


def rebar_variance_gradient(logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: float, eta: float,
                            rng: Any = None, noise: ArrayLike | None = None, h: float = H_LOG_TAU,
                            mask: ArrayLike | None = None) -> VarianceGradient:
    r"""REBAR's estimates and the single-sample gradient of their variance with respect to η and log τ.

    Two calls of :func:`~gumbel_utils.conditional.rebar` with one seed (η = 0 and η = 1, each at
    :math:`\tau e^{-h}, \tau, \tau e^{h}`) give :math:`A` and :math:`B` on the same draws; then
    :func:`variance_gradient`.

    Parameters
    ----------
    logits, f, n_samples
        As for every estimator (:mod:`gumbel_utils.estimators`): logits (K,) and ``n_samples`` samples,
        or one sample per row.
    tau, eta : float
        Where the gradient is taken.
    rng : None, int or Generator
        One seed is drawn from it for both calls.
    noise : array_like, optional
        Fixed Gumbel noise of the sampled logits' shape.
    h : float
        Step of the central difference in log τ.
    mask : array_like, optional
        Weights of the components whose variance counts (default all).

    Returns
    -------
    VarianceGradient

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> v = rebar_variance_gradient([1.0, 0.5, 0.0], Cubic(), 1000, tau=1.0, eta=1.0, rng=0)
    >>> v.estimates.shape
    (1000, 3)
    """
    t = check_tau(tau, scalar=True)
    taus = t * np.exp(np.array([-h, 0.0, h]))
    seed = int(as_generator(rng).integers(2**63))
    a = rebar(logits, f, n_samples, tau=t, rng=seed, noise=noise, eta=0.0)
    b = rebar(logits, f, n_samples, tau=taus, rng=seed, noise=noise, eta=1.0) - a
    return variance_gradient(a, b, float(eta), h=h, mask=mask)


class RebarLearning(NamedTuple):
    """One run of :func:`learn_rebar` (S steps): the logits, τ and η at every step, and what they gave."""

    theta: np.ndarray  #: logits, (S + 1, K)
    tau: np.ndarray  #: temperature, (S + 1,)
    eta: np.ndarray  #: control-variate weight, (S + 1,)
    second_moment: np.ndarray  #: the batch's mean ||g||^2 over the trained components at each step, (S,)
    objective: np.ndarray  #: the exact E f(z) at every recorded theta, (S + 1,)
    seconds: float  #: wall-clock time


def _clip_log_tau(log_tau: np.ndarray) -> None:
    np.clip(log_tau, math.log(TAU_BOUNDS[0]), math.log(TAU_BOUNDS[1]), out=log_tau)


def learn_rebar(f: Any, theta0: ArrayLike, *, steps: int = 1000, batch: int = 8, tau0: float = 1.0,
                eta0: float = 1.0, lr: float = 0.05, tune_lr: float = 0.05, train: bool = True,
                trainable: ArrayLike | None = None, h: float = H_LOG_TAU, rng: Any = None) -> RebarLearning:
    r"""Train the logits with REBAR while descending its variance with respect to η and log τ (Adam for both).

    Each step draws ``batch`` samples at the current logits, computes REBAR's estimates and the
    variance gradient on the same draws (:func:`rebar_variance_gradient`), steps the logits with the
    mean estimate (if ``train``) and :math:`(\eta, \log\tau)` with the mean variance gradient.

    Parameters
    ----------
    f : objective
        Anything with ``value`` and ``grad`` (e.g. :class:`~gumbel_utils.training.ToyObjective` for the binary
        toy, with logits :math:`(\theta, 0)` and ``trainable=(1, 0)``).
    theta0 : array_like, shape (K,)
        Starting logits.
    steps, batch : int
        Steps, and samples per step.
    tau0, eta0 : float
        Starting temperature and control-variate weight.
    lr, tune_lr : float
        Adam's step sizes for the logits and for :math:`(\eta, \log\tau)`.
    train : bool
        Train the logits (True) or keep them fixed and only learn η and τ (False: the variance at one point).
    trainable : array_like, shape (K,), optional
        Weights of the trained logits (default all); also the components whose variance is descended.
    h : float
        Step of the central difference in log τ.
    rng : None, int or Generator

    Returns
    -------
    RebarLearning
        τ is kept inside :data:`TAU_BOUNDS`.

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> run = learn_rebar(Cubic(), [1.0, 0.5, 0.0], steps=20, batch=16, train=False, rng=0)
    >>> run.theta.shape, run.tau.shape, bool(np.all(run.theta == run.theta[0]))
    ((21, 3), (21,), True)
    """
    start = time.perf_counter()
    check_objective(f)
    x = check_logits(theta0, "theta0", ndim=(1,), allow_neg_inf=False).copy()
    steps, batch = check_count(steps, "steps"), check_count(batch, "batch")
    mask = np.ones(x.size) if trainable is None else np.asarray(trainable, dtype=np.float64)
    if mask.shape != x.shape:
        raise ValueError(f"trainable must have the shape of theta0 {x.shape}, got {mask.shape}")
    gen = as_generator(rng)
    phi = {"eta": np.array([float(eta0)]), "log_tau": np.array([math.log(check_tau(tau0, "tau0", scalar=True))])}
    tuner = Adam(phi, lr=tune_lr)
    model = Adam({"theta": x}, lr=lr) if train else None
    theta, taus, etas = np.empty((steps + 1, x.size)), np.empty(steps + 1), np.empty(steps + 1)
    moment = np.empty(steps)
    theta[0], taus[0], etas[0] = x, math.exp(phi["log_tau"][0]), phi["eta"][0]
    with one_blas_thread():
        for s in range(steps):
            v = rebar_variance_gradient(x, f, batch, tau=taus[s], eta=etas[s], rng=gen, h=h, mask=mask)
            moment[s] = v.second_moment
            if model is not None:
                model.step({"theta": v.estimates.mean(axis=0) * mask})
            tuner.step({"eta": np.array([v.d_eta]), "log_tau": np.array([v.d_log_tau])})
            _clip_log_tau(phi["log_tau"])
            theta[s + 1], taus[s + 1], etas[s + 1] = x, math.exp(phi["log_tau"][0]), phi["eta"][0]
    objective = tempered_softmax(theta) @ vertex_values(f, x.size)
    return RebarLearning(theta, taus, etas, moment, objective, time.perf_counter() - start)


class RebarVarianceTuner:
    r"""A ``tuner`` for :func:`~gumbel_utils.vae_training.train_vae` that learns REBAR's η and τ by variance descent.

    Before each training step it draws its own noise for the minibatch, computes REBAR's encoder-logit
    gradient of each image (the reconstruction term only: the analytic KL's gradient is the same for
    every η and τ, so it changes no expected variance gradient) at η = 0 and η = 1 and at
    :math:`\tau e^{-h}, \tau, \tau e^{h}` on the same draws (four calls of
    :meth:`~gumbel_utils.vae.CategoricalVAE.logit_grad`), and takes one Adam step on
    :math:`(\eta, \log\tau)` with :func:`variance_gradient` (one image's (L, K) logits make one estimate,
    averaged over the images). The variance descended is that of the per-image logit gradient, the
    quantity every encoder weight's gradient is a linear map of.

    Parameters
    ----------
    lr : float
        Adam's step size for :math:`(\eta, \log\tau)`.
    learn_tau, learn_eta : bool
        Which of the two are learned (the other stays at its starting value).
    h : float
        Step of the central difference in log τ.

    Attributes
    ----------
    trace : dict of list
        Per step: ``tau``, ``eta`` (after the update) and ``second_moment`` (mean over the images of
        :math:`\lVert\hat g_i\rVert^2`, before it).
    """

    def __init__(self, lr: float = 0.02, *, learn_tau: bool = True, learn_eta: bool = True,
                 h: float = H_LOG_TAU) -> None:
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr!r}")
        self.lr, self.learn_tau, self.learn_eta, self.h = float(lr), bool(learn_tau), bool(learn_eta), float(h)
        self._phi: dict[str, np.ndarray] | None = None
        self._adam: Adam | None = None
        self.trace: dict[str, list[float]] = {"tau": [], "eta": [], "second_moment": []}

    def __call__(self, model: CategoricalVAE, x: np.ndarray, *, tau: float, options: dict[str, Any],
                 rng: np.random.Generator) -> tuple[float, dict[str, Any]]:
        if self._phi is None:
            self._phi = {"eta": np.array([float(options.get("eta", 1.0))]), "log_tau": np.array([math.log(tau)])}
            self._adam = Adam(self._phi, lr=self.lr)
        eta, t = float(self._phi["eta"][0]), math.exp(self._phi["log_tau"][0])
        noise = fill_gumbel(np.empty((len(x), model.latents, model.categories)), rng)
        seed = int(rng.integers(2**63))

        def grads(eta_: float, tau_: float) -> np.ndarray:
            return model.logit_grad(x, estimator="rebar", tau=tau_, noise=noise, rng=seed, kl_weight=0.0,
                                    options={**options, "eta": eta_})[1] * len(x)  # each image's own gradient

        a = grads(0.0, t)
        b = np.stack([grads(1.0, t * math.exp(d)) for d in (-self.h, 0.0, self.h)]) - a
        v = variance_gradient(a, b, eta, h=self.h, event_ndim=2)
        self._adam.step({"eta": np.array([v.d_eta if self.learn_eta else 0.0]),
                         "log_tau": np.array([v.d_log_tau if self.learn_tau else 0.0])})
        _clip_log_tau(self._phi["log_tau"])
        new_tau, new_eta = math.exp(self._phi["log_tau"][0]), float(self._phi["eta"][0])
        self.trace["tau"].append(new_tau)
        self.trace["eta"].append(new_eta)
        self.trace["second_moment"].append(v.second_moment)
        return new_tau, {**options, "eta": new_eta}


def vae_rebar_eta_variance(model: CategoricalVAE, x: Any, taus: Any, etas: ArrayLike = np.linspace(0.0, 2.0, 21), *,
                           n_samples: int = 200, rng: Any = None) -> RebarEta:
    r"""REBAR's encoder-logit gradient variance in the VAE against η and τ, on common random numbers (the η parabola).

    The VAE's counterpart of :func:`gumbel_utils.training_stats.rebar_eta_variance`: for fixed noise
    :math:`\hat g_i = A_i + \eta B_i` for each image, so the variance (as in
    :func:`gumbel_utils.vae_stats.logit_gradient_variance`: the trace of the covariance over the draws of
    each image's logit gradient, averaged over the images) is the parabola
    :math:`\operatorname{tr}\operatorname{Var}A + 2\eta\operatorname{tr}\operatorname{Cov}(A, B) + \eta^2
    \operatorname{tr}\operatorname{Var}B`, smallest at :math:`\eta^* = -\operatorname{tr}\operatorname{Cov}(A,B)
    /\operatorname{tr}\operatorname{Var}B`. Two calls per τ (η = 0 and 1, one seed) measure every η.

    Parameters
    ----------
    model : CategoricalVAE
        The checkpoint.
    x : array_like, shape (n, 64)
        A fixed batch.
    taus : array_like
        Temperatures (T,).
    etas : array_like
        Control-variate weights (E,) of the ``variance`` table.
    n_samples : int
        Independent noises (draws) per τ (>= 2).
    rng : None, int or Generator

    Returns
    -------
    RebarEta
        ``variance``/``variance_se`` (T, E) (the standard error over the images), ``eta_opt`` and
        ``variance_opt`` (T,), ``score_variance`` (η = 0), ``var_a``, ``cov_ab``, ``var_b`` (T,);
        ``n_samples`` the draws.
    """
    xx = np.asarray(x, dtype=np.float64)
    if xx.ndim != 2:
        raise ValueError(f"x must have shape (n, 64), got {xx.shape}")
    t = np.atleast_1d(np.asarray(check_tau(taus), dtype=np.float64)).reshape(-1)
    e = np.asarray(etas, dtype=np.float64).reshape(-1)
    draws = check_count(n_samples, "n_samples", minimum=2)
    gen = as_generator(rng)
    copies = np.broadcast_to(xx[:, None, :], (len(xx), draws, xx.shape[1]))
    scale = len(xx) * draws  # the gradient of each image's own loss
    var_a, cov_ab, var_b = np.empty(t.size), np.empty(t.size), np.empty(t.size)
    var, var_se = np.empty((t.size, e.size)), np.empty((t.size, e.size))
    for i, tau in enumerate(t):
        seed = int(gen.integers(2**63))
        a = model.logit_grad(copies, estimator="rebar", tau=float(tau), rng=seed, options={"eta": 0.0})[1] * scale
        b = model.logit_grad(copies, estimator="rebar", tau=float(tau), rng=seed, options={"eta": 1.0})[1] * scale - a
        da = (a - a.mean(axis=1, keepdims=True)).reshape(len(xx), draws, -1)
        db = (b - b.mean(axis=1, keepdims=True)).reshape(len(xx), draws, -1)
        per_a = np.einsum("ndk,ndk->n", da, da) / (draws - 1)  # per image
        per_c = np.einsum("ndk,ndk->n", da, db) / (draws - 1)
        per_b = np.einsum("ndk,ndk->n", db, db) / (draws - 1)
        var_a[i], cov_ab[i], var_b[i] = per_a.mean(), per_c.mean(), per_b.mean()
        per_eta = per_a[:, None] + 2.0 * e * per_c[:, None] + e * e * per_b[:, None]  # (n, E)
        var[i], var_se[i] = per_eta.mean(axis=0), per_eta.std(axis=0, ddof=1) / math.sqrt(len(xx))
    eta_opt = -cov_ab / np.where(var_b > 0, var_b, np.inf)
    var_opt = var_a + 2.0 * eta_opt * cov_ab + eta_opt**2 * var_b
    return RebarEta(t, e, var, var_se, eta_opt, var_opt, float(var_a[0]), draws, var_a, cov_ab, var_b)


def relaxed_tau_gradient(model: CategoricalVAE, x: Any, *, tau: float, noise: Any = None,
                         rng: Any = None) -> tuple[float, float]:
    r"""The relaxed reconstruction loss of a minibatch and its derivative with respect to log τ, at fixed noise.

    :math:`\partial\bar F/\partial\log\tau = -\sum_{i,l,k}\hat g_{ilk}\,(\ell_{ilk} + g_{ilk})`, with
    :math:`\hat g` the Gumbel-Softmax gradient of the batch-mean loss with respect to the logits
    (:meth:`~gumbel_utils.vae.CategoricalVAE.logit_grad`, no KL term: the analytic KL does not depend on τ).

    Parameters
    ----------
    model : CategoricalVAE
    x : array_like, shape (n, 64)
    tau : float
        The temperature of the relaxed codes.
    noise : array_like, shape (n, L, K), optional
        Fixed Gumbel noise; else drawn from ``rng``.
    rng : None, int or Generator

    Returns
    -------
    loss, d_log_tau : float
        The batch-mean relaxed reconstruction loss :math:`-\log p(x \mid y)` and its derivative.
    """
    t = check_tau(tau, scalar=True)
    xx = np.asarray(x, dtype=np.float64)
    g = (fill_gumbel(np.empty((len(xx), model.latents, model.categories)), as_generator(rng)) if noise is None
         else np.asarray(noise, dtype=np.float64))
    loss, d_logits = model.logit_grad(xx, estimator="gumbel_softmax_grad", tau=t, noise=g, kl_weight=0.0)
    return loss, float(-(d_logits * (model.encode(xx) + g)).sum())


class RelaxedTauTuner:
    r"""A ``tuner`` for :func:`~gumbel_utils.vae_training.train_vae` that makes τ a parameter of the relaxed loss.

    Before each step: :func:`relaxed_tau_gradient` on the minibatch with a noise of its own, and one Adam
    step on :math:`\log\tau` (kept inside :data:`TAU_BOUNDS`). Train with ``estimator="gumbel_softmax_grad"``.

    Parameters
    ----------
    lr : float
        Adam's step size for :math:`\log\tau`.

    Attributes
    ----------
    trace : dict of list
        Per step: ``tau`` (after the update) and ``d_log_tau`` (the derivative it stepped with).
    """

    def __init__(self, lr: float = 0.01) -> None:
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr!r}")
        self.lr = float(lr)
        self._phi: dict[str, np.ndarray] | None = None
        self._adam: Adam | None = None
        self.trace: dict[str, list[float]] = {"tau": [], "d_log_tau": []}

    def __call__(self, model: CategoricalVAE, x: np.ndarray, *, tau: float, options: dict[str, Any],
                 rng: np.random.Generator) -> tuple[float, dict[str, Any]]:
        if self._phi is None:
            self._phi = {"log_tau": np.array([math.log(tau)])}
            self._adam = Adam(self._phi, lr=self.lr)
        _, d = relaxed_tau_gradient(model, x, tau=math.exp(self._phi["log_tau"][0]), rng=rng)
        self._adam.step({"log_tau": np.array([d])})
        _clip_log_tau(self._phi["log_tau"])
        new_tau = math.exp(self._phi["log_tau"][0])
        self.trace["tau"].append(new_tau)
        self.trace["d_log_tau"].append(d)
        return new_tau, options
