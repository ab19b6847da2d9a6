"""ArcFace IR-SE50 converter on a randomly initialised network of the real checkpoint layout."""
import pytest
import torch
import torch.nn.functional as F

import converter_args
from stitchmodels.arch.arcface import IRSE
from stitchmodels.converters import arcface as converter
from stitchmodels.converters.checkpoints import CheckpointMismatch

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("arcface")
    torch.manual_seed(0)
    backbone = IRSE().eval()
    for module in backbone.modules():
        if isinstance(module, (torch.nn.BatchNorm2d, torch.nn.BatchNorm1d)):
            module.running_var.uniform_(0.5, 1.5)
    torch.save(backbone.state_dict(), folder / "model_ir_se50.pth")
    entry = converter.convert(converter_args.parse(converter, [folder / "model_ir_se50.pth", folder / "identity.pt"]))
    return backbone, entry, torch.jit.load(str(folder / "identity.pt"))


def test_state_dict_matches_insightface_layout():
    state = IRSE().state_dict()
    assert state["input_layer.0.weight"].shape == (64, 3, 3, 3)
    assert state["input_layer.2.weight"].shape == (64,)  # PReLU
    assert len({k.split(".")[1] for k in state if k.startswith("body.")}) == 24  # 3 + 4 + 14 + 3 units
    assert "body.0.shortcut_layer.0.weight" not in state  # 64 -> 64: a strided MaxPool2d(1) shortcut
    assert state["body.3.shortcut_layer.0.weight"].shape == (128, 64, 1, 1)
    assert state["body.23.res_layer.5.fc1.weight"].shape == (32, 512, 1, 1)  # SE reduction 16
    assert state["output_layer.3.weight"].shape == (512, 512 * 7 * 7)
    assert state["output_layer.4.running_var"].shape == (512,)
    assert sum(v.numel() for k, v in IRSE().named_parameters()) == 43_797_696


def test_convert_reproduces_psp_identity_preprocessing(converted):
    backbone, entry, identity = converted
    assert entry == {"input_resolution": 256, "embedding_dim": 512}
    crop = torch.rand(2, 3, 256, 256) * 2 - 1
    with torch.no_grad():
        embedding = identity(crop)
        # pSp/e4e IDLoss: crop rows 35:223, columns 32:220, pool to 112, then the backbone.
        expected = backbone(F.adaptive_avg_pool2d(crop[:, :, 35:223, 32:220], 112))
    assert embedding.shape == (2, 512)
    assert torch.allclose(embedding.norm(dim=1), torch.ones(2), atol=1e-5)
    assert torch.allclose(embedding, expected, atol=1e-5)


def test_converted_model_scales_face_box_with_crop_size(converted):
    backbone, _, identity = converted
    crop = torch.rand(1, 3, 512, 512) * 2 - 1
    with torch.no_grad():
        embedding = identity(crop)
        expected = backbone(F.adaptive_avg_pool2d(crop[:, :, 70:446, 64:440], 112))  # the 256 box, doubled
    assert torch.allclose(embedding, expected, atol=1e-5)


def test_convert_refuses_truncated_checkpoint(tmp_path):
    state = IRSE(units=(3, 4, 13, 3)).state_dict()  # an IR-SE49: one unit short
    torch.save(state, tmp_path / "short.pth")
    with pytest.raises(CheckpointMismatch, match="missing"):
        converter.convert(converter_args.parse(converter, [tmp_path / "short.pth", tmp_path / "out.pt"]))


def test_demo_identity_separates_people():
    """The shipped demo embedder: two renders of one person are closer than renders of two people."""
    import dataclasses
    import os

    import numpy as np

    from stitchmodels import manifest
    from stitchmodels.align import aligned_crop
    from stitchmodels.render import render, sample_identity, sample_state

    path = os.path.join(os.path.dirname(__file__), "..", "manifest.json")
    entry = manifest.load(path)["models"]["identity"]
    manifest.verify(path, "models", "identity")
    model = torch.jit.load(manifest.resolve(path, entry))
    size = entry["input_resolution"]
    rng = np.random.default_rng(31)
    people = [sample_identity(rng) for _ in range(6)]
    crops = []
    for person in people:
        for view in range(2):
            state = dataclasses.replace(sample_state(rng, 256), age=person.age)
            out = render(person, state, 256, 60 + view)
            crops.append(aligned_crop(out.image, out.landmarks, size))
    with torch.no_grad():
        emb = model(torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float() / 127.5 - 1)
    assert emb.shape == (12, entry["embedding_dim"])
    assert torch.allclose(emb.norm(dim=1), torch.ones(12), atol=1e-4)
    sims = emb @ emb.t()
    same = torch.tensor([sims[2 * p, 2 * p + 1] for p in range(6)])
    different = torch.tensor([sims[2 * p, 2 * q] for p in range(6) for q in range(6) if p != q])
    threshold = entry["same_identity_threshold"]
    correct = torch.cat([same >= threshold, different < threshold]).float().mean()
    assert float(correct) >= 0.85, (same, different)  # the held-out evaluation reaches >= 0.95 on 4000 pairs
    assert same.mean() > different.mean() + 0.3
