"""Self-checks of Notebook 6 (the learner's VAE, deeper): the exact gradient, REBAR's variance slope, real batches.

Registered with :func:`~gumbel_utils.exercises.feedback.exercise` like every check and re-exported by
:mod:`gumbel_utils.exercises.check` (which a notebook calls); kept here so that no module passes 600 lines.
Expected values are computed when a check runs, from the package; the literals are the exercises' data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .feedback import WrongAnswer, as_array, as_number, as_pair, exercise

__all__ = ["exercise_6_1", "exercise_6_2", "exercise_6_3"]

#: Exercise 6.1: the model CategoricalVAE(2, 3, 8, rng=0) and the first 4 training images.
_MODEL_6_1, _IMAGES_6_1 = (2, 3, 8, 0), 4
#: Exercise 6.2: REBAR on the cubic f at Notebook 3's logits, tau = 0.5, eta = 1.
_LOGITS_6_2, _TAU_6_2, _ETA_6_2 = (1.0, 0.5, 0.0), 0.5, 1.0
#: Exercise 6.3: CategoricalVAE(2, 8, 128, rng=0), the first 20 training images, n = 2 and 8 codes per image.
_MODEL_6_3, _IMAGES_6_3, _CODES_6_3 = (2, 8, 128, 0), 20, (2, 8)


@exercise("6.1", "an array of shape (4, 2, 3): the exact gradient of the batch-mean reconstruction term "
                 "E_q[-log p(x | z)] with respect to the encoder logits, by enumerating the 9 codes")
def exercise_6_1(answer: Any) -> str:
    """Exercise 6.1: the exact encoder-logit gradient of the reconstruction term, by enumeration."""
    from ..digits import load_digits_binary
    from ..vae import CategoricalVAE
    from ..vae_exact import exact_logit_grad

    n_lat, k, hidden, seed = _MODEL_6_1
    grad = as_array(answer, (_IMAGES_6_1, n_lat, k), "gradient with respect to the logits")
    model = CategoricalVAE(n_lat, k, hidden, rng=seed)
    x = load_digits_binary()[0][:_IMAGES_6_1]
    expected = exact_logit_grad(model, x, kl_weight=0.0)

    def close(a: np.ndarray) -> bool:
        return bool(np.allclose(a, expected, rtol=1e-6, atol=1e-9))

    if close(grad):
        return "the enumeration over the 9 codes gives the exact gradient, to rounding."
    if close(-grad):
        raise WrongAnswer("your gradient has the wrong sign: d/dl_k of sum_c q(c) F(c) is sum_c q(c) F(c) "
                          "([c_l = k] - q_lk).")
    if close(grad / _IMAGES_6_1):
        raise WrongAnswer("your gradient is that of the sum over the images: the loss is the batch mean.")
    if np.allclose(grad, exact_logit_grad(model, x, kl_weight=1.0), rtol=1e-6, atol=1e-9):
        raise WrongAnswer("your gradient includes the KL term's: the exercise asks for the reconstruction term only.")
    if np.allclose(grad.sum(axis=-1), 0.0, atol=1e-9):
        raise WrongAnswer(f"your gradient differs from the exact one by up to {np.abs(grad - expected).max():.2g}: "
                          "weight each code's loss by q(c | x) = q_1(c_1) q_2(c_2) of its own image.")
    raise WrongAnswer("the components of each latent's gradient should sum to 0 (a softmax's logits can be shifted "
                      "together without changing q): subtract q_lk times the expected loss.")


@exercise("6.2", "a pair (mean of 2 g.B over the samples at eta = 1, eta*) for REBAR on the cubic f, "
                 "logits (1, 0.5, 0), tau = 0.5")
def exercise_6_2(answer: Any) -> str:
    """Exercise 6.2: the single-sample variance slope in eta, and the variance-minimising eta."""
    from ..objectives import Cubic
    from ..training_stats import rebar_eta_variance

    slope, eta_star = as_pair(answer, "slope, eta*")
    slope, eta_star = as_number(slope, "slope"), as_number(eta_star, "eta*")
    par = rebar_eta_variance(np.array(_LOGITS_6_2), Cubic(), [_TAU_6_2], [_ETA_6_2], n_samples=200_000, rng=12345)
    true_slope = 2.0 * (par.cov_ab[0] + _ETA_6_2 * par.var_b[0])
    true_eta = float(par.eta_opt[0])
    if abs(eta_star - true_eta) > 0.05 * max(1.0, abs(true_eta)):
        if abs(eta_star + true_eta) < 0.05 * max(1.0, abs(true_eta)):
            raise WrongAnswer("your eta* has the wrong sign: the variance A + eta B is smallest at "
                              "eta* = -tr Cov(A, B) / tr Var B.")
        raise WrongAnswer("your eta* is not where the parabola tr Var A + 2 eta tr Cov(A, B) + eta^2 tr Var B is "
                          "lowest: centre A and B before you take the covariance.")
    if abs(slope - true_slope) <= 0.05 * abs(true_slope):
        return ("the single-sample slope 2 g.B averages to the derivative of the variance; it is positive here "
                "because eta = 1 lies above eta*.")
    if abs(slope - true_slope / 2) <= 0.05 * abs(true_slope):
        raise WrongAnswer("your slope is half the derivative: d/d eta of g.g is 2 g . dg/d eta.")
    if abs(slope + true_slope) <= 0.05 * abs(true_slope):
        raise WrongAnswer("your slope has the wrong sign: with g = A + eta B, dg/d eta = +B.")
    raise WrongAnswer("your slope is not the mean over the samples of 2 g.B with g = A + 1.0 B, both from "
                      "rebar on the same seed (eta = 0 gives A, eta = 1 gives A + B).")


@exercise("6.3", "a dict {2: MSE, 8: MSE} of the encoder-weights gradient of the score function with a "
                 "leave-one-out baseline over n codes per image, measured from real batches")
def exercise_6_3(answer: Any) -> str:
    """Exercise 6.3: the leave-one-out baseline's MSE at n codes per image, from real batches of n codes."""
    from ..digits import load_digits_binary
    from ..vae import CategoricalVAE
    from ..vae_gradient_stats import vae_bias_variance

    if not isinstance(answer, dict) or set(answer) != set(_CODES_6_3):
        raise WrongAnswer(f"expected a dict with the keys {list(_CODES_6_3)} (codes per image), got "
                          f"{type(answer).__name__} {sorted(answer) if isinstance(answer, dict) else ''}".rstrip()
                          + ".")
    values = {n: as_number(answer[n], f"MSE at n = {n}") for n in _CODES_6_3}
    if min(values.values()) <= 0:
        raise WrongAnswer("a mean squared error is positive.")
    if values[8] >= values[2]:
        raise WrongAnswer("your MSE does not fall from 2 to 8 codes per image.")
    n_lat, k, hidden, seed = _MODEL_6_3
    model = CategoricalVAE(n_lat, k, hidden, rng=seed)
    x = load_digits_binary()[0][:_IMAGES_6_3]
    r = vae_bias_variance(model, x, "score_function_baseline", [1.0], replicates=300, codes=(1, *_CODES_6_3),
                          batch_replicates=300, rng=54321)["encoder weights"]
    for n in _CODES_6_3:
        formula = float(r.bias2[0] + r.variance[0] / n)
        measured = float(r.mse_at(n)[0])
        ratio = values[n] / measured
        if abs(np.log(values[n] / formula)) < abs(np.log(ratio)):
            raise WrongAnswer(f"your MSE at n = {n} is close to bias^2 + variance / n of one code per image, which "
                              "has no baseline at all: measure batches of n codes, each code's baseline the mean "
                              "loss of the image's other n - 1 codes.")
        if not 1 / 1.6 < ratio < 1.6:
            raise WrongAnswer(f"your MSE at n = {n} is {ratio:.2g} times a measurement of it with 300 batches: "
                              "average the squared error of each batch's gradient against the exact one.")
    return ("measured from real batches: the baseline of n - 1 other codes of the same image removes most of the "
            "score function's variance, far more than averaging n plain estimates would.")
