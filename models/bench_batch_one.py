"""Times one tuning step of the demo generator + LPIPS (forward and backward) at batch 1 and 2.

The step PTI and stitching tuning take per frame on a CPU. Run: /usr/bin/python3 models/bench_batch_one.py
[--models DIR] [--threads 2]; DIR holds generator.pt and perceptual.pt (default models/demo). To time the files
of an earlier commit: mkdir /tmp/old && git show REV:models/demo/generator.pt > /tmp/old/generator.pt (same for
perceptual.pt), then --models /tmp/old.
"""
import argparse
import os
import time

import torch


def per_call_ms(step, repeats: int) -> float:
    for _ in range(5):  # the TorchScript profiling executor optimises during the first calls
        step()
    started = time.perf_counter()
    for _ in range(repeats):
        step()
    return (time.perf_counter() - started) / repeats * 1000


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=os.path.join(here, "demo"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    generator = torch.jit.load(os.path.join(args.models, "generator.pt"))
    perceptual = torch.jit.load(os.path.join(args.models, "perceptual.pt"))
    w = generator.mean_latent().unsqueeze(1).repeat(1, generator.n_latent, 1)
    w = w + 0.3 * torch.randn_like(w)
    with torch.no_grad():
        target = generator(w + 0.1 * torch.randn_like(w))
    print(f"{args.models}, {args.threads} threads, torch {torch.__version__}")
    for batch in (1, 2):
        wb, tb = w.repeat(batch, 1, 1), target.repeat(batch, 1, 1, 1)

        def step():
            image = generator(wb)
            loss = perceptual(image, tb).sum() + 10 * ((image - tb) ** 2).mean()
            loss.backward()

        ms = per_call_ms(step, args.repeats)
        print(f"batch {batch}: {ms:.1f} ms per step, {ms / batch:.1f} ms per frame")


if __name__ == "__main__":
    main()
