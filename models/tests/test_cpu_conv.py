"""cpu_conv: a single small image gets the same convolution, and its gradients, off PyTorch's slow CPU path."""
import torch
import torch.nn.functional as F

from stitchmodels.arch.cpu_conv import Conv2d, conv2d
from stitchmodels.arch.stylegan2 import Generator, StyleGAN2Config, script_generator

torch.set_num_threads(1)


def _slow_kernels(run) -> set:
    with torch.autograd.profiler.profile() as prof:
        run()
    return {e.key for e in prof.key_averages() if "slow_conv2d" in e.key or e.key == "aten::thnn_conv2d"}


def test_single_small_image_matches_conv2d_in_output_and_gradients():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 64, 8, 8, generator=g, requires_grad=True)
    w = torch.randn(32, 64, 3, 3, generator=g, requires_grad=True)
    b = torch.randn(32, generator=g, requires_grad=True)
    grad_out = torch.randn(1, 32, 8, 8, generator=g)

    ours = torch.jit.script(conv2d)(x, w, b, 1, 1, 1)
    reference = F.conv2d(x, w, b, 1, 1)
    ours_grads = torch.autograd.grad(ours, (x, w, b), grad_out)
    reference_grads = torch.autograd.grad(reference, (x, w, b), grad_out)

    assert ours.shape == reference.shape
    assert torch.allclose(ours, reference, rtol=1e-5, atol=1e-4)
    for mine, theirs in zip(ours_grads, reference_grads):
        assert torch.allclose(mine, theirs, rtol=1e-5, atol=1e-3)


def test_single_small_image_avoids_the_slow_kernels_that_plain_conv2d_takes():
    x = torch.randn(1, 64, 8, 8, requires_grad=True)
    w = torch.randn(32, 64, 3, 3, requires_grad=True)

    assert _slow_kernels(lambda: F.conv2d(x, w, padding=1).sum().backward())  # the premise: PyTorch's choice
    assert not _slow_kernels(lambda: conv2d(x, w, padding=1).sum().backward())


def test_module_keeps_conv2d_state_dict_keys_and_output():
    plain = torch.nn.Conv2d(3, 8, 3, 2, 1)
    ours = Conv2d(3, 8, 3, 2, 1)
    ours.load_state_dict(plain.state_dict())
    x = torch.randn(1, 3, 16, 16)

    assert list(ours.state_dict()) == list(plain.state_dict())
    assert torch.allclose(torch.jit.script(ours)(x), plain(x), atol=1e-5)


def test_generator_step_at_batch_one_runs_no_slow_kernel():
    # Two threads, as the pipeline runs: single-threaded, PyTorch keeps 1x1 kernels on im2col by design.
    torch.set_num_threads(2)
    config = StyleGAN2Config(size=16, style_dim=32, n_mlp=1, channels={4: 64, 8: 64, 16: 32})
    generator = script_generator(Generator(config))
    w = torch.randn(1, config.n_latent, 32)

    try:
        assert not _slow_kernels(lambda: generator(w).square().mean().backward())
    finally:
        torch.set_num_threads(1)
