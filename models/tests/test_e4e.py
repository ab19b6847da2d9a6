"""e4e encoder: the public checkpoint's key layout (IR-SE50, 18 styles) and the W+ contract."""
import pytest
import torch

from stitchmodels.arch.e4e import E4EConfig, E4EInference, Encoder4Editing, ir_se50_config

torch.set_num_threads(1)

SMALL = E4EConfig(stages=((8, 8, 2), (8, 16, 2), (16, 24, 2), (24, 32, 1)), stem_channels=8,
                  style_dim=16, n_styles=10, input_resolution=64, se_reduction=4)


def test_state_dict_matches_e4e_ir_se50_layout():
    state = Encoder4Editing(ir_se50_config()).state_dict()
    assert state["input_layer.0.weight"].shape == (64, 3, 3, 3)
    assert state["input_layer.2.weight"].shape == (64,)  # PReLU
    # 3 + 4 + 14 + 3 bottlenecks; projections where the depth changes.
    assert {int(k.split(".")[1]) for k in state if k.startswith("body.")} == set(range(24))
    assert "body.0.shortcut_layer.0.weight" not in state
    assert state["body.3.shortcut_layer.0.weight"].shape == (128, 64, 1, 1)
    assert state["body.7.shortcut_layer.1.running_var"].shape == (256,)
    assert state["body.21.shortcut_layer.0.weight"].shape == (512, 256, 1, 1)
    assert state["body.23.res_layer.1.weight"].shape == (512, 512, 3, 3)
    assert state["body.23.res_layer.5.fc1.weight"].shape == (32, 512, 1, 1)
    assert state["body.23.res_layer.5.fc2.weight"].shape == (512, 32, 1, 1)
    assert {int(k.split(".")[1]) for k in state if k.startswith("styles.")} == set(range(18))
    # Coarse blocks read 16x16 maps (4 strided convs), middle 32x32 (5), fine 64x64 (6).
    for index, convs in ((0, 4), (2, 4), (3, 5), (6, 5), (7, 6), (17, 6)):
        conv_keys = [k for k in state if k.startswith(f"styles.{index}.convs.") and k.endswith(".weight")]
        assert len(conv_keys) == convs, index
    assert state["styles.5.linear.weight"].shape == (512, 512)
    assert state["latlayer1.weight"].shape == (512, 256, 1, 1)
    assert state["latlayer2.weight"].shape == (512, 128, 1, 1)


def test_codes_share_base_code_w0():
    torch.manual_seed(0)
    enc = Encoder4Editing(SMALL).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        codes = enc(x)
        c = enc.input_layer(x)
        for layer in enc.body:
            c = layer(c)
        w0 = enc.styles[0](c)
        delta1 = enc.styles[1](c)
    assert codes.shape == (2, 10, 16)
    torch.testing.assert_close(codes[:, 0], w0)
    torch.testing.assert_close(codes[:, 1], w0 + delta1)


def test_inference_adds_average_latent_and_resizes(tmp_path):
    torch.manual_seed(0)
    enc = Encoder4Editing(SMALL).eval()
    avg = torch.randn(10, 16)
    model = torch.jit.script(E4EInference(enc, avg, 64).eval())
    model.save(str(tmp_path / "e.pt"))
    loaded = torch.jit.load(str(tmp_path / "e.pt"))
    x = torch.rand(3, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), enc(x) + avg)
        big = torch.nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")
        assert loaded(big).shape == (3, 10, 16)  # 128 input resized to the encoder's 64


def test_inference_accepts_single_row_average_and_rejects_bad_shapes():
    enc = Encoder4Editing(SMALL)
    assert E4EInference(enc, torch.zeros(16), 64).latent_avg.shape == (10, 16)
    with pytest.raises(ValueError, match="latent_avg has 3 rows"):
        E4EInference(enc, torch.zeros(3, 16), 64)
    with pytest.raises(ValueError, match=r"\[N, 3, H, W\]"):
        E4EInference(enc, torch.zeros(16), 64)(torch.zeros(1, 1, 64, 64))
