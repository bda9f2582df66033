"""Speed of the Notebook 5 categorical VAE: one training step per estimator, one 100-epoch run.

One step = loss and gradients of a batch of 100 images (hand-written backpropagation
in :mod:`gumbel_utils.vae`) + one Adam update, for the model of the notebook
(64-128-(10x10)-128-64, float64, BLAS on one thread). Targets: one 100-epoch
training run (1,400 steps + a test evaluation after every epoch) in at most 5 s.

If PyTorch is importable (it is not a dependency: ``pip install torch`` by hand), the
same model, batch and noise are timed with ``torch.nn`` + autograd + ``torch.optim.Adam``
(float64, one thread) and the ratio is printed (> 1: the NumPy step is faster).

Run: ``.venv/bin/python benchmarks/bench_vae.py`` (or ``make bench``).
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")

from gumbel_utils.adam import Adam  # noqa: E402
from gumbel_utils.digits import load_digits_binary  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402
from gumbel_utils.vae import CategoricalVAE  # noqa: E402
from gumbel_utils.vae_training import train_vae  # noqa: E402

L, K, H, BATCH, TAU = 10, 10, 128, 100, 1.0
REPEAT, STEPS = 7, 200


def median_step(step, repeat: int = REPEAT, steps: int = STEPS) -> tuple[float, float]:
    """Median over ``repeat`` blocks of the mean wall-clock and CPU time of one call in a block of ``steps`` calls.

    The CPU time (``time.process_time``) is what a step costs on an idle core; on a machine shared
    with other jobs the wall clock is longer.
    """
    step()  # warm up
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        wall.append((time.perf_counter() - t0) / steps)
        cpu.append((time.process_time() - c0) / steps)
    return float(np.median(wall)), float(np.median(cpu))


def numpy_step(model, opt, x, g, name):
    def step():
        _, grads = model.loss_and_grad(x, estimator=name, tau=TAU, noise=g)
        opt.step(grads)

    return step


def torch_step(model_np, x_np, g_np, name):
    """The same model, batch and noise in torch.nn with autograd (None if torch is not installed)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    dt = torch.float64
    enc = torch.nn.Sequential(torch.nn.Linear(64, H), torch.nn.ReLU(), torch.nn.Linear(H, L * K)).to(dt)
    dec = torch.nn.Sequential(torch.nn.Linear(L * K, H), torch.nn.ReLU(), torch.nn.Linear(H, 64)).to(dt)
    with torch.no_grad():  # the same weights as the NumPy model
        for layer, w, b in ((enc[0], "enc_w1", "enc_b1"), (enc[2], "enc_w2", "enc_b2"),
                            (dec[0], "dec_w1", "dec_b1"), (dec[2], "dec_w2", "dec_b2")):
            layer.weight.copy_(torch.from_numpy(model_np.params[w].T))
            layer.bias.copy_(torch.from_numpy(model_np.params[b]))
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x, g = torch.from_numpy(x_np), torch.from_numpy(g_np)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def step():
        opt.zero_grad()
        logits = enc(x).view(BATCH, L, K)
        log_q = torch.log_softmax(logits, -1)
        kl = (log_q.exp() * (log_q + math.log(K))).sum((1, 2))
        y = torch.softmax((logits + g) / TAU, -1)
        hard = torch.nn.functional.one_hot(y.argmax(-1), K).to(dt)
        if name == "gumbel_softmax_grad":
            code = y
        elif name == "straight_through":
            code = hard - y.detach() + y               # what F.gumbel_softmax(hard=True) does
        else:
            code = hard
        recon = bce(dec(code.view(BATCH, -1)), x, reduction="none").sum(1)
        loss = (recon + kl).mean()
        if name == "score_function_baseline":
            f = recon.detach()
            baseline = (f.sum() - f) / (BATCH - 1)
            loss = loss + ((f - baseline) * (log_q * hard).sum((1, 2))).mean()
        loss.backward()
        opt.step()

    return step


def main() -> None:
    train_x, test_x = load_digits_binary()
    x = train_x[:BATCH]
    g = np.random.default_rng(1).gumbel(size=(BATCH, L, K))
    from threadpoolctl import threadpool_limits

    print(f"## Categorical VAE, one training step (batch {BATCH}, {L} x {K} latents, hidden {H}, float64, one thread)\n")
    print("Wall clock (CPU time) per step, medians of 7 blocks of 200 steps.\n")
    print("| estimator | NumPy step | torch.nn + autograd step | ratio torch / NumPy (CPU) |")
    print("|---|---:|---:|---:|")
    with threadpool_limits(1):
        for name in CategoricalVAE.trainable_estimators():
            model = CategoricalVAE(L, K, H, rng=0)
            w_np, c_np = median_step(numpy_step(model, Adam(model.params), x, g, name))
            t_step = torch_step(CategoricalVAE(L, K, H, rng=0), x, g, name)
            row = f"| {ESTIMATORS[name].label} | {1e3 * w_np:.2f} ms ({1e3 * c_np:.2f}) |"
            if t_step is None:
                print(row + " (torch not installed) | |")
            else:
                w_t, c_t = median_step(t_step)
                print(row + f" {1e3 * w_t:.2f} ms ({1e3 * c_t:.2f}) | {w_t / w_np:.2f}x ({c_t / c_np:.2f}x) |")
    print("\n## One training run (100 epochs = 1,400 steps + a test evaluation after each epoch)\n")
    print("| estimator | wall clock | CPU time | target |")
    print("|---|---:|---:|---|")
    for name in CategoricalVAE.trainable_estimators():
        c0 = time.process_time()
        seconds = train_vae(CategoricalVAE(L, K, H, rng=0), train_x, test_x, estimator=name, tau=TAU, epochs=100,
                        rng=0).seconds
        cpu = time.process_time() - c0
        print(f"| {ESTIMATORS[name].label} | {seconds:.2f} s | {cpu:.2f} s | {'meets' if seconds <= 5 else 'MISSES'} 5 s |")
    print(f"\nMachine load (1-minute average) during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
