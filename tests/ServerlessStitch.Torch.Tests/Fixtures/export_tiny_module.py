"""Exports the tiny TorchScript module the C# round-trip tests load.

Usage: /usr/bin/python3 export_tiny_module.py OUT_DIR
Writes OUT_DIR/tiny.pt and OUT_DIR/tiny.json (an input, PyTorch's outputs for it, the parameter names).
"""
import json
import os
import sys
from typing import Tuple

import torch
from torch import Tensor, nn


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
        self.register_buffer("offset", torch.tensor([0.5, -0.25, 0.0]))

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x) + self.offset

    @torch.jit.export
    def mapping(self, z: Tensor) -> Tensor:
        # a second entry point, as the generator's mapping(z)
        return torch.tanh(z) * 2.0 + self.offset.sum()

    @torch.jit.export
    def with_total(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        y = self.forward(x)
        return y, y.sum(dim=1)


def main(out_dir: str) -> None:
    torch.set_num_threads(1)
    torch.manual_seed(1234)
    module = torch.jit.script(Tiny())
    x = torch.linspace(-1.0, 1.0, 8).reshape(2, 4)
    z = torch.linspace(-2.0, 2.0, 6).reshape(2, 3)
    os.makedirs(out_dir, exist_ok=True)
    module.save(os.path.join(out_dir, "tiny.pt"))
    with torch.no_grad():
        expected = {
            "x": x.flatten().tolist(),
            "forward": module(x).flatten().tolist(),
            "z": z.flatten().tolist(),
            "mapping": module.mapping(z).flatten().tolist(),
            "parameters": [name for name, _ in module.named_parameters()],
            "buffers": [name for name, _ in module.named_buffers()],
        }
    with open(os.path.join(out_dir, "tiny.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main(sys.argv[1])
