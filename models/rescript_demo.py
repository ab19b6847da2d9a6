"""Re-script the demo generator and perceptual metric with the current architecture code, same weights.

For changes to how a model computes (not what): e.g. stitchmodels/arch/cpu_conv.py. Each model's
weights are loaded from its committed TorchScript file into the eager architecture, scripted again,
checked to give the same output as before (max abs difference printed; refused above 1e-4), saved
in place and re-registered in the manifest with its new sha256. Run: /usr/bin/python3 models/rescript_demo.py
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stitchmodels import manifest  # noqa: E402
from stitchmodels.arch.lpips import LPIPS  # noqa: E402
from stitchmodels.arch.stylegan2 import script_generator  # noqa: E402
from stitchmodels.train.autoencoder import new_models  # noqa: E402
from stitchmodels.train.perception import DEMO_LPIPS_STAGES  # noqa: E402

TOLERANCE = 1e-4


def rescript_generator(old: torch.jit.ScriptModule, entry: dict):
    generator, _ = new_models(entry["resolution"])
    generator.load_state_dict(old.state_dict())
    w = old.mean_latent().unsqueeze(1).repeat(2, entry["latent_layers"], 1) + 0.5 * torch.randn(2, entry["latent_layers"], entry["latent_dim"])
    new = script_generator(generator)
    return new, max(float((old(w[i:i + 1]) - new(w[i:i + 1])).abs().max()) for i in range(2))


def rescript_perceptual(old: torch.jit.ScriptModule, entry: dict):
    metric = LPIPS(DEMO_LPIPS_STAGES)
    metric.load_state_dict(old.state_dict())
    new = torch.jit.script(metric.eval())
    a, b = torch.rand(2, 3, 64, 64) * 2 - 1, torch.rand(2, 3, 64, 64) * 2 - 1
    return new, max(float((old(a[i:i + 1], b[i:i + 1]) - new(a[i:i + 1], b[i:i + 1])).abs().max()) for i in range(2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.json"))
    args = parser.parse_args()
    torch.manual_seed(0)
    models = manifest.load(args.manifest)["models"]
    for name, rescript in (("generator", rescript_generator), ("perceptual", rescript_perceptual)):
        entry = models[name]
        manifest.verify(args.manifest, "models", name)
        path = manifest.resolve(args.manifest, entry)
        new, difference = rescript(torch.jit.load(path).eval(), entry)
        print(f"{name}: max abs output difference {difference:.2e}")
        if difference > TOLERANCE:
            print(f"{name}: refused (over {TOLERANCE}); {path} left as it was", file=sys.stderr)
            return 1
        partial = path + ".partial"
        new.save(partial)
        os.replace(partial, path)
        manifest.register(args.manifest, "models", name, path, entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
