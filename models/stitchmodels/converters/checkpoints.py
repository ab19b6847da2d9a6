"""Shared steps of the perception converters: read a state dict, load it exactly, export TorchScript."""
from typing import Dict, Iterable

import torch
from torch import nn


class CheckpointMismatch(ValueError):
    """The checkpoint's keys or shapes are not those of the architecture it was given as."""


def read_state_dict(path: str, nested: Iterable[str] = ("state_dict", "model", "net")) -> Dict[str, torch.Tensor]:
    """Tensors of a checkpoint file; unwraps one level of `{"state_dict": ...}`-style nesting and
    DataParallel's `module.` prefix, both common in the public releases."""
    state = torch.load(path, map_location="cpu")
    if not isinstance(state, dict):
        raise CheckpointMismatch(f"{path}: expected a state dict, found {type(state).__name__}")
    for key in nested:
        if key in state and isinstance(state[key], dict):
            state = state[key]
            break
    if state and all(k.startswith("module.") for k in state):
        state = {k[len("module."):]: v for k, v in state.items()}
    return state


def load_exact(model: nn.Module, state: Dict[str, torch.Tensor], source: str) -> None:
    """Load every parameter and buffer; only BatchNorm step counters may be absent (older releases)."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in state if k not in expected]
    wrong = [f"{k} {tuple(state[k].shape)} != {tuple(v.shape)}"
             for k, v in expected.items() if k in state and state[k].shape != v.shape]
    if missing or unexpected or wrong:
        raise CheckpointMismatch(
            f"{source}: does not match the architecture: missing {missing[:5]} ({len(missing)}), "
            f"unexpected {unexpected[:5]} ({len(unexpected)}), wrong shapes {wrong[:5]} ({len(wrong)})")
    model.load_state_dict(state, strict=False)


def export(module: nn.Module, path: str) -> torch.jit.ScriptModule:
    """Script the module in eval mode and save it; returns the scripted module."""
    scripted = torch.jit.script(module.eval())
    scripted.save(path)
    return scripted
