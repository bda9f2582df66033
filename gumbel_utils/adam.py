"""Adam (Kingma & Ba 2015), written once: an in-place update of a dict of NumPy arrays.

Used by the categorical VAE of Notebook 5 (:func:`gumbel_utils.vae_training.train_vae`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Adam"]


class Adam:
    """Adam (Kingma & Ba 2015) on a dict of arrays, updated in place.

    Parameters
    ----------
    params : dict of ndarray
        The parameters; :meth:`step` changes these arrays in place.
    lr : float
        Step size (> 0).
    beta1, beta2 : float
        Decay rates of the first and second moment estimates.
    eps : float
        Added to the square root of the bias-corrected second moment.

    >>> p = {"w": np.array([1.0])}
    >>> opt = Adam(p, lr=0.1)
    >>> opt.step({"w": np.array([2.0])}); p["w"].round(6)   # first step: lr * sign(g)
    array([0.9])
    """

    def __init__(self, params: dict, *, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr!r}")
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, float(lr), beta1, beta2, eps
        sizes = [p.size for p in params.values()]
        self._slices = dict(zip(params, (slice(a, a + n) for a, n in zip(np.cumsum([0] + sizes), sizes))))
        total = sum(sizes)
        # one flat array for all moments: a handful of whole-array operations per step, not a handful per parameter
        self.m, self.v, self._g, self._tmp = (np.zeros(total) for _ in range(4))
        self.t = 0

    def step(self, grads: dict) -> None:
        """One update of every parameter from ``grads`` (same keys and shapes), in place."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        eps = self.eps * math.sqrt(1 - b2**self.t)   # eps added to sqrt(v_hat), as in the paper
        g, m, v, tmp = self._g, self.m, self.v, self._tmp
        for k, sl in self._slices.items():
            g[sl] = grads[k].ravel()
        m *= b1                                       # m = b1 m + (1 - b1) g
        np.multiply(g, 1 - b1, out=tmp)
        m += tmp
        v *= b2                                       # v = b2 v + (1 - b2) g^2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v += tmp
        np.sqrt(v, out=tmp)                           # step m / (sqrt(v) + eps)
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        for k, sl in self._slices.items():
            p = self.params[k]
            p -= tmp[sl].reshape(p.shape)
