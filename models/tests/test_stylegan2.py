"""StyleGAN2 generator: the rosinality checkpoint layout, the reference maths, TorchScript export."""
import math

import pytest
import torch
import torch.nn.functional as F

from stitchmodels.arch.stylegan2 import (Generator, StyleGAN2Config, config_f, make_kernel, script_generator,
                                         upfirdn2d)

torch.set_num_threads(1)


def _reference_keys_ffhq1024():
    """The g_ema keys and shapes of the public FFHQ 1024 config-f checkpoint, written out from
    the layout (not from our module), so a renamed or reshaped parameter is caught."""
    ch = {4: 512, 8: 512, 16: 512, 32: 512, 64: 512, 128: 256, 256: 128, 512: 64, 1024: 32}
    keys = {}
    for i in range(1, 9):
        keys[f"style.{i}.weight"] = (512, 512)
        keys[f"style.{i}.bias"] = (512,)
    keys["input.input"] = (1, 512, 4, 4)

    def styled(prefix, cin, cout, up):
        keys[f"{prefix}.conv.weight"] = (1, cout, cin, 3, 3)
        keys[f"{prefix}.conv.modulation.weight"] = (cin, 512)
        keys[f"{prefix}.conv.modulation.bias"] = (cin,)
        keys[f"{prefix}.noise.weight"] = (1,)
        keys[f"{prefix}.activate.bias"] = (cout,)
        if up:
            keys[f"{prefix}.conv.blur.kernel"] = (4, 4)

    def to_rgb(prefix, cin, up):
        keys[f"{prefix}.bias"] = (1, 3, 1, 1)
        keys[f"{prefix}.conv.weight"] = (1, 3, cin, 1, 1)
        keys[f"{prefix}.conv.modulation.weight"] = (cin, 512)
        keys[f"{prefix}.conv.modulation.bias"] = (cin,)
        if up:
            keys[f"{prefix}.upsample.kernel"] = (4, 4)

    styled("conv1", 512, 512, False)
    to_rgb("to_rgb1", 512, False)
    cin = 512
    for level, res in enumerate([8, 16, 32, 64, 128, 256, 512, 1024]):
        styled(f"convs.{2 * level}", cin, ch[res], True)
        styled(f"convs.{2 * level + 1}", ch[res], ch[res], False)
        to_rgb(f"to_rgbs.{level}", ch[res], True)
        cin = ch[res]
    for i in range(17):
        res = 2 ** ((i + 5) // 2)
        keys[f"noises.noise_{i}"] = (1, 1, res, res)
    return keys


def test_state_dict_matches_ffhq_1024_config_f_layout():
    state = Generator(config_f(1024)).state_dict()
    expected = _reference_keys_ffhq1024()
    # The checkpoint's top-level latent_avg lives beside g_ema; we keep it as a buffer.
    assert set(state) == set(expected) | {"latent_avg"}
    wrong = {k: (tuple(state[k].shape), v) for k, v in expected.items() if tuple(state[k].shape) != v}
    assert not wrong
    assert Generator(config_f(1024)).n_latent == 18


def _reference_modulated_conv(conv, x, style):
    """rosinality's fused path: one demodulated weight per sample, grouped conv / conv_transpose."""
    batch, in_ch, h, w = x.shape
    s = conv.modulation(style).view(batch, 1, in_ch, 1, 1)
    weight = conv.scale * conv.weight * s
    if conv.demodulate:
        demod = torch.rsqrt(weight.pow(2).sum([2, 3, 4]) + 1e-8)
        weight = weight * demod.view(batch, conv.out_channel, 1, 1, 1)
    weight = weight.view(batch * conv.out_channel, in_ch, conv.kernel_size, conv.kernel_size)
    if conv.upsample:
        weight = weight.view(batch, conv.out_channel, in_ch, conv.kernel_size, conv.kernel_size)
        weight = weight.transpose(1, 2).reshape(batch * in_ch, conv.out_channel, conv.kernel_size, conv.kernel_size)
        out = F.conv_transpose2d(x.view(1, batch * in_ch, h, w), weight, padding=0, stride=2, groups=batch)
        out = out.view(batch, conv.out_channel, out.shape[2], out.shape[3])
        return upfirdn2d(out, conv.blur.kernel, 1, conv.blur.pad0, conv.blur.pad1)
    out = F.conv2d(x.view(1, batch * in_ch, h, w), weight, padding=conv.padding, groups=batch)
    return out.view(batch, conv.out_channel, h, w)


@pytest.mark.parametrize("layer", ["conv1", "convs.0", "convs.1", "to_rgbs.0"])
def test_modulated_conv_equals_per_sample_weight_reference(layer):
    torch.manual_seed(0)
    cfg = StyleGAN2Config(size=16, style_dim=32, n_mlp=2, channels={4: 24, 8: 16, 16: 8})
    g = Generator(cfg)
    conv = g.get_submodule(layer).conv
    x = torch.randn(3, conv.in_channel, 6, 6)
    style = torch.randn(3, 32)
    ours = conv(x, style)
    reference = _reference_modulated_conv(conv, x, style)
    assert ours.shape == reference.shape
    torch.testing.assert_close(ours, reference, atol=1e-4, rtol=1e-4)


def test_upsample_kernel_and_blur_match_reference_padding():
    g = Generator(StyleGAN2Config(size=16, style_dim=8, n_mlp=1, channels={4: 4, 8: 4, 16: 4}))
    torch.testing.assert_close(g.convs[0].conv.blur.kernel, make_kernel([1, 3, 3, 1]) * 4)
    assert (g.convs[0].conv.blur.pad0, g.convs[0].conv.blur.pad1) == (1, 1)
    assert (g.to_rgbs[0].upsample.pad0, g.to_rgbs[0].upsample.pad1) == (2, 1)
    # A constant image stays constant through the skip upsampler (the FIR kernel sums to factor^2).
    up = g.to_rgbs[0].upsample(torch.ones(1, 3, 8, 8))
    torch.testing.assert_close(up[..., 2:-2, 2:-2], torch.ones(1, 3, 12, 12))


def test_mapping_has_pixelnorm_and_lr_multiplier():
    g = Generator(StyleGAN2Config(size=16, style_dim=8, n_mlp=2, channels={4: 4, 8: 4, 16: 4}))
    assert g.style[1].scale == pytest.approx(0.01 / math.sqrt(8))
    z = torch.randn(5, 8)
    torch.testing.assert_close(g.mapping(z), g.mapping(3.0 * z))  # PixelNorm removes the scale


def test_scripted_generator_is_deterministic_and_trainable(tmp_path):
    torch.manual_seed(0)
    cfg = StyleGAN2Config(size=256, style_dim=64, n_mlp=2,
                          channels={4: 32, 8: 32, 16: 32, 32: 16, 64: 16, 128: 8, 256: 8})
    eager = Generator(cfg).eval()
    path = tmp_path / "g.pt"
    script_generator(eager).save(str(path))
    g = torch.jit.load(str(path))
    w = g.mapping(torch.randn(2, 64)).unsqueeze(1).repeat(1, 14, 1).detach()
    with torch.no_grad():
        a, b = g(w), g(w)
        expected = eager(w)
    assert a.shape == (2, 3, 256, 256)
    assert torch.equal(a, b)
    torch.testing.assert_close(a, expected)
    assert g.mean_latent().shape == (1, 64)
    # Parameters survive export as trainable parameters: one Adam step changes the output.
    params = list(g.parameters())
    assert len(params) == len(list(eager.parameters()))
    assert all(p.requires_grad for p in params)
    opt = torch.optim.Adam(params, lr=1e-2)
    loss = g(w).square().mean()
    loss.backward()
    opt.step()
    with torch.no_grad():
        assert not torch.allclose(g(w), a)


def test_forward_rejects_wrong_latent_shape():
    g = Generator(StyleGAN2Config(size=16, style_dim=8, n_mlp=1, channels={4: 4, 8: 4, 16: 4}))
    with pytest.raises(ValueError, match=r"W\+ \[N, 6, 8\]"):
        g(torch.zeros(1, 5, 8))
