"""convert.py on fake checkpoints in the real layouts (FFHQ 1024 config-f StyleGAN2, e4e IR-SE50,
InterFaceGAN boundary), and the manifest's checksum guard."""
import json
import os
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
import convert  # noqa: E402
from stitchmodels import manifest  # noqa: E402
from stitchmodels.arch.e4e import Encoder4Editing, ir_se50_config  # noqa: E402
from stitchmodels.arch.stylegan2 import Generator, StyleGAN2Config, config_f  # noqa: E402

torch.set_num_threads(1)


def _rosinality_checkpoint(path, config):
    torch.manual_seed(1)
    g = Generator(config)
    for name, p in g.named_parameters():
        if name.endswith("noise.weight") or name.endswith("activate.bias"):
            p.data.uniform_(-0.1, 0.1)  # non-zero, so a dropped parameter changes the output
    g_ema = {k: v for k, v in g.state_dict().items() if k != "latent_avg"}
    latent_avg = torch.randn(config.style_dim)
    torch.save({"g_ema": g_ema, "latent_avg": latent_avg, "g": {}, "d": {}}, path)
    return g_ema, latent_avg


def test_stylegan2_ffhq_1024_converts_unchanged(tmp_path):
    ckpt, out, man = tmp_path / "stylegan2-ffhq-config-f.pt", tmp_path / "out" / "g.pt", tmp_path / "out" / "manifest.json"
    g_ema, latent_avg = _rosinality_checkpoint(ckpt, config_f(1024))
    assert convert.main(["stylegan2", str(ckpt), str(out), "--manifest", str(man)]) == 0
    g = torch.jit.load(str(out))
    state = g.state_dict()
    assert set(state) == set(g_ema) | {"latent_avg"}
    for k, v in g_ema.items():
        assert torch.equal(state[k], v), k
    torch.testing.assert_close(g.mean_latent(), latent_avg[None])
    with torch.no_grad():
        img = g(latent_avg.view(1, 1, 512).repeat(1, 18, 1))
    assert img.shape == (1, 3, 1024, 1024)
    assert torch.isfinite(img).all() and img.std() > 0
    entry = json.loads(man.read_text())["models"]["generator"]
    assert entry == {"file": "g.pt", "sha256": manifest.sha256_file(str(out)), "resolution": 1024,
                     "latent_layers": 18, "latent_dim": 512, "z_dim": 512}


def test_stylegan2_256_forward_matches_eager(tmp_path):
    config = StyleGAN2Config(size=256, style_dim=512, n_mlp=8,
                             channels={4: 512, 8: 512, 16: 512, 32: 512, 64: 512, 128: 256, 256: 128})
    ckpt, out = tmp_path / "ffhq256.pt", tmp_path / "g256.pt"
    g_ema, latent_avg = _rosinality_checkpoint(ckpt, config)
    assert convert.main(["stylegan2", str(ckpt), str(out), "--manifest", str(tmp_path / "m.json")]) == 0
    eager = Generator(config)
    eager.load_state_dict({**g_ema, "latent_avg": latent_avg})
    g = torch.jit.load(str(out))
    torch.manual_seed(2)
    w = g.mapping(torch.randn(2, 512)).unsqueeze(1).repeat(1, 14, 1)
    with torch.no_grad():
        torch.testing.assert_close(g(w), eager.eval()(w))
        torch.testing.assert_close(g.mapping(w[:, 0]), eager.mapping(w[:, 0]))


def test_e4e_ir_se50_converts_and_encodes(tmp_path):
    torch.manual_seed(3)
    enc = Encoder4Editing(ir_se50_config()).eval()
    latent_avg = torch.randn(18, 512)
    ckpt = tmp_path / "e4e_ffhq_encode.pt"
    state = {f"encoder.{k}": v for k, v in enc.state_dict().items()}
    state["decoder.style.1.weight"] = torch.zeros(1)  # the generator half is ignored
    torch.save({"state_dict": state, "latent_avg": latent_avg, "opts": {"encoder_type": "Encoder4Editing"}}, ckpt)
    out, man = tmp_path / "e.pt", tmp_path / "manifest.json"
    assert convert.main(["e4e", str(ckpt), str(out), "--manifest", str(man)]) == 0
    model = torch.jit.load(str(out))
    x = torch.rand(1, 3, 256, 256) * 2 - 1
    with torch.no_grad():
        codes = model(x)
        expected = enc(x) + latent_avg
    assert codes.shape == (1, 18, 512)
    torch.testing.assert_close(codes, expected, atol=1e-4, rtol=1e-4)
    entry = json.loads(man.read_text())["models"]["encoder"]
    assert entry["input_resolution"] == 256 and entry["latent_layers"] == 18 and entry["latent_dim"] == 512


def test_interfacegan_boundary_becomes_direction(tmp_path):
    boundary = np.random.default_rng(0).normal(size=(1, 512))
    boundary /= np.linalg.norm(boundary)
    src, out, man = tmp_path / "stylegan_ffhq_smile_w_boundary.npy", tmp_path / "dirs" / "smile.npy", tmp_path / "manifest.json"
    np.save(src, boundary)
    assert convert.main(["interfacegan", str(src), str(out), "--manifest", str(man), "--name", "smile",
                         "--default-step", "2.0"]) == 0
    d = np.load(out)
    assert d.dtype == np.float32 and d.shape == (1, 512)
    np.testing.assert_allclose(d, boundary, rtol=1e-6)
    entry = json.loads(man.read_text())["directions"]["smile"]
    assert entry["file"] == "dirs/smile.npy" and entry["shape"] == [1, 512]
    assert entry["default_step"] == 2.0 and entry["attribute"] == "smile"


def test_wrong_checkpoint_is_refused_and_leaves_no_output(tmp_path, capsys):
    bad = tmp_path / "not_a_generator.pt"
    torch.save({"g_ema": {"conv.weight": torch.zeros(3)}}, bad)
    out = tmp_path / "g.pt"
    with pytest.raises(ValueError, match="not a StyleGAN2 generator"):
        convert.main(["stylegan2", str(bad), str(out), "--manifest", str(tmp_path / "m.json")])
    assert not os.listdir(tmp_path) == [] and not out.exists()
    assert not (tmp_path / "m.json").exists()
    assert convert.main(["nosuchkind", str(bad), str(out)]) == 2
    assert "known kinds" in capsys.readouterr().err


def test_manifest_detects_tampered_file(tmp_path):
    model = tmp_path / "demo" / "generator.pt"
    model.parent.mkdir()
    model.write_bytes(b"model bytes")
    man = tmp_path / "manifest.json"
    stored = manifest.register(str(man), "models", "generator", str(model), {"resolution": 128})
    other = tmp_path / "demo" / "encoder.pt"
    other.write_bytes(b"encoder bytes")
    manifest.register(str(man), "models", "encoder", str(other), {"input_resolution": 128})
    data = json.loads(man.read_text())
    assert set(data["models"]) == {"generator", "encoder"}  # registering merges
    assert data["models"]["generator"]["file"] == "demo/generator.pt"
    assert manifest.verify(str(man)) == 2
    model.write_bytes(b"model bytez")
    with pytest.raises(manifest.ChecksumMismatch) as err:
        manifest.verify(str(man))
    assert str(model) in str(err.value) and stored["sha256"] in str(err.value)
    model.unlink()
    with pytest.raises(manifest.ManifestError, match="missing"):
        manifest.verify(str(man), "models", "generator")


def test_generator_and_encoder_from_one_e4e_checkpoint(tmp_path):
    """An e4e checkpoint carries its generator as decoder.* (rosinality layout) with latent_avg [L, D]."""
    torch.manual_seed(4)
    g_config = StyleGAN2Config(size=32, style_dim=16, n_mlp=2, channels={4: 16, 8: 16, 16: 8, 32: 8})
    g = Generator(g_config)
    from stitchmodels.arch.e4e import E4EConfig
    e_config = E4EConfig(stages=((8, 8, 2), (8, 16, 1), (16, 24, 2), (24, 32, 1)), stem_channels=8, style_dim=16,
                         n_styles=8, input_resolution=64, se_reduction=4)
    enc = Encoder4Editing(e_config).eval()
    latent_avg = torch.randn(16).repeat(8, 1)
    state = {f"encoder.{k}": v for k, v in enc.state_dict().items()}
    state.update({f"decoder.{k}": v for k, v in g.state_dict().items() if k != "latent_avg"})
    ckpt = tmp_path / "e4e_small.pt"
    torch.save({"state_dict": state, "latent_avg": latent_avg}, ckpt)
    man = tmp_path / "manifest.json"
    assert convert.main(["stylegan2", str(ckpt), str(tmp_path / "g.pt"), "--manifest", str(man),
                         "--key", "state_dict", "--prefix", "decoder."]) == 0
    assert convert.main(["e4e", str(ckpt), str(tmp_path / "e.pt"), "--manifest", str(man),
                         "--input-resolution", "64"]) == 0
    gen, encoder = torch.jit.load(str(tmp_path / "g.pt")), torch.jit.load(str(tmp_path / "e.pt"))
    torch.testing.assert_close(gen.mean_latent(), latent_avg[:1])
    x = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        codes = encoder(x)
        torch.testing.assert_close(codes, enc(x) + latent_avg)
        assert gen(codes).shape == (2, 3, 32, 32)
    entries = json.loads(man.read_text())["models"]
    assert entries["generator"]["latent_layers"] == entries["encoder"]["latent_layers"] == 8
